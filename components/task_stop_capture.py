"""STUB (to be replaced): EventBridge rules for ECS task stops -> Firehose archive, log group, SNS alerts."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class TaskStopCaptureArgs:
    cluster_arn: pulumi.Input[str]
    scope: str  # cluster | account
    capture_all_task_states: bool
    delivery_stream_arn: pulumi.Input[str]
    alert_topic_arn: pulumi.Input[str]
    log_retention_days: int
    protect: bool = False


class TaskStopCapture(pulumi.ComponentResource):
    log_group_name: pulumi.Output[str]
    stop_rule_name: pulumi.Output[str]
    alert_rule_name: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str]

    def __init__(self, name: str, args: TaskStopCaptureArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:events:TaskStopCapture", name, None, opts)
        stub = pulumi.Output.from_input("stub")
        self.log_group_name = stub
        self.stop_rule_name = stub
        self.alert_rule_name = stub
        self.dead_letter_queue_url = stub
        self.register_outputs({"logGroupName": self.log_group_name})
