"""VPC flow logs: every accepted and rejected flow of the VPC, delivered to S3 for investigation and queries.

Creates:
- the flow log bucket, a PrivateBucket (SSE-S3, public access blocked, bucket owner enforced, TLS only, versioned,
  objects expiring after the configured days) whose policy lets the log delivery service write, as the VPC user
  guide's "Amazon S3 bucket permissions for flow logs" gives it: `s3:PutObject` on this account's Hive-compatible
  prefix only, with the `bucket-owner-full-control` ACL, and the bucket ACL check, both only for deliveries of this
  account and region (`aws:SourceAccount`, `aws:SourceArn`: confused deputy). SSE-S3, not the archives' KMS key: the
  delivery service would need a grant in that key's policy, which this program does not manage;
- the flow log itself on the VPC: traffic type ALL, delivered to that bucket as Apache Parquet under Hive-compatible
  prefixes (below `AWSLogs/aws-account-id=<id>/`) partitioned by day and hour, so a query engine finds the
  partitions without a crawler (the stack's Athena table projects them; MSCK REPAIR TABLE would load them). It is
  created after the bucket policy: with the policy in place, the delivery service has nothing to add to it.
Needs: the VPC id, the objects' expiration and the force-destroy / protect choices.
`source()` is the archive as its Athena table (tables.FLOW_LOG_TABLE, Parquet, partition projection over
year/month/day/hour) reads it, for components/archive/queries.py: the bucket and the prefix up to the partitions,
`AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.layout import HOURLY_PARTITIONS, TIME_PARTITIONS, TimePartition
from components.archive.private_bucket import BucketChoices, PrivateBucket, PrivateBucketArgs
from components.archive.queries import ArchiveSource
from components.archive.tables import FLOW_LOG_TABLE, ArchiveTable

LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com"
TRAFFIC_TYPE = "ALL"  # accepted and rejected: an investigation needs both
DESTINATION_TYPE = "s3"
FILE_FORMAT = "parquet"
# CreateFlowLogs takes 60 or 600 seconds; 600 (AWS's default) writes fewer, larger records.
AGGREGATION_INTERVAL_SECONDS = 600
AGGREGATION_INTERVALS = (60, 600)


def delivery_prefix(account_id: str) -> str:
    """Where delivered objects land in the bucket with Hive-compatible prefixes (no folder of our own)."""
    return f"AWSLogs/aws-account-id={account_id}/"


def table_prefix(account_id: str, region: str) -> str:
    """The prefix of this flow log's objects up to their time partitions: with Hive-compatible prefixes, files go to
    `bucket-and-optional-prefix/AWSLogs/aws-account-id=account_id/aws-service=vpcflowlogs/aws-region=region/
    year=year/month=month/day=day/[hour=hour/]` (VPC user guide, "Flow log files")."""
    return f"{delivery_prefix(account_id)}aws-service=vpcflowlogs/aws-region={region}/"


def time_partitions(per_hour_partition: bool) -> tuple[TimePartition, ...]:
    """The time partitions under table_prefix(): year/month/day, and hour with hourly partitions."""
    return HOURLY_PARTITIONS if per_hour_partition else TIME_PARTITIONS


@dataclass(frozen=True)
class VpcFlowLogsArgs:
    vpc_id: pulumi.Input[str]
    """The VPC whose traffic is logged."""
    bucket: BucketChoices
    """The flow log bucket's lifetimes, force-destroy and protect (SSE-S3: log delivery writes to it)."""
    per_hour_partition: bool = True
    """Partition by hour (`hour=` under `day=`): queries over a time window read less. Default: yes."""


class VpcFlowLogs(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    s3_prefix: pulumi.Output[str]  # table_prefix(): the delivery prefix of this account and region
    partitions: tuple[TimePartition, ...]  # the time partitions under s3_prefix
    flow_log_id: pulumi.Output[str]

    def source(self, table: ArchiveTable = FLOW_LOG_TABLE) -> ArchiveSource:
        """The flow logs as the Athena table `table` reads them. The bucket is SSE-S3, never the archives' key."""
        if table.partitions != self.partitions:
            keys = [p.key for p in self.partitions]
            raise ValueError(f"table {table.name} is not partitioned like the flow log files ({'/'.join(keys)})")
        return ArchiveSource(table, self.bucket_name, self.bucket_arn, self.s3_prefix, encrypted_with_archive_key=False)

    def __init__(self, name: str, args: VpcFlowLogsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:network:VpcFlowLogs", name, None, opts)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        partition = aws.get_partition_output(opts=invoke).partition
        source_arn = pulumi.Output.format("arn:{0}:logs:{1}:{2}:*", partition, region, account_id)

        def delivery_statements(bucket_arn: pulumi.Output[str]) -> Sequence[Mapping[str, Any]]:
            return log_delivery_statements(bucket_arn, account_id, source_arn)

        bucket = PrivateBucket(
            f"{name}-bucket",
            PrivateBucketArgs(
                expiration_days=args.bucket.expiration_days,
                noncurrent_version_expiration_days=args.bucket.noncurrent_version_expiration_days,
                force_destroy=args.bucket.force_destroy,
                protect=args.bucket.protect,
                policy_statements=delivery_statements,
                lifecycle_rule_id="expire-flow-logs",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        flow_log = aws.ec2.FlowLog(
            f"{name}-vpc",
            vpc_id=args.vpc_id,
            traffic_type=TRAFFIC_TYPE,
            log_destination_type=DESTINATION_TYPE,
            log_destination=bucket.arn,
            max_aggregation_interval=AGGREGATION_INTERVAL_SECONDS,
            destination_options=aws.ec2.FlowLogDestinationOptionsArgs(
                file_format=FILE_FORMAT, hive_compatible_partitions=True, per_hour_partition=args.per_hour_partition
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[bucket.policy]),
        )

        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.s3_prefix = pulumi.Output.all(account_id, region).apply(lambda values: table_prefix(*values))
        self.partitions = time_partitions(args.per_hour_partition)
        self.flow_log_id = flow_log.id
        self.register_outputs({"bucketName": self.bucket_name, "flowLogId": self.flow_log_id})


def log_delivery_statements(
    bucket_arn: pulumi.Input[str], account_id: pulumi.Input[str], source_arn: pulumi.Input[str]
) -> list[dict[str, Any]]:
    """The two statements the log delivery service needs, for this account's deliveries only."""
    this_account = {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": source_arn}}
    write = {
        "StringEquals": {"aws:SourceAccount": account_id, "s3:x-amz-acl": "bucket-owner-full-control"},
        "ArnLike": {"aws:SourceArn": source_arn},
    }
    return [
        {
            "Sid": "AWSLogDeliveryWrite",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_SERVICE},
            "Action": "s3:PutObject",
            "Resource": pulumi.Output.format(
                "{0}/{1}*", bucket_arn, pulumi.Output.from_input(account_id).apply(delivery_prefix)
            ),
            "Condition": write,
        },
        {
            "Sid": "AWSLogDeliveryAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_SERVICE},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": this_account,
        },
    ]
