"""A local stand-in for Athena over the archives: Glue table definitions + S3 objects -> DuckDB, Trino SQL -> DuckDB.

Only the table definition the program registers (the Glue CreateTable input, `glue_table_input`) says how objects
are read, as Athena does:
- partition projection: an object belongs to a table when its key matches `storage.location.template` with each
  `${key}` replaced by a value that the key's integer projection produces (within `range`, written with exactly
  `digits` digits); nothing else of the bucket is read (Athena user guide, "Partition projection with Amazon
  Athena" and "Supported types for partition projection");
- compression from the file extension: `.gz` is GZIP, anything else plain text (Athena user guide, "Athena
  compression support", doc_source/compression-formats.md in awsdocs/amazon-athena-user-guide: "For data in CSV,
  TSV, and JSON, Athena determines the compression type from the file extension");
- one record per line, read the way the OpenX JSON SerDe reads it (rcongiu/Hive-JSON-Serde,
  json-serde/src/main/java/org/openx/data/jsonserde/JsonSerDe.java `deserialize` and json/.../JSONObject.java
  `getKey`): a line that does not start with `{` is a row of NULLs; a line that fails to parse is a row of NULLs
  with `ignore.malformed.json` true ("Malformed records will return as NULL", Athena user guide,
  "Troubleshooting in Athena") and an error without it; with `case.insensitive` (default true) every key, at every
  level, is matched in lower case; `mapping.<column>` names a column's JSON key; keys without a column are ignored.
  A value whose JSON type does not fit the column's Hive type fails the load here: the table must describe what
  the producers really write;
- with the Parquet SerDe (`org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe`), every object is one
  Parquet file (its compression is inside it), read by column name unless `parquet.column.index.access` is true
  ("Athena reads Parquet by name by default", Athena user guide, "Handling schema updates"), names matched in lower
  case; a column the file lacks is NULL. A file column whose Parquet type is not the column's Hive type (int:
  INT32, bigint: INT64, string: UTF8 BYTE_ARRAY) fails the load here: no widening, as Spark's reader does not widen
  either (opensearch-project/opensearch-catalog issue 167: "Column: [protocol], Expected: bigint, Found: INT32").
Queries are Trino SQL (Athena engine version 3), transpiled by sqlglot to DuckDB; `current_timestamp` is pinned to
the instant the test chooses, and DuckDB's session zone is UTC.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from offline.harness import RecordedResource


def glue_table_input(resource: RecordedResource) -> dict[str, Any]:
    """The TableInput of the Glue CreateTable request the provider makes from a CatalogTable's wire inputs."""
    inputs = resource.plain_inputs()
    storage = inputs["storageDescriptor"]
    serde = storage["serDeInfo"]

    def columns(items: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
        return [{"Name": c["name"], "Type": c["type"], "Comment": c["comment"]} for c in items]

    return {
        "Name": inputs["name"],
        "Description": inputs["description"],
        "TableType": inputs["tableType"],
        "Parameters": dict(inputs["parameters"]),
        "PartitionKeys": columns(inputs["partitionKeys"]),
        "StorageDescriptor": {
            "Location": storage["location"],
            "InputFormat": storage["inputFormat"],
            "OutputFormat": storage["outputFormat"],
            "SerdeInfo": {"SerializationLibrary": serde["serializationLibrary"], "Parameters": serde["parameters"]},
            "Columns": columns(storage["columns"]),
        },
    }


# --- Hive types -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HiveType:
    kind: str  # string, int, bigint, array, struct
    element: HiveType | None = None  # array
    fields: tuple[tuple[str, HiveType], ...] = ()  # struct


def parse_hive_type(text: str) -> HiveType:
    hive_type, rest = _parse(text.replace(" ", ""))
    if rest:
        raise ValueError(f"trailing text in Hive type {text!r}: {rest!r}")
    return hive_type


def _parse(text: str) -> tuple[HiveType, str]:
    if text.startswith("array<"):
        element, rest = _parse(text[len("array<") :])
        return HiveType("array", element=element), _expect(rest, ">")
    if text.startswith("struct<"):
        rest, fields = text[len("struct<") :], []
        while True:
            name, _, rest = rest.partition(":")
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ValueError(f"struct field name {name!r}")
            field_type, rest = _parse(rest)
            fields.append((name, field_type))
            if rest.startswith(","):
                rest = rest[1:]
                continue
            return HiveType("struct", fields=tuple(fields)), _expect(rest, ">")
    match = re.match(r"(string|int|bigint)", text)
    if not match:
        raise ValueError(f"unsupported Hive type at {text!r}")
    return HiveType(match.group(1)), text[match.end() :]


def _expect(text: str, token: str) -> str:
    if not text.startswith(token):
        raise ValueError(f"expected {token!r} at {text!r}")
    return text[len(token) :]


SCALAR_TYPES = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT"}


def sql_type(hive: HiveType, dialect: str = "duckdb") -> str:
    """The SQL type of a Hive type in DuckDB (`T[]`, `STRUCT(...)`) or Trino (`ARRAY(T)`, `ROW(...)`)."""
    if hive.kind == "array":
        assert hive.element is not None
        element = sql_type(hive.element, dialect)
        return f"ARRAY({element})" if dialect == "trino" else f"{element}[]"
    if hive.kind == "struct":
        fields = ", ".join(f'"{name}" {sql_type(t, dialect)}' for name, t in hive.fields)
        return f"ROW({fields})" if dialect == "trino" else f"STRUCT({fields})"
    return SCALAR_TYPES[hive.kind]


def convert(value: Any, hive: HiveType, where: str) -> Any:
    """A JSON value as the column's type, or an error when the JSON type does not fit."""
    if value is None:
        return None
    if hive.kind == "string" and isinstance(value, str):
        return value
    if hive.kind in ("int", "bigint") and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hive.kind == "array" and isinstance(value, list):
        assert hive.element is not None
        return [convert(item, hive.element, f"{where}[]") for item in value]
    if hive.kind == "struct" and isinstance(value, dict):
        return {name: convert(value.get(name), t, f"{where}.{name}") for name, t in hive.fields}
    raise TypeError(f"{where}: JSON {type(value).__name__} {value!r} does not fit Hive type {hive.kind}")


def lowercase_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key.lower(): lowercase_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lowercase_keys(item) for item in value]
    return value


# --- the table's objects ------------------------------------------------------------------------------------


def partition_values(table: Mapping[str, Any], uri: str) -> dict[str, int] | None:
    """The partition values of an object, if the table's projection reads it; None otherwise."""
    parameters = table["Parameters"]
    assert parameters["projection.enabled"] == "true"
    template = parameters["storage.location.template"]
    keys = [key["Name"] for key in table["PartitionKeys"]]
    pattern = re.escape(template)
    for key in keys:
        pattern = pattern.replace(re.escape(f"${{{key}}}"), f"(?P<{key}>[^/]+)", 1)
    match = re.fullmatch(pattern + r"[^/]+", uri)
    if match is None:
        return None
    values = {}
    for key in keys:
        assert parameters[f"projection.{key}.type"] == "integer", key
        low, high = (int(v) for v in parameters[f"projection.{key}.range"].split(","))
        digits = int(parameters.get(f"projection.{key}.digits", "0"))
        text = match.group(key)
        if not text.isdigit() or (digits and len(text) != digits) or not low <= int(text) <= high:
            return None
        values[key] = int(text)
    return values


OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
# The Parquet physical type and converted (logical) type of each scalar Hive type (`None`: no converted type).
PARQUET_TYPES: dict[str, set[tuple[str, str | None]]] = {
    "int": {("INT32", "INT_32"), ("INT32", None)},
    "bigint": {("INT64", "INT_64"), ("INT64", None)},
    "string": {("BYTE_ARRAY", "UTF8")},
}


def read_rows(table: Mapping[str, Any], uri: str, body: bytes) -> list[dict[str, Any]]:
    """Every row an object gives, as the table's SerDe reads it (partition columns not included)."""
    library = table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"]
    if library == PARQUET_SERDE:
        return read_parquet_rows(table, uri, body)
    assert library == OPENX_JSON_SERDE, library
    return read_json_rows(table, uri, body)


def read_parquet_rows(table: Mapping[str, Any], uri: str, body: bytes) -> list[dict[str, Any]]:
    """Every row of one Parquet object, its columns matched to the table's by name."""
    storage = table["StorageDescriptor"]
    options = storage["SerdeInfo"].get("Parameters") or {}
    assert options.get("parquet.column.index.access", "false").lower() == "false", "only access by name is modelled"
    columns = [(c["Name"], parse_hive_type(c["Type"])) for c in storage["Columns"]]
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect() as connection:
        path = Path(scratch) / "object.parquet"
        path.write_bytes(body)
        schema = connection.execute(
            "SELECT name, type, converted_type FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]
        ).fetchall()
        in_file = {name.lower(): (name, (physical, converted)) for name, physical, converted in schema}
        selected = []
        for name, hive in columns:
            if name not in in_file:
                selected.append(f'NULL AS "{name}"')
                continue
            file_name, parquet_type = in_file[name]
            if parquet_type not in PARQUET_TYPES.get(hive.kind, set()):
                raise TypeError(f"{uri}: {name}: Parquet {parquet_type} does not fit Hive type {hive.kind}")
            selected.append(f'"{file_name}" AS "{name}"')
        cursor = connection.execute(f"SELECT {', '.join(selected)} FROM read_parquet(?)", [str(path)])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_json_rows(table: Mapping[str, Any], uri: str, body: bytes) -> list[dict[str, Any]]:
    """Every row an object gives, as the OpenX JSON SerDe reads its lines (partition columns not included)."""
    serde = table["StorageDescriptor"]["SerdeInfo"]
    options = serde["Parameters"]
    ignore_malformed = options.get("ignore.malformed.json", "false").lower() == "true"
    case_insensitive = options.get("case.insensitive", "true").lower() == "true"
    columns = [(c["Name"], parse_hive_type(c["Type"])) for c in table["StorageDescriptor"]["Columns"]]
    text = (gzip.decompress(body) if uri.endswith(".gz") else body).decode()
    rows = []
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        record: dict[str, Any] = {}
        if line.strip().startswith("{"):
            try:
                parsed = json.loads(line)
            except json.JSONDecodeError:
                if not ignore_malformed:
                    raise
                parsed = {}
            record = lowercase_keys(parsed) if case_insensitive else parsed
        row = {}
        for name, hive in columns:
            key = options.get(f"mapping.{name}", name)
            row[name] = convert(record.get(key.lower() if case_insensitive else key), hive, f"{uri}: {name}")
        rows.append(row)
    return rows


class LocalAthena:
    """DuckDB holding the tables' rows, read from `objects` (S3 URI -> body) through their definitions."""

    def __init__(self, tables: Iterable[Mapping[str, Any]], objects: Mapping[str, bytes]) -> None:
        self.connection = duckdb.connect()
        self.connection.execute("SET TimeZone = 'UTC'")
        self.partitions: dict[str, set[tuple[int, ...]]] = {}
        with tempfile.TemporaryDirectory() as scratch:
            for table in tables:
                self._load(table, objects, Path(scratch))

    def _load(self, table: Mapping[str, Any], objects: Mapping[str, bytes], scratch: Path) -> None:
        name = table["Name"]
        keys = [key["Name"] for key in table["PartitionKeys"]]
        column_types = {c["Name"]: sql_type(parse_hive_type(c["Type"])) for c in table["StorageDescriptor"]["Columns"]}
        column_types.update({key["Name"]: sql_type(parse_hive_type(key["Type"])) for key in table["PartitionKeys"]})
        path = scratch / f"{name}.json"
        seen = set()
        with path.open("w") as out:
            for uri, body in sorted(objects.items()):
                values = partition_values(table, uri)
                if values is None:
                    continue
                seen.add(tuple(values[key] for key in keys))
                for row in read_rows(table, uri, body):
                    out.write(json.dumps({**row, **values}) + "\n")
        self.partitions[name] = seen
        columns = ", ".join(f"'{column}': '{type_}'" for column, type_ in column_types.items())
        self.connection.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_json('{path}', format = 'newline_delimited', "
            f"columns = {{{columns}}})"
        )

    def query(
        self, trino_sql: str, parameters: Sequence[Any] = (), now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a Trino query as dicts, `current_timestamp` being `now`."""
        cursor = self.connection.execute(to_duckdb(trino_sql, now), list(parameters))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def to_duckdb(trino_sql: str, now: datetime | None = None) -> str:
    return pin_now(sqlglot.parse_one(trino_sql, read="trino"), now).sql(dialect="duckdb")


def pin_now(tree: exp.Expr, now: datetime | None) -> exp.Expr:
    """`tree` with every `current_timestamp` replaced by the instant `now` (unchanged without one)."""
    if now is None:
        return tree
    instant = exp.cast(exp.Literal.string(now.isoformat()), exp.DataType.build("TIMESTAMPTZ"))
    return tree.transform(lambda node: instant.copy() if isinstance(node, exp.CurrentTimestamp) else node)
