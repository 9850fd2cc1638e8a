"""CloudWatch alarms on the log pipeline itself, all notifying the alert topic (the one stop alerts use).

Creates, with thresholds from `AlarmSettings`:
- per Firehose stream: delivery failing (`DeliveryToS3.Success` or `DeliveryToHttpEndpoint.Success` below 1),
  records waiting too long (`...DataFreshness`), and records throttled (`ThrottledRecords`);
- per EventBridge rule: targets failing to be invoked (`FailedInvocations`), plus any message in the
  dead-letter queue (`ApproximateNumberOfMessagesVisible`);
- the service running fewer tasks than desired (Container Insights `RunningTaskCount` vs
  `DesiredTaskCount` when Container Insights is on, else the target group's `HealthyHostCount` below the
  autoscaling floor), the target group reporting unhealthy hosts, and target 5xx responses.
Needs: the topic ARN and the names / ARN suffixes of the resources watched. `README.md` explains what each
alarm means and what to check first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.settings import AlarmSettings

MINUTE = 60
FIREHOSE_PERIOD = 5 * MINUTE  # Firehose publishes delivery metrics every 5 minutes at most


@dataclass(frozen=True)
class WatchedDeliveryStream:
    label: str  # short role used in alarm names, e.g. "app-logs"
    name: pulumi.Input[str]
    http_endpoint: bool = False  # a partner HTTP endpoint destination reports DeliveryToHttpEndpoint.*

    @property
    def destination_metric_prefix(self) -> str:
        """`DeliveryToS3` or `DeliveryToHttpEndpoint`: the prefix of the stream's delivery metrics."""
        return "DeliveryToHttpEndpoint" if self.http_endpoint else "DeliveryToS3"


@dataclass(frozen=True)
class WatchedRule:
    label: str  # e.g. "task-stopped"
    name: pulumi.Input[str]


@dataclass(frozen=True)
class PipelineAlarmsArgs:
    settings: AlarmSettings
    alert_topic_arn: pulumi.Input[str]
    delivery_streams: Sequence[WatchedDeliveryStream]
    rules: Sequence[WatchedRule]
    dead_letter_queue_name: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    container_insights: bool  # RunningTaskCount/DesiredTaskCount exist only with Container Insights
    min_task_count: int  # the floor used when Container Insights is off


class PipelineAlarms(pulumi.ComponentResource):
    alarm_names: pulumi.Output[list[str]]

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
        alarms.append(self._running_tasks_alarm())
        alarms += self._target_group_alarms()
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in alarms])
        self.register_outputs({"alarmNames": self.alarm_names})

    # --- building blocks -------------------------------------------------------------------------------

    def _alarm(self, role: str, description: str, **kwargs: Any) -> aws.cloudwatch.MetricAlarm:
        """One alarm that notifies the topic when it fires and when it recovers."""
        topic = [self._args.alert_topic_arn]
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-{role}",
            alarm_description=description,
            alarm_actions=topic,
            ok_actions=topic,
            opts=pulumi.ResourceOptions(parent=self),
            **kwargs,
        )

    def _any_alarm(
        self,
        role: str,
        description: str,
        metric: tuple[str, str],  # (namespace, metric name)
        dimensions: dict[str, pulumi.Input[str]],
        statistic: str = "Sum",
        period: int = MINUTE,
        evaluation_periods: int = 1,
    ) -> aws.cloudwatch.MetricAlarm:
        """An alarm on a count that should stay at zero: it fires as soon as the metric is above 0 for
        `evaluation_periods` periods; no data means nothing happened."""
        namespace, metric_name = metric
        return self._alarm(
            role,
            description,
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dimensions,
            statistic=statistic,
            period=period,
            evaluation_periods=evaluation_periods,
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
        )

    def _delivery_stream_alarms(self, stream: WatchedDeliveryStream) -> list[aws.cloudwatch.MetricAlarm]:
        destination = stream.destination_metric_prefix
        dimensions = {"DeliveryStreamName": stream.name}
        freshness = self._args.settings.delivery_freshness_seconds
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
            self._any_alarm(
                f"{stream.label}-throttled",
                f"Firehose {stream.label}: records were throttled (stream quota exceeded); senders retry, "
                "the log router may duplicate or, after its retry limit, drop records.",
                ("AWS/Firehose", "ThrottledRecords"),
                dimensions,
                period=FIREHOSE_PERIOD,
            ),
        ]

    def _rule_alarm(self, rule: WatchedRule) -> aws.cloudwatch.MetricAlarm:
        return self._any_alarm(
            f"{rule.label}-failed-invocations",
            f"EventBridge rule {rule.label}: a target could not be invoked. The event went to the "
            "dead-letter queue after retries; check the target's role and the destination.",
            ("AWS/Events", "FailedInvocations"),
            {"RuleName": rule.name},
        )

    def _dead_letter_alarm(self) -> aws.cloudwatch.MetricAlarm:
        return self._any_alarm(
            "dead-letter-queue-not-empty",
            "Task stop events are waiting in the dead-letter queue: they were not delivered. Read the "
            "messages (their attributes carry the error), fix the target, then re-send or archive them.",
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
            {"QueueName": self._args.dead_letter_queue_name},
            statistic="Maximum",
            period=FIREHOSE_PERIOD,
        )

    def _running_tasks_alarm(self) -> aws.cloudwatch.MetricAlarm:
        minutes = self._args.settings.evaluation_minutes
        if not self._args.container_insights:
            return self._alarm(
                "tasks-below-floor",
                f"Fewer healthy httpd tasks than the autoscaling floor ({self._args.min_task_count}) for "
                f"{minutes} min. Look at the service's events and the stopped tasks' reasons (task stop log group).",
                namespace="AWS/ApplicationELB",
                metric_name="HealthyHostCount",
                dimensions=self._target_group_dimensions(),
                statistic="Minimum",
                period=MINUTE,
                evaluation_periods=minutes,
                comparison_operator="LessThanThreshold",
                threshold=max(1, self._args.min_task_count),
                treat_missing_data="breaching",  # no data from the target group means no healthy task
            )
        service = {"ClusterName": self._args.cluster_name, "ServiceName": self._args.service_name}
        return self._alarm(
            "tasks-below-desired",
            f"The service ran fewer tasks than desired for {minutes} min. Look at the service's events and "
            "the stopped tasks' reasons (task stop log group).",
            metric_queries=[
                _container_insights_query("running", "RunningTaskCount", service),
                _container_insights_query("desired", "DesiredTaskCount", service),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="missing", expression="desired - running", label="tasks missing", return_data=True
                ),
            ],
            evaluation_periods=minutes,
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
        )

    def _target_group_alarms(self) -> list[aws.cloudwatch.MetricAlarm]:
        minutes = self._args.settings.evaluation_minutes
        per_minute = self._args.settings.target_5xx_per_minute
        return [
            self._any_alarm(
                "unhealthy-hosts",
                f"The target group reported unhealthy httpd tasks for {minutes} min. Check the health check "
                "path and the tasks' application logs.",
                ("AWS/ApplicationELB", "UnHealthyHostCount"),
                self._target_group_dimensions(),
                statistic="Maximum",
                evaluation_periods=minutes,
            ),
            self._alarm(
                "target-5xx",
                f"httpd answered more than {per_minute} 5xx responses a minute for {minutes} min. The 5xx "
                "lines are in the application log group.",
                namespace="AWS/ApplicationELB",
                metric_name="HTTPCode_Target_5XX_Count",
                dimensions=self._target_group_dimensions(),
                statistic="Sum",
                period=MINUTE,
                evaluation_periods=minutes,
                comparison_operator="GreaterThanThreshold",
                threshold=per_minute,
                treat_missing_data="notBreaching",
            ),
        ]

    def _target_group_dimensions(self) -> dict[str, pulumi.Input[str]]:
        return {
            "TargetGroup": self._args.target_group_arn_suffix,
            "LoadBalancer": self._args.load_balancer_arn_suffix,
        }


def _container_insights_query(
    query_id: str, metric: str, dimensions: dict[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace="ECS/ContainerInsights",
            metric_name=metric,
            dimensions=dimensions,
            period=MINUTE,
            stat="Average",
        ),
    )
