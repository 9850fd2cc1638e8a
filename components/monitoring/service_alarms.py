"""CloudWatch alarms on one FireLens service, all notifying the alert topic (the one stop alerts use).

Creates, with the thresholds given:
- the service running fewer tasks than it should: with Container Insights, `RunningTaskCount` below
  `DesiredTaskCount` (`tasks-below-desired`); without, the target group's `HealthyHostCount` below the
  autoscaling floor (`tasks-below-floor`);
- the target group reporting unhealthy hosts (`unhealthy-hosts`) and target 5xx responses (`target-5xx`);
- silence: the target group served requests while the delivery stream the service's router writes to received no
  record (`traffic-without-archive`, TRAFFIC_WITHOUT_ARCHIVE below), and the router logging that a put failed or a
  chunk was dropped (`router-errors`, from the metric filter on the router's log group).
Needs: the topic ARN, the cluster and service names, the ALB's and the target group's ARN suffixes, the delivery
stream and the router error metric.
docs/operations.md explains what each alarm means and what to check first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.monitoring.metric_alarms import MINUTE, above_zero_alarm, metric_alarm

CHILD_LABELS = (
    "tasks-below-floor",
    "tasks-below-desired",
    "unhealthy-hosts",
    "target-5xx",
    "traffic-without-archive",
    "router-errors",
)
# Metric math over the service's requests and the stream's records, a minute at a time: 1 where the target group
# served requests and the stream received no record, else 0. A comparison of a time series with a scalar has a
# datapoint only where the series has one, and AND treats a datapoint missing on one side as 0 (CloudWatch user
# guide, "Using metric math", comparison and logical operators), so the stream's minutes without any datapoint are
# filled with 0 first (FILL): no record at all is a 0, not a gap. A minute without requests is 0 (OK), whatever the
# stream did; a gap in both is no datapoint, which the alarm treats as not breaching.
TRAFFIC_WITHOUT_ARCHIVE = "requests > 0 AND FILL(records, 0) == 0"
# Firehose pushes its metrics to CloudWatch every five minutes (Firehose developer guide, "Monitoring with Amazon
# CloudWatch Metrics"), and AWS's own alarms on IncomingRecords use its sum per 5 minutes (Firehose developer guide,
# "Implement best practices with CloudWatch Alarms"): the alarm compares 5-minute sums, and tolerates the latest
# period not being published yet (FILL then reads it as 0) by needing one period more than it evaluates.
SILENCE_PERIOD_SECONDS = 300


def silence_periods(evaluation_minutes: int) -> tuple[int, int]:
    """(datapoints to alarm, evaluation periods) of the silence alarm: at least `evaluation_minutes` of silence and
    never less than two 5-minute periods, out of one period more."""
    breaching = max(2, -(-evaluation_minutes * 60 // SILENCE_PERIOD_SECONDS))
    return breaching, breaching + 1


@dataclass(frozen=True)
class RouterErrorMetric:
    """The custom metric a CloudWatch Logs metric filter publishes for the lines of the router's failures."""

    namespace: str
    name: str


@dataclass(frozen=True)
class ServiceAlarmsArgs:
    service_label: str
    """What the descriptions call the service's tasks, e.g. `httpd`."""
    alert_topic_arn: pulumi.Input[str]
    """The SNS topic every alarm notifies."""
    cluster_name: pulumi.Input[str]
    """The ECS cluster of the service."""
    service_name: pulumi.Input[str]
    """The ECS service."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """The ALB's ARN suffix (the LoadBalancer dimension)."""
    target_group_arn_suffix: pulumi.Input[str]
    """The service's target group's ARN suffix (the TargetGroup dimension)."""
    min_task_count: int
    """The autoscaling floor: without Container Insights, fewer healthy hosts than this raise an alarm."""
    container_insights: bool = False
    """RunningTaskCount/DesiredTaskCount exist only with Container Insights on."""
    evaluation_minutes: int = 5
    """Minutes a condition must hold before an alarm fires."""
    target_5xx_per_minute: int = 10
    """5xx responses per minute from the targets that raise an alarm."""
    delivery_stream_name: pulumi.Input[str] | None = None
    """The Firehose stream the service's router writes every record to: requests while it receives nothing raise
    `traffic-without-archive`. Default None: no such alarm."""
    router_errors: RouterErrorMetric | None = None
    """The metric the router's log group's error filter publishes: any count raises `router-errors`. Default None:
    no such alarm."""


class ServiceAlarms(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:monitoring:ServiceAlarms", name, None, opts)
        self._name = name
        self._args = args
        alarms = [self._running_tasks_alarm(), *self._target_group_alarms(), *self._silence_alarms()]
        self.register_outputs({"alarmNames": pulumi.Output.all(*[alarm.name for alarm in alarms])})

    def _child(self, label: str) -> tuple[str, pulumi.ResourceOptions]:
        """An alarm's logical name and options."""
        opts = pulumi.ResourceOptions(parent=self)
        return f"{self._name}-{label}", opts

    def _target_group_dimensions(self) -> dict[str, pulumi.Input[str]]:
        return {"TargetGroup": self._args.target_group_arn_suffix, "LoadBalancer": self._args.load_balancer_arn_suffix}

    def _running_tasks_alarm(self) -> aws.cloudwatch.MetricAlarm:
        args, minutes = self._args, self._args.evaluation_minutes
        if not args.container_insights:
            name, opts = self._child("tasks-below-floor")
            return metric_alarm(
                name,
                f"Fewer healthy {args.service_label} tasks than the autoscaling floor ({args.min_task_count}) for "
                f"{minutes} min. Look at the service's events and the stopped tasks' reasons (task stop log group).",
                args.alert_topic_arn,
                opts,
                namespace="AWS/ApplicationELB",
                metric_name="HealthyHostCount",
                dimensions=self._target_group_dimensions(),
                statistic="Minimum",
                period=MINUTE,
                evaluation_periods=minutes,
                comparison_operator="LessThanThreshold",
                threshold=max(1, args.min_task_count),
                treat_missing_data="breaching",  # no data from the target group means no healthy task
            )
        service = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        name, opts = self._child("tasks-below-desired")
        return metric_alarm(
            name,
            f"The service ran fewer tasks than desired for {minutes} min. Look at the service's events and "
            "the stopped tasks' reasons (task stop log group).",
            args.alert_topic_arn,
            opts,
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
        args, minutes = self._args, self._args.evaluation_minutes
        unhealthy_name, unhealthy_opts = self._child("unhealthy-hosts")
        errors_name, errors_opts = self._child("target-5xx")
        return [
            above_zero_alarm(
                unhealthy_name,
                f"The target group reported unhealthy {args.service_label} tasks for {minutes} min. Check the "
                "health check path and the tasks' application logs.",
                args.alert_topic_arn,
                unhealthy_opts,
                ("AWS/ApplicationELB", "UnHealthyHostCount"),
                self._target_group_dimensions(),
                statistic="Maximum",
                evaluation_periods=minutes,
            ),
            metric_alarm(
                errors_name,
                f"{args.service_label} answered more than {args.target_5xx_per_minute} 5xx responses a minute for "
                f"{minutes} min. The 5xx lines are in the application log group.",
                args.alert_topic_arn,
                errors_opts,
                namespace="AWS/ApplicationELB",
                metric_name="HTTPCode_Target_5XX_Count",
                dimensions=self._target_group_dimensions(),
                statistic="Sum",
                period=MINUTE,
                evaluation_periods=minutes,
                comparison_operator="GreaterThanThreshold",
                threshold=args.target_5xx_per_minute,
                treat_missing_data="notBreaching",
            ),
        ]

    def _silence_alarms(self) -> list[aws.cloudwatch.MetricAlarm]:
        args, minutes, alarms = self._args, self._args.evaluation_minutes, []
        if args.delivery_stream_name is not None:
            name, opts = self._child("traffic-without-archive")
            breaching, periods = silence_periods(minutes)
            silent_minutes = breaching * SILENCE_PERIOD_SECONDS // 60
            alarms.append(
                metric_alarm(
                    name,
                    f"{args.service_label} served requests for {silent_minutes} min while its router's delivery "
                    "stream received no record: the router cannot put to Firehose, or the app writes nothing. Check "
                    "the router log group first (AccessDenied, throttling, ResourceNotFound). Every service's router "
                    "writes to this stream: if another service's records arrive, only the router-errors alarm sees "
                    "this one's failure.",
                    args.alert_topic_arn,
                    opts,
                    metric_queries=[
                        _sum_query("requests", "AWS/ApplicationELB", "RequestCount", self._target_group_dimensions()),
                        _sum_query(
                            "records",
                            "AWS/Firehose",
                            "IncomingRecords",
                            {"DeliveryStreamName": args.delivery_stream_name},
                        ),
                        aws.cloudwatch.MetricAlarmMetricQueryArgs(
                            id="silent",
                            expression=TRAFFIC_WITHOUT_ARCHIVE,
                            label="minutes with requests and no archived record",
                            return_data=True,
                        ),
                    ],
                    evaluation_periods=periods,
                    datapoints_to_alarm=breaching,
                    comparison_operator="GreaterThanThreshold",
                    threshold=0,
                    treat_missing_data="notBreaching",
                )
            )
        if args.router_errors is not None:
            name, opts = self._child("router-errors")
            alarms.append(
                above_zero_alarm(
                    name,
                    f"{args.service_label}'s log router reported a failed put to Firehose or CloudWatch Logs, or a "
                    "chunk it dropped after its retries. The lines are in its router log group.",
                    args.alert_topic_arn,
                    opts,
                    (args.router_errors.namespace, args.router_errors.name),
                    {},
                )
            )
        return alarms


def _sum_query(
    query_id: str, namespace: str, metric: str, dimensions: dict[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            period=SILENCE_PERIOD_SECONDS,
            stat="Sum",
        ),
    )


def _container_insights_query(
    query_id: str, metric: str, dimensions: dict[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace="ECS/ContainerInsights", metric_name=metric, dimensions=dimensions, period=MINUTE, stat="Average"
        ),
    )
