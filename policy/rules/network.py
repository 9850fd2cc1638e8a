"""Security groups open no more than they must, and in protected stacks every VPC has a flow log."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from configuration.limits import LOG_ROUTER_PORTS
from policy.rules.base import UNKNOWN, StackResource, Violation, as_list, number, protected, refers_to, stack_of

SECURITY_GROUPS = frozenset(
    {"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}
)


INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"


# FireLens talks to Fluent Bit inside the task (forward input, monitoring API): nothing outside may reach
# LOG_ROUTER_PORTS (configuration/limits.py).
ALL_PROTOCOLS = frozenset({"-1", "all"})


PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})


ALL_PORTS = (0, 65535)


def _port_span(protocol: Any, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    """The ports a rule opens, or None when it opens none that matter (ICMP) or cannot be known yet."""
    if not isinstance(protocol, str):
        return None
    if protocol.lower() in ALL_PROTOCOLS:
        return ALL_PORTS
    low, high = number(from_port), number(to_port)
    if protocol.lower() not in PORT_PROTOCOLS or low is None or high is None:
        return None
    return ALL_PORTS if low <= 1 and high >= 65535 else (low, high)


def prefix_length(cidr: Any) -> int | None:
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen
    except ValueError:
        return None


def _is_world(cidr: Any) -> bool:
    return prefix_length(cidr) == 0


def _ingress_problems(label: str, protocol: Any, from_port: Any, to_port: Any, cidrs: list[Any]) -> list[str]:
    span = _port_span(protocol, from_port, to_port)
    if span is None:
        return []
    problems = []
    exposed = [f"{port} ({role})" for port, role in LOG_ROUTER_PORTS.items() if span[0] <= port <= span[1]]
    if exposed:
        problems.append(f"{label} opens {', '.join(exposed)}: the log router must be unreachable from outside the task")
    world = [cidr for cidr in cidrs if _is_world(cidr)]
    if world and span == ALL_PORTS:
        problems.append(f"{label} opens every port to the world ({', '.join(world)})")
    return problems


def check_security_group_ingress(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ in SECURITY_GROUPS:
        problems: list[str] = []
        for index, rule in enumerate(as_list(props.get("ingress"))):
            if isinstance(rule, dict):
                cidrs = as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks"))
                problems += _ingress_problems(
                    f"ingress[{index}]", rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"), cidrs
                )
        return problems
    if type_ == INGRESS_RULE:
        cidrs = [props.get("cidrIpv4"), props.get("cidrIpv6")]
        return _ingress_problems("rule", props.get("ipProtocol"), props.get("fromPort"), props.get("toPort"), cidrs)
    if type_ == LEGACY_RULE and props.get("type") == "ingress":
        cidrs = as_list(props.get("cidrBlocks")) + as_list(props.get("ipv6CidrBlocks"))
        return _ingress_problems("rule", props.get("protocol"), props.get("fromPort"), props.get("toPort"), cidrs)
    return []


VPC = "aws:ec2/vpc:Vpc"


FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def _logs_vpc(flow_log: StackResource, vpc: StackResource) -> bool:
    """The flow log is on this VPC (not on a subnet or a network interface: part of the VPC's traffic only)."""
    return flow_log.props.get("vpcId") is not None and refers_to(flow_log, "vpcId", vpc, "id")


def check_prod_vpc_flow_logs(resources: Sequence[StackResource]) -> list[Violation]:
    flow_logs = [r for r in resources if r.type == FLOW_LOG]
    violations: list[Violation] = []
    for vpc in (r for r in resources if r.type == VPC and protected(r)):
        covering = [f for f in flow_logs if _logs_vpc(f, vpc)]
        if not any(f.props.get("trafficType") in ("ALL", UNKNOWN) for f in covering):
            violations.append(
                Violation(
                    vpc, f"stack {stack_of(vpc.urn)}: no flow log of ALL traffic (accepted and rejected) on this VPC"
                )
            )
    return violations
