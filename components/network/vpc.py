"""The network: a VPC with one public subnet per AZ, an internet gateway, and optional private subnets with NAT.

Creates:
- a VPC (DNS support and hostnames on) whose default security group is stripped of every rule, so nothing
  that lands in it by accident can talk to anything;
- one public subnet per configured AZ (no automatic public IPs: a task gets one only through its service's
  `assign_public_ip`), one public route table with `0.0.0.0/0` to the internet gateway;
- with `nat_gateways` "single" or "per-az": one private subnet per AZ, one route table per private subnet
  with `0.0.0.0/0` to a NAT gateway (the shared one, or the one in the same AZ), each NAT gateway with its
  own Elastic IP in a public subnet. "none" creates no private subnet and no NAT (tasks run in the public
  subnets with public IPs).
Needs: the VPC CIDR, the AZ names (already chosen from the region's available AZs) and the NAT mode.

Subnet CIDR scheme (`subnet_cidrs`): the VPC CIDR is cut into 16 equal blocks (4 more prefix bits: a /16
gives /20 subnets, a /23 gives /27, the smallest an ALB takes; `components/network/subnet_sizing.py` checks that the
subnets hold the ALB and the tasks). Block `i` is the public subnet of the
i-th AZ and block `8 + i` its private subnet, so up to 8 AZs fit and blocks never move when NAT is turned
on or off or an AZ is added (existing subnets keep their CIDRs).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.network.subnet_sizing import MAX_AZS, SUBNET_PREFIX_BITS

ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class SubnetPlan:
    """The subnets of one availability zone."""

    availability_zone: str
    public_cidr: str
    private_cidr: str


def subnet_cidrs(vpc_cidr: str, availability_zones: tuple[str, ...]) -> list[SubnetPlan]:
    """The public and private subnet CIDRs of each AZ, per the scheme in the module docstring."""
    if len(availability_zones) > MAX_AZS:
        raise ValueError(f"at most {MAX_AZS} availability zones fit the subnet scheme, got {len(availability_zones)}")
    blocks = list(ipaddress.IPv4Network(vpc_cidr, strict=True).subnets(prefixlen_diff=SUBNET_PREFIX_BITS))
    return [
        SubnetPlan(zone, str(blocks[index]), str(blocks[MAX_AZS + index]))
        for index, zone in enumerate(availability_zones)
    ]


@dataclass(frozen=True)
class TaskNetwork:
    vpc_id: pulumi.Input[str]
    """The VPC the tasks (and the target group) live in."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """The subnets the tasks run in."""
    assign_public_ip: bool = False
    """Give each task a public IP: only for public subnets without a NAT gateway. Default: no."""


@dataclass(frozen=True)
class NetworkArgs:
    vpc_cidr: str
    """The VPC's IPv4 CIDR, /16 to /23 (components/network/subnet_sizing.py checks that the subnets fit)."""
    availability_zones: Sequence[str]
    """The AZs to spread the subnets over, at least two, at most 8 (chosen from the region's available AZs)."""
    nat_gateways: str = "none"
    """`none` (tasks in the public subnets with public IPs), `single` (one shared NAT gateway) or `per-az`."""

    @property
    def private_subnets(self) -> bool:
        """Tasks run in private subnets exactly when NAT gateways give them a way out."""
        return self.nat_gateways != "none"


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]  # empty when nat_gateways is "none"
    task_subnet_ids: pulumi.Output[list[str]]  # private subnets when NAT is on, else the public ones
    assign_public_ip: bool  # tasks need a public IP exactly when they run in public subnets

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:network:Network", name, None, opts)
        self._name = name
        plans = subnet_cidrs(args.vpc_cidr, tuple(args.availability_zones))

        self._vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,  # needed for interface endpoints and private DNS names
            opts=self._child(),
        )
        # Adopting the default security group with no rules removes AWS's allow-all rules from it.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self._vpc.id, opts=self._child())
        self._igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self._vpc.id, opts=self._child())

        public_subnets = self._public_subnets(plans)
        private_subnets = self._private_subnets(plans, public_subnets, args.nat_gateways)

        self.vpc_id = self._vpc.id
        self.public_subnet_ids = _ids(public_subnets)
        self.private_subnet_ids = _ids(private_subnets)
        self.task_subnet_ids = self.private_subnet_ids if args.private_subnets else self.public_subnet_ids
        self.assign_public_ip = not args.private_subnets
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
                "taskSubnetIds": self.task_subnet_ids,
            }
        )

    @property
    def task_network(self) -> TaskNetwork:
        """Where the services' tasks run."""
        return TaskNetwork(self.vpc_id, self.task_subnet_ids, self.assign_public_ip)

    def _child(self, depends_on: list[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=depends_on)

    def _subnet(self, label: str, cidr: str, zone: str) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            f"{self._name}-{label}",
            vpc_id=self._vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            # Off even in public subnets: ALB and NAT nodes get their own addresses, and a task gets a
            # public IP only when its service asks for one (assign_public_ip).
            map_public_ip_on_launch=False,
            opts=self._child(),
        )

    def _associate(self, label: str, route_table: aws.ec2.RouteTable, subnet: aws.ec2.Subnet) -> None:
        aws.ec2.RouteTableAssociation(
            f"{self._name}-{label}-rta", route_table_id=route_table.id, subnet_id=subnet.id, opts=self._child()
        )

    def _public_subnets(self, plans: list[SubnetPlan]) -> list[aws.ec2.Subnet]:
        route_table = aws.ec2.RouteTable(f"{self._name}-public-rt", vpc_id=self._vpc.id, opts=self._child())
        aws.ec2.Route(
            f"{self._name}-public-default-route",
            route_table_id=route_table.id,
            destination_cidr_block=ANYWHERE,
            gateway_id=self._igw.id,
            opts=self._child(),
        )
        subnets = []
        for index, plan in enumerate(plans):
            role = f"public-{index}"
            subnet = self._subnet(role, plan.public_cidr, plan.availability_zone)
            self._associate(role, route_table, subnet)
            subnets.append(subnet)
        return subnets

    def _nat_gateways(self, public_subnets: list[aws.ec2.Subnet], mode: str) -> list[aws.ec2.NatGateway]:
        count = {"none": 0, "single": 1, "per-az": len(public_subnets)}[mode]
        gateways = []
        for index, subnet in enumerate(public_subnets[:count]):
            # The EIP and the NAT gateway need the VPC attached to an internet gateway first.
            eip = aws.ec2.Eip(f"{self._name}-nat-eip-{index}", domain="vpc", opts=self._child([self._igw]))
            gateways.append(
                aws.ec2.NatGateway(
                    f"{self._name}-nat-{index}",
                    allocation_id=eip.allocation_id,
                    subnet_id=subnet.id,
                    connectivity_type="public",
                    opts=self._child([self._igw]),
                )
            )
        return gateways

    def _private_subnets(
        self, plans: list[SubnetPlan], public_subnets: list[aws.ec2.Subnet], mode: str
    ) -> list[aws.ec2.Subnet]:
        gateways = self._nat_gateways(public_subnets, mode)
        subnets = []
        for index, plan in enumerate(plans if gateways else []):
            role = f"private-{index}"
            subnet = self._subnet(role, plan.private_cidr, plan.availability_zone)
            # One route table per private subnet, even with a single NAT: switching to per-az then only
            # changes each table's route target, never the subnets' associations.
            route_table = aws.ec2.RouteTable(f"{self._name}-{role}-rt", vpc_id=self._vpc.id, opts=self._child())
            aws.ec2.Route(
                f"{self._name}-{role}-default-route",
                route_table_id=route_table.id,
                destination_cidr_block=ANYWHERE,
                nat_gateway_id=gateways[index % len(gateways)].id,
                opts=self._child(),
            )
            self._associate(role, route_table, subnet)
            subnets.append(subnet)
        return subnets


def _ids(subnets: list[aws.ec2.Subnet]) -> pulumi.Output[list[str]]:
    ids: pulumi.Output[list[str]] = pulumi.Output.all(*[subnet.id for subnet in subnets])
    return ids
