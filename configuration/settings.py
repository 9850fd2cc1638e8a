"""Typed, validated stack settings: the one place that reads Pulumi config.

`load_settings()` reads every project key (Pulumi.yaml declares them all with defaults), checks every
value and every combination, asks AWS for the region's availability zones, and either returns a frozen
`Settings` or raises `ConfigError` listing ALL problems, one line each: the config key, the bad value
and what is allowed. Nothing is created before this returns.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.archive.log_archive import LogArchiveArgs, PartnerEndpoint
from components.archive.private_bucket import BucketChoices
from components.archive.queries import ArchiveQueriesArgs, ArchiveSource, database_name
from components.edge.load_balancer import DomainAlias, LoadBalancerArgs
from components.edge.rule_matching import RuleOfService, self_answering
from components.edge.web_firewall import WebFirewallArgs
from components.events.alerts import AlertsArgs
from components.events.task_stop_capture import TaskStopCaptureArgs
from components.iam import role_boundary_policy_name, stack_tags
from components.network.subnet_sizing import MAX_AZS, vpc_prefix_problem
from components.network.vpc import NetworkArgs
from components.problems import Problem
from components.service.firelens_service import (
    AlarmThresholds,
    FirelensServiceArgs,
    ServicePlatform,
    router_memory_problems,
)
from components.service.log_router_image import LogRouterImageArgs
from configuration.archives import APP_LOG_PREFIX, ArchiveSpec, archive_specs
from configuration.limits import (
    ATHENA_BYTES_SCANNED_CUTOFF_MIB,
    CONTAINER_INSIGHTS_MODES,
    CPU_ARCHITECTURE_PLATFORMS,
    DOMAIN_NAME_MAX_LENGTH,
    FIREHOSE_NAME_MAX_LENGTH,
    LOG_RETENTION_DAYS,
    LOG_ROUTER_MIN_RESERVATION_MIB,
    STOP_EVENT_SCOPES,
    VPC_PREFIX_LENGTHS,
    WAF_LOG_STREAM_PREFIX,
    WAF_RATE_LIMIT,
)
from configuration.service_entries import ServiceSpec, read_services

NAT_GATEWAY_MODES = ("none", "single", "per-az")
CPU_ARCHITECTURES = tuple(CPU_ARCHITECTURE_PLATFORMS)

_REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+(\.\d+)?$")
_DNS_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN_RE = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})+$")
_HOSTED_ZONE_ID_RE = re.compile(r"^[A-Z0-9]{1,32}$")  # ChangeResourceRecordSets HostedZoneId: at most 32


class ConfigError(pulumi.RunError):
    """Invalid stack configuration. `problems` holds one line per problem; the message joins them. `warnings`
    are what was also logged as a warning (undeclared keys), for tools that show them beside the problems."""

    def __init__(self, problems: Sequence[str], warnings: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__("invalid stack configuration:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class WafSettings:
    rate_limit: int  # requests one client IP may send per 5 minutes
    log_stream_name: str  # the WAF log archive's Firehose stream: aws-waf-logs-<project>-<stack>


@dataclass(frozen=True)
class LoadBalancerSettings:
    ingress_cidrs: tuple[str, ...]
    certificate_arn: str | None  # a certificate the user manages (exclusive with domain)
    deletion_protection: bool
    domain: DomainAlias | None = None  # a certificate the stack requests and validates, and the alias record
    allow_plain_http: bool = False  # HTTP only, on purpose: set only when neither certificate nor domain is
    waf: WafSettings | None = None  # the web ACL on the ALB; None: no WAF

    @property
    def https(self) -> bool:
        return self.certificate_arn is not None or self.domain is not None


@dataclass(frozen=True)
class ServiceSettings:
    """What every service of the stack shares, and the services (the `services` key's entries)."""

    router_image: LogRouterImageArgs  # its cpu_architecture is every task's
    log_router_memory_mib: int
    container_insights: str  # disabled | enabled | enhanced
    services: tuple[ServiceSpec, ...]


@dataclass(frozen=True)
class ArchiveSettings:
    """What every bucket and log group of the stack shares; the archives themselves are `Settings.archives`."""

    log_retention_days: int
    kms_key_arn: str | None
    buckets: BucketChoices


@dataclass(frozen=True)
class StopCaptureSettings:
    scope: str  # cluster | account
    capture_all_task_states: bool
    alerts: AlertsArgs  # the topic of stop alerts and every alarm, and who it e-mails
    partner: PartnerEndpoint | None


@dataclass(frozen=True)
class QuerySettings:
    bytes_scanned_cutoff_mib: int  # Athena cancels a query of the archive workgroup that scans more


@dataclass(frozen=True)
class AlarmSettings:
    evaluation_minutes: int
    target_5xx_per_minute: int
    delivery_freshness_seconds: int
    dashboard: bool
    outside_check_path: str | None = None  # the path the outside check requests; None: no outside check


@dataclass(frozen=True)
class Settings:
    project: str
    stack: str
    region: str
    network: NetworkArgs
    flow_logs: bool
    load_balancer: LoadBalancerSettings
    service: ServiceSettings
    archive: ArchiveSettings
    stop_capture: StopCaptureSettings
    alarms: AlarmSettings
    queries: QuerySettings
    archives: tuple[ArchiveSpec, ...] = ()
    """The log archives (configuration/archives.py), each with the LogArchive arguments settings built for it."""
    role_permissions_boundary_arn: str = ""
    """The managed policy every role of the stack carries as its permissions boundary (it must exist first)."""
    declared_keys: frozenset[str] = frozenset()
    """The project keys this program reads: Pulumi.yaml declares exactly these
    (tests/configuration/test_settings.py)."""

    @property
    def name_prefix(self) -> str:
        """`<project>-<stack>`, the base of the few physical names something outside Pulumi needs."""
        return f"{self.project}-{self.stack}"

    @property
    def default_tags(self) -> dict[str, str]:
        """The tags of every resource the stack creates."""
        return stack_tags(self.project, self.stack)

    # The components' arguments, from these settings and what the program has created for them to attach to.

    def load_balancer_args(
        self,
        vpc_id: pulumi.Input[str],
        subnet_ids: pulumi.Input[Sequence[str]],
        certificate_arn: pulumi.Input[str] | None,
    ) -> LoadBalancerArgs:
        lb = self.load_balancer
        return LoadBalancerArgs(
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            access_logs=self.archive.buckets,
            ingress_cidrs=lb.ingress_cidrs,
            certificate_arn=certificate_arn,
            allow_plain_http=lb.allow_plain_http,
            domain=lb.domain,
            deletion_protection=lb.deletion_protection,
        )

    def web_firewall_args(
        self, waf: WafSettings, load_balancer_arn: pulumi.Input[str], log_stream_arn: pulumi.Input[str]
    ) -> WebFirewallArgs:
        return WebFirewallArgs(
            load_balancer_arn=load_balancer_arn,
            log_delivery_stream_name=waf.log_stream_name,
            log_delivery_stream_arn=log_stream_arn,
            metric_prefix=self.name_prefix,
            rate_limit=waf.rate_limit,
        )

    def service_args(
        self, spec: ServiceSpec, platform: ServicePlatform, alert_topic_arn: pulumi.Input[str]
    ) -> FirelensServiceArgs:
        """A `services` entry's service on the stack's platform, with the stack's choices."""
        alarms = self.alarms
        return FirelensServiceArgs(
            platform=platform,
            app=spec.app,
            route=spec.route,
            scaling=spec.scaling,
            alarms=AlarmThresholds(alert_topic_arn, alarms.evaluation_minutes, alarms.target_5xx_per_minute),
            log_retention_days=self.archive.log_retention_days,
            protect=self.archive.buckets.protect,
            role_permissions_boundary=self.role_permissions_boundary_arn,
        )

    def task_stop_capture_args(
        self, cluster_arn: pulumi.Input[str], delivery_stream_arn: pulumi.Input[str], alert_topic_arn: pulumi.Input[str]
    ) -> TaskStopCaptureArgs:
        return TaskStopCaptureArgs(
            cluster_arn=cluster_arn,
            scope=self.stop_capture.scope,
            capture_all_task_states=self.stop_capture.capture_all_task_states,
            delivery_stream_arn=delivery_stream_arn,
            alert_topic_arn=alert_topic_arn,
            log_retention_days=self.archive.log_retention_days,
            protect=self.archive.buckets.protect,
            # A partner's S3 backup keeps records as they came in: the stop rule's target ends each with a newline.
            archive_events_end_with_newline=self.stop_capture.partner is not None,
            role_permissions_boundary=self.role_permissions_boundary_arn,
        )

    def archive_queries_args(self, sources: Sequence[ArchiveSource]) -> ArchiveQueriesArgs:
        return ArchiveQueriesArgs(
            database_name=database_name(self.project, self.stack),
            sources=sources,
            bytes_scanned_cutoff_mib=self.queries.bytes_scanned_cutoff_mib,
            buckets=self.archive.buckets,
            kms_key_arn=self.archive.kms_key_arn,
        )


class _ConfigReader:
    """Reads typed values and collects problems instead of stopping at the first one."""

    def __init__(self, config: pulumi.Config) -> None:
        self._config = config
        self.problems: list[str] = []
        self._bad: set[str] = set()
        self.read: set[str] = set()  # every key read: the project's declared keys

    def key(self, name: str) -> str:
        return f"{self._config.name}:{name}"

    def problem(self, name: str, value: object, allowed: str) -> None:
        shown = '""' if value == "" else value
        self.problems.append(f"config key '{self.key(name)}': {shown} is not allowed; {allowed}")
        self._bad.add(name)

    def ok(self, *names: str) -> bool:
        """True when none of these keys had a problem yet: cross-key checks only compare good values."""
        return not self._bad.intersection(names)

    def raw(self, name: str) -> str | None:
        self.read.add(name)
        return pulumi.runtime.get_config(self.key(name))  # type: ignore[no-any-return]

    def _required(self, name: str) -> str | None:
        raw = self.raw(name)
        if raw is None:
            self.problems.append(
                f"config key '{self.key(name)}' is not set; it is declared with a default in Pulumi.yaml, "
                "so Pulumi.yaml is probably not the project's"
            )
        return raw

    def string(self, name: str) -> str:
        raw = self._required(name)
        if raw is not None and pulumi.runtime.is_config_secret(self.key(name)):
            self.problem(name, "[secret]", "this key is not a secret: set it with `pulumi config set` (no --secret)")
        return raw or ""

    def choice(self, name: str, choices: Sequence[str]) -> str:
        value = self.string(name)
        if value not in choices:
            self.problem(name, value, "allowed: " + ", ".join(choices))
            return choices[0]
        return value

    def integer(self, name: str, minimum: int, maximum: int) -> int:
        raw = self._required(name)
        if raw is None:
            return minimum
        try:
            value = int(raw)
        except ValueError:
            self.problem(name, raw, f"allowed: a whole number from {minimum} to {maximum}")
            return minimum
        if not minimum <= value <= maximum:
            self.problem(name, value, f"allowed: a whole number from {minimum} to {maximum}")
            return max(minimum, min(value, maximum))
        return value

    def whole(self, name: str, fallback: int) -> int:
        """A whole number whose range a component's `problems()` checks; `fallback` when it is none."""
        raw = self._required(name)
        try:
            return int(raw) if raw is not None else fallback
        except ValueError:
            self.problem(name, raw, "allowed: a whole number")
            return fallback

    def component_problems(self, problems: Iterable[Problem], keys: Mapping[str, str]) -> None:
        """A component's problems with the arguments settings built, each against the key its field came from (a
        field no key sets is the program's own: a bug, named as such); once per key and value, and none for a key
        that already has a problem."""
        seen: set[tuple[str, str]] = set()
        for problem in problems:
            name = keys.get(problem.field)
            if name is None:
                raise ValueError(f"settings built an argument no config key sets, and it is wrong: {problem}")
            if self.ok(name) and (name, repr(problem.value)) not in seen:
                seen.add((name, repr(problem.value)))
                self.problem(name, problem.value, f"allowed: {problem.allowed}")
            self._bad.add(name)

    def integer_in(self, name: str, allowed: Sequence[int]) -> int:
        raw = self._required(name)
        value: int | None
        try:
            value = int(raw) if raw is not None else allowed[0]
        except ValueError:
            value = None
        if value is None or value not in allowed:
            self.problem(name, raw, "allowed: " + ", ".join(str(v) for v in allowed))
            return allowed[0]
        return value

    def boolean(self, name: str) -> bool:
        raw = self._required(name)
        if raw is None:
            return False
        if raw.lower() not in ("true", "false"):
            self.problem(name, raw, "allowed: true, false")
            return False
        return raw.lower() == "true"

    def string_list(self, name: str) -> list[str]:
        raw = self._required(name)
        if raw is None:
            return []
        try:
            values = json.loads(raw)
        except ValueError:
            values = None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem(name, raw, 'allowed: a list of strings, e.g. ["10.0.0.0/8"]')
            return []
        return values

    def optional(self, name: str, check: Callable[[str], str | None]) -> str | None:
        """An optional string: empty means unset; otherwise `check` returns what is allowed, or None if ok."""
        value = self.string(name)
        if not value:
            return None
        allowed = check(value)
        if allowed is not None:
            self.problem(name, value, allowed)
            return None
        return value


def _check_vpc_cidr(value: str) -> str | None:
    """Syntax and AWS's VPC sizes; whether the subnets hold the ALB and the tasks is `subnet_sizing`'s call."""
    shortest, longest = VPC_PREFIX_LENGTHS
    allowed = f"allowed: an IPv4 network in CIDR notation, prefix /{shortest} to /{longest}, e.g. 10.0.0.0/16"
    if "/" not in value:
        return allowed
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        return allowed
    return None if shortest <= network.prefixlen <= longest else allowed


def _check_ingress_cidr(value: str) -> str | None:
    # Python reads a bare address as a /32; the provider (Go's net.ParseCIDR) rejects it.
    if "/" not in value:
        return f"allowed: CIDR notation with a prefix length, e.g. {value}/32 for this one address"
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        return "allowed: IPv4 networks in CIDR notation with no host bits set, e.g. 203.0.113.0/24"
    return None


def _arn_checker(service: str, region: str, resource: str) -> Callable[[str], str | None]:
    pattern = re.compile(rf"^arn:aws[a-z-]*:{service}:{re.escape(region)}:\d{{12}}:{resource}$")

    def check(value: str) -> str | None:
        if pattern.match(value):
            return None
        return f"allowed: empty, or a {service} ARN in region {region} ({resource.split('/')[0]}/...)"

    return check


def _check_domain_name(value: str) -> str | None:
    if _DOMAIN_RE.match(value) and len(value) <= DOMAIN_NAME_MAX_LENGTH:
        return None
    return (
        f"allowed: empty, or a DNS name such as app.example.com, at most {DOMAIN_NAME_MAX_LENGTH} characters (the "
        "certificate's common name): lowercase letters, digits and hyphens in dot-separated labels, no wildcard "
        "(the alias record needs one name), no trailing dot"
    )


def _check_hosted_zone_id(value: str) -> str | None:
    if _HOSTED_ZONE_ID_RE.match(value):
        return None
    return "allowed: empty, or a Route 53 hosted zone id as the console shows it, e.g. Z0123456789ABCDEFGHIJ"


def _check_https_url(value: str) -> str | None:
    if re.match(r"^https://[A-Za-z0-9.-]+(:\d+)?(/\S*)?$", value) and len(value) <= 1000:
        return None
    return "allowed: empty, or an https:// URL (Firehose HTTP endpoints must use HTTPS)"


def _check_email(value: str) -> str | None:
    return None if _EMAIL_RE.match(value) else "allowed: empty, or an e-mail address"


def _read_network(reader: _ConfigReader, region: str, zones: Sequence[str]) -> NetworkArgs:
    vpc_cidr = reader.string("vpcCidr")
    if (allowed := _check_vpc_cidr(vpc_cidr)) is not None:
        reader.problem("vpcCidr", vpc_cidr, allowed)
    az_count = reader.integer("azCount", 2, max(2, min(len(zones), MAX_AZS)))
    if len(zones) < 2:
        # The region is what is wrong, not azCount: no value of azCount fixes it.
        reader.problems.append(
            f"config key 'aws:region': {region!r} offers {len(zones)} availability zone(s) that need no opt-in"
            f"{' (' + ', '.join(zones) + ')' if zones else ''}; allowed: a region with at least 2 (the ALB needs "
            "subnets in 2 zones)"
        )
    return NetworkArgs(
        vpc_cidr=vpc_cidr,
        availability_zones=tuple(zones[:az_count]),
        nat_gateways=reader.choice("natGateways", NAT_GATEWAY_MODES),
    )


def _read_domain(reader: _ConfigReader) -> DomainAlias | None:
    """domainName and hostedZoneId go together: the certificate is validated, and the alias record made, in the zone."""
    name = reader.optional("domainName", _check_domain_name)
    zone_id = reader.optional("hostedZoneId", _check_hosted_zone_id)
    if name is not None and zone_id is None and reader.ok("hostedZoneId"):
        reader.problem(
            "hostedZoneId", "", f"allowed: the id of the Route 53 public hosted zone that holds domainName ({name})"
        )
    if zone_id is not None and name is None and reader.ok("domainName"):
        reader.problem("hostedZoneId", zone_id, "allowed: empty unless domainName is set")
    return DomainAlias(name, zone_id) if name is not None and zone_id is not None else None


def _read_https(reader: _ConfigReader, region: str) -> tuple[str | None, DomainAlias | None, bool]:
    """Exactly one way to a certificate (domainName + hostedZoneId, or certificateArn), or plain HTTP on purpose."""
    certificate_arn = reader.optional("certificateArn", _arn_checker("acm", region, r"certificate/[0-9a-f-]{36}"))
    domain = _read_domain(reader)
    allow_plain_http = reader.boolean("allowPlainHttp")
    if certificate_arn is not None and reader.raw("domainName"):
        reader.problem(
            "certificateArn",
            certificate_arn,
            "allowed: empty when domainName is set (the stack then requests and validates the domain's certificate "
            "itself); use one of the two",
        )
    no_certificate = not reader.raw("certificateArn") and not reader.raw("domainName")
    if no_certificate and not allow_plain_http and reader.ok("allowPlainHttp"):
        key = reader.key
        reader.problems.append(
            f"config keys '{key('domainName')}' (with '{key('hostedZoneId')}') and '{key('certificateArn')}' are "
            "both empty, so the ALB would serve plain HTTP; allowed: domainName with hostedZoneId (a certificate "
            "the stack requests from ACM and validates through Route 53), or certificateArn (an ACM certificate you "
            f"manage), or '{key('allowPlainHttp')}' true to serve plain HTTP on purpose"
        )
    return certificate_arn, domain, allow_plain_http and no_certificate


def _read_waf(reader: _ConfigReader, project: str, stack: str) -> WafSettings | None:
    enabled = reader.boolean("waf")
    rate_limit = reader.integer("wafRateLimit", *WAF_RATE_LIMIT)
    stream_name = f"{WAF_LOG_STREAM_PREFIX}{project}-{stack}"
    if enabled and len(stream_name) > FIREHOSE_NAME_MAX_LENGTH:
        longest = FIREHOSE_NAME_MAX_LENGTH - len(f"{WAF_LOG_STREAM_PREFIX}{project}-")
        reader.problem(
            "waf",
            "true",
            f"the WAF log stream's name {stream_name} would have {len(stream_name)} characters, Firehose takes "
            f"{FIREHOSE_NAME_MAX_LENGTH}; allowed: false, or a stack name of at most {longest} characters",
        )
    return WafSettings(rate_limit, stream_name) if enabled else None


def _read_load_balancer(reader: _ConfigReader, region: str, deletion_protection: bool) -> LoadBalancerSettings:
    cidrs = reader.string_list("ingressCidrs")
    if reader.ok("ingressCidrs") and not cidrs:
        reader.problem("ingressCidrs", cidrs, "allowed: at least one IPv4 CIDR")
    for cidr in cidrs:
        if (allowed := _check_ingress_cidr(cidr)) is not None:
            reader.problem("ingressCidrs", cidr, allowed)
    certificate_arn, domain, allow_plain_http = _read_https(reader, region)
    return LoadBalancerSettings(
        ingress_cidrs=tuple(cidrs),
        certificate_arn=certificate_arn,
        deletion_protection=deletion_protection,
        domain=domain,
        allow_plain_http=allow_plain_http,
        waf=_read_waf(reader, pulumi.get_project(), pulumi.get_stack()),
    )


# The keys each service's entry took over: a stack file that still sets one is refused, naming its new place.
MOVED_TO_SERVICES: dict[str, str] = {
    "appImage": "image",
    "appPort": "port",
    "cpu": "cpu",
    "memory": "memory",
    "desiredCount": "desiredCount",
    "minCount": "minCount",
    "maxCount": "maxCount",
    "cpuTargetPercent": "cpuTargetPercent",
    "requestsPerTarget": "requestsPerTarget",
    "healthCheckPath": "healthCheck.path",
    "healthCheckIntervalSeconds": "healthCheck.intervalSeconds",
    "healthCheckTimeoutSeconds": "healthCheck.timeoutSeconds",
    "healthyThreshold": "healthCheck.healthyThreshold",
    "unhealthyThreshold": "healthCheck.unhealthyThreshold",
    "healthCheckMatcher": "healthCheck.matcher",
    "healthCheckGracePeriodSeconds": "healthCheck.gracePeriodSeconds",
    "appReadOnlyRootFilesystem": "readOnlyRootFilesystem",
    "appWritablePaths": "writablePaths",
}


def _moved_keys(reader: _ConfigReader, configured: Iterable[str]) -> None:
    project = pulumi.get_project()
    for full in sorted(configured):
        namespace, _, name = full.partition(":")
        if namespace == project and name in MOVED_TO_SERVICES:
            reader.problems.append(
                f"config key '{full}' is gone; set services.<name>.{MOVED_TO_SERVICES[name]} instead, e.g. "
                f"services.httpd.{MOVED_TO_SERVICES[name]} (Pulumi.yaml, services)"
            )


def _read_services(reader: _ConfigReader, cpu_architecture: str, router_memory: int) -> tuple[ServiceSpec, ...]:
    raw = reader.string("services")
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw
    specs, problems = read_services(parsed, cpu_architecture)
    for problem in problems:
        reader.problem(f"services.{problem.key}".rstrip("."), problem.value, f"allowed: {problem.allowed}")
    for spec in specs:
        for memory in router_memory_problems(spec.app.memory, router_memory):
            reader.problem(
                "logRouterMemoryMiB", router_memory, f"allowed with services.{spec.name}.memory: {memory.allowed}"
            )
    return tuple(specs)


def _read_service(reader: _ConfigReader, force_destroy: bool) -> ServiceSettings:
    fluent_bit_version = reader.string("fluentBitVersion")
    if not _VERSION_RE.match(fluent_bit_version):
        reader.problem("fluentBitVersion", fluent_bit_version, "allowed: an exact version such as 2.34.3")
    cpu_architecture = reader.choice("cpuArchitecture", CPU_ARCHITECTURES)
    router_memory = reader.integer("logRouterMemoryMiB", LOG_ROUTER_MIN_RESERVATION_MIB, 122880)
    return ServiceSettings(
        router_image=LogRouterImageArgs(fluent_bit_version, cpu_architecture, force_destroy),
        log_router_memory_mib=router_memory,
        container_insights=reader.choice("containerInsights", CONTAINER_INSIGHTS_MODES),
        services=_read_services(reader, cpu_architecture, router_memory),
    )


# The config keys the archives' LogArchiveArgs fields come from: the component's problems are reported against them.
ARCHIVE_KEYS: dict[str, str] = {
    "log_retention_days": "logRetentionDays",
    "expiration_days": "archiveExpirationDays",
    "buffer_size_mib": "firehoseBufferSizeMiB",
    "buffer_interval_seconds": "firehoseBufferIntervalSeconds",
    "kms_key_arn": "archiveKmsKeyArn",
    "force_destroy": "forceDestroy",
    "noncurrent_version_expiration_days": "archiveNoncurrentVersionDays",
    "object_lock_days": "archiveObjectLockDays",
    "protect": "deletionProtection",
    "delivery_stream_name": "waf",  # the WAF archive's stream, named after the stack (_read_waf checks its length)
}


def _read_archive(reader: _ConfigReader, region: str, protect: bool, force_destroy: bool) -> ArchiveSettings:
    buckets = BucketChoices(
        expiration_days=reader.whole("archiveExpirationDays", 3650),
        noncurrent_version_expiration_days=reader.whole("archiveNoncurrentVersionDays", 1),
        force_destroy=force_destroy,
        protect=protect,
    )
    return ArchiveSettings(
        log_retention_days=reader.whole("logRetentionDays", LOG_RETENTION_DAYS[0]),
        kms_key_arn=reader.optional("archiveKmsKeyArn", _arn_checker("kms", region, r"key/[0-9a-f-]{36}")),
        buckets=buckets,
    )


def _read_archives(
    reader: _ConfigReader,
    archive: ArchiveSettings,
    partner: PartnerEndpoint | None,
    waf: WafSettings | None,
    role_permissions_boundary: str,
) -> tuple[ArchiveSpec, ...]:
    """The archives, their arguments built from the config; what LogArchive would refuse, against its key."""
    buckets = archive.buckets
    app_logs = LogArchiveArgs(
        s3_prefix=APP_LOG_PREFIX,
        log_retention_days=archive.log_retention_days,
        expiration_days=buckets.expiration_days,
        buffer_size_mib=reader.whole("firehoseBufferSizeMiB", 1),
        buffer_interval_seconds=reader.whole("firehoseBufferIntervalSeconds", 0),
        kms_key_arn=archive.kms_key_arn,
        force_destroy=buckets.force_destroy,
        protect=buckets.protect,
        noncurrent_version_expiration_days=buckets.noncurrent_version_expiration_days,
        object_lock_days=reader.whole("archiveObjectLockDays", 0),
        records_end_with_newline=True,
        role_permissions_boundary=role_permissions_boundary,
    )
    specs = archive_specs(app_logs, partner, None if waf is None else waf.log_stream_name)
    reader.component_problems((p for spec in specs for p in spec.args.problems()), ARCHIVE_KEYS)
    return specs


def _read_partner(reader: _ConfigReader) -> PartnerEndpoint | None:
    url = reader.optional("partnerEndpointUrl", _check_https_url)
    name = reader.string("partnerEndpointName")
    key_name = "partnerApiKey"
    raw_key = reader.raw(key_name)
    key_is_secret = pulumi.runtime.is_config_secret(reader.key(key_name))
    if raw_key and not key_is_secret:
        # Never echo the value: it is a credential that was stored in plain text by mistake.
        reader.problems.append(
            f"config key '{reader.key(key_name)}': a plain-text value is not allowed; "
            f"set it with `pulumi config set --secret {key_name} <key>`"
        )
    if url is None:
        if raw_key and reader.ok("partnerEndpointUrl"):
            reader.problem("partnerEndpointUrl", "", "allowed: an https:// URL when partnerApiKey is set")
        return None
    if not name:
        reader.problem("partnerEndpointName", name, "allowed: a non-empty name when partnerEndpointUrl is set")
    if not raw_key:
        reader.problems.append(
            f"config key '{reader.key(key_name)}' is not set; required with partnerEndpointUrl, as a secret"
        )
    if not (name and raw_key and key_is_secret):
        return None
    return PartnerEndpoint(url=url, name=name, api_key=pulumi.Output.secret(raw_key))


def _read_stop_capture(reader: _ConfigReader) -> StopCaptureSettings:
    return StopCaptureSettings(
        scope=reader.choice("stopEventScope", STOP_EVENT_SCOPES),
        capture_all_task_states=reader.boolean("captureAllTaskStates"),
        alerts=AlertsArgs(email=reader.optional("alertEmail", _check_email)),
        partner=_read_partner(reader),
    )


def _read_alarms(reader: _ConfigReader, service: ServiceSettings, load_balancer: LoadBalancerSettings) -> AlarmSettings:
    return AlarmSettings(
        evaluation_minutes=reader.integer("alarmEvaluationMinutes", 1, 60),
        target_5xx_per_minute=reader.integer("alarmTarget5xxPerMinute", 1, 100000),
        delivery_freshness_seconds=reader.integer("alarmDeliveryFreshnessSeconds", 60, 86400),
        dashboard=reader.boolean("dashboard"),
        outside_check_path=_read_outside_check(reader, service, load_balancer),
    )


def _read_outside_check(
    reader: _ConfigReader, service: ServiceSettings, load_balancer: LoadBalancerSettings
) -> str | None:
    """The path the outside check requests: the health check path of the first service whose own rule gets it on
    the stack's host (components/edge/rule_matching.py), which answers 2xx/3xx there. Route 53's checkers come from
    their own address ranges (ROUTE53_HEALTHCHECKS in ip-ranges.json), so the ALB must admit everyone."""
    if not reader.boolean("outsideCheck"):
        return None
    if reader.ok("ingressCidrs") and "0.0.0.0/0" not in load_balancer.ingress_cidrs:
        reader.problem(
            "outsideCheck",
            "true",
            "allowed: false while ingressCidrs does not admit 0.0.0.0/0 (Route 53's health checkers would be refused)",
        )
        return None
    host = load_balancer.domain.domain_name if load_balancer.domain is not None else ""
    rules = [
        RuleOfService(
            s.name, s.route.priority, tuple(s.route.path_patterns), tuple(s.route.host_headers), s.app.health_check.path
        )
        for s in service.services
    ]
    found = self_answering(rules, host)
    if found is None and reader.ok("services"):
        reader.problem(
            "outsideCheck",
            "true",
            "allowed: false unless a service's own rule gets a request for its health check path at the stack's URL",
        )
    return None if found is None else found.health_check_path


def _read_queries(reader: _ConfigReader) -> QuerySettings:
    return QuerySettings(
        bytes_scanned_cutoff_mib=reader.integer("athenaBytesScannedCutoffMiB", *ATHENA_BYTES_SCANNED_CUTOFF_MIB)
    )


def _available_zones() -> list[str]:
    """The region's available AZs that need no opt-in (local and wavelength zones do)."""
    result = aws.get_availability_zones(
        state="available",
        filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
    )
    return sorted(result.names)


def _role_boundary_arn(problems: list[str]) -> str:
    """The roles' permissions boundary: it must exist before anything is created (CreateRole refuses a boundary that
    is not there, after every resource created before the first role), and only an administrator creates it."""
    account = aws.get_caller_identity().account_id
    partition = aws.get_partition().partition
    name = role_boundary_policy_name(pulumi.get_project(), pulumi.get_stack())
    arn = f"arn:{partition}:iam::{account}:policy/{name}"
    try:
        aws.iam.get_policy(arn=arn)
    except Exception as error:  # the provider's NoSuchEntity or AccessDenied, as the invoke's message
        problems.append(
            f"the roles' permissions boundary {arn} cannot be read ({str(error).strip().splitlines()[-1]}); create it "
            f"first: python -m offline deploy-policy --stack {pulumi.get_stack()} --account {account} --role boundary "
            "(docs/ADOPTING.md, section 3)"
        )
    return arn


def _read_region(problems: list[str]) -> str:
    region = pulumi.Config("aws").get("region") or ""
    if not _REGION_RE.match(region):
        problems.append(
            f"config key 'aws:region': {region!r} is not allowed; allowed: an AWS region such as ap-northeast-1"
        )
    return region


def _check_subnet_room(reader: _ConfigReader, network: NetworkArgs, service: ServiceSettings) -> None:
    """The VPC's subnets must hold the ALB and, at a deployment's peak, every service's tasks
    (components/network/subnet_sizing.py)."""
    if not reader.ok("vpcCidr", "natGateways", "services"):
        return
    prefix = ipaddress.IPv4Network(network.vpc_cidr).prefixlen
    tasks = sum(spec.scaling.max_count for spec in service.services)
    if (problem := vpc_prefix_problem(prefix, network.nat_gateways, tasks)) is not None:
        reader.problem("vpcCidr", network.vpc_cidr, problem)


def configured_keys() -> set[str]:
    """Every config key set for this stack, with its namespace (`<project>:<key>`, `aws:region`).

    The Python SDK has no public API that lists them. The CLI hands a program its whole configuration as JSON
    in PULUMI_CONFIG, which `pulumi.runtime.get_config_env()` (public) returns; the mock runtime and Automation
    API inline programs keep it in `pulumi.runtime.config.CONFIG` (private) instead. This is the one place
    that reads either."""
    keys = set(pulumi.runtime.get_config_env())
    keys.update(pulumi.runtime.config.CONFIG.get())
    return keys


def undeclared_key_warnings(configured: Iterable[str], declared: Iterable[str], project: str) -> list[str]:
    """One warning per key of the project's namespace that the project does not declare (the Pulumi CLI
    accepts and ignores such keys), naming the nearest declared key: a typo silently leaves the default."""
    by_lower = {key.lower(): key for key in declared}
    warnings = []
    for full in sorted(configured):
        namespace, _, name = full.partition(":")
        if namespace != project or name in by_lower.values():
            continue
        nearest = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
        hint = f"did you mean '{project}:{by_lower[nearest[0]]}'?" if nearest else "Pulumi.yaml lists every key"
        warnings.append(f"config key '{full}' is not declared in Pulumi.yaml and is ignored; {hint}")
    return warnings


def load_settings(zones: Callable[[], list[str]] = _available_zones) -> Settings:
    """Read and validate the whole stack configuration, or raise ConfigError with every problem. A key set for
    the project but not read here is reported with `pulumi.log.warn` (the preview goes on)."""
    reader = _ConfigReader(pulumi.Config())
    region = _read_region(reader.problems)
    if reader.problems:
        raise ConfigError(reader.problems)
    deletion_protection = reader.boolean("deletionProtection")
    force_destroy = reader.boolean("forceDestroy")
    network = _read_network(reader, region, zones())
    service = _read_service(reader, force_destroy)
    _check_subnet_room(reader, network, service)
    load_balancer = _read_load_balancer(reader, region, deletion_protection)
    archive = _read_archive(reader, region, protect=deletion_protection, force_destroy=force_destroy)
    stop_capture = _read_stop_capture(reader)
    boundary = _role_boundary_arn(reader.problems)
    settings = Settings(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        region=region,
        network=network,
        flow_logs=reader.boolean("flowLogs"),
        load_balancer=load_balancer,
        service=service,
        archive=archive,
        stop_capture=stop_capture,
        alarms=_read_alarms(reader, service, load_balancer),
        queries=_read_queries(reader),
        archives=_read_archives(reader, archive, stop_capture.partner, load_balancer.waf, boundary),
        role_permissions_boundary_arn=boundary,
    )
    settings = dataclasses.replace(settings, declared_keys=frozenset(reader.read))
    configured = configured_keys()
    _moved_keys(reader, configured)
    warnings = undeclared_key_warnings(
        [key for key in configured if key.partition(":")[2] not in MOVED_TO_SERVICES], reader.read, pulumi.get_project()
    )
    for warning in warnings:
        pulumi.log.warn(warning)
    if reader.problems:
        raise ConfigError(reader.problems, warnings)
    return settings
