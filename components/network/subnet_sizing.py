"""Subnet sizes for the network (a pure function): does a VPC CIDR leave room for the ALB and the tasks?

The network cuts the VPC CIDR into 16 equal blocks (`SUBNET_PREFIX_BITS` more prefix bits: a /16 gives /20
subnets, a /23 gives /27), one public and, with NAT, one private subnet per AZ (`components/network/vpc.py`).

What each subnet must hold (every address in a subnet but AWS's 5 reserved ones is usable):
- every public subnet: the ALB's addresses (an ALB subnet must be /27 or larger with at least 8 free
  addresses) plus, with NAT gateways, a NAT gateway's interface;
- the subnets the tasks run in (the public ones with `natGateways: none`, else the private ones): every task
  at the peak of a deployment, the services' `maxCount` summed x `DEPLOYMENT_MAXIMUM_PERCENT` / 100 (each
  Fargate task has its own network interface). ECS spreads tasks over the zones but puts them all in the zones
  left when one is impaired, so each subnet must be able to hold all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from configuration.limits import (
    ALB_FREE_ADDRESSES,
    ALB_MAX_SUBNET_PREFIX,
    DEPLOYMENT_MAXIMUM_PERCENT,
    NAT_GATEWAY_ADDRESSES,
    SUBNET_RESERVED_ADDRESSES,
    VPC_PREFIX_LENGTHS,
)

SUBNET_PREFIX_BITS = 4  # 16 blocks: 8 public + 8 private slots
MAX_AZS = 2**SUBNET_PREFIX_BITS // 2


@dataclass(frozen=True)
class SubnetRoom:
    subnet_prefix: int
    usable_addresses: int  # per subnet, after AWS's reserved ones
    public_needed: int  # ALB (+ NAT gateway) (+ tasks without NAT) in each public subnet
    task_subnet_needed: int  # the tasks at a deployment's peak, in each subnet they run in

    @property
    def fits(self) -> bool:
        return (
            self.subnet_prefix <= ALB_MAX_SUBNET_PREFIX
            and self.usable_addresses >= self.public_needed
            and self.usable_addresses >= self.task_subnet_needed
        )


def peak_task_count(max_count: int) -> int:
    """Tasks running or pending at once during a deployment of a service scaled out to `max_count` (ECS rounds
    the percentage of the desired count down)."""
    return max_count * DEPLOYMENT_MAXIMUM_PERCENT // 100


def subnet_room(vpc_prefix: int, nat_gateways: str, max_count: int) -> SubnetRoom:
    """The subnets a /`vpc_prefix` VPC gets and the addresses each must hold (see the module docstring)."""
    subnet_prefix = vpc_prefix + SUBNET_PREFIX_BITS
    tasks = peak_task_count(max_count)
    public_needed = ALB_FREE_ADDRESSES + (tasks if nat_gateways == "none" else NAT_GATEWAY_ADDRESSES)
    return SubnetRoom(
        subnet_prefix=subnet_prefix,
        usable_addresses=2 ** (32 - subnet_prefix) - SUBNET_RESERVED_ADDRESSES,
        public_needed=public_needed,
        task_subnet_needed=tasks,
    )


def vpc_prefix_problem(vpc_prefix: int, nat_gateways: str, max_count: int) -> str | None:
    """None when a /`vpc_prefix` VPC has room for the ALB and the tasks; otherwise why not and what is allowed.
    `nat_gateways` is the natGateways mode (none: the tasks share the public subnets with the ALB)."""
    room = subnet_room(vpc_prefix, nat_gateways, max_count)
    if room.fits:
        return None
    smallest, largest = VPC_PREFIX_LENGTHS
    fitting = [p for p in range(smallest, largest + 1) if subnet_room(p, nat_gateways, max_count).fits]
    allowed = f"a prefix of /{max(fitting)} or shorter" if fitting else "no VPC size"
    peak = f"{DEPLOYMENT_MAXIMUM_PERCENT} % of the services' maxCount total {max_count} during a deployment"
    tasks = f"{room.task_subnet_needed} tasks ({peak})"
    if room.subnet_prefix > ALB_MAX_SUBNET_PREFIX:
        why = f"its subnets would be /{room.subnet_prefix}; an ALB needs /{ALB_MAX_SUBNET_PREFIX} or larger"
    elif nat_gateways == "none":
        why = (
            f"its /{room.subnet_prefix} subnets have {room.usable_addresses} usable addresses each; each public "
            f"subnet needs {room.public_needed}: {ALB_FREE_ADDRESSES} for the ALB and {tasks}"
        )
    else:
        why = (
            f"its /{room.subnet_prefix} subnets have {room.usable_addresses} usable addresses each; each private "
            f"subnet needs {room.task_subnet_needed} for {tasks}"
        )
    return f"{why}; allowed with natGateways {nat_gateways} and the services' maxCount total {max_count}: {allowed}"
