"""components/network/flow_logs.py: VPC flow logs to their own bucket, in prod and in the dev variant that turns them
on.

The flow log's recorded wire inputs are mapped to the EC2 CreateFlowLogs request the provider sends and validated
against botocore's model (enums included; the aggregation interval's two values are only in its documentation);
the bucket policy is the one the VPC user guide gives, scoped to this account, and passes parliament. The prefix and
the time partitions its Athena table reads (VpcFlowLogs.source) are where the flow log delivers; the table itself is
tested with the other archive tables (tests/archive/test_archive_queries.py).
"""

from __future__ import annotations

import dataclasses
import json
import re
from fnmatch import fnmatchcase
from types import SimpleNamespace
from typing import Any, cast

import pytest

from components.archive.tables import FLOW_LOG_TABLE
from components.network.flow_logs import (
    AGGREGATION_INTERVALS,
    VpcFlowLogs,
    VpcFlowLogsArgs,
    table_prefix,
    time_partitions,
)
from offline.aws_formats import ACCOUNT_ID
from offline.harness import Evaluation, RecordedResource
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.support.aws_api import operation_model, validate_request
from tests.support.helpers import config_value, inside, only
from tests.support.iam_lint import lint_policy, policy_of

COMPONENT = "httpd-firelens:network:VpcFlowLogs"
NAME = "network-flow-logs"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
VPC = "aws:ec2/vpc:Vpc"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REGION = "ap-northeast-1"


@pytest.fixture(scope="module")
def variant() -> Evaluation:
    """dev with flow logs on."""
    return evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)


@pytest.fixture(params=["prod", "variant"])
def on(request: pytest.FixtureRequest) -> Evaluation:
    """Both stacks with flow logs on: prod as committed, dev through the variant."""
    evaluation: Evaluation = request.getfixturevalue(request.param)
    assert config_value(evaluation, "flowLogs") == "true"
    return evaluation


def one(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(inside(ev, COMPONENT, NAME, type_token))


def create_flow_logs_request(flow_log: RecordedResource) -> dict[str, Any]:
    """EC2 CreateFlowLogs for a VPC (what the provider sends for `vpc_id`). Numbers cross the wire as floats."""
    inputs = flow_log.inputs
    options = inputs["destinationOptions"]
    return {
        "ResourceIds": [inputs["vpcId"]],
        "ResourceType": "VPC",
        "TrafficType": inputs["trafficType"],
        "LogDestinationType": inputs["logDestinationType"],
        "LogDestination": inputs["logDestination"],
        "MaxAggregationInterval": int(inputs["maxAggregationInterval"]),
        "DestinationOptions": {
            "FileFormat": options["fileFormat"],
            "HiveCompatiblePartitions": options["hiveCompatiblePartitions"],
            "PerHourPartition": options["perHourPartition"],
        },
    }


def test_dev_has_no_flow_logs_by_default(dev: Evaluation) -> None:
    assert config_value(dev, "flowLogs") == "false"
    assert dev.of_type(COMPONENT) == [] and dev.of_type(FLOW_LOG) == []
    assert "flowLogBucket" not in dev.outputs


def test_the_bucket_is_a_stack_output(on: Evaluation) -> None:
    assert on.outputs["flowLogBucket"] == one(on, BUCKET).id


def test_the_vpc_logs_all_its_traffic_to_its_own_bucket(on: Evaluation) -> None:
    """Traffic type ALL (accepted and rejected), S3 as the destination (CreateFlowLogs: "If the destination type is
    s3, specify the ARN of an S3 bucket", botocore's model), one flow log on the stack's one VPC."""
    (vpc,) = on.of_type(VPC)
    (flow_log,) = on.of_type(FLOW_LOG)
    assert flow_log.parent == on.one(COMPONENT, NAME).urn
    inputs = flow_log.inputs
    assert inputs["vpcId"] == vpc.id
    assert (inputs["trafficType"], inputs["logDestinationType"]) == ("ALL", "s3")
    assert inputs["logDestination"] == one(on, BUCKET).state["arn"]
    assert "iamRoleArn" not in inputs  # S3 delivery needs no role (the IAM role is for CloudWatch Logs)


def test_flow_logs_are_parquet_under_hive_compatible_hourly_partitions(on: Evaluation) -> None:
    """The VPC user guide, "Flow log files" (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html):
    "Parquet: Apache Parquet is a columnar data format. Queries on data in Parquet format are 10 to 100 times
    faster compared to queries on data in plain text"; "Hive-compatible S3 prefixes: Enable Hive-compatible prefixes
    instead of importing partitions into your Hive-compatible tools"; "Hourly partitions". The enum values are the
    model's (DestinationOptionsRequest.FileFormat: plain-text, parquet)."""
    options = only(on.of_type(FLOW_LOG)).inputs["destinationOptions"]
    assert options == {"fileFormat": "parquet", "hiveCompatiblePartitions": True, "perHourPartition": True}


def test_the_request_validates_against_the_ec2_model(on: Evaluation) -> None:
    """botocore's model (enums: ResourceType, TrafficType, LogDestinationType, FileFormat); MaxAggregationInterval
    has no enum in the model, its documentation says "The possible values are 60 seconds (1 minute) or 600 seconds
    (10 minutes)"."""
    request = create_flow_logs_request(only(on.of_type(FLOW_LOG)))
    assert validate_request("ec2", "CreateFlowLogs", request) == []
    assert request["MaxAggregationInterval"] in AGGREGATION_INTERVALS
    documentation = operation_model("ec2", "CreateFlowLogs").input_shape.members["MaxAggregationInterval"].documentation
    assert "60 seconds (1 minute) or 600 seconds (10 minutes)" in documentation


@pytest.mark.parametrize(
    ("path", "bad", "fragment"),
    [
        (("TrafficType",), "EVERYTHING", "'EVERYTHING' is not one of ['ACCEPT', 'REJECT', 'ALL']"),
        (("DestinationOptions", "FileFormat"), "Parquet", "'Parquet' is not one of ['plain-text', 'parquet']"),
        (("LogDestinationType",), "S3", "'S3' is not one of"),
    ],
)
def test_the_validation_reports_a_wrong_value(prod: Evaluation, path: tuple[str, ...], bad: str, fragment: str) -> None:
    request = create_flow_logs_request(only(prod.of_type(FLOW_LOG)))
    target = request
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    (problem,) = validate_request("ec2", "CreateFlowLogs", request)
    assert fragment in problem


def test_the_bucket_policy_lets_only_this_accounts_log_delivery_write(on: Evaluation) -> None:
    """The policy the VPC user guide gives ("Amazon S3 bucket permissions for flow logs",
    https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html): delivery.logs.amazonaws.com may
    s3:PutObject with `s3:x-amz-acl` bucket-owner-full-control and check the bucket's ACL (the China-region page
    lists s3:GetBucketAcl and s3:ListBucket), both under `aws:SourceAccount` and `aws:SourceArn`
    arn:aws:logs:<region>:<account>:* ("It is also a best practice to use the aws:SourceAccount and aws:SourceArn
    condition keys to protect yourself against the confused deputy problem"). With Hive-compatible prefixes the
    objects land under `.../AWSLogs/aws-account-id=<account>/*`, the only place the write is allowed."""
    bucket = one(on, BUCKET)
    arn = bucket.state["arn"]
    statements = {s.get("Sid"): s for s in policy_of(one(on, BUCKET_POLICY))["Statement"]}
    this_account = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:*"},
    }
    write = statements["AWSLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == f"{arn}/AWSLogs/aws-account-id={ACCOUNT_ID}/*"
    expected_write = json.loads(json.dumps(this_account))
    expected_write["StringEquals"]["s3:x-amz-acl"] = "bucket-owner-full-control"
    assert write["Condition"] == expected_write
    check = statements["AWSLogDeliveryAclCheck"]
    assert check["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert (check["Action"], check["Resource"], check["Condition"]) == (
        ["s3:GetBucketAcl", "s3:ListBucket"],
        arn,
        this_account,
    )
    assert statements["DenyInsecureTransport"]["Effect"] == "Deny"
    assert lint_policy(one(on, BUCKET_POLICY).plain_inputs()["policy"]) == []


def test_the_flow_log_waits_for_the_bucket_policy(on: Evaluation) -> None:
    """ "If the user creating the flow log owns the bucket and has PutBucketPolicy and GetBucketPolicy permissions for
    the bucket, we automatically attach the following policy to the bucket. This policy overwrites any existing
    policy" (flow-logs-s3-permissions): the deploy role has both, so the flow log is created only once our policy,
    which already grants what delivery needs, is in place."""
    assert one(on, BUCKET_POLICY).urn in only(on.of_type(FLOW_LOG)).dependencies


def test_flow_logs_expire_with_the_archives(on: Evaluation) -> None:
    (rule,) = one(on, LIFECYCLE).inputs["rules"]
    assert rule["expiration"] == {"days": int(config_value(on, "archiveExpirationDays"))}
    assert rule["noncurrentVersionExpiration"] == {
        "noncurrentDays": int(config_value(on, "archiveNoncurrentVersionDays"))
    }
    assert one(on, BUCKET).protect is (on.config.stack == "prod")


def test_the_bucket_stays_sse_s3_even_with_an_archive_key(variant: Evaluation) -> None:
    """The delivery service could use the archives' KMS key only with a grant in that key's policy, which this
    program does not manage: the flow log bucket keeps SSE-S3 when archiveKmsKeyArn is set."""
    assert config_value(variant, "archiveKmsKeyArn")
    (rule,) = one(variant, ENCRYPTION).inputs["rules"]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}


def test_the_mock_answers_in_the_ec2_formats(prod: Evaluation) -> None:
    flow_log = only(prod.of_type(FLOW_LOG))
    assert flow_log.id is not None and flow_log.id.startswith("fl-") and len(flow_log.id) == 20
    assert flow_log.state["arn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:vpc-flow-log/{flow_log.id}"


def test_the_table_prefix_is_where_this_account_and_region_deliver(on: Evaluation) -> None:
    """With Hive-compatible prefixes and hourly partitions "the files are delivered to the following location":
    `bucket-and-optional-prefix/AWSLogs/aws-account-id=account_id/aws-service=vpcflowlogs/aws-region=region/
    year=year/month=month/day=day/hour=hour/` (VPC user guide, "Flow log files", https://docs.aws.amazon.com/vpc/
    latest/userguide/flow-logs-s3-path.html). The bucket has no folder of its own, and that prefix is inside the one
    the bucket policy lets the log delivery service write."""
    prefix = table_prefix(ACCOUNT_ID, REGION)
    assert prefix == f"AWSLogs/aws-account-id={ACCOUNT_ID}/aws-service=vpcflowlogs/aws-region={REGION}/"
    write = {s.get("Sid"): s for s in policy_of(one(on, BUCKET_POLICY))["Statement"]}["AWSLogDeliveryWrite"]
    delivered = f"{one(on, BUCKET).state['arn']}/{prefix}year=2026/month=02/day=01/hour=05/x.log.parquet"
    assert fnmatchcase(delivered, write["Resource"])


def test_the_table_is_partitioned_like_the_files() -> None:
    """Hourly partitions add `hour=hour/` under `day=day/` ("Flow log files"); the flow log has them by default, and
    the table over its files (FLOW_LOG_TABLE) projects year, month, day and hour; a flow log partitioned by day only
    refuses that table instead of giving it a template no file matches."""
    assert {f.name: f.default for f in dataclasses.fields(VpcFlowLogsArgs)}["per_hour_partition"] is True
    assert [p.key for p in time_partitions(True)] == ["year", "month", "day", "hour"]
    assert [p.key for p in time_partitions(False)] == ["year", "month", "day"]
    assert FLOW_LOG_TABLE.partitions == time_partitions(True)
    daily = cast(Any, SimpleNamespace(partitions=time_partitions(False)))
    problem = "table vpc_flow_logs is not partitioned like the flow log files (year/month/day)"
    with pytest.raises(ValueError, match=re.escape(problem)):
        VpcFlowLogs.source(daily, FLOW_LOG_TABLE)
