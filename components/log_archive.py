"""STUB (to be replaced): S3 archive bucket + Firehose delivery stream (+ optional partner HTTP endpoint)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.settings import ArchiveSettings, PartnerEndpoint


@dataclass(frozen=True)
class LogArchiveArgs:
    s3_prefix: str  # e.g. "app-logs/" or "ecs-task-stop-log/"
    settings: ArchiveSettings
    partner: PartnerEndpoint | None = None  # HTTP endpoint destination instead of S3 (S3 backs up all data)


class LogArchive(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    delivery_stream_name: pulumi.Output[str]
    delivery_stream_arn: pulumi.Output[str]
    error_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:logs:LogArchive", name, None, opts)
        stub = pulumi.Output.from_input("stub")
        self.bucket_name = stub
        self.bucket_arn = stub
        self.delivery_stream_name = stub
        self.delivery_stream_arn = stub
        self.error_log_group_name = stub
        self.register_outputs({"deliveryStreamName": self.delivery_stream_name})
