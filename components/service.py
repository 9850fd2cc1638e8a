"""STUB (to be replaced): ECS cluster, task definition (httpd + FireLens log router), service, autoscaling."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.settings import ServiceSettings


@dataclass(frozen=True)
class HttpdServiceArgs:
    settings: ServiceSettings
    region: str
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    assign_public_ip: bool
    alb_security_group_id: pulumi.Input[str]
    target_group_arn: pulumi.Input[str]
    scaling_resource_label: pulumi.Input[str]
    log_router_image: pulumi.Input[str]
    delivery_stream_name: pulumi.Input[str]
    delivery_stream_arn: pulumi.Input[str]
    log_retention_days: int
    protect: bool = False


class HttpdService(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    app_log_group_name: pulumi.Output[str]
    router_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: HttpdServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:service:HttpdService", name, None, opts)
        stub = pulumi.Output.from_input("stub")
        self.cluster_name = stub
        self.cluster_arn = stub
        self.service_name = stub
        self.task_definition_arn = stub
        self.app_log_group_name = stub
        self.router_log_group_name = stub
        self.register_outputs({"serviceName": self.service_name})
