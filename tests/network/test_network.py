"""components/network/vpc.py: VPC, subnets per AZ, internet gateway, routes, NAT modes, default SG stripped."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from components.network.subnet_sizing import MAX_AZS
from components.network.vpc import Network, NetworkArgs, subnet_cidrs
from offline.aws_formats import AVAILABILITY_ZONES
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.mocks import AwsMocks
from offline.pulumi_runtime import start_mock_runtime
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.support.helpers import config_value, inside, value_of

REGION = "ap-northeast-1"
ZONES = AVAILABILITY_ZONES[REGION]
NETWORK = "httpd-firelens:network:Network"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def of(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    """Resources of one type inside the Network component."""
    return inside(ev, NETWORK, "network", type_token)


def subnets(ev: Evaluation, kind: str) -> list[RecordedResource]:
    return sorted((s for s in of(ev, SUBNET) if s.name.startswith(f"network-{kind}-")), key=lambda s: s.name)


def route_of_subnet(ev: Evaluation, subnet: RecordedResource) -> dict[str, Any]:
    """The default route of the route table associated with `subnet`."""
    (table_id,) = [a.inputs["routeTableId"] for a in of(ev, ASSOCIATION) if a.inputs["subnetId"] == subnet.id]
    (route,) = [r.inputs for r in of(ev, ROUTE) if r.inputs["routeTableId"] == table_id]
    return route


# --- the committed stacks ----------------------------------------------------------------------------------


def test_vpc_has_dns_support_and_hostnames(stack: Evaluation) -> None:
    (vpc,) = of(stack, VPC)
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


@pytest.mark.parametrize(("name", "az_count", "nat_count"), [("dev", 2, 0), ("prod", 3, 3)])
def test_subnets_per_az_and_nat_count(name: str, az_count: int, nat_count: int) -> None:
    ev = evaluate_stack(name)
    public, private = subnets(ev, "public"), subnets(ev, "private")
    assert [s.inputs["availabilityZone"] for s in public] == list(ZONES[:az_count])
    assert [s.inputs["availabilityZone"] for s in private] == (list(ZONES[:az_count]) if nat_count else [])
    assert len(of(ev, NAT)) == len(of(ev, EIP)) == nat_count
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in public + private)


def test_subnet_cidrs_are_disjoint_and_inside_the_vpc(stack: Evaluation) -> None:
    (vpc,) = of(stack, VPC)
    vpc_net = ipaddress.IPv4Network(vpc.inputs["cidrBlock"])
    nets = [ipaddress.IPv4Network(s.inputs["cidrBlock"]) for s in of(stack, SUBNET)]
    assert len(nets) >= 2
    assert all(net.subnet_of(vpc_net) for net in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def test_public_subnets_route_to_the_internet_gateway(stack: Evaluation) -> None:
    (igw,) = of(stack, IGW)
    (vpc,) = of(stack, VPC)
    assert igw.inputs["vpcId"] == vpc.id
    for subnet in subnets(stack, "public"):
        route = route_of_subnet(stack, subnet)
        assert route["destinationCidrBlock"] == "0.0.0.0/0"
        assert route["gatewayId"] == igw.id
        assert "natGatewayId" not in route


def test_prod_private_subnets_route_to_the_nat_gateway_in_their_az(prod: Evaluation) -> None:
    zone_of = {s.id: s.inputs["availabilityZone"] for s in of(prod, SUBNET)}
    public_ids = {s.id for s in subnets(prod, "public")}
    nat_zone = {nat.id: zone_of[nat.inputs["subnetId"]] for nat in of(prod, NAT)}
    assert all(nat.inputs["subnetId"] in public_ids for nat in of(prod, NAT))
    for subnet in subnets(prod, "private"):
        route = route_of_subnet(prod, subnet)
        assert route["destinationCidrBlock"] == "0.0.0.0/0"
        assert "gatewayId" not in route
        assert nat_zone[route["natGatewayId"]] == subnet.inputs["availabilityZone"]


def test_nat_gateways_use_their_own_elastic_ips_and_wait_for_the_internet_gateway(prod: Evaluation) -> None:
    eips = {e.id: e for e in of(prod, EIP)}
    (igw,) = of(prod, IGW)
    allocations = [nat.inputs["allocationId"] for nat in of(prod, NAT)]
    assert sorted(allocations) == sorted(str(e) for e in eips)
    assert all(eips[a].inputs["domain"] == "vpc" for a in allocations)
    assert all(igw.urn in r.dependencies for r in of(prod, NAT) + of(prod, EIP))


def test_single_nat_gateway_is_shared_by_every_private_subnet() -> None:
    ev = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    assert config_value(ev, "natGateways") == "single"
    (nat,) = of(ev, NAT)
    private = subnets(ev, "private")
    assert len(private) == 2
    assert {route_of_subnet(ev, s)["natGatewayId"] for s in private} == {nat.id}
    assert nat.inputs["subnetId"] in {s.id for s in subnets(ev, "public")}


def test_default_security_group_is_stripped_of_all_rules(stack: Evaluation) -> None:
    (default_sg,) = of(stack, DEFAULT_SG)
    (vpc,) = of(stack, VPC)
    assert default_sg.inputs == {"vpcId": vpc.id}


# --- the CIDR scheme ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("vpc_cidr", "subnet_prefix"), [("10.0.0.0/16", 20), ("192.168.4.0/24", 28)])
def test_cidr_scheme_fits_six_azs_public_and_private(vpc_cidr: str, subnet_prefix: int) -> None:
    zones = tuple(f"us-east-1{letter}" for letter in "abcdef")
    plans = subnet_cidrs(vpc_cidr, zones)
    nets = [ipaddress.IPv4Network(c) for p in plans for c in (p.public_cidr, p.private_cidr)]
    assert len(set(nets)) == 12
    assert all(n.prefixlen == subnet_prefix and n.subnet_of(ipaddress.IPv4Network(vpc_cidr)) for n in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    assert [p.availability_zone for p in plans] == list(zones)


def test_cidr_scheme_keeps_existing_subnets_when_an_az_is_added() -> None:
    two = subnet_cidrs("10.0.0.0/16", ZONES[:2])
    three = subnet_cidrs("10.0.0.0/16", ZONES[:3])
    assert three[:2] == two


def test_cidr_scheme_rejects_more_azs_than_it_has_blocks_for() -> None:
    with pytest.raises(ValueError, match="availability zones"):
        subnet_cidrs("10.0.0.0/16", tuple(f"az-{i}" for i in range(MAX_AZS + 1)))


# --- the outputs other components consume -----------------------------------------------------------------


def network_outputs(nat_gateways: str) -> tuple[list[str], list[str], list[str], bool]:
    """Build a Network alone under the mocks and resolve (public, private, task subnet ids, assign_public_ip)."""
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    network = Network("net", NetworkArgs("10.0.0.0/16", ZONES[:2], nat_gateways))

    ids = (value_of(network.public_subnet_ids), value_of(network.private_subnet_ids), value_of(network.task_subnet_ids))
    return (*ids, network.assign_public_ip)


def test_tasks_run_in_public_subnets_with_public_ips_without_nat() -> None:
    public, private, task, assign_public_ip = network_outputs("none")
    assert len(public) == 2 and all(i.startswith("subnet-") for i in public)
    assert private == []
    assert task == public
    assert assign_public_ip is True


@pytest.mark.parametrize("mode", ["single", "per-az"])
def test_tasks_run_in_private_subnets_without_public_ips_with_nat(mode: str) -> None:
    public, private, task, assign_public_ip = network_outputs(mode)
    assert len(private) == 2 and all(i.startswith("subnet-") for i in private)
    assert not set(private) & set(public)
    assert task == private
    assert assign_public_ip is False
