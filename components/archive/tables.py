"""The Glue tables over the archives, as plain data: columns, SerDe and table properties.

A plain module (no Pulumi import), so that the component (components/archive/queries.py) and the tests (which
read the archives with a local engine through exactly these definitions) share one copy.

Every Firehose archive (app logs, task stops, WAF logs) holds GZIP objects of JSON lines, one record per line, under
the time partitions of components/archive/layout.py. The tables read them with the OpenX JSON SerDe (`JSON_LINES`):
- `ignore.malformed.json`: a line that is not valid JSON becomes a row of NULLs instead of failing the query
  (every saved query filters on a column such a row lacks);
- `case.insensitive` (the SerDe's default, stated anyway): JSON keys are matched in lower case, at every level,
  so the ECS event's `stopCode` is the struct field `stopcode`; Athena lowercases names anyway;
- `mapping.<column>`: a column whose JSON key is not a valid column name (`detail-type`).
Columns are the fields the producers write, each of a type every value they write fits (a number where they write
numbers); keys not listed are ignored by the SerDe.

The VPC flow log archive (components/network/flow_logs.py) holds Apache Parquet objects that AWS writes under
Hive-compatible hourly prefixes; its table (`FLOW_LOG_TABLE`) reads them with the Parquet SerDe (`PARQUET`), by column
name, and projects the hour too (layout.HOURLY_PARTITIONS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from components.archive.layout import (
    HOURLY_PARTITIONS,
    TIME_PARTITIONS,
    TimePartition,
    location_template,
    projection_parameters,
)

SERDE_LIBRARY: Final = "org.openx.data.jsonserde.JsonSerDe"
INPUT_FORMAT: Final = "org.apache.hadoop.mapred.TextInputFormat"
OUTPUT_FORMAT: Final = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
TABLE_TYPE: Final = "EXTERNAL_TABLE"
BASE_SERDE_PARAMETERS: Final = {"ignore.malformed.json": "true", "case.insensitive": "true"}
# The Parquet SerDe and formats of AWS's own Parquet flow log table (Athena user guide, "Create tables for flow logs
# in Apache Parquet format", https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-parquet.html; the library
# name also in "Parquet SerDe", parquet-serde.html). Athena reads Parquet columns by name unless
# `parquet.column.index.access` is true ("Handling schema updates": "Athena reads Parquet by name by default, as
# defined in SERDEPROPERTIES ( 'parquet.column.index.access'='false')"); stated anyway, as case.insensitive is.
PARQUET_SERDE_LIBRARY: Final = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT_FORMAT: Final = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT: Final = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE_PARAMETERS: Final = {"parquet.column.index.access": "false"}
# Firehose writes a time partition from the arrival time of the records (components/archive/layout.py).
FIREHOSE_PARTITION_COMMENT: Final = "UTC {key} Firehose received the records (the {key}= path segment)"


@dataclass(frozen=True)
class StorageFormat:
    """How a table's objects are read: the Glue `classification` ("Built-in classifiers" of the Glue developer guide
    names json and parquet), the SerDe with its parameters, the input and output formats."""

    classification: str
    serde_library: str
    input_format: str
    output_format: str
    serde_parameters: Mapping[str, str]


JSON_LINES: Final = StorageFormat("json", SERDE_LIBRARY, INPUT_FORMAT, OUTPUT_FORMAT, BASE_SERDE_PARAMETERS)
PARQUET: Final = StorageFormat(
    "parquet", PARQUET_SERDE_LIBRARY, PARQUET_INPUT_FORMAT, PARQUET_OUTPUT_FORMAT, PARQUET_SERDE_PARAMETERS
)


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
    storage: StorageFormat = JSON_LINES
    partitions: tuple[TimePartition, ...] = TIME_PARTITIONS  # the time partitions of the archive, in path order
    partition_comment_template: str = FIREHOSE_PARTITION_COMMENT  # what each partition holds; `{key}`: its key

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def serde_parameters(self) -> dict[str, str]:
        mappings = {f"mapping.{column}": key for column, key in self.key_mappings.items()}
        return {**self.storage.serde_parameters, **mappings}

    def partition_comment(self, key: str) -> str:
        return self.partition_comment_template.format(key=key)

    def table_parameters(self, bucket: str, s3_prefix: str) -> dict[str, str]:
        """Glue table parameters: the data's classification, partition projection and where the partitions are."""
        return {
            "classification": self.storage.classification,
            "EXTERNAL": "TRUE",
            **projection_parameters(self.partitions),
            "storage.location.template": location_template(bucket, s3_prefix, self.partitions),
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

# What AWS WAF logs for every request a web ACL inspects, one JSON object per line (WAF writes to the archive's
# Firehose stream, components/edge/web_firewall.py). Sources, all AWS's:
# - the WAF developer guide, "Log fields for protection pack (web ACL) traffic"
#   (https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html): the fields and what they hold;
# - its "Log examples for protection pack (web ACL) traffic" (logging-examples.html, and its April 2023 text in
#   awsdocs/aws-waf-and-shield-advanced-developer-guide doc_source/logging-examples.md) and "Examples of data
#   protection" (data-protection-examples.html): real records, hence the JSON type of each value;
# - the Athena user guide, "Query AWS WAF logs" (waf-logs.html) and its "Create a table for AWS WAF S3 logs in Athena
#   using partition projection" (create-waf-table-partition-projection.html): AWS's CREATE TABLE, the names and
#   nesting followed here.
# Types are the JSON types of the documented records. Where the examples write a number and Athena's table says
# string (responseCodeSent; responseCode and solveTimestamp of captchaResponse), the column is a number: OpenX would
# read the number into a string column as its text, a number column keeps it a number and still reads a numeric
# string. excludedRules is the list of {exclusionType, ruleId} the field list documents (Athena's current table says
# string, its 2022 table had this list). requestBodySize and requestBodySizeInspectedByWAF come from Athena's table
# only (int there, bigint here: byte counts). Left out on purpose (WAF_KEYS_LEFT_OUT in
# tests/archive/test_archive_queries.py): oversizeFields (a list of names in the field list, a string in Athena's table,
# in no example), clientAsn and forwardedAsn (neither type nor place documented; logged only with an ASN match
# statement), cfDistributionTenantId (CloudFront only).
_WAF_MATCH_DETAILS = (
    "array<struct<conditiontype:string,sensitivitylevel:string,location:string,matcheddata:array<string>,"
    "matchedfieldname:string>>"
)
_WAF_TOKEN_RESPONSE = "struct<responsecode:int,solvetimestamp:bigint,failurereason:string>"
_WAF_NAME_VALUES = "array<struct<name:string,value:string>>"
_WAF_RULE_FIELDS = (
    "ruleid:string,action:string,overriddenaction:string,"
    f"rulematchdetails:{_WAF_MATCH_DETAILS},captcharesponse:{_WAF_TOKEN_RESPONSE},"
    f"challengeresponse:{_WAF_TOKEN_RESPONSE}"
)
_WAF_NON_TERMINATING = f"array<struct<{_WAF_RULE_FIELDS}>>"
_WAF_RULE_GROUP = (
    f"struct<rulegroupid:string,terminatingrule:struct<{_WAF_RULE_FIELDS}>,"
    f"nonterminatingmatchingrules:{_WAF_NON_TERMINATING},"
    "excludedrules:array<struct<exclusiontype:string,ruleid:string>>>"
)
_WAF_RATE_BASED_RULE = (
    "struct<ratebasedruleid:string,ratebasedrulename:string,limitkey:string,limitvalue:string,maxrateallowed:int,"
    "evaluationwindowsec:string,customvalues:array<struct<key:string,name:string,value:string>>>"
)
_WAF_HTTP_REQUEST = (
    f"struct<clientip:string,country:string,headers:{_WAF_NAME_VALUES},uri:string,args:string,httpversion:string,"
    "httpmethod:string,requestid:string,fragment:string,scheme:string,host:string>"
)

WAF_LOG_TABLE: Final = ArchiveTable(
    name="waf_logs",
    description="Every request the WAF web ACL inspected, as WAF logged it",
    columns=(
        Column("timestamp", "bigint", "when WAF inspected the request, milliseconds since the epoch"),
        Column("formatversion", "int", "version of the log format, 1"),
        *_strings(
            ("webaclid", "the web ACL's ARN"),
            (
                "terminatingruleid",
                "the rule that decided the action, by its name in the web ACL (Default_Action when "
                "none did); for a rule group, rulegrouplist names the rule inside it",
            ),
            ("terminatingruletype", "REGULAR, RATE_BASED, GROUP or MANAGED_RULE_GROUP"),
            ("action", "the terminating action: ALLOW, BLOCK, CAPTCHA or CHALLENGE"),
        ),
        Column(
            "terminatingrulematchdetails",
            _WAF_MATCH_DETAILS,
            "what the terminating rule matched (SQL injection and XSS match statements only): condition, location, "
            "matched data",
        ),
        *_strings(
            ("httpsourcename", "the protected resource's kind: ALB for a load balancer (CF, APIGW, ...)"),
            ("httpsourceid", "the protected resource's id"),
        ),
        Column(
            "rulegrouplist",
            f"array<{_WAF_RULE_GROUP}>",
            "the rule groups that acted on the request: group id (AWS#<name> for a managed group), the rule that "
            "terminated inside it, its non-terminating matches, excluded rules",
        ),
        Column(
            "ratebasedrulelist",
            f"array<{_WAF_RATE_BASED_RULE}>",
            "the rate-based rules that acted on the request: rule, aggregation key (IP, FORWARDED_IP, CUSTOMKEYS, "
            "CONSTANT) and value, limit, window in seconds (a string)",
        ),
        Column(
            "nonterminatingmatchingrules",
            _WAF_NON_TERMINATING,
            "rules that matched without ending the inspection (COUNT, or CAPTCHA/CHALLENGE with a valid token)",
        ),
        Column("requestheadersinserted", _WAF_NAME_VALUES, "headers a rule's custom request handling inserted"),
        Column("responsecodesent", "int", "the status code of a rule's custom response, when one was sent"),
        Column(
            "httprequest",
            _WAF_HTTP_REQUEST,
            "the request: client IP, country (- when unknown), headers (authorization and cookie redacted), URI, "
            "query string, HTTP version, method, request id (the ALB trace id), fragment, scheme, host",
        ),
        Column("labels", "array<struct<name:string>>", "the labels the rules added to the request (the first 100)"),
        Column(
            "captcharesponse",
            _WAF_TOKEN_RESPONSE,
            "the last CAPTCHA action's outcome: response code, solve "
            "time (epoch seconds), failure reason when it blocked",
        ),
        Column("challengeresponse", _WAF_TOKEN_RESPONSE, "the last Challenge action's outcome, like captcharesponse"),
        *_strings(
            ("ja3fingerprint", "JA3 fingerprint of the TLS Client Hello (32 hex characters), when WAF computed one"),
            ("ja4fingerprint", "JA4 fingerprint of the TLS Client Hello (36 characters), when WAF computed one"),
        ),
        Column("requestbodysize", "bigint", "size of the request body in bytes"),
        Column("requestbodysizeinspectedbywaf", "bigint", "bytes of the request body WAF inspected"),
    ),
)


# The VPC flow log records of the stack's flow log (components/network/flow_logs.py), as VPC Flow Logs delivers them to
# S3 in Parquet. The flow log sets no log format, so its records have the default format: "the version 2 fields, in the
# order shown in the available fields table" (VPC user guide, "Flow log records", https://docs.aws.amazon.com/vpc/
# latest/userguide/flow-log-records.html; its text of April 2023 in awsdocs/amazon-vpc-user-guide, doc_source/
# flow-logs.md). Sources, for the names and types:
# - the same page: "If the format is Parquet, see the table for the field data types": version, srcport, dstport and
#   protocol INT_32, packets, bytes, start and end INT_64, the others STRING; hence int, bigint and string;
# - the Athena user guide, "Create tables for flow logs in Apache Parquet format" (vpc-flow-logs-parquet.html):
#   AWS's Parquet table, whose column names are the field names with underscores for hyphens ("Replace the hyphens
#   in the Amazon VPC log field names with underscores", its "Considerations"), read by name; the open-telemetry
#   collector's reader of captured Parquet flow logs declares the same names and physical types
#   (open-telemetry/opentelemetry-collector-contrib pull request 47220, extension/encoding/awslogsencodingextension/
#   internal/unmarshaler/vpc-flow-log/benchmark_test.go: `Protocol int32 parquet:"protocol"`,
#   `LogStatus string parquet:"log_status"`).
# protocol is int as the VPC user guide and the files say, not bigint as Athena's table says: a Parquet reader that
# does not widen fails on it ("Column: [protocol], Expected: bigint, Found: INT32", opensearch-project/
# opensearch-catalog issue 167, on a delivered .log.parquet object). A field that does not apply to a record (NODATA
# and SKIPDATA records have no addresses, ports, counts or action) is written as `-` in plain text and is NULL here.
FLOW_LOG_TABLE: Final = ArchiveTable(
    name="vpc_flow_logs",
    description="Every flow of the VPC's network interfaces, accepted and rejected, as VPC Flow Logs delivered it",
    columns=(
        Column("version", "int", "flow log record version: 2 with the default format"),
        *_strings(
            ("account_id", "the account of the network interface (unknown for some interfaces AWS services own)"),
            ("interface_id", "the network interface whose traffic is recorded"),
            ("srcaddr", "source address of incoming traffic, or the interface's address for outgoing traffic"),
            ("dstaddr", "destination address of outgoing traffic, or the interface's address for incoming traffic"),
        ),
        Column("srcport", "int", "source port"),
        Column("dstport", "int", "destination port"),
        Column("protocol", "int", "IANA protocol number: 6 TCP, 17 UDP, 1 ICMP"),
        Column("packets", "bigint", "packets transferred during the flow"),
        Column("bytes", "bigint", "bytes transferred during the flow"),
        Column("start", "bigint", "Unix seconds: the first packet of the flow within the aggregation interval"),
        Column("end", "bigint", "Unix seconds: the last packet of the flow within the aggregation interval"),
        *_strings(
            ("action", "ACCEPT or REJECT (by the security groups or network ACLs)"),
            ("log_status", "OK, NODATA (no traffic in the interval) or SKIPDATA (records skipped)"),
        ),
    ),
    storage=PARQUET,
    partitions=HOURLY_PARTITIONS,
    partition_comment_template="UTC {key} VPC Flow Logs created the log file (the {key}= path segment)",
)

ARCHIVE_TABLES: Final = (APP_LOG_TABLE, TASK_STOP_TABLE, WAF_LOG_TABLE, FLOW_LOG_TABLE)
