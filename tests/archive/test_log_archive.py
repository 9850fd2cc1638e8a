"""components/archive/log_archive.py (and private_bucket.py): the two archives of the real program, the partner variant.

The delivery stream's recorded wire inputs are mapped to the CreateDeliveryStream request the provider sends
and validated against botocore's model (enums and limits included); the S3 prefixes are checked against the
Firehose prefix rules ("Custom prefixes for Amazon S3 objects", Semantic rules) and evaluated; every policy
document goes through parliament; moto accepts the request and delivers a record into the bucket.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from components.archive.log_archive import LogArchive, LogArchiveArgs, PartnerEndpoint
from offline.aws_formats import ACCOUNT_ID
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.mocks import AwsMocks
from offline.pulumi_runtime import is_secret, start_mock_runtime, unwrap_secret
from offline.render import as_json
from tests.conftest import DATADOG, PARTNER, PARTNER_SECRETS, PIPELINE_VARIANT, SERVICE_VARIANT, evaluate_stack
from tests.support.aws_api import operation_model, validate_request
from tests.support.firehose import (
    archived_object,
    create_request,
    evaluate_prefix,
    prefix_problems,
    producer_records,
    s3_destination,
)
from tests.support.helpers import (
    config_value,
    delivery_stream,
    inside,
    only,
    put_bucket_lifecycle_configuration_request,
    put_bucket_versioning_request,
    put_object_lock_configuration_request,
)
from tests.support.iam_eval import DENY, Request, decide
from tests.support.iam_lint import as_list, lint_policy, policy_of

REGION = "ap-northeast-1"
ARCHIVE = "httpd-firelens:logs:LogArchive"
PRIVATE_BUCKET = "httpd-firelens:storage:PrivateBucket"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_STREAM = "aws:cloudwatch/logStream:LogStream"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

PREFIXES = {"app-log-archive": "app-logs/", "task-stop-archive": "ecs-task-stop-log/"}
PARTNER_KEY = PARTNER_SECRETS["partnerApiKey"]
KEY_ARN = PIPELINE_VARIANT["archiveKmsKeyArn"]
# The actions Firehose's developer guide lists for an S3 destination ("Grant Firehose access to an Amazon S3
# destination"), which also covers an HTTP endpoint's S3 backup.
FIREHOSE_S3_ACTIONS = {
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
}


@pytest.fixture(scope="module")
def partner() -> Evaluation:
    return evaluate_stack("dev", secrets=PARTNER_SECRETS, **PARTNER)


@pytest.fixture(scope="module")
def kms() -> Evaluation:
    return evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)


# Every (evaluation, archive) the program builds: the two S3 archives of both stacks, the KMS variant and the
# partner variant (whose app archive stays an S3 archive).
CASES = [
    ("dev", "app-log-archive"),
    ("dev", "task-stop-archive"),
    ("prod", "app-log-archive"),
    ("prod", "task-stop-archive"),
    ("kms", "app-log-archive"),
    ("kms", "task-stop-archive"),
    ("partner", "app-log-archive"),
    ("partner", "task-stop-archive"),
]


@pytest.fixture(params=CASES, ids=[f"{e}-{a}" for e, a in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Evaluation, str]:
    evaluation_name, archive = request.param
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    return evaluation, archive


# --- reading the recorded program --------------------------------------------------------------------------


def of(ev: Evaluation, archive: str, type_token: str) -> list[RecordedResource]:
    return inside(ev, ARCHIVE, archive, type_token)


def one(ev: Evaluation, archive: str, type_token: str) -> RecordedResource:
    return only(of(ev, archive, type_token))


# --- the wire inputs as the CreateDeliveryStream request -----------------------------------------------------


# --- the Firehose prefix rules ----------------------------------------------------------------------------


def hive_partitions(key_prefix: str, base: str) -> dict[str, str]:
    """`base` followed by `name=value/` segments only: what Athena reads as partitions."""
    assert key_prefix.startswith(base), (key_prefix, base)
    segments = key_prefix[len(base) :].rstrip("/").split("/")
    assert all(re.fullmatch(r"[a-z_]+=[^=/]+", s) for s in segments), segments
    return dict(s.split("=", 1) for s in segments)


# --- both uses: the S3 destination ----------------------------------------------------------------------------


@pytest.mark.parametrize("archive", sorted(PREFIXES))
def test_each_archive_delivers_gzip_to_its_own_bucket_with_its_prefix(stack: Evaluation, archive: str) -> None:
    resource = delivery_stream(stack, archive)
    config = resource.inputs["extendedS3Configuration"]
    assert resource.inputs["destination"] == "extended_s3"
    assert "httpEndpointConfiguration" not in resource.inputs
    assert config["bucketArn"] == one(stack, archive, BUCKET).state["arn"]
    assert config["roleArn"] == one(stack, archive, ROLE).state["arn"]
    assert config["compressionFormat"] == "GZIP"
    prefix = PREFIXES[archive]
    assert config["prefix"] == f"{prefix}year=!{{timestamp:yyyy}}/month=!{{timestamp:MM}}/day=!{{timestamp:dd}}/"
    base = prefix.rstrip("/")
    assert config["errorOutputPrefix"] == (
        f"{base}-errors/error_type=!{{firehose:error-output-type}}"
        "/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    )
    assert int(config["bufferingSize"]) == int(config_value(stack, "firehoseBufferSizeMiB"))
    assert int(config["bufferingInterval"]) == int(config_value(stack, "firehoseBufferIntervalSeconds"))
    assert resource.inputs["serverSideEncryption"] == {"enabled": True, "keyType": "AWS_OWNED_CMK"}


def test_the_two_archives_share_nothing(dev: Evaluation) -> None:
    for type_token in (BUCKET, ROLE, LOG_GROUP, LOG_STREAM, STREAM):
        ids = {one(dev, archive, type_token).id for archive in PREFIXES}
        assert len(ids) == 2, type_token


def test_only_the_stream_fed_without_a_delimiter_appends_one(stack: Evaluation) -> None:
    """Fluent Bit's kinesis_firehose output ends every record with a newline itself: process_event in
    plugins/out_kinesis_firehose/firehose_api.c (fluent/fluent-bit) copies "\\n" after the JSON under the comment
    "append newline to record", and the 1.9.10 binary of AWS's line does the same
    (../shared/tools/fluent-bit/README.md). A second newline from AppendDelimiterToRecord would leave a blank
    line after every archived log record. EventBridge writes records with no delimiter, so the task stop archive
    keeps the processor, which takes no parameter (Firehose API reference, Processor: "You don't have to put a
    processor parameter when you select AppendDelimiterToRecord")."""
    app = delivery_stream(stack, "app-log-archive").inputs["extendedS3Configuration"]
    assert "processingConfiguration" not in app
    stops = delivery_stream(stack, "task-stop-archive").inputs["extendedS3Configuration"]["processingConfiguration"]
    assert stops == {"enabled": True, "processors": [{"type": "AppendDelimiterToRecord"}]}


def test_every_archive_holds_one_json_object_per_line(case: tuple[Evaluation, str]) -> None:
    """JSON lines, what Athena's JSON SerDes read: no record glued to the next, no blank line between them."""
    ev, archive = case
    events: list[dict[str, Any]] = [
        {"detail-type": "ECS Task State Change", "detail": {"lastStatus": "STOPPED", "stopCode": "TaskFailedToStart"}},
        {"log": '10.0.1.5 - - "GET / HTTP/1.1" 200 45', "source": "stdout", "ecs_cluster": "httpd-cluster"},
    ]
    written = archived_object(delivery_stream(ev, archive), producer_records(ev, archive, events))
    assert written.endswith("\n")
    assert [json.loads(line) for line in written[:-1].split("\n")] == events


LOG_ARCHIVE_TYPE = "httpd-firelens:logs:LogArchive"


def test_the_archives_output_names_each_archives_bucket_stream_and_error_group(stack: Evaluation) -> None:
    """The `archives` output (what `ops verify` reads): one entry per archive of the stack, from one list
    (configuration/archives.py)."""
    archives = stack.outputs["archives"]
    names = {"appLogs": "app-log-archive", "taskStops": "task-stop-archive", "wafLogs": "waf-log-archive"}
    created = {r.name for r in stack.of_type(LOG_ARCHIVE_TYPE)}
    assert set(archives) == {key for key, name in names.items() if name in created}
    for key, entry in archives.items():
        assert entry["deliveryStream"] == delivery_stream(stack, names[key]).state["name"]
        assert entry["bucket"] == one(stack, names[key], BUCKET).id
        assert entry["deliveryErrorLogGroup"] == one(stack, names[key], LOG_GROUP).state["name"]


# --- delivery-error logging ---------------------------------------------------------------------------------


def test_delivery_errors_go_to_a_log_stream_the_archive_creates(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    group, log_stream = one(ev, archive, LOG_GROUP), one(ev, archive, LOG_STREAM)
    assert group.inputs["retentionInDays"] == int(config_value(ev, "logRetentionDays"))
    assert group.state["name"].startswith(f"/aws/kinesisfirehose/httpd-firelens-{ev.config.stack}-{archive}-")
    assert log_stream.inputs["logGroupName"] == group.state["name"]
    expected = {"Enabled": True, "LogGroupName": group.state["name"], "LogStreamName": log_stream.state["name"]}
    request = create_request(delivery_stream(ev, archive))
    assert s3_destination(request)["CloudWatchLoggingOptions"] == expected
    if "HttpEndpointDestinationConfiguration" in request:
        assert request["HttpEndpointDestinationConfiguration"]["CloudWatchLoggingOptions"] == expected


def test_log_stream_arn_is_in_the_aws_format(dev: Evaluation) -> None:
    group, log_stream = one(dev, "app-log-archive", LOG_GROUP), one(dev, "app-log-archive", LOG_STREAM)
    assert log_stream.id == log_stream.state["name"]
    assert log_stream.state["arn"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group.state['name']}:log-stream:{log_stream.state['name']}"
    )


# --- the request validates against the API model -------------------------------------------------------------


def test_every_stream_is_a_valid_create_delivery_stream_request(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    assert validate_request("firehose", "CreateDeliveryStream", create_request(delivery_stream(ev, archive))) == []


@pytest.mark.parametrize("variant", [SERVICE_VARIANT, PIPELINE_VARIANT, {}], ids=["128-0", "1-900", "default"])
def test_buffering_limits_of_an_s3_destination_are_accepted(variant: dict[str, str]) -> None:
    """S3 buffering from 1 to 128 MiB and 0 to 900 s (the variants hold both ends of each range)."""
    ev = evaluate_stack("dev", secrets=None, **variant)
    request = create_request(delivery_stream(ev, "app-log-archive"))
    assert request["ExtendedS3DestinationConfiguration"]["BufferingHints"] == {
        "SizeInMBs": int(config_value(ev, "firehoseBufferSizeMiB")),
        "IntervalInSeconds": int(config_value(ev, "firehoseBufferIntervalSeconds")),
    }
    assert validate_request("firehose", "CreateDeliveryStream", request) == []


def test_partner_buffering_at_the_http_endpoint_limits_is_accepted(partner: Evaluation) -> None:
    ev = partner  # 64 MiB and 900 s, the HTTP endpoint's largest buffer and longest interval
    request = create_request(delivery_stream(ev, "task-stop-archive"))
    assert request["HttpEndpointDestinationConfiguration"]["BufferingHints"] == {
        "SizeInMBs": 64,
        "IntervalInSeconds": 900,
    }
    assert validate_request("firehose", "CreateDeliveryStream", request) == []


def _break(request: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(request)
    target: Any = broken  # dicts and lists along the path
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


S3_DESTINATION = "ExtendedS3DestinationConfiguration"
HTTP_DESTINATION = "HttpEndpointDestinationConfiguration"
BROKEN: list[tuple[str, tuple[str | int, ...], Any, str]] = [
    ("dev", (S3_DESTINATION, "BufferingHints", "IntervalInSeconds"), 901, "above the maximum 900"),
    ("dev", (S3_DESTINATION, "BufferingHints", "SizeInMBs"), 129, "above the maximum 128"),
    ("dev", (S3_DESTINATION, "CompressionFormat"), "GZ", "is not one of"),
    ("dev", (S3_DESTINATION, "ProcessingConfiguration", "Processors", 0, "Type"), "AppendNewline", "is not one of"),
    ("dev", (S3_DESTINATION, "S3BackupMode"), "AllData", "is not one of"),
    ("dev", ("DeliveryStreamEncryptionConfigurationInput", "KeyType"), "AWS_MANAGED", "is not one of"),
    ("partner", (HTTP_DESTINATION, "BufferingHints", "SizeInMBs"), 65, "above the maximum 64"),
    ("partner", (HTTP_DESTINATION, "RetryOptions", "DurationInSeconds"), 7201, "above the maximum 7200"),
    ("partner", (HTTP_DESTINATION, "RequestConfiguration", "ContentEncoding"), "gzip", "is not one of"),
    ("partner", (HTTP_DESTINATION, "S3BackupMode"), "Enabled", "is not one of"),
]


@pytest.mark.parametrize(("evaluation_name", "path", "value", "fragment"), BROKEN)
def test_the_validation_reports_a_wrong_value(
    evaluation_name: str, path: tuple[str | int, ...], value: Any, fragment: str, request: pytest.FixtureRequest
) -> None:
    """A mapping or validator that checked nothing would pass every valid request too; this one must fail."""
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    archive = "task-stop-archive"
    valid = create_request(delivery_stream(evaluation, archive))
    assert validate_request("firehose", "CreateDeliveryStream", valid) == []
    problems = validate_request("firehose", "CreateDeliveryStream", _break(valid, path, value))
    assert any(fragment in problem for problem in problems), problems


# --- the prefixes under Firehose's rules ----------------------------------------------------------------------


def test_the_prefixes_follow_the_firehose_prefix_rules(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    destination = s3_destination(create_request(delivery_stream(ev, archive)))
    assert prefix_problems(destination["Prefix"], destination["ErrorOutputPrefix"]) == []
    # Without a timestamp expression Firehose would append its own yyyy/MM/dd/HH/ and break the partitions.
    assert "!{timestamp:" in destination["Prefix"] and "!{timestamp:" in destination["ErrorOutputPrefix"]


@pytest.mark.parametrize(
    ("prefix", "error_prefix", "fragment"),
    [
        ("logs/!{timestamp:yyyy/MM/dd}/", None, "can't be null"),  # the guide's own invalid example
        ("logs/!{timestamp:yyyy}/", "errors/!{timestamp:yyyy}/", "must include"),
        ("logs/!{firehose:error-output-type}/", "errors/!{firehose:error-output-type}/", "Prefix can't contain"),
        ("logs/!{time:yyyy}/", "errors/!{firehose:error-output-type}/", "not a !{namespace:value}"),
        ("logs/!{timestamp:yyyy/", "errors/!{firehose:error-output-type}/", "outside an expression"),
    ],
)
def test_the_prefix_rules_fire(prefix: str, error_prefix: str | None, fragment: str) -> None:
    assert any(fragment in problem for problem in prefix_problems(prefix, error_prefix))


@pytest.mark.parametrize("archive", sorted(PREFIXES))
def test_objects_and_errors_land_in_two_hive_partitioned_trees(dev: Evaluation, archive: str) -> None:
    destination = s3_destination(create_request(delivery_stream(dev, archive)))
    at = datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    objects = evaluate_prefix(destination["Prefix"], at)
    errors = evaluate_prefix(destination["ErrorOutputPrefix"], at, "processing-failed")
    prefix = PREFIXES[archive]
    assert hive_partitions(objects, prefix) == {"year": "2026", "month": "01", "day": "05"}
    errors_base = f"{prefix.rstrip('/')}-errors/"
    expected = {"error_type": "processing-failed", "year": "2026", "month": "01", "day": "05"}
    assert hive_partitions(errors, errors_base) == expected
    assert not errors.startswith(prefix), "a table over the delivered objects would also read the errors"


# --- the partner variant ---------------------------------------------------------------------------------------


def test_partner_stream_delivers_to_the_http_endpoint_and_backs_up_everything(partner: Evaluation) -> None:
    resource = delivery_stream(partner, "task-stop-archive")
    assert resource.inputs["destination"] == "http_endpoint"
    assert "extendedS3Configuration" not in resource.inputs
    config = resource.plain_inputs()["httpEndpointConfiguration"]
    assert (config["url"], config["name"], config["accessKey"]) == (DATADOG, "Datadog", PARTNER_KEY)
    assert config["requestConfiguration"] == {"contentEncoding": "GZIP"}
    assert 0 <= int(config["retryDuration"]) <= 7200
    assert config["s3BackupMode"] == "AllData"
    role = one(partner, "task-stop-archive", ROLE)
    assert config["roleArn"] == role.state["arn"]
    backup = config["s3Configuration"]
    assert backup["bucketArn"] == one(partner, "task-stop-archive", BUCKET).state["arn"]
    assert backup["roleArn"] == role.state["arn"]
    assert backup["compressionFormat"] == "GZIP"
    assert backup["prefix"].startswith("ecs-task-stop-log/")
    # The application logs stay an S3 archive: the partner receives stop events only.
    assert delivery_stream(partner, "app-log-archive").inputs["destination"] == "extended_s3"


def test_partner_key_is_a_secret_in_the_registered_inputs(partner: Evaluation) -> None:
    raw = delivery_stream(partner, "task-stop-archive").inputs["httpEndpointConfiguration"]
    assert is_secret(raw)
    assert unwrap_secret(raw)["accessKey"] == PARTNER_KEY


def test_partner_key_never_appears_in_the_offline_json(partner: Evaluation) -> None:
    """The document `python -m offline preview --json` prints (the CLI itself is covered in test_offline.py)."""
    document = as_json(partner)
    assert PARTNER_KEY not in json.dumps(document)
    (resource,) = [r for r in document["resources"] if r["type"] == STREAM and r["name"] == "task-stop-archive-stream"]
    assert resource["inputs"]["destination"] == "http_endpoint"  # the partner variant, not a stack without one
    assert resource["inputs"]["httpEndpointConfiguration"] == "[secret]"
    assert resource["state"]["httpEndpointConfiguration"] == "[secret]"


def test_alarm_code_can_tell_an_http_endpoint_stream() -> None:
    """`http_endpoint` is a plain bool on the component, known before anything is deployed."""
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    endpoint = PartnerEndpoint(DATADOG, "Datadog", pulumi.Output.secret(PARTNER_KEY))
    s3_only = LogArchive("s3", archive_args("s3/"))
    to_partner = LogArchive("partner", archive_args("partner/", partner=endpoint, records_end_with_newline=True))
    assert (s3_only.http_endpoint, to_partner.http_endpoint) == (False, True)


# --- argument checks --------------------------------------------------------------------------------------------


def archive_args(prefix: str, size: int = 5, interval: int = 300, **more: Any) -> LogArchiveArgs:
    return LogArchiveArgs(
        prefix,
        log_retention_days=14,
        expiration_days=30,
        buffer_size_mib=size,
        buffer_interval_seconds=interval,
        **more,
    )


def partner_args(size: int = 5, **more: Any) -> LogArchiveArgs:
    """An archive with a partner endpoint (its key a Pulumi secret: build it inside a test, where a loop exists)."""
    return archive_args("s/", size, partner=PartnerEndpoint(DATADOG, "D", pulumi.Output.secret("k")), **more)


def test_valid_arguments_pass_the_checks() -> None:
    endpoint = PartnerEndpoint(DATADOG, "Datadog", pulumi.Output.secret(PARTNER_KEY))
    assert archive_args("app-logs/", 128, 0).problems() == []
    assert archive_args("waf-logs/", delivery_stream_name="aws-waf-logs-" + "x" * 51).problems() == []  # 64 chars
    partner = archive_args("stops/", 64, 900, partner=endpoint, http_retry_seconds=7200, records_end_with_newline=True)
    assert partner.problems() == []


@pytest.mark.parametrize(
    ("make_args", "problem"),
    [
        (lambda: archive_args("app-logs"), ("s3_prefix", "app-logs")),
        (lambda: archive_args("/app-logs/"), ("s3_prefix", "/app-logs/")),
        (lambda: archive_args("logs/!{timestamp:yyyy}/"), ("s3_prefix", "logs/!{timestamp:yyyy}/")),
        (lambda: archive_args("app-logs/", size=129), ("buffer_size_mib", 129)),
        (lambda: archive_args("app-logs/", interval=901), ("buffer_interval_seconds", 901)),
        (lambda: partner_args(size=65, records_end_with_newline=True), ("buffer_size_mib", 65)),
        (lambda: partner_args(http_retry_seconds=-1, records_end_with_newline=True), ("http_retry_seconds", -1)),
        (lambda: archive_args("s/", object_lock_days=31), ("object_lock_days", 31)),
        (lambda: archive_args("s/", object_lock_days=1, force_destroy=True), ("object_lock_days", 1)),
        (lambda: archive_args("s/", noncurrent_version_expiration_days=0), ("noncurrent_version_expiration_days", 0)),
        # A fixed stream name: 1 to 64 of [a-zA-Z0-9_.-] (botocore's firehose model, DeliveryStreamName).
        (
            lambda: archive_args("w/", delivery_stream_name="aws-waf-logs-" + "x" * 52),
            ("delivery_stream_name", "aws-waf-logs-" + "x" * 52),
        ),
        (lambda: archive_args("w/", delivery_stream_name="aws waf logs"), ("delivery_stream_name", "aws waf logs")),
        (lambda: archive_args("w/", delivery_stream_name=""), ("delivery_stream_name", "")),
        # The backup keeps records as they came in: nothing in the stream could separate them.
        (lambda: partner_args(), ("records_end_with_newline", False)),
    ],
)
def test_invalid_arguments_are_rejected_with_what_is_allowed(
    make_args: Callable[[], LogArchiveArgs], problem: tuple[str, object]
) -> None:
    """(The arguments are built inside the test: a partner's key is a Pulumi output, which needs an event loop.)
    Each is one problem, and the component refuses it before creating anything."""
    args = make_args()
    assert [(p.field, p.value) for p in args.problems()] == [problem]
    with pytest.raises(ValueError, match=re.escape(f"LogArchive 'archive': {problem[0]} {problem[1]!r}")):
        LogArchive("archive", args)


# --- IAM ----------------------------------------------------------------------------------------------------------


def policies(ev: Evaluation, archive: str) -> list[tuple[RecordedResource, str, bool]]:
    """(resource, input key, is a trust policy) for every policy document the archive creates."""
    return [
        (one(ev, archive, ROLE), "assumeRolePolicy", True),
        (one(ev, archive, ROLE_POLICY), "policy", False),
        (one(ev, archive, BUCKET_POLICY), "policy", False),
    ]


def test_every_policy_passes_parliament_and_allows_no_wildcard_action(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    for resource, key, trust in policies(ev, archive):
        assert lint_policy(resource.plain_inputs()[key], trust=trust) == [], resource.name
        for statement in policy_of(resource, key)["Statement"]:
            if statement["Effect"] == "Allow":
                assert all(a != "*" and not a.endswith(":*") for a in as_list(statement["Action"])), statement


def test_only_firehose_of_this_account_may_assume_the_role(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    (statement,) = policy_of(one(ev, archive, ROLE), "assumeRolePolicy")["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "firehose.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def test_role_may_write_only_its_bucket_and_its_log_stream(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    bucket_arn = one(ev, archive, BUCKET).state["arn"]
    policy = one(ev, archive, ROLE_POLICY)
    assert policy.inputs["role"] == one(ev, archive, ROLE).id
    granted: dict[str, set[str]] = {}
    for statement in policy_of(policy)["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            granted.setdefault(action, set()).update(as_list(statement["Resource"]))
    s3 = {action: resources for action, resources in granted.items() if action.startswith("s3:")}
    assert set(s3) == FIREHOSE_S3_ACTIONS
    assert set().union(*s3.values()) == {bucket_arn, f"{bucket_arn}/*"}
    assert granted["logs:PutLogEvents"] == {one(ev, archive, LOG_STREAM).state["arn"]}
    uses_kms = ev.config.values.get(ev.config.full_key("archiveKmsKeyArn")) == KEY_ARN
    expected = (
        FIREHOSE_S3_ACTIONS | {"logs:PutLogEvents"} | ({"kms:Decrypt", "kms:GenerateDataKey"} if uses_kms else set())
    )
    assert set(granted) == expected


def test_kms_use_is_limited_to_s3_and_this_bucket(kms: Evaluation) -> None:
    for archive in PREFIXES:
        bucket_arn = one(kms, archive, BUCKET).state["arn"]
        (statement,) = [s for s in policy_of(one(kms, archive, ROLE_POLICY))["Statement"] if s["Resource"] == KEY_ARN]
        assert sorted(as_list(statement["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"]
        assert statement["Condition"] == {
            "StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]},
        }


def test_stream_is_created_after_the_role_policy_and_the_bucket_hardening(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    dependencies = delivery_stream(ev, archive).dependencies
    for type_token in (ROLE_POLICY, BUCKET_POLICY, ENCRYPTION, PUBLIC_ACCESS):
        assert one(ev, archive, type_token).urn in dependencies, type_token


# --- the bucket ----------------------------------------------------------------------------------------------------


def test_bucket_is_private_owner_enforced_and_tls_only(case: tuple[Evaluation, str]) -> None:
    ev, archive = case
    bucket = one(ev, archive, BUCKET)
    assert one(ev, archive, PRIVATE_BUCKET).parent == ev.one(ARCHIVE, archive).urn
    block = one(ev, archive, PUBLIC_ACCESS).inputs
    assert block["bucket"] == bucket.id
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert all(block[flag] is True for flag in flags)
    ownership = one(ev, archive, OWNERSHIP).inputs
    assert (ownership["bucket"], ownership["rule"]) == (bucket.id, {"objectOwnership": "BucketOwnerEnforced"})
    policy = one(ev, archive, BUCKET_POLICY)
    assert policy.inputs["bucket"] == bucket.id
    deny, other_stacks = policy_of(policy)["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Resource"] == [bucket.state["arn"], f"{bucket.state['arn']}/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert other_stacks["Sid"] == "DenyOtherStacksOfTheProject"


@pytest.mark.parametrize(
    ("principal_tags", "denied"),
    [
        ({"project": "httpd-firelens", "stack": "prod"}, True),  # prod's deploy role, prod's Firehose role
        ({"project": "httpd-firelens", "stack": "dev"}, False),  # the stack's own roles
        ({}, False),  # an administrator, a service delivering logs
        ({"project": "another-project", "stack": "prod"}, False),
        ({"project": "httpd-firelens"}, False),  # no stack: not a stack's role
    ],
)
def test_the_roles_of_another_stack_can_do_nothing_on_the_bucket(
    dev: Evaluation, principal_tags: dict[str, str], denied: bool
) -> None:
    """The archives are what one stack's role must not touch in another's: S3 evaluates no resource tags in identity
    policies unless the bucket has ABAC enabled ("By default, ABAC is disabled for all Amazon S3 general purpose
    buckets", S3 user guide, "Enabling ABAC in general purpose buckets"), and dev's and prod's buckets share name
    patterns. So the bucket policy refuses a principal of the project tagged with another stack, whatever it asks."""
    for archive in ("app-log-archive", "task-stop-archive"):
        bucket_arn = one(dev, archive, BUCKET).state["arn"]
        policy = policy_of(one(dev, archive, BUCKET_POLICY))
        context = {"aws:SecureTransport": "true", **{f"aws:PrincipalTag/{k}": v for k, v in principal_tags.items()}}
        for action, resource in (("s3:PutBucketPolicy", bucket_arn), ("s3:DeleteObject", f"{bucket_arn}/x.gz")):
            verdict = decide([policy], Request(action, resource, context))
            assert (verdict == DENY) is denied, (archive, action, principal_tags)


def upstream(ev: Evaluation, resource: RecordedResource) -> set[str]:
    """Every URN the engine must finish before `resource`: its dependencies, theirs, and so on."""
    seen: set[str] = set()
    pending = list(resource.dependencies)
    while pending:
        urn = pending.pop()
        if urn not in seen:
            seen.add(urn)
            pending.extend(ev.by_urn(urn).dependencies)
    return seen


# Every configuration of a PrivateBucket, in the order it is applied (Object Lock only where it is configured).
CONFIGURATION_ORDER = (OWNERSHIP, PUBLIC_ACCESS, ENCRYPTION, VERSIONING, OBJECT_LOCK, LIFECYCLE, BUCKET_POLICY)


def test_every_bucket_is_configured_one_call_at_a_time(stack: Evaluation) -> None:
    """S3 answers concurrent configuration calls on one bucket with OperationAborted ("A conflicting conditional
    operation is currently in progress against this resource"): reported for a bucket policy and a public access
    block applied together (hashicorp/terraform-provider-aws issue 7628, whose thread adds encryption, lifecycle
    and versioning), for encryption (issue 11789), for a policy and ownership controls changed together in
    Pulumi (sevenwestmedia-labs/pulumi-components pull request 46) and for PutBucketLifecycleConfiguration
    (ansible-collections/community.aws issue 1624). Every configuration of every bucket of the stack (the
    archives, the WAF's with them, the ALB's access logs, the Athena query results and, where flow logs are on,
    their bucket) must wait for every other one, directly or through others. Object Lock also needs versioning
    enabled first (pulumi-aws 7's BucketObjectLockConfiguration: "you must first enable versioning on the bucket
    and then enable Object Lock")."""
    buckets = stack.of_type(PRIVATE_BUCKET)
    assert len(buckets) >= len(stack.of_type("httpd-firelens:logs:LogArchive")) + 2 >= 4
    locked = 0
    for component in buckets:
        children = stack.children(component)
        (bucket,) = [r for r in children if r.type == BUCKET]
        types = {r.type for r in children}
        locked += OBJECT_LOCK in types
        order = [t for t in CONFIGURATION_ORDER if t in types]
        chain = [next(r for r in children if r.type == type_token) for type_token in order]
        assert types - {OBJECT_LOCK} == {BUCKET, *CONFIGURATION_ORDER} - {OBJECT_LOCK}, component.name
        for earlier, later in itertools.pairwise(chain):
            assert earlier.urn in later.dependencies, (earlier.name, later.name)
        for index, configuration in enumerate(chain):
            assert bucket.urn in configuration.dependencies
            assert {r.urn for r in chain[:index]} <= upstream(stack, configuration), configuration.name
    # every log archive (the app logs, the task stops and, with the WAF, its logs), and nothing else
    archives = len(stack.of_type("httpd-firelens:logs:LogArchive"))
    assert locked == (archives if int(config_value(stack, "archiveObjectLockDays")) else 0)


@pytest.mark.parametrize("archive", sorted(PREFIXES))
def test_bucket_defaults_to_sse_s3(stack: Evaluation, archive: str) -> None:
    encryption = one(stack, archive, ENCRYPTION).inputs
    assert encryption["bucket"] == one(stack, archive, BUCKET).id
    assert encryption["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]


@pytest.mark.parametrize("archive", sorted(PREFIXES))
def test_bucket_uses_the_configured_kms_key_with_a_bucket_key(kms: Evaluation, archive: str) -> None:
    (rule,) = one(kms, archive, ENCRYPTION).inputs["rules"]
    assert rule == {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN},
        "bucketKeyEnabled": True,
    }


@pytest.mark.parametrize(("name", "days", "force_destroy"), [("dev", 30, True), ("prod", 365, False)])
def test_bucket_expires_objects_and_abandoned_uploads(name: str, days: int, force_destroy: bool) -> None:
    ev = evaluate_stack(name)
    for archive in PREFIXES:
        (rule,) = one(ev, archive, LIFECYCLE).inputs["rules"]
        assert (rule["status"], rule["filter"], rule["expiration"]) == ("Enabled", {}, {"days": days})
        assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] >= 1
        assert one(ev, archive, BUCKET).inputs.get("forceDestroy", False) is force_destroy


def test_lifecycle_follows_the_expiration_config(kms: Evaluation) -> None:
    days = int(config_value(kms, "archiveExpirationDays"))
    assert days != int(config_value(evaluate_stack("dev"), "archiveExpirationDays"))
    for archive in PREFIXES:
        (rule,) = one(kms, archive, LIFECYCLE).inputs["rules"]
        assert rule["expiration"] == {"days": days}


# --- versioning, noncurrent versions and Object Lock -----------------------------------------------------


def test_every_bucket_is_versioned(stack: Evaluation, kms: Evaluation) -> None:
    """With versioning, a DeleteObject without a version id only adds a delete marker and an overwrite keeps the
    previous version: what was archived stays recoverable (S3 API, PutBucketVersioning: "Enabled—Enables versioning
    for the objects in the bucket. All objects added to the bucket receive a unique version ID", botocore's model).
    Every bucket of the program, not only the archives: the ALB's access logs and the flow logs are evidence too."""
    for ev in (stack, kms):
        buckets = {b.id for b in ev.of_type(BUCKET)}
        versioned = {v.inputs["bucket"]: v for v in ev.of_type(VERSIONING)}
        assert set(versioned) == buckets
        for versioning in versioned.values():
            request = put_bucket_versioning_request(versioning)
            assert request["VersioningConfiguration"] == {"Status": "Enabled"}
            assert validate_request("s3", "PutBucketVersioning", request) == []


def test_versioning_validation_reports_a_wrong_status(dev: Evaluation) -> None:
    request = put_bucket_versioning_request(dev.of_type(VERSIONING)[0])
    request["VersioningConfiguration"]["Status"] = "On"
    (problem,) = validate_request("s3", "PutBucketVersioning", request)
    assert "'On' is not one of ['Enabled', 'Suspended']" in problem


def test_lifecycle_deletes_noncurrent_versions_after_the_configured_days(stack: Evaluation, kms: Evaluation) -> None:
    """In a versioning-enabled bucket the Expiration action only adds a delete marker and makes the current version
    noncurrent (S3 user guide, "Expiring objects", https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    lifecycle-expire-general-considerations); PutBucketVersioning's documentation: "If you have an object
    expiration lifecycle configuration in your non-versioned bucket and you want to maintain the same permanent
    delete behavior when you enable versioning, you must add a noncurrent expiration policy" (botocore's model).
    The delete markers left behind need no rule of their own: "When you specify the Days tag, Amazon S3
    automatically performs ExpiredObjectDeleteMarker cleanup" (S3 user guide, lifecycle configuration examples, as
    quoted on AWS re:Post QUHvtMcfxcQLOQtGFjg_SoOw), and ExpiredObjectDeleteMarker "cannot be specified with Days or
    Date" (API reference, LifecycleExpiration)."""
    for ev in (stack, kms):
        days = int(config_value(ev, "archiveNoncurrentVersionDays"))
        lifecycles = ev.of_type(LIFECYCLE)
        assert {r.inputs["bucket"] for r in lifecycles} == {b.id for b in ev.of_type(BUCKET)}
        for lifecycle in lifecycles:
            (rule,) = lifecycle.inputs["rules"]
            assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": days}
            assert "expiredObjectDeleteMarker" not in rule["expiration"]
            request = put_bucket_lifecycle_configuration_request(lifecycle)
            assert validate_request("s3", "PutBucketLifecycleConfiguration", request) == []
    assert int(config_value(kms, "archiveNoncurrentVersionDays")) != int(
        config_value(stack, "archiveNoncurrentVersionDays")
    )


@pytest.mark.parametrize("archive", sorted(PREFIXES))
def test_archives_are_locked_in_governance_mode_for_the_configured_days(
    prod: Evaluation, kms: Evaluation, archive: str
) -> None:
    """S3 Object Lock with a default retention: "The rule specified in the Object Lock configuration will be applied
    by default to every new object placed in the specified bucket"; "The DefaultRetention settings require both a
    mode and a period" (S3 API, PutObjectLockConfiguration, botocore's model). Governance mode protects "against
    being deleted by most users, but you can still grant some users permission to alter the retention settings or
    delete the object" (S3 user guide, Object Lock retention modes, https://docs.aws.amazon.com/AmazonS3/latest/
    userguide/object-lock-overview.html#object-lock-retention-modes): those with s3:BypassGovernanceRetention, which
    "to use this header, you must have" (DeleteObject's BypassGovernanceRetention, botocore's model). prod's
    archives and the locked dev variant; the request validates against the model (mode enum, ObjectLockEnabled)."""
    for ev in (prod, kms):
        lock = one(ev, archive, OBJECT_LOCK)
        request = put_object_lock_configuration_request(lock)
        days = int(config_value(ev, "archiveObjectLockDays"))
        assert days > 0
        assert request["ObjectLockConfiguration"] == {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": days}},
        }
        assert request["Bucket"] == one(ev, archive, BUCKET).id
        assert validate_request("s3", "PutObjectLockConfiguration", request) == []


def test_object_lock_cannot_be_turned_off_again() -> None:
    """What the README says about turning the lock off: PutObjectLockConfiguration's ObjectLockEnabled takes only
    `Enabled` (botocore's model), and the provider's delete of a BucketObjectLockConfiguration puts a configuration
    with ObjectLockEnabled and no rule (hashicorp/terraform-provider-aws internal/service/s3/
    bucket_object_lock_configuration.go, resourceBucketObjectLockConfigurationDelete): the default retention goes,
    Object Lock stays."""
    shape = operation_model("s3", "PutObjectLockConfiguration").input_shape.members["ObjectLockConfiguration"]
    assert shape.members["ObjectLockEnabled"].enum == ["Enabled"]


def test_object_lock_validation_reports_a_wrong_mode(prod: Evaluation) -> None:
    request = put_object_lock_configuration_request(one(prod, "app-log-archive", OBJECT_LOCK))
    request["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"] = "LEGAL_HOLD"
    (problem,) = validate_request("s3", "PutObjectLockConfiguration", request)
    assert "'LEGAL_HOLD' is not one of ['GOVERNANCE', 'COMPLIANCE']" in problem


def test_dev_and_the_access_logs_are_not_locked(dev: Evaluation, prod: Evaluation) -> None:
    """Object Lock is off by default (archiveObjectLockDays 0, dev) and only ever on the log archives (the WAF's
    included: its logs are evidence too), never on the access logs, the flow logs or the query results."""
    assert int(config_value(dev, "archiveObjectLockDays")) == 0
    assert dev.of_type(OBJECT_LOCK) == []
    locked = {r.inputs["bucket"] for r in prod.of_type(OBJECT_LOCK)}
    archives = [*PREFIXES, "waf-log-archive"]
    assert locked == {one(prod, archive, BUCKET).id for archive in archives}


def test_object_lock_never_replaces_a_bucket(stack: Evaluation, kms: Evaluation) -> None:
    """Upgrading an existing stack: the bucket's own `object_lock_enabled` argument is ForceNew in the provider
    (pulumi/terraform-provider-aws internal/service/s3/bucket.go: `"object_lock_enabled": {Optional, Computed,
    ForceNew}`), so setting it would replace every archive bucket (a protected one in prod: the update fails). The
    program never sets it; Object Lock comes from BucketObjectLockConfiguration, which "can be used [to] enable Object
    Lock for new and existing buckets" (pulumi-aws 7 s3.BucketObjectLockConfiguration), calling
    PutObjectLockConfiguration ("You can enable Object Lock for new or existing buckets", botocore's model) once
    versioning is on; being Computed, the bucket's attribute reported back as true after that shows no diff."""
    for ev in (stack, kms):
        for bucket in ev.of_type(BUCKET):
            assert not {"objectLockEnabled", "objectLockConfiguration", "versioning"} & set(bucket.inputs), bucket.name
        for lock in ev.of_type(OBJECT_LOCK):
            assert "token" not in lock.inputs  # not needed since S3 enables Object Lock on existing buckets itself
            (versioning,) = [v for v in ev.of_type(VERSIONING) if v.inputs["bucket"] == lock.inputs["bucket"]]
            assert versioning.urn in lock.dependencies


# --- moto: the request is accepted and records reach the bucket ----------------------------------------------


def test_moto_accepts_the_request_and_delivers_into_the_archive_bucket(dev: Evaluation) -> None:
    """moto neither evaluates prefix expressions nor runs processors (the tests above cover both): this shows the
    request is accepted as is and that what is put lands in the archive's own bucket under its prefix."""
    request = create_request(delivery_stream(dev, "task-stop-archive"))
    destination = request["ExtendedS3DestinationConfiguration"]
    bucket_name = one(dev, "task-stop-archive", BUCKET).id
    assert destination["BucketARN"] == f"arn:aws:s3:::{bucket_name}"
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": REGION})
        firehose = boto3.client("firehose", region_name=REGION)
        firehose.create_delivery_stream(**request)
        description = firehose.describe_delivery_stream(DeliveryStreamName=request["DeliveryStreamName"])
        assert description["DeliveryStreamDescription"]["DeliveryStreamType"] == "DirectPut"
        event = b'{"detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED"}}'
        firehose.put_record(DeliveryStreamName=request["DeliveryStreamName"], Record={"Data": event})
        (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket_name)["Contents"]]
        assert key.startswith(destination["Prefix"])
        assert s3.get_object(Bucket=bucket_name, Key=key)["Body"].read() == event
