"""A CloudWatch dashboard for the pipeline: requests and 5xx, each service's target health and tasks, Firehose
delivery, undelivered stop events and stops by reason.

Needs the region and the names / ARN suffixes of what it graphs: the ALB, every service behind it (label, cluster,
ECS service, target group), the delivery streams described as the alarms see them (so that a partner HTTP
endpoint stream graphs `DeliveryToHttpEndpoint.*`), the task stop log group and the dead-letter queue. Creates
one `aws.cloudwatch.Dashboard` named `<project>-<stack>` (a fixed name: people bookmark it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.log_archive import WatchedDeliveryStream

Metric = list[Any]  # CloudWatch dashboard metric rows: [namespace, name, dim, value, ..., {options}]


@dataclass(frozen=True)
class DashboardService:
    label: str
    """How the graphs name the service, e.g. `httpd`."""
    cluster_name: pulumi.Input[str]
    """Its ECS cluster."""
    service_name: pulumi.Input[str]
    """Its ECS service."""
    target_group_arn_suffix: pulumi.Input[str]
    """Its target group's ARN suffix (the TargetGroup dimension)."""


@dataclass(frozen=True)
class PipelineDashboardArgs:
    region: str
    """The region of every metric graphed."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """The ALB's ARN suffix (the LoadBalancer dimension)."""
    services: Sequence[DashboardService]
    """The services behind the ALB."""
    delivery_streams: Sequence[WatchedDeliveryStream]
    """The Firehose streams graphed."""
    task_stop_log_group_name: pulumi.Input[str]
    """The log group the stops-by-reason table queries."""
    dead_letter_queue_name: pulumi.Input[str]
    """The queue of task stop events EventBridge could not deliver."""
    container_insights: bool = False
    """The cluster has Container Insights: graph running vs desired tasks, else CPU and memory."""


class PipelineDashboard(pulumi.ComponentResource):
    dashboard_name: pulumi.Output[str]
    url: pulumi.Output[str]  # the dashboard in the CloudWatch console

    def __init__(self, name: str, args: PipelineDashboardArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:monitoring:PipelineDashboard", name, None, opts)
        body = pulumi.Output.json_dumps({"widgets": dashboard_widgets(args)})
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=pulumi.Output.format("{0}-{1}", pulumi.get_project(), pulumi.get_stack()),
            dashboard_body=body,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dashboard_name = dashboard.dashboard_name
        self.url = pulumi.Output.format(
            "https://{0}.console.aws.amazon.com/cloudwatch/home?region={0}#dashboards/dashboard/{1}",
            args.region,
            dashboard.dashboard_name,
        )
        self.register_outputs({"dashboardName": self.dashboard_name, "url": self.url})


def _graph(title: str, region: str, metrics: list[Metric], x: int, y: int, stat: str = "Sum") -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {"title": title, "region": region, "stat": stat, "period": 60, "view": "timeSeries",
                       "metrics": metrics},
    }  # fmt: skip


def dashboard_widgets(args: PipelineDashboardArgs) -> list[dict[str, Any]]:
    alb = ["LoadBalancer", args.load_balancer_arn_suffix]
    if args.container_insights:
        task_metrics = {"RunningTaskCount": "running", "DesiredTaskCount": "desired"}
        task_namespace, task_title = "ECS/ContainerInsights", "Tasks: running vs desired"
    else:
        task_metrics = {"CPUUtilization": "CPU %", "MemoryUtilization": "memory %"}
        task_namespace, task_title = "AWS/ECS", "Tasks: CPU and memory % (Container Insights off)"
    health: list[Metric] = []
    tasks: list[Metric] = []
    for service in args.services:
        target_group = ["TargetGroup", service.target_group_arn_suffix, *alb]
        health += [
            ["AWS/ApplicationELB", metric, *target_group, {"label": f"{service.label} {label}"}]
            for metric, label in (("HealthyHostCount", "healthy"), ("UnHealthyHostCount", "unhealthy"))
        ]
        dimensions = ["ClusterName", service.cluster_name, "ServiceName", service.service_name]
        tasks += [
            [task_namespace, metric, *dimensions, {"label": f"{service.label} {label}"}]
            for metric, label in task_metrics.items()
        ]
    delivery = [
        ["AWS/Firehose", metric, "DeliveryStreamName", stream.name]
        for stream in args.delivery_streams
        for metric in ("IncomingRecords", f"{stream.destination_metric_prefix}.Records")
    ]
    stops_query = pulumi.Output.format(
        "SOURCE '{0}' | filter `detail.lastStatus` = 'STOPPED' "
        "| stats count(*) as stops by `detail.stopCode`, `detail.stoppedReason` | sort stops desc",
        args.task_stop_log_group_name,
    )
    return [
        _graph("ALB requests and 5xx", args.region, [
            ["AWS/ApplicationELB", "RequestCount", *alb],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *alb],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *alb],
        ], 0, 0),
        _graph("Target health", args.region, health, 12, 0, stat="Maximum"),
        _graph(task_title, args.region, tasks, 0, 6, stat="Average"),
        _graph("Firehose records in and delivered", args.region, delivery, 12, 6),
        _graph("Task stop events not delivered (DLQ depth)", args.region, [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", args.dead_letter_queue_name],
        ], 0, 12, stat="Maximum"),
        {
            "type": "log",
            "x": 12,
            "y": 12,
            "width": 12,
            "height": 6,
            "properties": {"title": "Task stops by reason", "region": args.region, "query": stops_query,
                           "view": "table"},
        },
    ]  # fmt: skip
