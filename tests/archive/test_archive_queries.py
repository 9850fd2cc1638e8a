"""components/archive/queries.py (and layout, tables, saved_queries): Athena over the S3 archives.

- The Glue tables and the Firehose prefixes come from one definition and agree, instant by instant.
- The Glue CreateDatabase/CreateTable, Athena CreateWorkGroup/CreateNamedQuery requests the provider makes from
  the recorded wire inputs validate against botocore's models, enums and limits included (tests/support/aws_api.py).
- Every saved query parses as Trino SQL, names only the tables and columns (struct fields too) the stack defines,
  uses only documented Trino functions, and reads a bounded number of partitions.
- Every saved query runs on a local engine (tests/support/local_athena.py: DuckDB, sqlglot's Trino-to-DuckDB transpile)
  over objects shaped exactly as the pipeline writes them: GZIP JSON lines under the Hive prefixes, the app log
  records as the real Fluent Bit wrote them (tests/support/archive_fixture.py), ECS task events as EventBridge delivers
  them (tests/support/ecs_events.py) and WAF log records as AWS's documentation shows them (tests/fixtures/
  waf_log_records.json), put in objects the way the archives' delivery streams write them (the producer and
  Firehose models of tests/archive/test_log_archive.py), plus a malformed line in each archive and an object in the
  error tree that no table may read, and VPC flow log records as AWS's documentation shows them (tests/fixtures/
  flow_log_records.json) in Parquet objects under the flow log's Hive-compatible hourly prefixes; and returns the
  expected rows.
- The VPC flow log table has the default format's fields with the Parquet types AWS documents, and its location
  template is the prefix the flow log delivers to, this account's and this region's.
- The WAF log table has a place for every key of the documented records and every documented field, except a few
  it leaves out on purpose, each with its reason.
- The reader policy grants exactly what reading needs, and nothing of the error trees.

Athena user guide pages are cited by title. Each is https://docs.aws.amazon.com/athena/latest/ug/<file>.html, and
its text is in awsdocs/amazon-athena-user-guide, doc_source/<file>.md: partition-projection,
partition-projection-setting-up, partition-projection-supported-types, partition-projection-kinesis-firehose-example
("Amazon Kinesis Data Firehose example"), compression-formats, troubleshooting-athena, openx-json-serde,
querying-network-firewall-logs, tables-databases-columns-names, engine-versions-changing,
workgroups-settings-override, workgroups-setting-control-limits-cloudwatch, example-policies-workgroup,
querying-with-prepared-statements ("Using parameterized queries"), fine-grained-access-to-glue-resources,
s3-permissions, managed-policies (AmazonAthenaFullAccess), encryption ("Encryption at rest"), functions.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import re
import tempfile
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify

from components.archive.layout import TIME_PARTITIONS, firehose_prefix, location_template, projection_parameters
from components.archive.queries import ENGINE_VERSION, MIB, database_name
from components.archive.saved_queries import SAVED_QUERIES, SavedQuery
from components.archive.tables import (
    APP_LOG_TABLE,
    ARCHIVE_TABLES,
    FLOW_LOG_TABLE,
    TASK_STOP_TABLE,
    WAF_LOG_TABLE,
    ArchiveTable,
)
from configuration.limits import ATHENA_BYTES_SCANNED_CUTOFF_MIB
from offline.aws_formats import ACCOUNT_ID
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.support import archive_fixture
from tests.support.aws_api import operation_model, validate_request
from tests.support.ecs_events import REGION, stopped
from tests.support.firehose import (
    archived_object,
    create_request,
    evaluate_prefix,
    producer_records,
    s3_destination,
)
from tests.support.helpers import LOG_ARCHIVE, config_value, delivery_stream, only
from tests.support.helpers import inside as inside_component
from tests.support.iam_lint import as_list, lint_policy, policy_of
from tests.support.local_athena import HiveType, LocalAthena, glue_table_input, parse_hive_type, pin_now, sql_type

KEY_ARN = PIPELINE_VARIANT["archiveKmsKeyArn"]
COMPONENT = "httpd-firelens:logs:ArchiveQueries"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
TABLE = "aws:glue/catalogTable:CatalogTable"
WORKGROUP = "aws:athena/workgroup:Workgroup"
NAMED_QUERY = "aws:athena/namedQuery:NamedQuery"
POLICY = "aws:iam/policy:Policy"
BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
FLOW_LOGS = "httpd-firelens:network:VpcFlowLogs"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
# The Firehose archive of each table (the flow log table reads the flow log bucket, flow_log_bucket()).
ARCHIVE_OF_TABLE = {
    APP_LOG_TABLE.name: "app-log-archive",
    TASK_STOP_TABLE.name: "task-stop-archive",
    WAF_LOG_TABLE.name: "waf-log-archive",
}
PREFIX_OF_ARCHIVE = {
    "app-log-archive": "app-logs/",
    "task-stop-archive": "ecs-task-stop-log/",
    "waf-log-archive": "waf-logs/",
}


@pytest.fixture(scope="module")
def kms() -> Evaluation:
    """dev with the archives under a KMS key (the pipeline variant, which sets KEY_ARN)."""
    return evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)


# --- reading the recorded program -------------------------------------------------------------------------


def inside(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    """The resources of one type the archive-queries component created."""
    return inside_component(ev, COMPONENT, "archive-queries", type_token)


def one(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(inside(ev, type_token))


def tables(ev: Evaluation) -> dict[str, dict[str, Any]]:
    """Table name -> the Glue TableInput of its CreateTable request."""
    return {r.inputs["name"]: glue_table_input(r) for r in inside(ev, TABLE)}


def archive_bucket(ev: Evaluation, archive: str) -> str:
    return str(only(inside_component(ev, LOG_ARCHIVE, archive, BUCKET)).id)


def results_bucket(ev: Evaluation) -> RecordedResource:
    return one(ev, BUCKET)


def flow_log_bucket(ev: Evaluation) -> str:
    return str(only(inside_component(ev, FLOW_LOGS, "network-flow-logs", BUCKET)).id)


def flow_log_prefix(at: datetime | None = None) -> str:
    """Where the stack's flow log delivers, as the VPC user guide gives it for Hive-compatible prefixes and hourly
    partitions ("Flow log files", https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html):
    `AWSLogs/aws-account-id=account_id/aws-service=vpcflowlogs/aws-region=region/year=year/month=month/day=day/
    hour=hour/`, the month, day and hour of two digits as in a delivered object's key (`.../year=2024/month=05/
    day=25/hour=05/...log.parquet`, opensearch-project/opensearch-catalog issue 167); without `at`, up to the
    partitions."""
    prefix = f"AWSLogs/aws-account-id={ACCOUNT_ID}/aws-service=vpcflowlogs/aws-region={REGION}/"
    return prefix if at is None else prefix + f"year={at:%Y}/month={at:%m}/day={at:%d}/hour={at:%H}/"


def table_of(name: str) -> ArchiveTable:
    (table,) = [t for t in ARCHIVE_TABLES if t.name == name]
    return table


# --- one definition: the Firehose prefix and the table's location template ---------------------------------

INSTANTS = [
    datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),
    datetime(2026, 2, 9, 23, 59, 59, tzinfo=UTC),
    datetime(2025, 12, 31, 12, 0, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 6, 30, 0, tzinfo=UTC),
    datetime(2099, 10, 10, 10, 10, 10, tzinfo=UTC),
]


def template_location(table: dict[str, Any], at: datetime) -> str | None:
    """Where Athena looks for the partition holding `at`: the template filled with the projected values, each
    formatted with its `digits`; None when `at` is outside a projected range."""
    parameters = table["Parameters"]
    location: str = parameters["storage.location.template"]
    for key in (k["Name"] for k in table["PartitionKeys"]):
        value = {"year": at.year, "month": at.month, "day": at.day, "hour": at.hour}[key]
        low, high = (int(v) for v in parameters[f"projection.{key}.range"].split(","))
        if not low <= value <= high:
            return None
        location = location.replace(f"${{{key}}}", str(value).zfill(int(parameters[f"projection.{key}.digits"])))
    return location


def firehose_location(ev: Evaluation, archive: str, at: datetime) -> str:
    """Where Firehose puts the records that arrive at `at` (tests/archive/test_log_archive.py evaluates the prefix)."""
    destination = s3_destination(create_request(delivery_stream(ev, archive)))
    return f"s3://{destination['BucketARN'].split(':::', 1)[1]}/{evaluate_prefix(destination['Prefix'], at)}"


def test_table_templates_and_firehose_prefixes_come_from_one_definition_and_agree(stack: Evaluation) -> None:
    """Partition projection computes each partition's location from `storage.location.template`, each `${key}`
    replaced by a projected value; an integer projection writes it with `digits` digits, and a template must name
    every partition column (Athena user guide, "Set up partition projection", "Supported types for partition
    projection"; repost.aws knowledge center "athena-error-invalid-table-property"). Firehose writes each object
    under its Prefix evaluated at the arrival time in UTC, `!{timestamp:MM}` zero-padded ("Configure Amazon S3
    object name format", https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html). Both are built
    from components/archive/layout.py, and for any instant they name the same place."""
    by_name = tables(stack)
    optional = {WAF_LOG_TABLE.name: config_value(stack, "waf"), FLOW_LOG_TABLE.name: config_value(stack, "flowLogs")}
    assert set(by_name) == {table.name for table in ARCHIVE_TABLES if optional.get(table.name, "true") == "true"}
    for name, table in by_name.items():
        if name not in ARCHIVE_OF_TABLE:
            continue  # not a Firehose archive: test_the_flow_log_table_reads_where_the_flow_log_delivers
        archive = ARCHIVE_OF_TABLE[name]
        s3_prefix = PREFIX_OF_ARCHIVE[archive]
        bucket = archive_bucket(stack, archive)
        destination = s3_destination(create_request(delivery_stream(stack, archive)))
        assert destination["Prefix"] == firehose_prefix(s3_prefix)
        assert table["Parameters"]["storage.location.template"] == location_template(bucket, s3_prefix)
        assert {k: v for k, v in table["Parameters"].items() if k.startswith("projection.")} == projection_parameters()
        assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/{s3_prefix}"
        keys = [k["Name"] for k in table["PartitionKeys"]]
        assert keys == [p.key for p in TIME_PARTITIONS]
        assert set(re.findall(r"\$\{(\w+)\}", table["Parameters"]["storage.location.template"])) == set(keys)
        for at in INSTANTS:
            assert template_location(table, at) == firehose_location(stack, archive, at), at


def test_a_template_that_drifts_from_the_prefix_is_caught(dev: Evaluation) -> None:
    """The comparison above can fail: one digit less for the month, or another key name, names another place."""
    table = tables(dev)[APP_LOG_TABLE.name]
    at = INSTANTS[1]
    one_digit = {**table, "Parameters": {**table["Parameters"], "projection.month.digits": "1"}}
    assert template_location(one_digit, at) != firehose_location(dev, "app-log-archive", at)
    renamed = table["Parameters"]["storage.location.template"].replace("month=", "mon=")
    other = {**table, "Parameters": {**table["Parameters"], "storage.location.template": renamed}}
    assert template_location(other, at) != firehose_location(dev, "app-log-archive", at)


# --- Glue: the database and the tables ----------------------------------------------------------------------


def test_the_database_is_named_for_athena_and_validates(stack: Evaluation) -> None:
    """Athena takes lower case letters, digits and underscores in database, table and column names, at most 255
    characters (Athena user guide, "Names for tables, databases, and columns")."""
    database = one(stack, DATABASE)
    name = database.inputs["name"]
    assert name == database_name("httpd-firelens", stack.config.stack) == f"httpd_firelens_{stack.config.stack}"
    request = {"DatabaseInput": {"Name": name, "Description": database.inputs["description"]}}
    assert validate_request("glue", "CreateDatabase", request) == []
    assert database_name("My-Project", "Prod.EU") == "my_project_prod_eu"
    with pytest.raises(ValueError, match="longer than Athena's 255"):
        database_name("p", "s" * 255)


def test_every_table_is_a_valid_create_table_request(stack: Evaluation, kms: Evaluation) -> None:
    for ev in (stack, kms):
        database = one(ev, DATABASE).inputs["name"]
        for table in tables(ev).values():
            request = {"DatabaseName": database, "TableInput": table}
            assert validate_request("glue", "CreateTable", request) == [], table["Name"]


def test_the_validation_reports_a_wrong_table(dev: Evaluation) -> None:
    """The check can fail: Glue's limits on a column comment (255) and a column name (255)."""
    table = tables(dev)[TASK_STOP_TABLE.name]
    columns = table["StorageDescriptor"]["Columns"]
    broken = {
        **table,
        "StorageDescriptor": {**table["StorageDescriptor"], "Columns": [{**columns[0], "Comment": "x" * 256}]},
    }
    problems = validate_request("glue", "CreateTable", {"DatabaseName": "d", "TableInput": broken})
    assert any("above the maximum 255" in problem for problem in problems), problems


def test_tables_read_json_lines_with_the_openx_serde_and_skip_malformed_lines(dev: Evaluation) -> None:
    """The OpenX JSON SerDe with TextInputFormat and HiveIgnoreKeyTextOutputFormat, as AWS's own JSON log tables
    declare it (Athena user guide, "Querying AWS Network Firewall logs"); `ignore.malformed.json` true: "When set to
    TRUE, lets you skip malformed JSON syntax" ("OpenX JSON SerDe"), the row coming back as NULLs ("Malformed records
    will return as NULL", "Troubleshooting in Athena"); `case.insensitive` true, the SerDe's default, matches
    `stopCode` to `stopcode` at every level (rcongiu/Hive-JSON-Serde json/.../JSONObject.java `getKey`); `mapping`
    names a column whose key is not a valid name ("OpenX JSON SerDe", mapping)."""
    for name, table in tables(dev).items():
        storage = table["StorageDescriptor"]
        assert table["TableType"] == "EXTERNAL_TABLE"
        assert (storage["InputFormat"], storage["OutputFormat"]) == (
            "org.apache.hadoop.mapred.TextInputFormat",
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        )
        serde = storage["SerdeInfo"]
        assert serde["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
        assert serde["Parameters"]["ignore.malformed.json"] == "true"
        assert serde["Parameters"]["case.insensitive"] == "true"
        mappings = {k: v for k, v in serde["Parameters"].items() if k.startswith("mapping.")}
        assert mappings == ({"mapping.detail_type": "detail-type"} if name == TASK_STOP_TABLE.name else {})
        assert table["Parameters"]["classification"] == "json"


# --- the VPC flow log table: Parquet, where the flow log delivers ------------------------------------------------

FLOW_FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "flow_log_records.json"
# The Hive type of each Parquet type the VPC user guide gives: int is Athena's DDL name of its 32-bit signed
# integer, bigint the 64-bit one (Athena user guide, "Data types in Amazon Athena").
HIVE_TYPE_OF_PARQUET = {"INT_32": "int", "INT_64": "bigint", "STRING": "string"}


@functools.cache
def flow_fixture() -> dict[str, Any]:
    """The documented flow log records and the default format's Parquet types (tests/fixtures/flow_log_records.json,
    each with its source)."""
    fixture: dict[str, Any] = json.loads(FLOW_FIXTURE.read_text())
    return fixture


def flow_log_columns() -> dict[str, str]:
    """Column name -> Hive type for every field of the default format, in its order: the field's name with
    underscores for hyphens ("Replace the hyphens in the Amazon VPC log field names with underscores in the Athena
    column names", Athena user guide, "Query Amazon VPC flow logs", its considerations)."""
    default = flow_fixture()["default_format"]
    return {f.replace("-", "_"): HIVE_TYPE_OF_PARQUET[default["parquet_types"][f]] for f in default["fields"].split()}


def test_the_flow_log_table_has_the_default_formats_fields_with_their_parquet_types() -> None:
    """The stack's flow log sets no log format, so its records have the default format, the version 2 fields in the
    order of the available fields table; in Parquet each field has the type that table gives (VPC user guide, "Flow
    log records"). protocol is INT_32 there, hence int, though Athena's own Parquet table says bigint."""
    assert FLOW_LOG_TABLE.column_names == tuple(flow_log_columns())
    assert {column.name: column.type for column in FLOW_LOG_TABLE.columns} == flow_log_columns()
    assert flow_log_columns()["protocol"] == "int"


def test_the_flow_log_table_reads_where_the_flow_log_delivers(prod: Evaluation, kms: Evaluation) -> None:
    """With Hive-compatible prefixes and hourly partitions the flow log writes under `AWSLogs/aws-account-id=<account>/
    aws-service=vpcflowlogs/aws-region=<region>/year=/month=/day=/hour=/` of its bucket (flow_log_prefix()). The
    table's template is that prefix, this account's and this region's, with `${key}` for each time partition, every
    one an integer projection (the CloudFront Parquet table of the Athena user guide projects year, month, day and
    hour as int columns the same way: "Create a table for CloudFront logs in Athena using partition projection with
    Parquet", https://docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-partition-parquet.html); for any
    instant the template names the place the flow log writes to. The prefix is inside the one the bucket policy lets
    the log delivery service write (`.../AWSLogs/aws-account-id=<account>/*`)."""
    for ev in (prod, kms):
        assert config_value(ev, "flowLogs") == "true"
        table = tables(ev)[FLOW_LOG_TABLE.name]
        bucket = flow_log_bucket(ev)
        parameters = table["Parameters"]
        assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/{flow_log_prefix()}"
        assert parameters["storage.location.template"] == (
            f"s3://{bucket}/{flow_log_prefix()}year=${{year}}/month=${{month}}/day=${{day}}/hour=${{hour}}/"
        )
        assert {k: v for k, v in parameters.items() if k.startswith("projection.")} == {
            "projection.enabled": "true",
            **{f"projection.{key}.type": "integer" for key in ("year", "month", "day", "hour")},
            "projection.year.range": "2024,2099",
            "projection.year.digits": "4",
            "projection.month.range": "1,12",
            "projection.month.digits": "2",
            "projection.day.range": "1,31",
            "projection.day.digits": "2",
            "projection.hour.range": "0,23",
            "projection.hour.digits": "2",
        }
        assert [(k["Name"], k["Type"]) for k in table["PartitionKeys"]] == [
            ("year", "int"), ("month", "int"), ("day", "int"), ("hour", "int")
        ]  # fmt: skip
        for at in INSTANTS:
            assert template_location(table, at) == f"s3://{bucket}/{flow_log_prefix(at)}", at
        policy = policy_of(only(inside_component(ev, FLOW_LOGS, "network-flow-logs", BUCKET_POLICY)))
        (write,) = [s for s in policy["Statement"] if s.get("Sid") == "AWSLogDeliveryWrite"]
        assert fnmatchcase(f"arn:aws:s3:::{bucket}/{flow_log_prefix(INSTANTS[0])}x.log.parquet", write["Resource"])


def test_the_flow_log_table_reads_parquet_by_name(prod: Evaluation) -> None:
    """The SerDe and input/output formats of AWS's Parquet flow log table (Athena user guide, "Create tables for flow
    logs in Apache Parquet format": ParquetHiveSerDe, MapredParquetInputFormat, MapredParquetOutputFormat), columns
    read by name ("Athena reads Parquet by name by default, as defined in SERDEPROPERTIES
    ( 'parquet.column.index.access'='false')", "Handling schema updates"), classification parquet (the Glue
    developer guide's built-in classifier for Parquet). Its `skip.header.line.count` is left out: a Parquet file has
    no header line."""
    table = tables(prod)[FLOW_LOG_TABLE.name]
    storage = table["StorageDescriptor"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert (storage["InputFormat"], storage["OutputFormat"]) == (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    )
    assert storage["SerdeInfo"] == {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"parquet.column.index.access": "false"},
    }
    assert (table["Parameters"]["classification"], table["Parameters"]["EXTERNAL"]) == ("parquet", "TRUE")
    assert "skip.header.line.count" not in table["Parameters"]
    assert [c["Name"] for c in storage["Columns"]] == list(FLOW_LOG_TABLE.column_names)


def test_column_names_are_valid_athena_names() -> None:
    """Lower case, digits and underscores; struct fields too (Athena user guide, "Names for tables, databases, and
    columns": "Special characters other than underscore (_) are not supported")."""
    for table in ARCHIVE_TABLES:
        for column in table.columns:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column.name), column.name
            parse_hive_type(column.type)  # struct field names are checked by the parser
            assert len(column.comment) <= 255


# --- the app log table describes what the router writes -----------------------------------------------------


def test_the_app_log_table_has_a_column_for_every_key_the_router_writes() -> None:
    """Every key of every record the real Fluent Bit wrote (tests/support/archive_fixture.py) is a column, of the JSON
    type it has (status a string, bytes a number)."""
    keys: dict[str, set[str]] = defaultdict(set)
    for item in archive_fixture.load():
        for key, value in json.loads(item["record"]).items():
            keys[key].add(type(value).__name__)
    types = {column.name: column.type for column in APP_LOG_TABLE.columns}
    assert set(keys) <= set(types), set(keys) - set(types)
    assert {key: ("bigint" if kinds == {"int"} else "string") for key, kinds in keys.items()} == {
        key: types[key] for key in keys
    }
    assert set(types) - set(keys) == {"ident", "user", "referer"}  # httpd logged "-" in every captured line


# --- the WAF log table describes what WAF logs ---------------------------------------------------------------

WAF_FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "waf_log_records.json"
# Fields the WAF developer guide documents ("Log fields for protection pack (web ACL) traffic",
# https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html: every field it lists, nested ones
# included, lower case) that the table leaves out, and why.
WAF_KEYS_LEFT_OUT = {
    "oversizefields": "a list of field names in the field list, a string in Athena's table, in no example",
    "clientasn": "neither its type nor its place (top level or httpRequest) documented; only with ASN matching",
    "forwardedasn": "neither its type nor its place documented",
    "cfdistributiontenantid": "CloudFront distribution tenants only; this web ACL protects a load balancer",
}
WAF_DOCUMENTED_FIELDS = (
    "action", "args", "captchaResponse", "cfDistributionTenantId", "challengeResponse", "clientAsn", "clientIp",
    "country", "excludedRules", "exclusionType", "ruleId", "formatVersion", "forwardedAsn", "headers", "httpMethod",
    "httpRequest", "httpSourceId", "httpSourceName", "httpVersion", "ja3Fingerprint", "ja4Fingerprint", "labels",
    "nonTerminatingMatchingRules", "ruleMatchDetails", "overriddenAction", "oversizeFields", "rateBasedRuleList",
    "rateBasedRuleId", "rateBasedRuleName", "limitKey", "limitValue", "maxRateAllowed", "evaluationWindowSec",
    "customValues", "requestHeadersInserted", "requestId", "responseCodeSent", "ruleGroupId", "ruleGroupList",
    "terminatingRule", "terminatingRuleId", "terminatingRuleMatchDetails", "terminatingRuleType", "timestamp", "uri",
    "fragment", "webaclId",
)  # fmt: skip


@functools.cache
def waf_examples() -> dict[str, dict[str, Any]]:
    """The WAF log records of AWS's documentation (tests/fixtures/waf_log_records.json, each with its source), by
    name."""
    fixture = json.loads(WAF_FIXTURE.read_text())
    return {entry["name"]: entry["record"] for entry in fixture["records"]}


def type_paths(hive: HiveType, prefix: str) -> set[str]:
    """`prefix` and the dotted path of every struct field under it (arrays are transparent)."""
    if hive.kind == "array":
        assert hive.element is not None
        return type_paths(hive.element, prefix)
    return {prefix} | {path for name, t in hive.fields for path in type_paths(t, f"{prefix}.{name}")}


def json_paths(value: Any, prefix: str = "") -> set[str]:
    """The dotted path of every key of a JSON value, lower case as the SerDe matches them (lists are transparent)."""
    if isinstance(value, list):
        return {path for item in value for path in json_paths(item, prefix)}
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, item in value.items():
        path = f"{prefix}{key.lower()}"
        paths |= {path} | json_paths(item, path + ".")
    return paths


def waf_table_paths() -> set[str]:
    return {path for c in WAF_LOG_TABLE.columns for path in type_paths(parse_hive_type(c.type), c.name)}


def test_the_waf_log_table_has_a_column_or_field_for_every_key_waf_logs() -> None:
    """Every key of every documented WAF log record, at every level, is a column or a struct field at the same
    place, or one of the keys the table leaves out on purpose; what it leaves out is nowhere in it. That each value
    fits its type is checked by reading the records (a value of another JSON type fails the local load)."""
    table = waf_table_paths()
    for name, record in waf_examples().items():
        missing = {path for path in json_paths(record) - table if path.rsplit(".", 1)[-1] not in WAF_KEYS_LEFT_OUT}
        assert missing == set(), name
    assert not {path.rsplit(".", 1)[-1] for path in table} & set(WAF_KEYS_LEFT_OUT)


def test_the_waf_log_table_has_every_documented_field_but_those_it_leaves_out() -> None:
    """Every field of the WAF developer guide's list has a place in the table (its list is flat: `clientIp` is
    httprequest.clientip, `ruleId` a field of several structs), or is left out on purpose."""
    names = {path.rsplit(".", 1)[-1] for path in waf_table_paths()}
    documented = {field.lower() for field in WAF_DOCUMENTED_FIELDS}
    assert documented - names == set(WAF_KEYS_LEFT_OUT)


# --- Athena: the workgroup ---------------------------------------------------------------------------------


def create_workgroup_request(resource: RecordedResource) -> dict[str, Any]:
    """The CreateWorkGroup request the provider makes from a Workgroup's wire inputs (State is applied with a
    later UpdateWorkGroup)."""
    config = resource.plain_inputs()["configuration"]
    result = config["resultConfiguration"]
    encryption = {"EncryptionOption": result["encryptionConfiguration"]["encryptionOption"]}
    if "kmsKeyArn" in result["encryptionConfiguration"]:
        encryption["KmsKey"] = result["encryptionConfiguration"]["kmsKeyArn"]
    return {
        "Name": resource.state["name"],
        "Description": resource.inputs["description"],
        "Configuration": {
            "EnforceWorkGroupConfiguration": config["enforceWorkgroupConfiguration"],
            "PublishCloudWatchMetricsEnabled": config["publishCloudwatchMetricsEnabled"],
            "BytesScannedCutoffPerQuery": int(config["bytesScannedCutoffPerQuery"]),
            "RequesterPaysEnabled": config["requesterPaysEnabled"],
            "EngineVersion": {"SelectedEngineVersion": config["engineVersion"]["selectedEngineVersion"]},
            "ResultConfiguration": {
                "OutputLocation": result["outputLocation"],
                "ExpectedBucketOwner": result["expectedBucketOwner"],
                "EncryptionConfiguration": encryption,
            },
        },
    }


def test_the_workgroup_is_guarded_and_a_valid_create_work_group_request(stack: Evaluation, kms: Evaluation) -> None:
    """Engine version 3 by its API name (Athena user guide, "Changing Athena engine versions":
    `EngineVersion={SelectedEngineVersion='Athena engine version 3'}`); EnforceWorkGroupConfiguration: "the settings
    for the workgroup override client-side settings" (botocore athena model; "Workgroup settings override
    client-side settings": results location, expected bucket owner, encryption); BytesScannedCutoffPerQuery: a
    query scanning more is canceled ("Setting data usage control limits"); CloudWatch metrics published. Results go
    to the stack's own results bucket, encrypted like the archives (SSE_S3, or SSE_KMS with the archive key)."""
    for ev in (stack, kms):
        workgroup = one(ev, WORKGROUP)
        request = create_workgroup_request(workgroup)
        assert validate_request("athena", "CreateWorkGroup", request) == []
        config = request["Configuration"]
        assert config["EnforceWorkGroupConfiguration"] is True
        assert config["PublishCloudWatchMetricsEnabled"] is True
        assert config["RequesterPaysEnabled"] is False
        assert (
            config["EngineVersion"]
            == {"SelectedEngineVersion": ENGINE_VERSION}
            == {"SelectedEngineVersion": "Athena engine version 3"}
        )
        cutoff = int(ev.config.values[ev.config.full_key("athenaBytesScannedCutoffMiB")])
        assert config["BytesScannedCutoffPerQuery"] == cutoff * MIB
        results = config["ResultConfiguration"]
        assert results["OutputLocation"] == f"s3://{results_bucket(ev).id}/"
        assert results["ExpectedBucketOwner"] == ACCOUNT_ID
        uses_kms = ev is kms
        expected = {"EncryptionOption": "SSE_KMS", "KmsKey": KEY_ARN} if uses_kms else {"EncryptionOption": "SSE_S3"}
        assert results["EncryptionConfiguration"] == expected
        assert workgroup.inputs["state"] == "ENABLED"


def test_the_cutoff_limits_fit_the_api(dev: Evaluation) -> None:
    """The config key's range in bytes stays within the API's: BytesScannedCutoffPerQuery has a minimum of
    10,000,000 bytes in botocore's athena model (and the provider asks for 10,485,760, 10 MiB); a smaller value
    is reported."""
    shape = operation_model("athena", "CreateWorkGroup").input_shape.members["Configuration"]
    minimum = shape.members["BytesScannedCutoffPerQuery"].metadata["min"]
    low, high = ATHENA_BYTES_SCANNED_CUTOFF_MIB
    assert low * MIB >= max(minimum, 10_485_760)
    request = create_workgroup_request(one(dev, WORKGROUP))
    for value, valid in ((low * MIB, True), (high * MIB, True), (minimum - 1, False)):
        request["Configuration"]["BytesScannedCutoffPerQuery"] = value
        problems = validate_request("athena", "CreateWorkGroup", request)
        assert (problems == []) is valid, (value, problems)


def test_the_results_bucket_is_private_short_lived_and_protected_like_every_bucket(
    dev: Evaluation, prod: Evaluation
) -> None:
    """A PrivateBucket (tests/archive/test_log_archive.py checks every PrivateBucket's hardening); results expire after
    7 days; prod protects the bucket and keeps the workgroup's history on destroy, dev lets both go: the workgroup's
    force-destroy is DeleteWorkGroup's RecursiveDeleteOption, "to delete the workgroup and its contents even if the
    workgroup contains any named queries, query executions, or notebooks" (botocore's athena model)."""
    for ev, disposable in ((dev, True), (prod, False)):
        bucket = results_bucket(ev)
        (rule,) = one(ev, LIFECYCLE).inputs["rules"]
        assert (rule["id"], rule["expiration"]) == ("expire-query-results", {"days": 7})
        assert one(ev, ENCRYPTION).inputs["rules"] == [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
        ]
        assert bucket.protect is not disposable
        assert bucket.inputs.get("forceDestroy", False) is disposable
        assert one(ev, WORKGROUP).inputs.get("forceDestroy", False) is disposable


def test_the_outputs_name_the_workgroup_the_database_and_the_reader_policy(dev: Evaluation) -> None:
    assert dev.outputs["athenaWorkgroup"] == one(dev, WORKGROUP).state["name"]
    assert dev.outputs["athenaDatabase"] == one(dev, DATABASE).inputs["name"]
    assert dev.outputs["athenaResultsBucket"] == results_bucket(dev).id
    assert dev.outputs["archiveReaderPolicyArn"] == one(dev, POLICY).state["arn"]


# --- the saved queries: registered, valid Trino, only what the stack defines ---------------------------------


def test_every_saved_query_is_a_valid_create_named_query_request(stack: Evaluation) -> None:
    workgroup, database = one(stack, WORKGROUP).state["name"], one(stack, DATABASE).inputs["name"]
    named = {r.inputs["name"]: r for r in inside(stack, NAMED_QUERY)}
    defined = set(tables(stack))
    saved = [query for query in SAVED_QUERIES if query.table in defined]  # a query of a table the stack lacks: none
    assert set(named) == {query.name for query in saved}
    for query in saved:
        resource = named[query.name]
        assert (resource.inputs["query"], resource.inputs["workgroup"]) == (query.sql, workgroup)
        assert resource.inputs["database"] == database
        request = {
            "Name": query.name,
            "Description": resource.inputs["description"],
            "Database": database,
            "QueryString": query.sql,
            "WorkGroup": workgroup,
        }
        assert validate_request("athena", "CreateNamedQuery", request) == [], query.name


def schema() -> dict[str, object]:
    """The tables as the stack defines them (columns and partition keys), in Trino types, for sqlglot."""
    return {
        table.name: {
            **{column.name: sql_type(parse_hive_type(column.type), "trino") for column in table.columns},
            **{partition.key: "INTEGER" for partition in table.partitions},
        }
        for table in ARCHIVE_TABLES
    }


def hive_types() -> dict[str, dict[str, HiveType]]:
    return {table.name: {c.name: parse_hive_type(c.type) for c in table.columns} for table in ARCHIVE_TABLES}


def field_paths_are_defined(tree: exp.Expr) -> list[str]:
    """Every struct field access (`detail.stopcode`, a lambda's `c.reason`) that the table's types do not define."""
    columns = hive_types()
    lambda_types: dict[str, HiveType] = {}

    def type_of(node: exp.Expr) -> HiveType | None:
        if isinstance(node, exp.Column) and node.table:
            return columns[node.table].get(node.name)
        if isinstance(node, (exp.Column, exp.Identifier)) and node.name in lambda_types:
            return lambda_types[node.name]
        if isinstance(node, exp.Dot):
            parent = type_of(node.this)
            if parent is None or parent.kind != "struct":
                return None
            return dict(parent.fields).get(node.name)
        if isinstance(node, exp.ArrayFilter):
            return type_of(node.this)
        return None

    for function in tree.find_all(exp.Lambda):
        array = type_of(function.parent.this) if function.parent is not None else None
        assert array is not None and array.kind == "array" and array.element is not None, function.sql()
        for variable in function.expressions:
            lambda_types[variable.name] = array.element
    return [
        node.sql() for node in tree.find_all(exp.Dot) if not isinstance(node.parent, exp.Dot) and type_of(node) is None
    ]


# Functions and operators of Trino (Athena engine version 3 "Functions in Amazon Athena": "Functions in Athena
# engine version 3 are based on Trino") that the queries use, each in Trino's list of functions and operators
# (trinodb/trino docs/src/main/sphinx/functions/list.md; datetime.md for current_timestamp, from_iso8601_timestamp,
# from_unixtime (`from_unixtime(unixtime) -> timestamp(3) with time zone`, unixtime in seconds, a double), year,
# month, day and AT TIME ZONE; conditional.md for nullif) or, for `grouping`, Trino's SELECT documentation
# (GROUPING operation, `grouping(col1, ..., colN) -> bigint`).
TRINO_FUNCTIONS = {
    "arbitrary",
    "array_join",
    "count",
    "current_timestamp",
    "day",
    "filter",
    "from_iso8601_timestamp",
    "from_unixtime",
    "grouping",
    "max",
    "min",
    "month",
    "nullif",
    "row_number",
    "sum",
    "transform",
    "year",
}


def functions_called(sql: str) -> set[str]:
    """The function names as written in the query text (before any dialect mapping)."""
    names = {match.lower() for match in re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", sql)}
    keywords = {"in", "as", "from", "over", "and", "or", "not", "with", "sets", "by", "select", "where"}
    names -= keywords
    if re.search(r"\bcurrent_timestamp\b", sql):
        names.add("current_timestamp")
    return names


@pytest.mark.parametrize("query", SAVED_QUERIES, ids=lambda q: q.key)
def test_every_saved_query_is_trino_sql_over_what_the_stack_defines(query: SavedQuery) -> None:
    """sqlglot parses it as Trino and qualifies every column against the tables' columns and partition keys
    (an unknown column fails); every struct field path exists in the column's type; every function is Trino's."""
    tree = sqlglot.parse_one(query.sql, read="trino", error_level=sqlglot.ErrorLevel.RAISE)
    assert {table.name for table in tree.find_all(exp.Table)} - {"requests", "ranked"} == {query.table}
    qualified = qualify(tree, schema=schema(), dialect="trino", validate_qualify_columns=True)
    assert field_paths_are_defined(qualified) == []
    assert not list(qualified.find_all(exp.Anonymous))
    assert functions_called(query.sql) <= TRINO_FUNCTIONS, functions_called(query.sql) - TRINO_FUNCTIONS
    assert query.sql.count("?") == len(query.parameters)


def test_the_checks_see_an_undefined_column_a_field_and_a_function() -> None:
    bad_column = sqlglot.parse_one("SELECT nosuch FROM app_logs", read="trino")
    with pytest.raises(sqlglot.errors.OptimizeError):
        qualify(bad_column, schema=schema(), dialect="trino", validate_qualify_columns=True)
    bad_field = qualify(sqlglot.parse_one("SELECT detail.stopCause FROM task_stops", read="trino"), schema=schema())
    assert field_paths_are_defined(bad_field) == ['"task_stops"."detail"."stopcause"']
    assert functions_called("SELECT levenshtein(a, b) FROM t") - TRINO_FUNCTIONS == {"levenshtein"}


# --- the saved queries read a bounded set of partitions ---------------------------------------------------------


def partition_conjuncts(query: SavedQuery) -> list[exp.Expr]:
    """The conjuncts of the archive SELECT's WHERE that use partition keys and nothing else of the table: what
    Athena can evaluate before reading (and, for partition projection, before projecting) a partition."""
    tree = sqlglot.parse_one(query.sql, read="trino")
    (select,) = [s for s in tree.find_all(exp.Select) if s.args["from_"].this.name == query.table]
    where = select.args["where"].this
    conjuncts = list(where.flatten()) if isinstance(where, exp.And) else [where]
    keys = {partition.key for partition in table_of(query.table).partitions}
    return [
        c
        for c in conjuncts
        if {column.name for column in c.find_all(exp.Column)} <= keys and list(c.find_all(exp.Column))
    ]


def admitted_partitions(query: SavedQuery, parameters: tuple[Any, ...], now: datetime) -> int:
    """How many partitions of the whole projected range (every year, month and day, and hour where the table has
    hours) the query's partition filters admit, at `now`: what partition projection would project for it."""
    condition = " AND ".join(pin_now(c, now).sql(dialect="duckdb") for c in partition_conjuncts(query))
    candidates = " CROSS JOIN ".join(
        f"(SELECT CAST(range AS INTEGER) AS {p.key} FROM range({p.first}, {p.last + 1}))"
        for p in table_of(query.table).partitions
    )
    engine = LocalAthena([], {})
    cursor = engine.connection.execute(
        f"SELECT count(*) FROM {candidates} WHERE {condition}", list(parameters[: condition.count("?")])
    )
    row = cursor.fetchone()
    assert row is not None
    return int(row[0])


# Partitions each query may read at most (the app log archive is the large one: a day or two).
PARTITION_BOUNDS = {
    "5xx-by-path-last-day": ({"year", "month", "day"}, 8),
    "top-paths-and-clients-on-a-day": ({"year", "month", "day"}, 1),
    "stderr-of-a-task": ({"year", "month", "day"}, 1),
    "stops-by-code-and-reason-30-days": ({"year", "month"}, 2 * 3 * 31),
    "failed-starts-30-days": ({"year", "month"}, 2 * 3 * 31),
    "blocked-by-rule-and-client-last-day": ({"year", "month", "day"}, 8),
    # Every hour of those days: a window of 24 hours ending at any hour of the day touches them all.
    "rejected-flows-last-day": ({"year", "month", "day"}, 8 * 24),
}


@pytest.mark.parametrize("query", SAVED_QUERIES, ids=lambda q: q.key)
def test_every_saved_query_prunes_partitions(query: SavedQuery) -> None:
    """Athena uses a query's conditions on the partition keys to generate only the matching partition values and
    locations, `CURRENT_DATE - INTERVAL` arithmetic included ("Amazon Kinesis Data Firehose example" of the
    partition projection chapter); a query without them projects every value of the ranges. Each saved query
    constrains its keys with expressions of constants and parameters only, and admits at most a few partitions,
    on any day (a year, a month and a short month's boundary)."""
    keys, bound = PARTITION_BOUNDS[query.key]
    conjuncts = partition_conjuncts(query)
    assert {column.name for c in conjuncts for column in c.find_all(exp.Column)} == keys
    for now in (
        datetime(2026, 1, 1, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 7, 15, 8, 0, tzinfo=UTC),
    ):
        assert 1 <= admitted_partitions(query, (2026, 1, 15, "x"), now) <= bound, now


def test_the_pruning_check_sees_a_query_that_reads_everything() -> None:
    unpruned = SavedQuery("k", "n", "d", APP_LOG_TABLE.name, (), "SELECT count(*) FROM app_logs WHERE status = '500'")
    assert partition_conjuncts(unpruned) == []
    years = SavedQuery("k", "n", "d", APP_LOG_TABLE.name, (), "SELECT count(*) FROM app_logs WHERE year = 2026")
    assert admitted_partitions(years, (), datetime(2026, 1, 1, tzinfo=UTC)) == 12 * 31
    hours = SavedQuery("k", "n", "d", FLOW_LOG_TABLE.name, (), "SELECT count(*) FROM vpc_flow_logs WHERE year = 2026")
    assert admitted_partitions(hours, (), datetime(2026, 1, 1, tzinfo=UTC)) == 12 * 31 * 24


# --- the saved queries run on objects shaped as the pipeline writes them ------------------------------------

APP_NOW = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)  # the app log fixture spans 2025-12-30 to 2026-01-01
STOPS_NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # 30 days back is 2026-01-30: three months of partitions
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/httpd-cluster-44fd283"
PULL_FAILED = (
    "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "
    "public.ecr.aws/docker/library/httpd:2.4.99: not found"
)
SECRETS_FAILED = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
    "unable to retrieve secret from asm: service call has been retried 1 time(s)"
)
EXITED = "Essential container in task exited"
TARGET_GROUP = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/web-tg/0123456789abcdef"
HEALTH = f"Task failed ELB health checks in (target-group {TARGET_GROUP})"
DEPLOYMENT = "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)"
USER = "Task stopped by user"
EVENT_TO_ARCHIVE = timedelta(seconds=1)  # EventBridge -> Firehose: the event arrives about when it is emitted


def stop(task: str, time: str, code: str, reason: str, exit_codes: tuple[int, int] | None) -> dict[str, Any]:
    """A STOPPED event emitted at `time` for task id `task`."""
    emitted = datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    event = stopped(
        CLUSTER_ARN, code, reason, exit_codes, task_id=task.ljust(32, "0"), created=emitted - timedelta(seconds=158.55)
    )
    assert event["time"] == time
    return event


def stop_events() -> list[dict[str, Any]]:
    failed_pull = stop("e1", "2026-02-28T08:00:00Z", "TaskFailedToStart", PULL_FAILED, None)
    failed_pull["detail"]["containers"][0]["reason"] = "CannotPullContainerError: httpd:2.4.99: not found"
    return [
        failed_pull,
        failed_pull,  # EventBridge delivers at least once: the same event twice
        stop("e2", "2026-01-31T08:00:00Z", "TaskFailedToStart", SECRETS_FAILED, None),
        stop("e3", "2026-02-14T09:00:00Z", "EssentialContainerExited", EXITED, (137, 0)),
        stop("e4", "2026-02-20T09:00:00Z", "ServiceSchedulerInitiated", HEALTH, (143, 0)),
        stop("e5", "2026-03-01T09:00:00Z", "ServiceSchedulerInitiated", DEPLOYMENT, (0, 0)),
        stop("e6", "2026-01-29T10:00:00Z", "UserInitiated", USER, (0, 0)),  # 31 days before STOPS_NOW
        stop("e7", "2025-12-15T10:00:00Z", "TaskFailedToStart", PULL_FAILED, None),  # a partition never read
        stop("e8", "2026-02-27T09:00:00Z", "EssentialContainerExited", EXITED, (1, 0)),
        stop("e9", "2026-02-10T10:00:00Z", "UserInitiated", USER, None),  # stopped while PENDING: never started
    ]


def firehose_object(
    ev: Evaluation, archive: str, received: datetime, records: list[str], error_type: str = ""
) -> tuple[str, bytes]:
    """One object as the archive's delivery stream writes it for `records` received at `received`: GZIP of the
    records as tests/archive/test_log_archive.py's Firehose model concatenates them, under the Prefix (or, with
    `error_type`, the ErrorOutputPrefix) evaluated at that time, named `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-
    <uuid>` plus the compression's extension ("Configure Amazon S3 object name format"; `.gz` for GZIP:
    floci-io/floci pull request 2410 replicating AWS, honeycombio/terraform-aws-integrations pull request 19:
    "Kinesis Firehose failure logs are `.gz`")."""
    resource = delivery_stream(ev, archive)
    destination = s3_destination(create_request(resource))
    prefix = destination["ErrorOutputPrefix"] if error_type else destination["Prefix"]
    assert destination["CompressionFormat"] == "GZIP"
    key = evaluate_prefix(prefix, received, error_type)
    suffix = uuid.uuid5(uuid.NAMESPACE_URL, key + str(records))
    name = f"{resource.state['name']}-1-{received:%Y-%m-%d-%H-%M-%S}-{suffix}.gz"
    bucket = destination["BucketARN"].split(":::", 1)[1]
    return f"s3://{bucket}/{key}{name}", gzip.compress(archived_object(resource, records).encode())


def archive_objects(ev: Evaluation) -> dict[str, bytes]:
    objects = {}
    by_arrival: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in archive_fixture.load():
        by_arrival[(item["task"], item["received"])].append(item["record"])
    for (_, received), records in by_arrival.items():
        uri, body = firehose_object(ev, "app-log-archive", archive_fixture.utc(received), records)
        objects[uri] = body
    # A record cut short: the archive's table must skip it, not fail.
    truncated = '{"time":"2025-12-31T10:00:09Z","status":"503","source":"stdout","path":"/truncated\n'
    uri, body = firehose_object(ev, "app-log-archive", archive_fixture.utc("2025-12-31T10:00:30Z"), [truncated])
    objects[uri] = body
    # The error tree holds records Firehose failed to process: never part of the table.
    wrong = json.loads(archive_fixture.load()[7]["record"])
    record = json.dumps({**wrong, "path": "/from-the-error-tree"}) + "\n"
    uri, body = firehose_object(
        ev, "app-log-archive", archive_fixture.utc("2025-12-31T10:00:40Z"), [record], "processing-failed"
    )
    objects[uri] = body
    events_by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in stop_events():
        events_by_day[event["time"][:10]].append(event)
    for day, events in events_by_day.items():
        records = producer_records(ev, "task-stop-archive", events)
        if day == "2026-02-14":
            records.append('{"version":"0","detail":{"stopCode":"TaskFailedToStart"')  # cut short
        arrival = datetime.strptime(events[0]["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) + EVENT_TO_ARCHIVE
        uri, body = firehose_object(ev, "task-stop-archive", arrival, records)
        objects[uri] = body
    return objects


@pytest.fixture(scope="module")
def athena(dev: Evaluation) -> LocalAthena:
    return LocalAthena(tables(dev).values(), archive_objects(dev))


def saved(key: str) -> SavedQuery:
    (query,) = [q for q in SAVED_QUERIES if q.key == key]
    return query


def run(athena: LocalAthena, key: str, *parameters: Any, now: datetime = APP_NOW) -> list[dict[str, Any]]:
    return athena.query(saved(key).sql, parameters, now)


def test_the_tables_read_exactly_the_delivered_objects(athena: LocalAthena) -> None:
    """Each table reads its archive's delivery tree through the projection: every day that received records,
    nothing from the error tree; a malformed line is one row of NULLs."""
    assert athena.partitions[APP_LOG_TABLE.name] == {(2025, 12, 30), (2025, 12, 31), (2026, 1, 1)}
    assert (2025, 12, 15) in athena.partitions[TASK_STOP_TABLE.name]
    rows = athena.query(
        "SELECT count(*) AS n, count(log) AS lines, count_if(path = '/from-the-error-tree') AS err FROM app_logs"
    )
    assert rows == [{"n": len(archive_fixture.load()) + 1, "lines": len(archive_fixture.load()), "err": 0}]
    stops = athena.query("SELECT count(*) AS n, count(detail) AS events FROM task_stops")
    assert stops == [{"n": len(stop_events()) + 1, "events": len(stop_events())}]


def test_without_ignore_malformed_json_a_malformed_line_fails_the_read(dev: Evaluation) -> None:
    """The SerDe option is what keeps the query alive: without it the same objects fail
    (JsonSerDe.onMalformedJson throws a SerDeException)."""
    table = tables(dev)[TASK_STOP_TABLE.name]
    strict = {**table, "StorageDescriptor": {**table["StorageDescriptor"], "SerdeInfo": {
        "SerializationLibrary": table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
        "Parameters": {"case.insensitive": "true", "mapping.detail_type": "detail-type"},
    }}}  # fmt: skip
    with pytest.raises(json.JSONDecodeError):
        LocalAthena([strict], archive_objects(dev))


def test_5xx_by_path_over_the_last_day(athena: LocalAthena, dev: Evaluation) -> None:
    """At 2026-01-01T00:30Z: the 5xx of the last 24 hours from both tasks, the request that crossed midnight
    included; not the 503 of 2025-12-30 (a partition not read), not /too-early (read, but older than 24 hours),
    not the truncated line, not the error tree's record."""
    assert run(athena, "5xx-by-path-last-day") == [
        {"path": "/search?q=a", "status": "503", "responses": 2, "tasks": 1,
         "first_seen": "2025-12-31T10:00:03Z", "last_seen": "2025-12-31T23:59:58Z"},
        {"path": "/api/orders", "status": "500", "responses": 1, "tasks": 1,
         "first_seen": "2026-01-01T00:19:59Z", "last_seen": "2026-01-01T00:19:59Z"},
        {"path": "/api/orders", "status": "502", "responses": 1, "tasks": 1,
         "first_seen": "2025-12-31T10:00:02Z", "last_seen": "2025-12-31T10:00:02Z"},
    ]  # fmt: skip
    assert run(athena, "5xx-by-path-last-day", now=datetime(2026, 1, 3, tzinfo=UTC)) == []


def test_top_paths_and_clients_on_a_day(athena: LocalAthena) -> None:
    """2025-12-31's partition: the access lines of both tasks (health checks included), the 408 without a request
    line counted under a NULL path; ties by value."""
    rows = [
        (r["dimension"], r["place"], r["value"], r["requests"])
        for r in run(athena, "top-paths-and-clients-on-a-day", 2025, 12, 31)
    ]
    assert rows == [
        ("client", 1, "10.0.1.23", 3),
        ("client", 2, "198.51.100.7", 3),
        ("client", 3, "10.0.1.9", 1),
        ("client", 4, "10.0.2.7", 1),
        ("client", 5, "2001:db8::1", 1),
        ("client", 6, "203.0.113.9", 1),
        ("path", 1, "/", 3),
        ("path", 2, "/index.html", 2),
        ("path", 3, "/api/orders", 1),
        ("path", 4, "/missing", 1),
        ("path", 5, "/search?q=a", 1),
        ("path", 6, "/too-early", 1),
        ("path", 7, None, 1),
    ]
    assert run(athena, "top-paths-and-clients-on-a-day", 2026, 1, 2) == []


def test_stderr_of_one_task_on_a_day(athena: LocalAthena, dev: Evaluation) -> None:
    task_a, task_b = archive_fixture.task_arn(dev, "a"), archive_fixture.task_arn(dev, "b")
    rows = run(athena, "stderr-of-a-task", 2025, 12, 31, task_a)
    assert [(r["time"], r["log"][:44]) for r in rows] == [
        ("2025-12-31T10:00:10Z", "[Wed Dec 31 10:00:06.123456 2025] [proxy:err"),
        ("2025-12-31T18:00:00Z", "[Wed Dec 31 18:00:00.000100 2025] [mpm_event"),
    ]
    assert {r["container_name"] for r in rows} == {"/ecs-httpd-task-7-httpd-a4eafbb3d4c7f1e1"}
    (other,) = run(athena, "stderr-of-a-task", 2025, 12, 31, task_b)
    assert other["log"].endswith("AH00037: task b failure")
    assert [r["log"][:8] for r in run(athena, "stderr-of-a-task", 2026, 1, 1, task_a)] == ["AH00558:"]


def test_stops_by_code_and_reason_over_30_days(athena: LocalAthena) -> None:
    """At 2026-03-01T12:00Z the window starts 2026-01-30T12:00Z: January's partition is read (e2 counts), e6 of
    January 29 is not counted; the event delivered twice counts once; the malformed line changes nothing."""
    rows = run(athena, "stops-by-code-and-reason-30-days", now=STOPS_NOW)
    assert [(r["stop_code"], r["stopped_reason"], r["tasks"], r["last_stopped"]) for r in rows] == [
        ("EssentialContainerExited", EXITED, 2, "2026-02-27T09:00:00Z"),
        ("ServiceSchedulerInitiated", DEPLOYMENT, 1, "2026-03-01T09:00:00Z"),
        ("ServiceSchedulerInitiated", HEALTH, 1, "2026-02-20T09:00:00Z"),
        ("TaskFailedToStart", PULL_FAILED, 1, "2026-02-28T08:00:00Z"),
        ("TaskFailedToStart", SECRETS_FAILED, 1, "2026-01-31T08:00:00Z"),
        ("UserInitiated", USER, 1, "2026-02-10T10:00:00Z"),
    ]


def test_tasks_that_failed_to_start(athena: LocalAthena) -> None:
    """TaskFailedToStart, or no startedAt (e9, stopped while pending), newest first, each task once, with the
    containers' own reasons; e7 (December) is outside the window and its partition."""
    rows = run(athena, "failed-starts-30-days", now=STOPS_NOW)
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task/httpd-cluster-44fd283/"
    columns = ("task_arn", "stop_code", "stopped_reason", "container_reasons", "stopped_at")
    assert [tuple(r[c] for c in columns) for r in rows] == [
        (task + "e1".ljust(32, "0"), "TaskFailedToStart", PULL_FAILED,
         "app: CannotPullContainerError: httpd:2.4.99: not found", "2026-02-28T08:00:00Z"),
        (task + "e9".ljust(32, "0"), "UserInitiated", USER, "", "2026-02-10T10:00:00Z"),
        (task + "e2".ljust(32, "0"), "TaskFailedToStart", SECRETS_FAILED, "", "2026-01-31T08:00:00Z"),
    ]  # fmt: skip
    assert {r["task_group"] for r in rows} == {"service:httpd-service-4c1d2e3"}


# --- the WAF log archive: the documented records, as WAF's stream archives them ----------------------------------

WAF_NOW = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)  # the last 24 hours start 2026-01-31T06:00Z
# WAF puts each record to its stream as it logs the request; the record's `timestamp` is when WAF inspected it, so
# it arrives a little later (the partition is the arrival's day, UTC).
WAF_TO_ARCHIVE = timedelta(seconds=5)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(at: datetime) -> int:
    """A WAF record's `timestamp`: milliseconds since the epoch."""
    return (at - EPOCH) // timedelta(milliseconds=1)


# (documented example, when WAF inspected the request, client IP and country to put instead of the example's)
WAF_REQUESTS: list[tuple[str, str, tuple[str, str] | None]] = [
    ("rate-based-block", "2026-01-30T12:00:00.000", None),  # a partition the query never reads
    ("rate-based-block", "2026-01-31T05:59:59.000", None),  # read, but 24 hours and a second before WAF_NOW
    ("rate-based-block", "2026-01-31T06:00:00.500", None),
    ("rate-based-block", "2026-01-31T23:59:58.900", None),  # arrives on February 1: the next day's partition
    ("rate-based-block", "2026-02-01T05:59:00.000", None),
    ("rate-based-block", "2026-02-01T01:00:00.000", ("198.51.100.7", "-")),  # "-": WAF did not know the country
    ("rule-group-block", "2026-01-31T09:00:00.000", None),
    ("rule-group-block", "2026-02-01T02:00:00.000", None),
    ("sqli-block", "2026-01-31T10:00:00.000", None),
    ("json-body-block", "2026-01-31T18:30:00.123", None),  # the same rule and client as sqli-block
    ("sqli-count", "2026-01-31T10:00:01.000", None),  # ALLOW: counted by a rule, not blocked
    ("captcha-token-valid", "2026-01-31T12:00:00.000", None),  # ALLOW
    ("captcha-no-token", "2026-01-31T12:00:01.000", None),  # CAPTCHA: challenged, not blocked
    ("data-protection-hashing", "2026-02-01T03:00:00.000", None),  # ALLOW
]


def waf_instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def waf_records(ev: Evaluation) -> list[tuple[datetime, dict[str, Any]]]:
    """Each request of WAF_REQUESTS as WAF logs it: the documented record, inspected at that instant, by this
    stack's web ACL, from the given client."""
    web_acl = only(ev.of_type("aws:wafv2/webAcl:WebAcl")).state["arn"]
    records = []
    for name, at, client in WAF_REQUESTS:
        record = copy.deepcopy(waf_examples()[name])
        inspected = waf_instant(at)
        record["timestamp"] = epoch_ms(inspected)
        record["webaclId"] = web_acl
        if client is not None:
            request = record["httpRequest"]
            request["clientIp"], request["country"] = client
            for header in request["headers"]:
                if header["name"] == "X-Forwarded-For":
                    header["value"] = request["clientIp"]
        records.append((inspected, record))
    return records


def waf_objects(ev: Evaluation) -> dict[str, bytes]:
    """The WAF archive's objects for waf_records, one object per hour of arrival, plus a record cut short.

    WAF ends each record it puts to the stream with a newline (tests/edge/test_web_firewall.py has the evidence), so the
    stack's WAF archive has records_end_with_newline: its stream appends no delimiter, and the records are
    archived as WAF wrote them."""
    configuration = delivery_stream(ev, "waf-log-archive").inputs["extendedS3Configuration"]
    assert "processingConfiguration" not in configuration
    by_hour: dict[datetime, list[tuple[datetime, str]]] = defaultdict(list)
    for inspected, record in waf_records(ev):
        arrival = inspected + WAF_TO_ARCHIVE
        by_hour[arrival.replace(minute=0, second=0, microsecond=0)].append((arrival, json.dumps(record) + "\n"))
    # A blocked request's record cut short: the table must skip it, not fail, and the query must not count it.
    inspected = datetime(2026, 2, 1, 3, 0, 9, tzinfo=UTC)
    cut = json.dumps({**waf_examples()["sqli-block"], "timestamp": epoch_ms(inspected)})[:300] + "\n"
    by_hour[inspected.replace(minute=0, second=0)].append((inspected + WAF_TO_ARCHIVE, cut))
    objects = {}
    for batch in by_hour.values():
        uri, body = firehose_object(ev, "waf-log-archive", min(a for a, _ in batch), [line for _, line in batch])
        objects[uri] = body
    return objects


@pytest.fixture(scope="module")
def waf_athena(prod: Evaluation) -> LocalAthena:
    """prod's tables (prod has the WAF) over its archives: the app logs and task stops, and the WAF logs."""
    return LocalAthena(tables(prod).values(), {**archive_objects(prod), **waf_objects(prod)})


def test_the_waf_table_reads_every_documented_record_of_the_waf_archive(waf_athena: LocalAthena) -> None:
    """Every record, each value fitting its column, under the day it arrived; the line cut short is one row of
    NULLs; nothing of the other archives."""
    assert waf_athena.partitions[WAF_LOG_TABLE.name] == {(2026, 1, 30), (2026, 1, 31), (2026, 2, 1)}
    rows = waf_athena.query(
        "SELECT count(*) AS n, count(action) AS records, count_if(action = 'BLOCK') AS blocked, "
        "count(DISTINCT webaclid) AS acls FROM waf_logs"
    )
    blocked = sum(1 for name, _, _ in WAF_REQUESTS if waf_examples()[name]["action"] == "BLOCK")
    assert rows == [{"n": len(WAF_REQUESTS) + 1, "records": len(WAF_REQUESTS), "blocked": blocked, "acls": 1}]
    (captcha,) = waf_athena.query(
        "SELECT responsecodesent, captcharesponse, httprequest.uri AS uri FROM waf_logs WHERE action = 'CAPTCHA'"
    )
    assert captcha == {
        "responsecodesent": 405,
        "captcharesponse": {"responsecode": 405, "solvetimestamp": 0, "failurereason": "TOKEN_MISSING"},
        "uri": "/pen-test/pets",
    }


def test_the_documented_numbers_do_not_fit_athenas_string_columns(prod: Evaluation) -> None:
    """Why responsecodesent is an int though Athena's table says string: the documented record writes the number
    405, and the local engine holds each column to the JSON type the producer writes (Athena's OpenX SerDe would
    read the number into a string column as its text, hiding that the table says something else)."""
    table = tables(prod)[WAF_LOG_TABLE.name]
    columns = [
        {**c, "Type": "string"} if c["Name"] == "responsecodesent" else c for c in table["StorageDescriptor"]["Columns"]
    ]
    as_athena = {**table, "StorageDescriptor": {**table["StorageDescriptor"], "Columns": columns}}
    with pytest.raises(TypeError, match="405"):
        LocalAthena([as_athena], waf_objects(prod))


def test_blocked_requests_by_rule_and_client_ip_over_the_last_day(waf_athena: LocalAthena) -> None:
    """At 2026-02-01T06:00Z: the blocked requests since 2026-01-31T06:00Z, by rule (the rule inside the rule group
    too) and client, the request that arrived after midnight included; not the rate-based block of January 30 (a
    partition not read) nor the one a second too early (read, but outside the window); not the ALLOW, COUNT and
    CAPTCHA records; not the line cut short."""
    rows = waf_athena.query(saved("blocked-by-rule-and-client-last-day").sql, (), WAF_NOW)
    assert rows == [
        {"rule": "RateBasedRule", "rule_type": "RATE_BASED", "group_rule": None, "client_ip": "52.46.82.45",
         "country": "FR", "requests": 3, "first_seen": waf_instant("2026-01-31T06:00:00.500"),
         "last_seen": waf_instant("2026-02-01T05:59:00.000")},
        {"rule": "RG-Reference", "rule_type": "GROUP", "group_rule": "RuleA-XSS", "client_ip": "3.3.3.3",
         "country": "US", "requests": 2, "first_seen": waf_instant("2026-01-31T09:00:00.000"),
         "last_seen": waf_instant("2026-02-01T02:00:00.000")},
        {"rule": "STMTest_SQLi_XSS", "rule_type": "REGULAR", "group_rule": None, "client_ip": "1.1.1.1",
         "country": "AU", "requests": 2, "first_seen": waf_instant("2026-01-31T10:00:00.000"),
         "last_seen": waf_instant("2026-01-31T18:30:00.123")},
        {"rule": "RateBasedRule", "rule_type": "RATE_BASED", "group_rule": None, "client_ip": "198.51.100.7",
         "country": "-", "requests": 1, "first_seen": waf_instant("2026-02-01T01:00:00.000"),
         "last_seen": waf_instant("2026-02-01T01:00:00.000")},
    ]  # fmt: skip
    later = waf_athena.query(saved("blocked-by-rule-and-client-last-day").sql, (), datetime(2026, 2, 3, tzinfo=UTC))
    assert later == []


# --- the VPC flow log archive: the documented records, as the flow log delivers them ------------------------------

FLOW_NOW = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)  # the last 24 hours start 2026-01-31T06:00Z
FILE_WINDOW = timedelta(minutes=5)
# The DuckDB type that writes each Parquet type the VPC user guide gives (INTEGER is written INT32 with the INT_32
# converted type, BIGINT INT64 with INT_64, VARCHAR a UTF8 BYTE_ARRAY: test_the_flow_log_objects_have_the_documented_
# parquet_types reads them back).
DUCKDB_TYPE_OF_PARQUET = {"INT_32": "INTEGER", "INT_64": "BIGINT", "STRING": "VARCHAR"}

# (documented example, when the flow ended, source address to put instead of the example's)
FLOW_RECORDS: list[tuple[str, str, str | None]] = [
    ("rdp-reject", "2026-01-30T12:00:00", None),  # a partition the query never reads
    ("rdp-reject", "2026-01-31T05:59:59", None),  # read, but it ended 24 hours and a second before FLOW_NOW
    ("rdp-reject", "2026-01-31T06:01:00", None),  # it started 06:00:00
    ("rdp-reject", "2026-01-31T23:58:00", None),
    ("rdp-reject", "2026-02-01T05:59:00", None),
    ("rdp-reject", "2026-02-01T01:00:00", "198.51.100.7"),
    ("ping-reply-reject", "2026-01-31T12:00:00", None),  # ICMP: ports 0
    ("ping-accept", "2026-01-31T12:00:00", None),  # ACCEPT
    ("ssh-accept", "2026-01-31T09:00:00", None),  # ACCEPT
    ("ipv6-ssh-accept", "2026-02-01T03:00:00", None),  # ACCEPT
    ("no-data", "2026-02-01T03:00:00", None),  # no action
    ("skip-data", "2026-02-01T04:02:00", None),  # no action
]


def flow_instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


@functools.cache
def flow_examples() -> dict[str, dict[str, Any]]:
    """Each documented record as its Parquet row: the plain-text line's fields under their column names, a number
    where the field's Parquet type is an integer, NULL for `-` ("If a field is not applicable or could not be
    computed for a specific record, the record displays a '-' symbol", "Flow log records"; an integer column cannot
    hold `-`: a reader of captured Parquet flow logs finds no ports, counts or action in a NODATA record,
    open-telemetry/opentelemetry-collector-contrib pull request 47220, its testdata/
    valid_flow_log_parquet_expected.yaml)."""
    default = flow_fixture()["default_format"]
    fields = default["fields"].split()
    examples = {}
    for entry in flow_fixture()["records"]:
        values = entry["line"].split(" ")
        assert len(values) == len(fields), entry["name"]
        row: dict[str, Any] = {}
        for field, value in zip(fields, values, strict=True):
            number = default["parquet_types"][field] != "STRING"
            row[field.replace("-", "_")] = None if value == "-" else int(value) if number else value
        examples[entry["name"]] = row
    return examples


def flow_records() -> list[dict[str, Any]]:
    """Each flow of FLOW_RECORDS as this stack's flow log records it: the documented record, ended at that instant
    (lasting as long as in the example), on an interface of this account, from the given source."""
    records = []
    for name, end, source in FLOW_RECORDS:
        record = dict(flow_examples()[name])
        ended = int(flow_instant(end).timestamp())
        record["start"], record["end"] = ended - (record["end"] - record["start"]), ended
        record["account_id"] = ACCOUNT_ID
        if source is not None:
            record["srcaddr"] = source
        records.append(record)
    return records


def parquet_object(rows: list[dict[str, Any]]) -> bytes:
    """A Parquet file of `rows`, each column of the type the VPC user guide gives its field, GZIP-compressed ("Data
    in Parquet format with Gzip compression", "Flow log files")."""
    default = flow_fixture()["default_format"]
    parquet_types = default["parquet_types"]
    types = {f.replace("-", "_"): DUCKDB_TYPE_OF_PARQUET[parquet_types[f]] for f in default["fields"].split()}
    definitions = ", ".join(f'"{name}" {type_}' for name, type_ in types.items())
    placeholders = ", ".join("?" for _ in types)
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect() as connection:
        path = Path(scratch) / "file.parquet"
        connection.execute(f"CREATE TABLE records ({definitions})")
        connection.executemany(f"INSERT INTO records VALUES ({placeholders})", [[r[n] for n in types] for r in rows])
        connection.execute(f"COPY records TO '{path}' (FORMAT parquet, COMPRESSION gzip)")
        return path.read_bytes()


def flow_objects(ev: Evaluation) -> dict[str, bytes]:
    """The flow log's objects for flow_records: every 5 minutes, a file of the flows that ended in them, in the hour
    partition of that time, named `<account>_vpcflowlogs_<region>_<flow log id>_<YYYYMMDDTHHmmZ>_<hash>.log.parquet`
    ("Flow log files": "The file contains the flow log records with an end time between 16:20:00 and 16:24:59" for
    a file named ...T1620Z...; `.log.parquet`, as in the key of a delivered object, opensearch-project/
    opensearch-catalog issue 167)."""
    flow_log_id = only(ev.of_type(FLOW_LOG)).id
    by_window: dict[datetime, list[dict[str, Any]]] = defaultdict(list)
    for record in flow_records():
        ended = datetime.fromtimestamp(record["end"], UTC)
        by_window[ended - (ended - ended.replace(minute=0, second=0)) % FILE_WINDOW].append(record)
    objects = {}
    for window, rows in by_window.items():
        body = parquet_object(rows)
        digest = uuid.uuid5(uuid.NAMESPACE_URL, f"{window}{rows}").hex[:8]
        name = f"{ACCOUNT_ID}_vpcflowlogs_{REGION}_{flow_log_id}_{window:%Y%m%dT%H%MZ}_{digest}.log.parquet"
        objects[f"s3://{flow_log_bucket(ev)}/{flow_log_prefix(window)}{name}"] = body
    return objects


@pytest.fixture(scope="module")
def flow_athena(prod: Evaluation) -> LocalAthena:
    """prod's flow log table (prod has flow logs) over the flow log's objects and the Firehose archives' objects."""
    return LocalAthena([tables(prod)[FLOW_LOG_TABLE.name]], {**archive_objects(prod), **flow_objects(prod)})


def test_the_flow_log_objects_have_the_documented_parquet_types(prod: Evaluation) -> None:
    """The fixture's Parquet files hold the fields under their column names with the Parquet types of the VPC user
    guide's table (INT_32, INT_64, STRING for UTF8 byte arrays), GZIP-compressed."""
    default = flow_fixture()["default_format"]
    expected = {f.replace("-", "_"): default["parquet_types"][f] for f in default["fields"].split()}
    body = next(iter(flow_objects(prod).values()))
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect() as connection:
        path = Path(scratch) / "file.parquet"
        path.write_bytes(body)
        schema = connection.execute(
            "SELECT name, converted_type FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]
        ).fetchall()
        codecs = connection.execute("SELECT DISTINCT compression FROM parquet_metadata(?)", [str(path)]).fetchall()
    assert {name: ("STRING" if converted == "UTF8" else converted) for name, converted in schema} == expected
    assert codecs == [("GZIP",)]


def test_the_flow_log_table_reads_every_delivered_record(flow_athena: LocalAthena) -> None:
    """Every record, each value of its column's type, under the hour its file was created; nothing of the Firehose
    archives in the same run."""
    assert flow_athena.partitions[FLOW_LOG_TABLE.name] == {
        (2026, 1, 30, 12), (2026, 1, 31, 5), (2026, 1, 31, 6), (2026, 1, 31, 9), (2026, 1, 31, 12),
        (2026, 1, 31, 23), (2026, 2, 1, 1), (2026, 2, 1, 3), (2026, 2, 1, 4), (2026, 2, 1, 5),
    }  # fmt: skip
    rows = flow_athena.query(
        "SELECT count(*) AS n, count(action) AS actions, count_if(action = 'REJECT') AS rejected, "
        "count(DISTINCT account_id) AS accounts, count_if(log_status = 'OK') AS ok FROM vpc_flow_logs"
    )
    assert rows == [{"n": len(FLOW_RECORDS), "actions": 10, "rejected": 7, "accounts": 1, "ok": 10}]
    (nodata,) = flow_athena.query("SELECT * FROM vpc_flow_logs WHERE log_status = 'NODATA'")
    assert nodata == {
        "version": 2, "account_id": ACCOUNT_ID, "interface_id": "eni-1235b8ca123456789", "srcaddr": None,
        "dstaddr": None, "srcport": None, "dstport": None, "protocol": None, "packets": None, "bytes": None,
        "start": int(flow_instant("2026-02-01T02:59:02").timestamp()),
        "end": int(flow_instant("2026-02-01T03:00:00").timestamp()), "action": None, "log_status": "NODATA",
        "year": 2026, "month": 2, "day": 1, "hour": 3,
    }  # fmt: skip


def test_athenas_bigint_protocol_does_not_fit_the_delivered_files(prod: Evaluation) -> None:
    """Why protocol is an int though Athena's Parquet table says bigint: the files hold INT32, and the local engine,
    like Spark's reader, does not widen (opensearch-project/opensearch-catalog issue 167)."""
    table = tables(prod)[FLOW_LOG_TABLE.name]
    columns = [{**c, "Type": "bigint"} if c["Name"] == "protocol" else c for c in table["StorageDescriptor"]["Columns"]]
    as_athena = {**table, "StorageDescriptor": {**table["StorageDescriptor"], "Columns": columns}}
    problem = "protocol: Parquet ('INT32', 'INT_32') does not fit Hive type bigint"
    with pytest.raises(TypeError, match=re.escape(problem)):
        LocalAthena([as_athena], flow_objects(prod))


def test_rejected_flows_by_source_and_destination_port_over_the_last_day(flow_athena: LocalAthena) -> None:
    """At 2026-02-01T06:00Z: the rejected flows that ended since 2026-01-31T06:00Z, by source, destination port and
    protocol, the RDP flows of both days summed; not the RDP flow of January 30 (a partition not read) nor the one
    that ended a second too early (read, but outside the window); not the ACCEPT records; not NODATA and SKIPDATA
    (no action). first_seen is the earliest start, last_seen the latest end."""
    rows = flow_athena.query(saved("rejected-flows-last-day").sql, (), FLOW_NOW)
    assert rows == [
        {"srcaddr": "172.31.9.69", "dstport": 3389, "protocol": 6, "flows": 3, "packets": 60, "bytes": 3 * 4249,
         "first_seen": flow_instant("2026-01-31T06:00:00"), "last_seen": flow_instant("2026-02-01T05:59:00")},
        {"srcaddr": "198.51.100.7", "dstport": 3389, "protocol": 6, "flows": 1, "packets": 20, "bytes": 4249,
         "first_seen": flow_instant("2026-02-01T00:59:00"), "last_seen": flow_instant("2026-02-01T01:00:00")},
        {"srcaddr": "172.31.16.139", "dstport": 0, "protocol": 1, "flows": 1, "packets": 4, "bytes": 336,
         "first_seen": flow_instant("2026-01-31T11:59:12"), "last_seen": flow_instant("2026-01-31T12:00:00")},
    ]  # fmt: skip
    later = flow_athena.query(saved("rejected-flows-last-day").sql, (), datetime(2026, 2, 3, tzinfo=UTC))
    assert later == []


# --- the reader policy ---------------------------------------------------------------------------------------


def reader_statements(ev: Evaluation) -> dict[str, dict[str, Any]]:
    document = policy_of(one(ev, POLICY))
    return {statement["Sid"]: statement for statement in document["Statement"]}


def archive_sources(ev: Evaluation) -> list[tuple[str, str, bool]]:
    """(bucket ARN, delivery prefix, encrypted with the archive key) of each table's archive, in table order: the
    Firehose archives' buckets take the archive key when there is one, the flow log bucket never does
    (tests/network/test_flow_logs.py: the log delivery service could not use it)."""
    sources = []
    for name in tables(ev):
        if name == FLOW_LOG_TABLE.name:
            sources.append((f"arn:aws:s3:::{flow_log_bucket(ev)}", flow_log_prefix(), False))
        else:
            archive = ARCHIVE_OF_TABLE[name]
            sources.append((f"arn:aws:s3:::{archive_bucket(ev, archive)}", PREFIX_OF_ARCHIVE[archive], True))
    return sources


def test_the_reader_policy_is_clean_and_grants_exactly_what_reading_needs(stack: Evaluation, kms: Evaluation) -> None:
    """What running queries in one workgroup needs, from the Athena user guide: the workgroup actions of "Example
    policy for running queries in a specified workgroup" (without creating or deleting saved queries or prepared
    statements: the stack owns the saved queries; execution parameters need no prepared statement, "Using
    parameterized queries"); Glue GetDatabase/GetTable(s) on the catalog, the database and its tables, plus the
    `default` database Athena requires ("Mandatory: Access policy to the Default database and catalog per AWS
    Region": GetDatabase, GetDatabases, CreateDatabase); S3 read of the data ("Access to Amazon S3"), here only
    the delivery prefixes, never the error trees; the results bucket as AmazonAthenaFullAccess grants it for
    results (GetBucketLocation, GetObject, ListBucket, ListBucketMultipartUploads, ListMultipartUploadParts,
    AbortMultipartUpload, PutObject); with a KMS key, kms:Decrypt to read and GenerateDataKey to write results
    ("Encryption at rest": the minimum actions), through S3 and for these buckets only (not the flow log bucket,
    which is SSE-S3). The list actions that have no resource type (parliament's iam_definition.json, from the
    Service Authorization Reference) are the only `*`."""
    for ev in (stack, kms):
        document = policy_of(one(ev, POLICY))
        assert lint_policy(document) == []
        statements = reader_statements(ev)
        workgroup = one(ev, WORKGROUP).state["arn"]
        database = one(ev, DATABASE)
        assert statements["RunQueriesInTheWorkgroup"]["Resource"] == workgroup
        actions = set(as_list(statements["RunQueriesInTheWorkgroup"]["Action"]))
        assert {"athena:StartQueryExecution", "athena:GetQueryResults", "athena:ListNamedQueries"} <= actions
        assert not {"athena:CreateNamedQuery", "athena:DeleteNamedQuery", "athena:UpdateWorkGroup"} & actions
        assert statements["ListWorkgroupsAndCatalogs"]["Resource"] == "*"
        assert as_list(statements["ListWorkgroupsAndCatalogs"]["Action"]) == [
            "athena:ListWorkGroups",
            "athena:ListDataCatalogs",
        ]
        glue = f"arn:aws:glue:{REGION}:{ACCOUNT_ID}"
        # Each archive in the order of the component's sources; the recorded resources are in URN order.
        read_tables = statements["ReadTheArchiveTables"]["Resource"]
        assert read_tables[:3] == [f"{glue}:catalog", database.state["arn"], f"{glue}:database/default"]
        assert sorted(read_tables[3:]) == sorted(r.state["arn"] for r in inside(ev, TABLE))
        assert statements["AthenaDefaultDatabase"]["Resource"] == [f"{glue}:catalog", f"{glue}:database/default"]
        sources = archive_sources(ev)  # each archive with a table
        buckets = statements["LocateTheArchives"]["Resource"]
        assert sorted(buckets) == sorted(bucket for bucket, _, _ in sources)
        assert statements["ListTheArchives"]["Resource"] == buckets
        read = statements["ReadTheArchives"]["Resource"]
        assert sorted(read) == sorted(f"{bucket}/{prefix}*" for bucket, prefix, _ in sources)
        assert [resource.split("/", 1)[0] for resource in read] == buckets  # in the same order
        assert statements["ListTheArchives"]["Condition"] == {
            "StringLike": {"s3:prefix": sorted(f"{prefix}*" for _, prefix, _ in sources)}
        }
        results = results_bucket(ev).state["arn"]
        assert (statements["QueryResultsBucket"]["Resource"], statements["QueryResults"]["Resource"]) == (
            results,
            f"{results}/*",
        )
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow"
            assert all(not a.endswith("*") for a in as_list(statement["Action"]))
            if statement["Resource"] == "*":
                assert statement["Sid"] == "ListWorkgroupsAndCatalogs"
        key = statements.get("ArchiveKeyThroughS3")
        if ev is kms:
            assert key is not None and key["Resource"] == KEY_ARN
            assert key["Condition"]["StringEquals"] == {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
            encrypted = [bucket for bucket in buckets if (bucket, True) in {(b, k) for b, _, k in sources}]
            assert len(encrypted) == len(buckets) - 1  # the variant has flow logs, SSE-S3
            assert key["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
                value for bucket in (*encrypted, results) for value in (bucket, f"{bucket}/*")
            ]
        else:
            assert key is None


def test_the_reader_policy_reads_nothing_of_the_error_trees(dev: Evaluation) -> None:
    """The error output prefix (`<prefix>-errors/...`) is a sibling of the delivery prefix: none of the reader's
    S3 object or list grants match it."""
    statements = reader_statements(dev)
    bucket = archive_bucket(dev, "app-log-archive")
    error_object = f"arn:aws:s3:::{bucket}/app-logs-errors/error_type=processing-failed/year=2026/x.gz"
    assert not any(fnmatchcase(error_object, r) for r in statements["ReadTheArchives"]["Resource"])
    assert not any(
        fnmatchcase("app-logs-errors/", p)
        for p in statements["ListTheArchives"]["Condition"]["StringLike"]["s3:prefix"]
    )


def test_the_reader_policy_reads_only_this_accounts_and_regions_flow_logs(prod: Evaluation) -> None:
    """The flow log prefix holds `=` (Hive-compatible: `aws-account-id=<account>/...`), a plain character in an S3
    object ARN as the VPC user guide's own bucket policy writes it (`arn:aws:s3:::bucket_name/optional_folder/
    AWSLogs/aws-account-id=account_id/*`, "Amazon S3 bucket permissions for flow logs") and in StringLike, whose only
    wildcards are `*` and `?` (IAM user guide, "IAM JSON policy elements: Condition operators"). The reader may get
    and list this account's flow logs of this region, at any hour, and nothing of another account's or region's."""
    statements = reader_statements(prod)
    bucket = f"arn:aws:s3:::{flow_log_bucket(prod)}"
    objects, prefixes = statements["ReadTheArchives"]["Resource"], statements["ListTheArchives"]["Condition"]
    listed = prefixes["StringLike"]["s3:prefix"]
    assert f"{bucket}/{flow_log_prefix()}*" in objects
    own = flow_log_prefix(FLOW_NOW)
    assert any(fnmatchcase(f"{bucket}/{own}x.log.parquet", resource) for resource in objects)
    assert any(fnmatchcase(own, prefix) for prefix in listed)
    for other in (
        own.replace(f"aws-region={REGION}/", "aws-region=us-east-1/"),
        own.replace(f"aws-account-id={ACCOUNT_ID}/", "aws-account-id=210987654321/"),
        own.replace("aws-service=vpcflowlogs/", "aws-service=elasticloadbalancing/"),
    ):
        assert other != own
        assert not any(fnmatchcase(f"{bucket}/{other}x.log.parquet", resource) for resource in objects), other
        assert not any(fnmatchcase(other, prefix) for prefix in listed), other
