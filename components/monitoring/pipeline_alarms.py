"""CloudWatch alarms on the log pipeline shared by every service, all notifying the alert topic (the one stop
alerts use). Each service's own alarms (tasks, target health, 5xx) are its ServiceAlarms.

Creates, with the given threshold:
- per Firehose stream: delivery failing (`DeliveryToS3.Success` or `DeliveryToHttpEndpoint.Success` below 1),
  records waiting too long (`...DataFreshness`), and records throttled (`ThrottledRecords`);
- per EventBridge rule: targets failing to be invoked (`FailedInvocations`), plus any message in the
  dead-letter queue (`ApproximateNumberOfMessagesVisible`).
Needs: the topic ARN and the names of the streams, rules and queue watched. docs/operations.md explains what each
alarm means and what to check first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.log_archive import WatchedDeliveryStream
from components.monitoring.metric_alarms import MINUTE, above_zero_alarm, metric_alarm

FIREHOSE_PERIOD = 5 * MINUTE  # Firehose publishes delivery metrics every 5 minutes at most


@dataclass(frozen=True)
class WatchedRule:
    label: str
    """Short purpose used in alarm names, e.g. `stopped-rule`."""
    name: pulumi.Input[str]
    """The EventBridge rule's name (the RuleName dimension)."""


@dataclass(frozen=True)
class PipelineAlarmsArgs:
    alert_topic_arn: pulumi.Input[str]
    """The SNS topic every alarm notifies."""
    delivery_streams: Sequence[WatchedDeliveryStream]
    """The Firehose streams watched."""
    rules: Sequence[WatchedRule]
    """The EventBridge rules watched."""
    dead_letter_queue_name: pulumi.Input[str]
    """The queue holding the events EventBridge could not deliver."""
    delivery_freshness_seconds: int = 900
    """Age of the oldest record waiting in a stream that raises an alarm."""


class PipelineAlarms(pulumi.ComponentResource):
    def __init__(self, name: str, args: PipelineAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:monitoring:PipelineAlarms", name, None, opts)
        self._name = name
        self._args = args
        alarms: list[aws.cloudwatch.MetricAlarm] = []
        for stream in args.delivery_streams:
            alarms += self._delivery_stream_alarms(stream)
        for rule in args.rules:
            alarms.append(self._rule_alarm(rule))
        alarms.append(self._dead_letter_alarm())
        self.register_outputs({"alarmNames": pulumi.Output.all(*[alarm.name for alarm in alarms])})

    def _alarm(self, label: str, description: str, **kwargs: Any) -> aws.cloudwatch.MetricAlarm:
        return metric_alarm(
            f"{self._name}-{label}",
            description,
            self._args.alert_topic_arn,
            pulumi.ResourceOptions(parent=self),
            **kwargs,
        )

    def _above_zero_alarm(self, label: str, description: str, **kwargs: Any) -> aws.cloudwatch.MetricAlarm:
        return above_zero_alarm(
            f"{self._name}-{label}",
            description,
            self._args.alert_topic_arn,
            pulumi.ResourceOptions(parent=self),
            **kwargs,
        )

    def _delivery_stream_alarms(self, stream: WatchedDeliveryStream) -> list[aws.cloudwatch.MetricAlarm]:
        destination = stream.destination_metric_prefix
        dimensions: dict[str, pulumi.Input[str]] = {"DeliveryStreamName": stream.name}
        freshness = self._args.delivery_freshness_seconds
        return [
            self._alarm(
                f"{stream.label}-delivery-failing",
                f"Firehose {stream.label}: {destination}.Success below 1, some deliveries failed. "
                "Check the stream's delivery error log group and the destination's permissions.",
                namespace="AWS/Firehose",
                metric_name=f"{destination}.Success",
                dimensions=dimensions,
                statistic="Minimum",
                period=FIREHOSE_PERIOD,
                evaluation_periods=1,
                comparison_operator="LessThanThreshold",
                threshold=1,
                treat_missing_data="notBreaching",  # no traffic, no deliveries: nothing failed
            ),
            self._alarm(
                f"{stream.label}-delivery-stale",
                f"Firehose {stream.label}: the oldest undelivered record is older than {freshness} s. "
                "Delivery is retrying or blocked; check the delivery error log group.",
                namespace="AWS/Firehose",
                metric_name=f"{destination}.DataFreshness",
                dimensions=dimensions,
                statistic="Maximum",
                period=FIREHOSE_PERIOD,
                evaluation_periods=1,
                comparison_operator="GreaterThanThreshold",
                threshold=freshness,
                treat_missing_data="notBreaching",
            ),
            self._above_zero_alarm(
                f"{stream.label}-throttled",
                f"Firehose {stream.label}: records were throttled (stream quota exceeded); senders retry, "
                "the log router may duplicate or, after its retry limit, drop records.",
                metric=("AWS/Firehose", "ThrottledRecords"),
                dimensions=dimensions,
                period=FIREHOSE_PERIOD,
            ),
        ]

    def _rule_alarm(self, rule: WatchedRule) -> aws.cloudwatch.MetricAlarm:
        return self._above_zero_alarm(
            f"{rule.label}-failed-invocations",
            f"EventBridge rule {rule.label}: a target could not be invoked. The event went to the "
            "dead-letter queue after retries; check the target's role and the destination.",
            metric=("AWS/Events", "FailedInvocations"),
            dimensions={"RuleName": rule.name},
        )

    def _dead_letter_alarm(self) -> aws.cloudwatch.MetricAlarm:
        return self._above_zero_alarm(
            "dead-letter-queue-not-empty",
            "Task stop events are waiting in the dead-letter queue: they were not delivered. Read the "
            "messages (their attributes carry the error), fix the target, then re-send or archive them.",
            metric=("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
            dimensions={"QueueName": self._args.dead_letter_queue_name},
            statistic="Maximum",
            period=FIREHOSE_PERIOD,
        )
