"""What a stack costs a month at rest: the resources an evaluation records that bill by the hour or the month,
priced at list prices in ap-northeast-1 (Tokyo), the stacks' region.

At rest means no traffic: the ALB's capacity units, NAT data, log ingestion and storage, Firehose, S3, WAF requests
and Athena scans come on top and depend on use (docs/costs.md lists their prices). Free tiers are left out: they
are per account and shared with everything else in it. scripts/doc_sections.py renders the README's table and
docs/costs.md's price list from here, so the prices live in this one place.

The prices are the AWS Price List's values for the APN1 (Tokyo) usage types. The AWS pricing pages could not be read
from where this was written (their regional tables are rendered in the browser); each source below is where the
value was read, with the usage type, so that it can be checked against the Price List
(`aws pricing get-products --service-code ... --region us-east-1`) before budgeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from offline.harness import Evaluation, RecordedResource

HOURS_PER_MONTH: Final = 730  # 365 days x 24 hours / 12 months


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


PRICES: Final = {
    "alb-hour": Price(
        0.0243,
        "per ALB-hour",
        "APN1-LoadBalancerUsage; aws.darcy-it.com, ELBのコスト料金 (0.0243 USD per hour in Tokyo)",
    ),
    "alb-lcu-hour": Price(0.008, "per LCU-hour", "APN1-LCUUsage; aws.darcy-it.com, ELBのコスト料金"),
    "fargate-vcpu-hour-x86": Price(
        0.05056, "per vCPU-hour (Linux/x86)", "APN1-Fargate-vCPU-Hours:perCPU, 0.0505600000 in Price List fixtures"
    ),
    "fargate-gb-hour-x86": Price(0.00553, "per GB-hour (Linux/x86)", "APN1-Fargate-GB-Hours"),
    "fargate-vcpu-hour-arm": Price(0.04045, "per vCPU-hour (Linux/ARM)", "APN1-Fargate-ARM-vCPU-Hours:perCPU"),
    "fargate-gb-hour-arm": Price(
        0.00442, "per GB-hour (Linux/ARM)", "APN1-Fargate-ARM-GB-Hours, 0.0044200000 in Price List fixtures"
    ),
    "nat-hour": Price(0.062, "per NAT gateway-hour", "APN1-NatGateway-Hours ($0.062 per NAT Gateway Hour)"),
    "nat-gb": Price(0.062, "per GB processed", "APN1-NatGateway-Bytes; awsi.click, NAT gateway cost structure"),
    "public-ipv4-hour": Price(
        0.005,
        "per in-use public IPv4 address-hour",
        "APN1-PublicIPv4:InUseAddress; the same in every region (techpartner.news, AWS to charge for IPv4 addresses)",
    ),
    "alarm-metric-month": Price(
        0.10,
        "per alarm metric-month (standard resolution; a metric-math alarm counts each metric it reads)",
        "APN1-CW:AlarmMonitorUsage; CloudWatch pricing, free tier in alarm metrics",
    ),
    "dashboard-month": Price(
        3.00, "per dashboard-month", "CloudWatch pricing (Japanese page, as quoted in nishinoshake/aws-rough issue 37)"
    ),
    "kms-key-month": Price(
        1.00,
        "per customer managed key-month (plus 1.00 for each yearly rotation's key material)",
        "AWS KMS pricing (aws.amazon.com/kms/pricing)",
    ),
    "health-check-month": Price(
        1.50,
        "per HTTPS health check-month of an AWS endpoint (0.50 plus 1.00 for HTTPS)",
        "Route 53 pricing (aws.amazon.com/route53/pricing, as transcribed 2026-09-20 in api-evangelist/"
        "amazon-route53-resolver); 2.75 if billed as a non-AWS endpoint",
    ),
    "web-acl-month": Price(
        5.00, "per web ACL-month", "APN1-WebACL; AWS WAF pricing is the same in every region (AWS networking blog)"
    ),
    "waf-rule-month": Price(1.00, "per rule-month", "APN1-Rule"),
    "waf-million-requests": Price(0.60, "per million requests inspected", "APN1-Request"),
    "logs-ingest-gb": Price(0.76, "per GB ingested (standard)", "APN1-DataProcessing-Bytes (CloudWatch Logs)"),
    "logs-storage-gb-month": Price(0.033, "per GB-month stored", "APN1-TimedStorage-ByteHrs (CloudWatch Logs)"),
    "s3-standard-gb-month": Price(0.025, "per GB-month (first 50 TB)", "APN1-TimedStorage-ByteHrs (S3 Standard)"),
    "s3-put-thousand": Price(0.0047, "per 1,000 PUT, COPY, POST or LIST requests", "APN1-Requests-Tier1"),
    "athena-tb": Price(5.00, "per TB scanned (10 MB minimum per query)", "APN1-DataScannedInTB"),
    "ecr-gb-month": Price(0.10, "per GB-month of images", "APN1-TimedStorage-ByteHrs (ECR)"),
}

# Billed per use only, so not in the at-rest table; docs/costs.md lists them with the others.
USAGE_PRICES: Final = (
    "alb-lcu-hour",
    "nat-gb",
    "waf-million-requests",
    "logs-ingest-gb",
    "logs-storage-gb-month",
    "s3-standard-gb-month",
    "s3-put-thousand",
    "athena-tb",
    "ecr-gb-month",
)


@dataclass(frozen=True)
class CostLine:
    item: str
    quantity: str
    usd: float


def _children_of_type(stack: Evaluation, parent: str | None, type_token: str) -> list[RecordedResource]:
    return [r for r in stack.of_type(type_token) if r.parent == parent]


def _load_balancers(stack: Evaluation) -> list[CostLine]:
    albs = stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    addresses = sum(len(alb.inputs.get("subnets", [])) for alb in albs)
    return [
        CostLine("ALB", f"{len(albs)}", len(albs) * HOURS_PER_MONTH * PRICES["alb-hour"].usd),
        CostLine(
            "ALB public IPv4 addresses (at least one per AZ)",
            f"{addresses}",
            addresses * HOURS_PER_MONTH * PRICES["public-ipv4-hour"].usd,
        ),
    ]


def _tasks(stack: Evaluation) -> list[CostLine]:
    lines = []
    for service in stack.of_type("aws:ecs/service:Service"):
        (task,) = _children_of_type(stack, service.parent, "aws:ecs/taskDefinition:TaskDefinition")
        count = int(service.inputs["desiredCount"])
        vcpu, gib = int(task.inputs["cpu"]) / 1024, int(task.inputs["memory"]) / 1024
        arch = "arm" if task.inputs["runtimePlatform"]["cpuArchitecture"] == "ARM64" else "x86"
        hourly = vcpu * PRICES[f"fargate-vcpu-hour-{arch}"].usd + gib * PRICES[f"fargate-gb-hour-{arch}"].usd
        name = service.parent.rsplit("::", 1)[-1] if service.parent else service.name
        lines.append(
            CostLine(f"Fargate: {name}", f"{count} x {vcpu:g} vCPU, {gib:g} GB", count * hourly * HOURS_PER_MONTH)
        )
        if service.inputs["networkConfiguration"].get("assignPublicIp"):
            lines.append(
                CostLine(
                    f"{name}'s task public IPv4 addresses",
                    f"{count}",
                    count * HOURS_PER_MONTH * PRICES["public-ipv4-hour"].usd,
                )
            )
    return lines


def _nat(stack: Evaluation) -> list[CostLine]:
    gateways = len(stack.of_type("aws:ec2/natGateway:NatGateway"))
    addresses = len(stack.of_type("aws:ec2/eip:Eip"))
    hourly = gateways * PRICES["nat-hour"].usd + addresses * PRICES["public-ipv4-hour"].usd
    if not gateways:
        return []
    return [CostLine("NAT gateways with their Elastic IPs", f"{gateways}", hourly * HOURS_PER_MONTH)]


def _alarm_metrics(alarm: RecordedResource) -> int:
    queries = alarm.inputs.get("metricQueries")
    return sum(1 for query in queries if query.get("metric")) if queries else 1


def _monitoring(stack: Evaluation) -> list[CostLine]:
    alarms = stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    metrics = sum(_alarm_metrics(alarm) for alarm in alarms)
    dashboards = len(stack.of_type("aws:cloudwatch/dashboard:Dashboard"))
    checks = len(stack.of_type("aws:route53/healthCheck:HealthCheck"))
    lines = [
        CostLine("CloudWatch alarms", f"{len(alarms)} ({metrics} metrics)", metrics * PRICES["alarm-metric-month"].usd)
    ]
    if dashboards:
        lines.append(CostLine("CloudWatch dashboard", f"{dashboards}", dashboards * PRICES["dashboard-month"].usd))
    if checks:
        lines.append(CostLine("Route 53 health check", f"{checks}", checks * PRICES["health-check-month"].usd))
    return lines


def _keys_and_firewall(stack: Evaluation) -> list[CostLine]:
    keys = len(stack.of_type("aws:kms/key:Key"))
    lines = [CostLine("KMS keys", f"{keys}", keys * PRICES["kms-key-month"].usd)] if keys else []
    for acl in stack.of_type("aws:wafv2/webAcl:WebAcl"):
        rules = len(acl.inputs.get("rules", []))
        usd = PRICES["web-acl-month"].usd + rules * PRICES["waf-rule-month"].usd
        lines.append(CostLine("WAF web ACL and rules", f"1 + {rules} rules", usd))
    return lines


PARTS: Final[tuple[Callable[[Evaluation], list[CostLine]], ...]] = (
    _load_balancers,
    _tasks,
    _nat,
    _monitoring,
    _keys_and_firewall,
)


def monthly_cost_at_rest(stack: Evaluation) -> list[CostLine]:
    return [line for part in PARTS for line in part(stack)]


def _usd(amount: float) -> str:
    return f"{amount:,.2f}"


def baseline_table(stacks: dict[str, Evaluation]) -> str:
    """One table per stack side by side: item, what is counted, USD a month; the total last."""
    lines = ["| stack | item | count | USD a month |", "|---|---|---|--:|"]
    for name, stack in stacks.items():
        costs = monthly_cost_at_rest(stack)
        lines += [f"| {name} | {line.item} | {line.quantity} | {_usd(line.usd)} |" for line in costs]
        lines.append(f"| **{name}** | **total at rest** | | **{_usd(sum(line.usd for line in costs))}** |")
    return "\n".join(lines)


def price_table() -> str:
    lines = ["| price | USD | unit | source |", "|---|--:|---|---|"]
    lines += [f"| `{key}` | {price.usd:g} | {price.unit} | {price.source} |" for key, price in PRICES.items()]
    return "\n".join(lines)
