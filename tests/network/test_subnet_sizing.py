"""components/network/subnet_sizing.py: the arithmetic that decides whether a VPC's subnets hold the ALB and the tasks,
and the AWS facts it rests on."""

from __future__ import annotations

import re

import botocore.session
import pytest

from components.network.subnet_sizing import SUBNET_PREFIX_BITS, peak_task_count, subnet_room, vpc_prefix_problem
from configuration.limits import (
    ALB_FREE_ADDRESSES,
    ALB_MAX_SUBNET_PREFIX,
    DEPLOYMENT_MAXIMUM_PERCENT,
    SUBNET_RESERVED_ADDRESSES,
    VPC_PREFIX_LENGTHS,
)


def _doc(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def test_aws_reserves_five_addresses_of_every_subnet() -> None:
    """EC2 CreateSubnet (API reference, also in botocore's model): "Amazon Web Services reserves both the first
    four and the last IPv4 address in each subnet's CIDR block", and a subnet is /16 to /28."""
    documentation = botocore.session.get_session().get_service_model("ec2").operation_model("CreateSubnet")
    text = _doc(documentation.documentation)
    assert "reserves both the first four and the last IPv4 address in each subnet's CIDR block" in text
    assert "between a /28 netmask (16 IP addresses) and a /16 netmask" in text
    assert SUBNET_RESERVED_ADDRESSES == 4 + 1
    assert VPC_PREFIX_LENGTHS == (16, 28)


def test_a_deployment_runs_up_to_maximum_percent_of_the_desired_count() -> None:
    """ECS DeploymentConfiguration.maximumPercent (botocore's ECS model): "an upper limit on the number of your
    service's tasks that are allowed in the RUNNING or PENDING state during a deployment, as a percentage of the
    desiredCount (rounded down to the nearest integer)". Each Fargate task has its own network interface with
    a private address ("every Amazon ECS task on Fargate is provided an elastic network interface (ENI) with a
    primary private IP address", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html)."""
    model = botocore.session.get_session().get_service_model("ecs")
    text = _doc(model.shape_for("DeploymentConfiguration").members["maximumPercent"].documentation)
    assert "upper limit on the number of your service's tasks that are allowed in the RUNNING or PENDING" in text
    assert "rounded down to the nearest integer" in text
    assert peak_task_count(3) == 3 * DEPLOYMENT_MAXIMUM_PERCENT // 100 == 6
    assert peak_task_count(100) == 200


@pytest.mark.parametrize(("vpc_prefix", "subnet_prefix", "usable"), [(16, 20, 4091), (23, 27, 27), (24, 28, 11)])
def test_subnets_are_a_sixteenth_of_the_vpc_less_the_reserved_addresses(
    vpc_prefix: int, subnet_prefix: int, usable: int
) -> None:
    room = subnet_room(vpc_prefix, "none", 1)
    assert (room.subnet_prefix, room.usable_addresses) == (subnet_prefix, usable)
    assert subnet_prefix == vpc_prefix + SUBNET_PREFIX_BITS


def test_an_alb_needs_27_subnets_with_8_free_addresses() -> None:
    """ALB subnets: "verify that each subnet for your load balancer has a CIDR block with at least a /27 bitmask
    (for example, 10.0.0.0/27) and has at least 8 free IP addresses" (Application Load Balancers guide,
    "Subnets for your load balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/
    application-load-balancers.html#subnets-load-balancer; ELB refuses a subnet with fewer: "ELB requires at
    least 8 free IP addresses in each subnet"). A /28 subnet is refused however few tasks run."""
    assert (ALB_MAX_SUBNET_PREFIX, ALB_FREE_ADDRESSES) == (27, 8)
    assert not subnet_room(24, "per-az", 1).fits  # /28 subnets: 11 usable addresses, but not /27
    problem = vpc_prefix_problem(24, "per-az", 1)
    assert problem is not None and "subnets would be /28; an ALB needs /27 or larger" in problem


@pytest.mark.parametrize(
    ("nat", "max_count", "smallest_vpc"),
    [
        ("none", 1, 23),  # /27: 8 + 2 tasks of 27
        ("none", 9, 23),  # 8 + 18 = 26
        ("none", 10, 22),  # 8 + 20 = 28 > 27: /26 subnets (59)
        ("none", 100, 20),  # 8 + 200 = 208: /24 subnets (251)
        ("single", 13, 23),  # private subnets: 26 tasks of 27; public: 8 + 1 NAT interface
        ("per-az", 14, 22),
        ("per-az", 100, 20),
    ],
)
def test_the_smallest_vpc_holds_the_alb_and_every_task_of_a_deployment(
    nat: str, max_count: int, smallest_vpc: int
) -> None:
    assert vpc_prefix_problem(smallest_vpc, nat, max_count) is None
    problem = vpc_prefix_problem(smallest_vpc + 1, nat, max_count)
    assert problem is not None and problem.endswith(f"a prefix of /{smallest_vpc} or shorter")
    assert f"natGateways {nat} and the services' maxCount total {max_count}" in problem
