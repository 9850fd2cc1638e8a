"""STUB (to be replaced): internet-facing ALB, its security group, target group, listeners, access logs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.settings import LoadBalancerSettings


@dataclass(frozen=True)
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    settings: LoadBalancerSettings
    app_port: int
    access_log_expiration_days: int
    force_destroy: bool = False
    protect: bool = False


class LoadBalancer(pulumi.ComponentResource):
    security_group_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    # "app/<lb>/<id>/targetgroup/<tg>/<id>": the ALBRequestCountPerTarget resource label
    scaling_resource_label: pulumi.Output[str]
    load_balancer_arn_suffix: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    url: pulumi.Output[str]
    access_log_bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:loadbalancer:LoadBalancer", name, None, opts)
        stub = pulumi.Output.from_input("stub")
        self.security_group_id = stub
        self.target_group_arn = stub
        self.scaling_resource_label = stub
        self.load_balancer_arn_suffix = stub
        self.target_group_arn_suffix = stub
        self.dns_name = stub
        self.url = stub
        self.access_log_bucket_name = stub
        self.register_outputs({"url": self.url})
