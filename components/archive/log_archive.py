"""A log archive: a Firehose delivery stream (Direct PUT) into a private S3 bucket, with delivery errors logged.

Used by the stack for the application logs the FireLens router sends, the ECS task stop events the EventBridge
rule sends and, with the WAF, the web ACL's logs (a stream with the fixed name WAF requires). Creates:
- the archive bucket, a PrivateBucket: SSE-S3 (SSE-KMS with a Bucket Key when a key is configured), public
  access blocked, bucket owner enforced, TLS only, versioned (a deleted or overwritten object stays recoverable
  for the configured days), optionally S3 Object Lock in governance mode for the configured days, objects
  expiring after the configured days, incomplete multipart uploads aborted, force-destroy and Pulumi `protect` as
  configured;
- a CloudWatch log group (retention as configured) and a log stream in it for Firehose's delivery errors:
  Firehose writes to both but creates neither when it is configured through the API;
- the role Firehose assumes: only firehose.amazonaws.com acting for this account may assume it; it may do
  the S3 actions Firehose documents on that bucket and its objects, put log events to that one log stream
  and, with a KMS key, use the key through S3 for that bucket only;
- the delivery stream (autonamed, or the fixed `delivery_stream_name` a producer needs), encrypted at rest,
  created after the role's policy (Firehose checks its permissions when the stream is created):
  - by default an extended S3 destination: GZIP, the configured buffering, every record on its own line
    (the stream appends a newline with `AppendDelimiterToRecord`, unless `records_end_with_newline` says the
    producer ends each record with one itself, as Fluent Bit's kinesis_firehose output does and EventBridge
    does not), objects under
    `<s3_prefix>year=YYYY/month=MM/day=DD/` and records Firehose failed to process under
    `<s3_prefix without its slash>-errors/error_type=<error output type>/year=YYYY/month=MM/day=DD/`, two
    Hive-style trees that Athena reads as two tables with partitions (the layout is components/archive/layout.py,
    which the Athena tables of components/archive/queries.py derive from too);
  - with a partner (Datadog, New Relic): an HTTP endpoint destination with the partner's URL, name and
    access key (a Pulumi secret end to end), GZIP request bodies, retries for `http_retry_seconds`, and a
    backup of ALL data to the archive bucket under the same prefixes. Firehose backs up the records as they
    came in (a processor would change only what the partner receives), so a partner archive requires
    `records_end_with_newline`: its producer must end each record with a newline.
Needs: the S3 prefix, the retention, expiration, buffering, encryption, force-destroy and protect choices, and
optionally a `PartnerEndpoint`. `http_endpoint` tells alarm code which Firehose metrics the stream reports
(DeliveryToHttpEndpoint.* instead of DeliveryToS3.*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.layout import error_output_prefix, firehose_prefix
from components.archive.private_bucket import PrivateBucket, PrivateBucketArgs
from components.archive.queries import ArchiveSource
from components.archive.tables import ArchiveTable
from components.iam import kms_key_through_s3_statement, policy_document, service_trust_policy
from components.problems import Problem, one_of, out_of, raise_problems
from configuration.limits import (
    BUFFER_INTERVAL_SECONDS,
    FIREHOSE_NAME_MAX_LENGTH,
    FIREHOSE_NAME_PATTERN,
    HTTP_BUFFER_SIZE_MIB,
    HTTP_RETRY_SECONDS,
    LOG_RETENTION_DAYS,
    S3_BUFFER_SIZE_MIB,
)

COMPRESSION = "GZIP"
NEWLINE_PROCESSOR = "AppendDelimiterToRecord"  # takes no parameters (Firehose API reference, Processor)
SSE_KEY_TYPE = "AWS_OWNED_CMK"  # encryption at rest of the records Firehose buffers

# CreateDeliveryStream limits (minimum, maximum) live in configuration/limits.py: BUFFER_INTERVAL_SECONDS,
# S3_BUFFER_SIZE_MIB, HTTP_BUFFER_SIZE_MIB, HTTP_RETRY_SECONDS.

# What Firehose documents for an S3 destination (and an HTTP endpoint's S3 backup), split by resource type.
S3_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
S3_OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]


@dataclass(frozen=True)
class WatchedDeliveryStream:
    label: str
    """Short purpose used in alarm names, e.g. `app-logs`."""
    name: pulumi.Input[str]
    """The Firehose stream's name (the DeliveryStreamName dimension)."""
    http_endpoint: bool = False
    """The stream delivers to a partner HTTP endpoint and reports DeliveryToHttpEndpoint.* metrics."""

    @property
    def destination_metric_prefix(self) -> str:
        """`DeliveryToS3` or `DeliveryToHttpEndpoint`: the prefix of the stream's delivery metrics."""
        return "DeliveryToHttpEndpoint" if self.http_endpoint else "DeliveryToS3"


@dataclass(frozen=True)
class PartnerEndpoint:
    """A Firehose HTTP endpoint destination of a partner (Datadog, New Relic, ...)."""

    url: str
    """The partner's HTTPS intake URL."""
    name: str
    """The partner's name, as Firehose shows it."""
    api_key: pulumi.Output[str]
    """The partner's access key: always a Pulumi secret."""


@dataclass(frozen=True)
class LogArchiveArgs:
    s3_prefix: str
    """Where the records land, e.g. `app-logs/`: ends with "/", no Firehose expressions (time partitions follow)."""
    log_retention_days: int
    """Retention of the delivery error log group, one of CloudWatch's values."""
    expiration_days: int
    """Days before archived objects expire."""
    buffer_size_mib: int = 5
    """MiB Firehose buffers before a delivery: 1 to 128 for S3, 1 to 64 for a partner endpoint."""
    buffer_interval_seconds: int = 300
    """Seconds Firehose buffers before a delivery, 0 to 900."""
    kms_key_arn: str | None = None
    """A KMS key for the bucket (SSE-KMS). Default None: SSE-S3."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete the bucket with its objects. Only for disposable stacks."""
    protect: bool = False
    """Pulumi `protect` on the bucket and the error log group."""
    noncurrent_version_expiration_days: int = 30
    """Days a deleted, overwritten or expired object stays recoverable in the (versioned) bucket."""
    object_lock_days: int = 0
    """Days each archived object is locked in governance mode (S3 Object Lock default retention), at most
    `expiration_days`. Default 0: no lock."""
    partner: PartnerEndpoint | None = None
    """An HTTP endpoint destination instead of S3 (S3 then backs up all data). Default None: S3."""
    http_retry_seconds: int = 3600
    """With a partner: seconds Firehose keeps retrying the endpoint (0 to 7200). An outage of up to an hour loses
    nothing there (the S3 backup has everything either way)."""
    records_end_with_newline: bool = False
    """The producer ends every record with a newline itself (Fluent Bit's kinesis_firehose output does), so the
    stream must not add another. Default False: the stream appends one (EventBridge writes records with no
    delimiter). Required with a partner, whose S3 backup keeps the records as they came in."""
    delivery_stream_name: str | None = None
    """A fixed physical name for the stream, for a producer that finds it by name (WAF logs only to streams named
    `aws-waf-logs-...`): 1 to 64 of [a-zA-Z0-9_.-]. Default None: autonamed."""
    role_permissions_boundary: pulumi.Input[str] | None = None
    """The ARN of the managed policy its roles carry as their permissions boundary (components/iam.py
    role_boundary_policy_name). Default None: none."""

    def problems(self) -> list[Problem]:
        """What CreateDeliveryStream, the prefix rules or the bucket (PrivateBucketArgs) would refuse."""
        found = []
        prefix = self.s3_prefix
        if not prefix.endswith("/") or prefix.startswith("/") or "!{" in prefix or len(prefix) > 200:
            allowed = "up to 200 characters ending with / and not starting with /, no !{ expression (time follows)"
            found.append(Problem("s3_prefix", prefix, allowed))
        found += one_of("log_retention_days", self.log_retention_days, LOG_RETENTION_DAYS)
        found += out_of(
            "buffer_size_mib", self.buffer_size_mib, *(HTTP_BUFFER_SIZE_MIB if self.partner else S3_BUFFER_SIZE_MIB)
        )
        found += out_of("buffer_interval_seconds", self.buffer_interval_seconds, *BUFFER_INTERVAL_SECONDS)
        if self.partner:
            found += out_of("http_retry_seconds", self.http_retry_seconds, *HTTP_RETRY_SECONDS)
            if not self.records_end_with_newline:
                # The S3 backup keeps records as they came in: nothing in the stream could separate them.
                found.append(Problem("records_end_with_newline", False, "True with a partner (the producer's newline)"))
        found += _bucket_args(self).problems()
        name = self.delivery_stream_name
        if name is not None and not (FIREHOSE_NAME_PATTERN.fullmatch(name) and len(name) <= FIREHOSE_NAME_MAX_LENGTH):
            allowed = f"1 to {FIREHOSE_NAME_MAX_LENGTH} letters, digits, _, . and -"
            found.append(Problem("delivery_stream_name", name, allowed))
        return found


def _bucket_args(args: LogArchiveArgs) -> PrivateBucketArgs:
    return PrivateBucketArgs(
        expiration_days=args.expiration_days,
        force_destroy=args.force_destroy,
        protect=args.protect,
        kms_key_arn=args.kms_key_arn,
        lifecycle_rule_id="expire-archive",
        noncurrent_version_expiration_days=args.noncurrent_version_expiration_days,
        object_lock_days=args.object_lock_days,
    )


class LogArchive(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    delivery_stream_name: pulumi.Output[str]
    delivery_stream_arn: pulumi.Output[str]
    error_log_group_name: pulumi.Output[str]
    s3_prefix: str  # where the archive's objects are, before the time partitions (LogArchiveArgs.s3_prefix)
    buffer_interval_seconds: int  # the longest a record waits in Firehose before it is written
    http_endpoint: bool  # the stream delivers to a partner HTTP endpoint (metrics DeliveryToHttpEndpoint.*)

    def source(self, table: ArchiveTable) -> ArchiveSource:
        """The archive as the Athena table `table` reads it."""
        return ArchiveSource(table, self.bucket_name, self.bucket_arn, self.s3_prefix)

    def watched(self, label: str) -> WatchedDeliveryStream:
        """The archive's stream as the pipeline alarms and the dashboard watch it, labelled `label`."""
        return WatchedDeliveryStream(label, self.delivery_stream_name, self.http_endpoint)

    def outputs(self) -> dict[str, Any]:
        """What an operator (and `python -m ops verify`, ops/outputs.py) reads of the archive: where its objects are
        (under `<prefix>year=YYYY/month=MM/day=DD/`), its stream, its delivery errors, how long a record may wait."""
        return {
            "bucket": self.bucket_name,
            "prefix": self.s3_prefix,
            "deliveryStream": self.delivery_stream_name,
            "deliveryErrorLogGroup": self.error_log_group_name,
            "bufferIntervalSeconds": self.buffer_interval_seconds,
        }

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"LogArchive {name!r}", args.problems())
        super().__init__("httpd-firelens:logs:LogArchive", name, None, opts)
        self._name = name
        self._args = args
        self.http_endpoint = args.partner is not None
        self.s3_prefix = args.s3_prefix
        self.buffer_interval_seconds = args.buffer_interval_seconds

        bucket = PrivateBucket(f"{name}-bucket", _bucket_args(args), opts=self._child())
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-delivery-errors",
            name_prefix=f"/aws/kinesisfirehose/{pulumi.get_project()}-{pulumi.get_stack()}-{name}-",
            retention_in_days=args.log_retention_days,
            opts=self._child(protect=args.protect),
        )
        log_stream = aws.cloudwatch.LogStream(
            f"{name}-delivery-errors-stream", log_group_name=log_group.name, opts=self._child()
        )
        role, role_policy = self._role(bucket, log_stream)
        logging = {"enabled": True, "log_group_name": log_group.name, "log_stream_name": log_stream.name}
        partner = args.partner
        stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-stream",
            name=args.delivery_stream_name,
            destination="extended_s3" if partner is None else "http_endpoint",
            extended_s3_configuration=self._s3(role, bucket, logging) if partner is None else None,
            http_endpoint_configuration=None if partner is None else self._http(partner, role, bucket, logging),
            server_side_encryption=aws.kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs(
                enabled=True, key_type=SSE_KEY_TYPE
            ),
            # Firehose checks the role when the stream is created and writes at once: the role's policy and the
            # bucket's encryption, public access block and policy must all be in place first.
            opts=self._child(depends_on=[role_policy, bucket]),
        )

        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.delivery_stream_name = stream.name
        self.delivery_stream_arn = stream.arn
        self.error_log_group_name = log_group.name
        self.register_outputs(
            {
                "bucketName": self.bucket_name,
                "bucketArn": self.bucket_arn,
                "deliveryStreamName": self.delivery_stream_name,
                "deliveryStreamArn": self.delivery_stream_arn,
                "errorLogGroupName": self.error_log_group_name,
                "httpEndpoint": self.http_endpoint,
            }
        )

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    # --- destinations ----------------------------------------------------------------------------------

    def _archive_writes(self, role: aws.iam.Role, bucket: PrivateBucket) -> dict[str, Any]:
        """How the stream writes to the archive bucket, as the S3 destination or as the partner's S3 backup."""
        args, prefix = self._args, self._args.s3_prefix
        return {
            "role_arn": role.arn,
            "bucket_arn": bucket.arn,
            "prefix": firehose_prefix(prefix),
            "error_output_prefix": error_output_prefix(prefix),
            "buffering_size": args.buffer_size_mib,
            "buffering_interval": args.buffer_interval_seconds,
            "compression_format": COMPRESSION,
        }

    def _s3(
        self, role: aws.iam.Role, bucket: PrivateBucket, logging: dict[str, Any]
    ) -> aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs:
        append_newline = aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationArgs(
            enabled=True,
            processors=[
                aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorArgs(
                    type=NEWLINE_PROCESSOR
                )
            ],
        )
        return aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
            **self._archive_writes(role, bucket),
            cloudwatch_logging_options=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs(
                **logging
            ),
            # A second newline would leave a blank line after every record.
            processing_configuration=None if self._args.records_end_with_newline else append_newline,
        )

    def _http(
        self, partner: PartnerEndpoint, role: aws.iam.Role, bucket: PrivateBucket, logging: dict[str, Any]
    ) -> aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationArgs:
        args = self._args
        # No processor: Firehose backs up source records untransformed, so AppendDelimiterToRecord would change
        # only what the partner receives (each record is its own element of the request's `records` array and
        # needs no delimiter). The producer ends each record with a newline instead (records_end_with_newline).
        return aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationArgs(
            url=partner.url,
            name=partner.name,
            access_key=partner.api_key,
            role_arn=role.arn,
            buffering_size=args.buffer_size_mib,
            buffering_interval=args.buffer_interval_seconds,
            retry_duration=self._args.http_retry_seconds,
            request_configuration=aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationRequestConfigurationArgs(
                content_encoding=COMPRESSION
            ),
            cloudwatch_logging_options=aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationCloudwatchLoggingOptionsArgs(
                **logging
            ),
            s3_backup_mode="AllData",
            s3_configuration=aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationS3ConfigurationArgs(
                **self._archive_writes(role, bucket),
                cloudwatch_logging_options=aws.kinesis.FirehoseDeliveryStreamHttpEndpointConfigurationS3ConfigurationCloudwatchLoggingOptionsArgs(
                    **logging
                ),
            ),
        )

    # --- IAM -------------------------------------------------------------------------------------------

    def _role(
        self, bucket: PrivateBucket, log_stream: aws.cloudwatch.LogStream
    ) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        role = aws.iam.Role(
            f"{self._name}-role",
            description=f"Firehose delivery role of the {self._name} log archive",
            permissions_boundary=self._args.role_permissions_boundary,
            assume_role_policy=pulumi.Output.json_dumps(firehose_trust_policy(account_id)),
            opts=self._child(),
        )
        statements: list[dict[str, Any]] = [
            {"Sid": "ArchiveBucket", "Effect": "Allow", "Action": S3_BUCKET_ACTIONS, "Resource": bucket.arn},
            {
                "Sid": "ArchiveObjects",
                "Effect": "Allow",
                "Action": S3_OBJECT_ACTIONS,
                "Resource": pulumi.Output.format("{0}/*", bucket.arn),
            },
            {"Sid": "DeliveryErrorLog", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": log_stream.arn},
        ]
        key_arn = self._args.kms_key_arn
        if key_arn is not None:
            region = aws.get_region_output(opts=invoke).region
            dns_suffix = aws.get_partition_output(opts=invoke).dns_suffix
            statements.append(
                kms_key_through_s3_statement("ArchiveKeyThroughS3", key_arn, region, dns_suffix, [bucket.arn])
            )
        role_policy = aws.iam.RolePolicy(
            f"{self._name}-role-policy",
            role=role.id,
            policy=pulumi.Output.json_dumps(policy_document(*statements)),
            opts=self._child(),
        )
        return role, role_policy


def firehose_trust_policy(account_id: pulumi.Input[str]) -> dict[str, Any]:
    """Firehose, and only on behalf of this account's streams (confused deputy)."""
    return service_trust_policy(
        "FirehoseOfThisAccount", "firehose.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account_id}}
    )
