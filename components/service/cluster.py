"""The ECS cluster the FireLens services run in.

Creates one `aws.ecs.Cluster` (`<name>-cluster`, auto-named) with Container Insights as asked. Needs nothing else:
services take its name and ARN, and the task stop capture watches its ARN.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.problems import Problem, one_of, raise_problems
from configuration.limits import CONTAINER_INSIGHTS_MODES


@dataclass(frozen=True)
class EcsClusterArgs:
    container_insights: str = "disabled"
    """ECS Container Insights: disabled, enabled or enhanced (the RunningTaskCount/DesiredTaskCount metrics the
    service alarms use exist only when it is on)."""

    def problems(self) -> list[Problem]:
        return one_of("container_insights", self.container_insights, CONTAINER_INSIGHTS_MODES)


class EcsCluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    container_insights: bool  # Container Insights is on (enabled or enhanced): its task metrics exist

    def __init__(self, name: str, args: EcsClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"EcsCluster {name!r}", args.problems())
        super().__init__("httpd-firelens:service:EcsCluster", name, None, opts)
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=args.container_insights)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = cluster.name
        self.arn = cluster.arn
        self.container_insights = args.container_insights != "disabled"
        self.register_outputs({"name": self.name, "arn": self.arn})
