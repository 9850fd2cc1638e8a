"""STUB (to be replaced): VPC, public subnets per AZ, internet gateway, optional private subnets with NAT."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.settings import NetworkSettings


@dataclass(frozen=True)
class NetworkArgs:
    settings: NetworkSettings


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    task_subnet_ids: pulumi.Output[list[str]]  # private subnets when NAT is on, else the public ones
    assign_public_ip: bool  # tasks need a public IP exactly when they run in public subnets

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:network:Network", name, None, opts)
        self.vpc_id = pulumi.Output.from_input("vpc-stub")
        self.public_subnet_ids = pulumi.Output.from_input(["subnet-stub"])
        self.task_subnet_ids = self.public_subnet_ids
        self.assign_public_ip = not args.settings.private_subnets
        self.register_outputs({"vpcId": self.vpc_id})
