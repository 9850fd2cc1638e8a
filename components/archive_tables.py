"""The Glue tables over the two archives, as plain data: columns, SerDe and table properties.

A plain module (no Pulumi import), so that the component (components/archive_queries.py) and the tests (which
read the archives with a local engine through exactly these definitions) share one copy.

Both archives hold GZIP objects of JSON lines, one record per line, under the time partitions of
components/archive_layout.py. The tables read them with the OpenX JSON SerDe:
- `ignore.malformed.json`: a line that is not valid JSON becomes a row of NULLs instead of failing the query
  (every saved query filters on a column such a row lacks);
- `case.insensitive` (the SerDe's default, stated anyway): JSON keys are matched in lower case, at every level,
  so the ECS event's `stopCode` is the struct field `stopcode`; Athena lowercases names anyway;
- `mapping.<column>`: a column whose JSON key is not a valid column name (`detail-type`).
Columns are the fields the producers write; keys not listed are ignored by the SerDe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from components.archive_layout import location_template, projection_parameters

SERDE_LIBRARY: Final = "org.openx.data.jsonserde.JsonSerDe"
INPUT_FORMAT: Final = "org.apache.hadoop.mapred.TextInputFormat"
OUTPUT_FORMAT: Final = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
TABLE_TYPE: Final = "EXTERNAL_TABLE"
BASE_SERDE_PARAMETERS: Final = {"ignore.malformed.json": "true", "case.insensitive": "true"}


@dataclass(frozen=True)
class Column:
    name: str  # lower case, letters, digits and underscores only (Athena)
    type: str  # a Hive type: string, int, bigint, array<...>, struct<name:type,...>
    comment: str


@dataclass(frozen=True)
class ArchiveTable:
    name: str
    description: str
    columns: tuple[Column, ...]
    key_mappings: Mapping[str, str] = field(default_factory=dict)  # column -> JSON key, where they differ

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def serde_parameters(self) -> dict[str, str]:
        mappings = {f"mapping.{column}": key for column, key in self.key_mappings.items()}
        return {**BASE_SERDE_PARAMETERS, **mappings}

    def table_parameters(self, bucket: str, s3_prefix: str) -> dict[str, str]:
        """Glue table parameters: JSON data, partition projection and where the partitions are."""
        return {
            "classification": "json",
            "EXTERNAL": "TRUE",
            **projection_parameters(),
            "storage.location.template": location_template(bucket, s3_prefix),
        }


def _strings(*names_and_comments: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, "string", comment) for name, comment in names_and_comments)


# What the log router (fluentbit/) writes for every line of an app container: FireLens's keys, the parsed access
# fields (parsers.conf; absent when httpd logged "-" or the line is not an access line), and `time`.
APP_LOG_TABLE: Final = ArchiveTable(
    name="app_logs",
    description="Every line the app containers wrote, as the log router archived it",
    columns=(
        *_strings(
            ("time", "ISO 8601 UTC, whole seconds: the request time of an access line, else when it was logged"),
            ("source", "stdout or stderr"),
            ("log", "the line as the container wrote it"),
            ("client", "access line: client address (%h)"),
            ("ident", "access line: identd user (%l), when known"),
            ("user", "access line: authenticated user (%u), when known"),
            ("method", "access line: request method"),
            ("path", "access line: request target, query string included"),
            ("protocol", "access line: HTTP version, e.g. HTTP/1.1"),
            ("status", "access line: HTTP status as a string, e.g. 503"),
        ),
        Column("bytes", "bigint", "access line: response body bytes (0 when httpd logged -)"),
        *_strings(
            ("referer", "combined format: Referer header, when sent"),
            ("agent", "combined format: User-Agent header, when sent"),
            ("container_id", "the container runtime's id of the app container"),
            ("container_name", "the runtime's name of the app container"),
            ("ecs_cluster", "the ECS cluster"),
            ("ecs_task_arn", "the task that ran the container"),
            ("ecs_task_definition", "family:revision of the task definition"),
        ),
    ),
)

_CONTAINER = "struct<name:string,image:string,laststatus:string,exitcode:int,reason:string>"
_DETAIL_FIELDS = (
    "clusterarn:string",
    "taskarn:string",
    "taskdefinitionarn:string",
    "group:string",
    "launchtype:string",
    "availabilityzone:string",
    "cpu:string",
    "memory:string",
    "laststatus:string",
    "desiredstatus:string",
    "stopcode:string",
    "stoppedreason:string",
    "createdat:string",
    "pullstartedat:string",
    "pullstoppedat:string",
    "startedat:string",
    "stoppingat:string",
    "stoppedat:string",
    "executionstoppedat:string",
    "version:bigint",
    f"containers:array<{_CONTAINER}>",
)

# The ECS Task State Change event as EventBridge delivers it, one event per line.
TASK_STOP_TABLE: Final = ArchiveTable(
    name="task_stops",
    description="Every STOPPED ECS task event, as EventBridge delivered it",
    columns=(
        *_strings(
            ("version", "event envelope version, always 0"),
            ("id", "event id (a redelivered event keeps its id)"),
            ("detail_type", "ECS Task State Change"),
            ("source", "aws.ecs"),
            ("account", "the account of the task"),
            ("time", "ISO 8601 UTC: when the event was emitted"),
            ("region", "the region of the task"),
        ),
        Column("resources", "array<string>", "the task ARN"),
        Column(
            "detail",
            "struct<" + ",".join(_DETAIL_FIELDS) + ">",
            "the task as ECS describes it; names in lower case (stopcode, stoppedreason, containers, ...)",
        ),
    ),
    key_mappings={"detail_type": "detail-type"},
)

ARCHIVE_TABLES: Final = (APP_LOG_TABLE, TASK_STOP_TABLE)
