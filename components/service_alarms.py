"""CloudWatch alarms on one FireLens service, all notifying the alert topic (the one stop alerts use).

Creates, with the thresholds given:
- the service running fewer tasks than it should: with Container Insights, `RunningTaskCount` below
  `DesiredTaskCount` (`tasks-below-desired`); without, the target group's `HealthyHostCount` below the
  autoscaling floor (`tasks-below-floor`);
- the target group reporting unhealthy hosts (`unhealthy-hosts`) and target 5xx responses (`target-5xx`).
Needs: the topic ARN, the cluster and service names, the ALB's and the target group's ARN suffixes.
`README.md` explains what each alarm means and what to check first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.metric_alarms import MINUTE, above_zero_alarm, metric_alarm
from components.moved import MovedFrom, aliases_of, check_moved_from

CHILD_LABELS = ("tasks-below-floor", "tasks-below-desired", "unhealthy-hosts", "target-5xx")


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
    moved_from: MovedFrom = field(default_factory=dict)
    """Former identities of the alarms, by label (CHILD_LABELS); see components/moved.py. Default: none."""


class ServiceAlarms(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_moved_from("ServiceAlarms", args.moved_from, CHILD_LABELS)
        super().__init__("httpd-firelens:monitoring:ServiceAlarms", name, None, opts)
        self._name = name
        self._args = args
        alarms = [self._running_tasks_alarm(), *self._target_group_alarms()]
        self.register_outputs({"alarmNames": pulumi.Output.all(*[alarm.name for alarm in alarms])})

    def _child(self, label: str) -> tuple[str, pulumi.ResourceOptions]:
        """An alarm's logical name and options."""
        opts = pulumi.ResourceOptions(parent=self, aliases=aliases_of(self._args.moved_from, label))
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


def _container_insights_query(
    query_id: str, metric: str, dimensions: dict[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace="ECS/ContainerInsights", metric_name=metric, dimensions=dimensions, period=MINUTE, stat="Average"
        ),
    )
