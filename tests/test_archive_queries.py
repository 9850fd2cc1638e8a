"""components/archive_queries.py (and archive_layout, archive_tables, saved_queries): Athena over the S3 archives.

- The Glue tables and the Firehose prefixes come from one definition and agree, instant by instant.
- The Glue CreateDatabase/CreateTable, Athena CreateWorkGroup/CreateNamedQuery requests the provider makes from
  the recorded wire inputs validate against botocore's models, enums and limits included (tests/aws_api.py).
- Every saved query parses as Trino SQL, names only the tables and columns (struct fields too) the stack defines,
  uses only documented Trino functions, and reads a bounded number of partitions.
- Every saved query runs on a local engine (tests/local_athena.py: DuckDB, sqlglot's Trino-to-DuckDB transpile)
  over objects shaped exactly as the pipeline writes them: GZIP JSON lines under the Hive prefixes, the app log
  records as the real Fluent Bit wrote them (tests/archive_fixture.py), ECS task events as EventBridge delivers
  them (tests/ecs_events.py) and WAF log records as AWS's documentation shows them (tests/fixtures/
  waf_log_records.json), put in objects the way the archives' delivery streams write them (the producer and
  Firehose models of tests/test_log_archive.py), plus a malformed line in each archive and an object in the
  error tree that no table may read; and returns the expected rows.
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
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify

from components.archive_layout import TIME_PARTITIONS, firehose_prefix, location_template, projection_parameters
from components.archive_queries import ENGINE_VERSION, MIB, database_name
from components.archive_tables import APP_LOG_TABLE, ARCHIVE_TABLES, TASK_STOP_TABLE, WAF_LOG_TABLE
from components.limits import ATHENA_BYTES_SCANNED_CUTOFF_MIB
from components.saved_queries import SAVED_QUERIES, SavedQuery
from offline.aws_formats import ACCOUNT_ID
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from tests import archive_fixture
from tests.aws_api import operation_model, validate_request
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.ecs_events import REGION, stopped
from tests.helpers import LOG_ARCHIVE, config_value, delivery_stream, only
from tests.helpers import inside as inside_component
from tests.iam_lint import as_list, lint_policy, policy_of
from tests.local_athena import HiveType, LocalAthena, glue_table_input, parse_hive_type, pin_now, sql_type
from tests.test_log_archive import (
    KEY_ARN,
    archived_object,
    create_request,
    evaluate_prefix,
    producer_records,
    s3_destination,
)

COMPONENT = "httpd-firelens:logs:ArchiveQueries"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
TABLE = "aws:glue/catalogTable:CatalogTable"
WORKGROUP = "aws:athena/workgroup:Workgroup"
NAMED_QUERY = "aws:athena/namedQuery:NamedQuery"
POLICY = "aws:iam/policy:Policy"
BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
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
        value = {"year": at.year, "month": at.month, "day": at.day}[key]
        low, high = (int(v) for v in parameters[f"projection.{key}.range"].split(","))
        if not low <= value <= high:
            return None
        location = location.replace(f"${{{key}}}", str(value).zfill(int(parameters[f"projection.{key}.digits"])))
    return location


def firehose_location(ev: Evaluation, archive: str, at: datetime) -> str:
    """Where Firehose puts the records that arrive at `at` (tests/test_log_archive.py evaluates the prefix)."""
    destination = s3_destination(create_request(delivery_stream(ev, archive)))
    return f"s3://{destination['BucketARN'].split(':::', 1)[1]}/{evaluate_prefix(destination['Prefix'], at)}"


def test_table_templates_and_firehose_prefixes_come_from_one_definition_and_agree(stack: Evaluation) -> None:
    """Partition projection computes each partition's location from `storage.location.template`, each `${key}`
    replaced by a projected value; an integer projection writes it with `digits` digits, and a template must name
    every partition column (Athena user guide, "Set up partition projection", "Supported types for partition
    projection"; repost.aws knowledge center "athena-error-invalid-table-property"). Firehose writes each object
    under its Prefix evaluated at the arrival time in UTC, `!{timestamp:MM}` zero-padded ("Configure Amazon S3
    object name format", https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html). Both are built
    from components/archive_layout.py, and for any instant they name the same place."""
    by_name = tables(stack)
    waf = config_value(stack, "waf") == "true"
    assert set(by_name) == {table.name for table in ARCHIVE_TABLES if waf or table is not WAF_LOG_TABLE}
    for name, table in by_name.items():
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
    """Every key of every record the real Fluent Bit wrote (tests/archive_fixture.py) is a column, of the JSON
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
    """A PrivateBucket (tests/test_log_archive.py checks every PrivateBucket's hardening); results expire after 7
    days; prod protects the bucket and keeps the workgroup's history on destroy, dev lets both go: the workgroup's
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
            **{partition.key: "INTEGER" for partition in TIME_PARTITIONS},
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
    keys = {partition.key for partition in TIME_PARTITIONS}
    return [
        c
        for c in conjuncts
        if {column.name for column in c.find_all(exp.Column)} <= keys and list(c.find_all(exp.Column))
    ]


def admitted_partitions(query: SavedQuery, parameters: tuple[Any, ...], now: datetime) -> int:
    """How many partitions of the whole projected range (every year, month and day) the query's partition filters
    admit, at `now`: what partition projection would project for it."""
    condition = " AND ".join(pin_now(c, now).sql(dialect="duckdb") for c in partition_conjuncts(query))
    candidates = " CROSS JOIN ".join(
        f"(SELECT CAST(range AS INTEGER) AS {p.key} FROM range({p.first}, {p.last + 1}))" for p in TIME_PARTITIONS
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
    records as tests/test_log_archive.py's Firehose model concatenates them, under the Prefix (or, with
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

    WAF ends each record it puts to the stream with a newline (tests/test_web_firewall.py has the evidence), so the
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


# --- the reader policy ---------------------------------------------------------------------------------------


def reader_statements(ev: Evaluation) -> dict[str, dict[str, Any]]:
    document = policy_of(one(ev, POLICY))
    return {statement["Sid"]: statement for statement in document["Statement"]}


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
    ("Encryption at rest": the minimum actions), through S3 and for these buckets only. The list actions that
    have no resource type (parliament's iam_definition.json, from the Service Authorization Reference) are the
    only `*`."""
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
        assert statements["ReadTheArchiveTables"]["Resource"] == [
            f"{glue}:catalog",
            database.state["arn"],
            f"{glue}:database/default",
            *(r.state["arn"] for r in inside(ev, TABLE)),
        ]
        assert statements["AthenaDefaultDatabase"]["Resource"] == [f"{glue}:catalog", f"{glue}:database/default"]
        archives = [ARCHIVE_OF_TABLE[name] for name in tables(ev)]  # each archive with a table, in table order
        buckets = [f"arn:aws:s3:::{archive_bucket(ev, a)}" for a in archives]
        assert statements["ReadTheArchives"]["Resource"] == [
            f"{bucket}/{PREFIX_OF_ARCHIVE[a]}*" for bucket, a in zip(buckets, archives, strict=True)
        ]
        assert statements["ListTheArchives"]["Condition"] == {
            "StringLike": {"s3:prefix": [f"{PREFIX_OF_ARCHIVE[a]}*" for a in archives]}
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
            assert key["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
                value for bucket in (*buckets, results) for value in (bucket, f"{bucket}/*")
            ]
        else:
            assert key is None


def test_the_reader_policy_reads_nothing_of_the_error_trees(dev: Evaluation) -> None:
    """The error output prefix (`<prefix>-errors/...`) is a sibling of the delivery prefix: none of the reader's
    S3 object or list grants match it."""
    from fnmatch import fnmatchcase

    statements = reader_statements(dev)
    bucket = archive_bucket(dev, "app-log-archive")
    error_object = f"arn:aws:s3:::{bucket}/app-logs-errors/error_type=processing-failed/year=2026/x.gz"
    assert not any(fnmatchcase(error_object, r) for r in statements["ReadTheArchives"]["Resource"])
    assert not any(
        fnmatchcase("app-logs-errors/", p)
        for p in statements["ListTheArchives"]["Condition"]["StringLike"]["s3:prefix"]
    )
