"""Policy rules as plain functions over resources (type + wire-named properties).

The CrossGuard pack (`policy/__main__.py`) and the tests run the same functions; constructing the pack
starts a policy server, so it lives only in `__main__.py` and this module stays importable.

Two kinds of rule:
- a resource rule, `check(type, props) -> [message]`, sees one resource's inputs at a time (CrossGuard's
  `ResourceValidationPolicy`);
- a stack rule, `check_stack(resources) -> [Violation]`, sees every resource of the stack at once
  (CrossGuard's `StackValidationPolicy`). It is needed where one fact spans resources: in pulumi-aws v7 a
  bucket's encryption and public access block are separate resources, and the stack name only shows in URNs.

Properties always carry the provider's wire names (camelCase: `fromPort`, `cidrIpv4`, `retentionInDays`,
`imageScanningConfiguration.scanOnPush`), which is what both the engine and the offline harness hand over.
JSON-string inputs (policies, containerDefinitions) arrive as strings and are parsed here. A value the engine
cannot know yet (an output of a resource not yet created, during preview) arrives as `UNKNOWN`: rules never
report on it, and `pulumi up` runs them again once the value is known.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

from components.limits import ALB_MAX_SUBNET_PREFIX, LOG_ROUTER_PORTS, PLAIN_HTTP_TAG, image_pin_problem

MANDATORY: Final = "mandatory"
ADVISORY: Final = "advisory"


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()  # a property whose value the engine does not know yet (preview)


@dataclass(frozen=True)
class StackResource:
    """One resource as a stack rule sees it: its properties (inputs and outputs) and the URNs it depends on."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Violation:
    resource: StackResource
    message: str


# A rule takes a resource's type and plain inputs and returns one message per violation.
Rule = Callable[[str, dict[str, Any]], list[str]]
# A stack rule takes every resource of the stack and returns one violation per offending resource.
StackRule = Callable[[Sequence[StackResource]], list[Violation]]


@dataclass(frozen=True)
class PolicyRule:
    name: str
    description: str
    enforcement: str
    check: Rule | None = None  # per resource; exactly one of check / check_stack
    check_stack: StackRule | None = None

    def __post_init__(self) -> None:
        if (self.check is None) == (self.check_stack is None):
            raise ValueError(f"policy {self.name}: give exactly one of check and check_stack")
        if self.enforcement not in (MANDATORY, ADVISORY):
            raise ValueError(f"policy {self.name}: enforcement {self.enforcement!r} is not mandatory or advisory")


# --- value helpers -------------------------------------------------------------------------------------------


def _known(value: Any) -> bool:
    return value is not UNKNOWN


def _off(flag: Any) -> bool:
    """A flag that must be true and is known not to be (missing counts as off)."""
    return _known(flag) and flag is not True


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _number(value: Any) -> int | None:
    """Ports and days arrive as int offline and as float from the engine (protobuf Struct numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _json_input(value: Any, what: str) -> tuple[Any, list[str]]:
    """A JSON-string input parsed: (document, []), (None, []) while unknown or absent, (None, [problem])."""
    if value is None or value == "" or not _known(value):
        return None, []
    if not isinstance(value, str):
        return value, []  # already structured
    try:
        return json.loads(value), []
    except json.JSONDecodeError as error:
        return None, [f"{what} is not valid JSON ({error.msg})"]


def stack_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::<type>::<name>` -> `<stack>`."""
    return urn.split("::", 1)[0].rsplit(":", 1)[-1]


# --- S3: encrypted and fully private (stack rule) ------------------------------------------------------------

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SSE_ALGORITHMS = frozenset({"AES256", "aws:kms", "aws:kms:dsse"})
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _bucket_of(sub: StackResource, buckets: Sequence[StackResource]) -> StackResource | None:
    """The bucket a sub-resource configures: by name when known, else by the dependency its `bucket` makes."""
    name = sub.props.get("bucket")
    if isinstance(name, str):
        for bucket in buckets:
            if name == bucket.props.get("bucket"):
                return bucket
    referenced = [bucket for bucket in buckets if bucket.urn in sub.dependencies]
    return referenced[0] if len(referenced) == 1 else None


def _algorithm(rule: Any) -> Any:
    """A default-encryption rule's sseAlgorithm: a string, UNKNOWN, or None when it sets none."""
    default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else rule
    if isinstance(default, dict):
        return default.get("sseAlgorithm")
    return None if _known(default) else UNKNOWN


def _encrypts(props: dict[str, Any]) -> bool:
    rules = props.get("rules")
    algorithms = [_algorithm(rule) for rule in _as_list(rules)] if _known(rules) else [UNKNOWN]
    return any(not _known(algorithm) or algorithm in SSE_ALGORITHMS for algorithm in algorithms)


def check_buckets_private(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    encrypted: set[str] = set()
    flags_off: dict[str, list[str]] = {}
    for sub in (r for r in resources if r.type in (BUCKET_ENCRYPTION, BUCKET_PUBLIC_ACCESS_BLOCK)):
        bucket = _bucket_of(sub, buckets)
        if bucket is None:
            continue
        if sub.type == BUCKET_ENCRYPTION and _encrypts(sub.props):
            encrypted.add(bucket.urn)
        if sub.type == BUCKET_PUBLIC_ACCESS_BLOCK:
            off = [flag for flag in PUBLIC_ACCESS_FLAGS if _off(sub.props.get(flag))]
            # Several blocks on one bucket: AWS keeps one configuration, so the most permissive one counts.
            flags_off[bucket.urn] = sorted(set(flags_off.get(bucket.urn, [])) | set(off))
    violations: list[Violation] = []
    for bucket in buckets:
        if bucket.urn not in encrypted:
            violations.append(
                Violation(
                    bucket, "no BucketServerSideEncryptionConfiguration with SSE-S3 or SSE-KMS default encryption"
                )
            )
        if bucket.urn not in flags_off:
            violations.append(Violation(bucket, "no BucketPublicAccessBlock: all four flags must be true"))
        elif flags_off[bucket.urn]:
            violations.append(Violation(bucket, f"public access block leaves {', '.join(flags_off[bucket.urn])} off"))
    return violations


# Configuration calls on the bucket itself (Put<configuration> on `?<subresource>`), one resource type each.
# S3 answers concurrent ones on one bucket with OperationAborted ("A conflicting conditional operation is
# currently in progress against this resource"), so a stack must order them by dependencies.
BUCKET_CONFIGURATIONS: Final = frozenset(
    {
        BUCKET_ENCRYPTION,
        BUCKET_PUBLIC_ACCESS_BLOCK,
        "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        BUCKET_LIFECYCLE,
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketNotification:BucketNotification",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration",
        BUCKET_VERSIONING,
        "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    }
)


def _depends_on(resources: Sequence[StackResource]) -> Callable[[str], set[str]]:
    """URN -> every URN it depends on, directly or through other resources of the stack."""
    direct = {r.urn: r.dependencies for r in resources}
    closure: dict[str, set[str]] = {}

    def upstream(urn: str) -> set[str]:
        if urn not in closure:
            seen: set[str] = set()
            pending = list(direct.get(urn, ()))
            while pending:
                current = pending.pop()
                if current not in seen:
                    seen.add(current)
                    pending.extend(direct.get(current, ()))
            closure[urn] = seen
        return closure[urn]

    return upstream


def _configurations(
    resources: Sequence[StackResource], types: Collection[str], buckets: Sequence[StackResource]
) -> dict[str, list[StackResource]]:
    """Bucket URN -> its configuration resources of these types."""
    found: dict[str, list[StackResource]] = {}
    for sub in (r for r in resources if r.type in types):
        bucket = _bucket_of(sub, buckets)
        if bucket is not None:
            found.setdefault(bucket.urn, []).append(sub)
    return found


def check_bucket_configuration_ordered(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    configurations = _configurations(resources, BUCKET_CONFIGURATIONS, buckets)
    upstream = _depends_on(resources)
    violations: list[Violation] = []
    for bucket in buckets:
        subs = sorted(configurations.get(bucket.urn, []), key=lambda r: r.name)
        concurrent = [
            f"{a.name} and {b.name}"
            for index, a in enumerate(subs)
            for b in subs[index + 1 :]
            if a.urn not in upstream(b.urn) and b.urn not in upstream(a.urn)
        ]
        if concurrent:
            violations.append(
                Violation(
                    bucket,
                    f"configurations that may be applied at the same time: {'; '.join(concurrent)}. S3 answers "
                    "concurrent configuration calls on one bucket with OperationAborted: chain them with depends_on",
                )
            )
    return violations


# --- security groups -----------------------------------------------------------------------------------------

SECURITY_GROUPS = frozenset(
    {"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}
)
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
# FireLens talks to Fluent Bit inside the task (forward input, monitoring API): nothing outside may reach
# LOG_ROUTER_PORTS (components/limits.py).
ALL_PROTOCOLS = frozenset({"-1", "all"})
PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
ALL_PORTS = (0, 65535)


def _port_span(protocol: Any, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    """The ports a rule opens, or None when it opens none that matter (ICMP) or cannot be known yet."""
    if not isinstance(protocol, str):
        return None
    if protocol.lower() in ALL_PROTOCOLS:
        return ALL_PORTS
    low, high = _number(from_port), _number(to_port)
    if protocol.lower() not in PORT_PROTOCOLS or low is None or high is None:
        return None
    return ALL_PORTS if low <= 1 and high >= 65535 else (low, high)


def _prefix_length(cidr: Any) -> int | None:
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen
    except ValueError:
        return None


def _is_world(cidr: Any) -> bool:
    return _prefix_length(cidr) == 0


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
        for index, rule in enumerate(_as_list(props.get("ingress"))):
            if isinstance(rule, dict):
                cidrs = _as_list(rule.get("cidrBlocks")) + _as_list(rule.get("ipv6CidrBlocks"))
                problems += _ingress_problems(
                    f"ingress[{index}]", rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"), cidrs
                )
        return problems
    if type_ == INGRESS_RULE:
        cidrs = [props.get("cidrIpv4"), props.get("cidrIpv6")]
        return _ingress_problems("rule", props.get("ipProtocol"), props.get("fromPort"), props.get("toPort"), cidrs)
    if type_ == LEGACY_RULE and props.get("type") == "ingress":
        cidrs = _as_list(props.get("cidrBlocks")) + _as_list(props.get("ipv6CidrBlocks"))
        return _ingress_problems("rule", props.get("protocol"), props.get("fromPort"), props.get("toPort"), cidrs)
    return []


# --- IAM: no wildcards -----------------------------------------------------------------------------------------

# Every property holding a policy document, by resource type.
POLICY_DOCUMENTS: Final = {
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:sns/topic:Topic": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:sqs/queue:Queue": ("policy",),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ("policy",),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("policy",),
    "aws:kms/key:Key": ("policy",),
    "aws:kms/keyPolicy:KeyPolicy": ("policy",),
}
# In a key policy `Resource: "*"` means "this key" (the only value AWS accepts there).
KEY_POLICIES = frozenset({"aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"})
ROLE = "aws:iam/role:Role"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
# Actions that have no resource-level permissions at all (Service Authorization Reference: no resource type),
# so `Resource: "*"` is the only way to grant them. Add one only with that evidence.
RESOURCE_STAR_ACTIONS: Final = frozenset(
    {
        "ecr:getauthorizationtoken",  # registry-wide login token
        "cloudwatch:putmetricdata",  # metrics have no ARN; scope with the cloudwatch:namespace condition
        "sts:getcalleridentity",
        "ssmmessages:createcontrolchannel",  # ECS Exec session channels
        "ssmmessages:createdatachannel",
        "ssmmessages:opencontrolchannel",
        "ssmmessages:opendatachannel",
        "athena:listworkgroups",  # the console's workgroup and data source pickers
        "athena:listdatacatalogs",
    }
)
# AWS managed policies that grant wildcard access (full access to a service, or to everything).
BROAD_MANAGED_POLICY = re.compile(r":iam::aws:policy/(.*/)?(AdministratorAccess|PowerUserAccess|\w*FullAccess)$")


def _is_wildcard_action(action: Any) -> bool:
    """`*`, `service:*` (and `*:*`): a whole service or everything."""
    return isinstance(action, str) and (action == "*" or action.split(":", 1)[-1].strip("*") == "")


def _is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _statement_problems(label: str, statement: dict[str, Any], star_is_this_resource: bool) -> list[str]:
    if statement.get("Effect") == "Deny":
        return []  # a Deny narrows access: `s3:*` in a deny-insecure-transport statement is the point
    actions = _as_list(statement.get("Action"))
    problems = []
    if "NotAction" in statement:
        problems.append(f"{label}: Allow with NotAction grants every other action")
    if "NotResource" in statement:
        problems.append(f"{label}: Allow with NotResource grants every other resource")
    wildcards = [action for action in actions if _is_wildcard_action(action)]
    if wildcards:
        problems.append(f"{label}: wildcard action {', '.join(wildcards)}; list the actions needed")
    if not star_is_this_resource and "*" in _as_list(statement.get("Resource")):
        broad = [str(a) for a in actions if not (isinstance(a, str) and a.lower() in RESOURCE_STAR_ACTIONS)]
        if broad:
            problems.append(f'{label}: Resource "*" for {", ".join(broad)}; scope it to ARNs')
    if _is_anyone(statement.get("Principal")) and not statement.get("Condition"):
        problems.append(f"{label}: allows any principal without a condition")
    return problems


def _document_problems(where: str, document: Any, star_is_this_resource: bool) -> list[str]:
    if not isinstance(document, dict):
        return [f"{where} is not a policy document"]
    problems: list[str] = []
    for index, statement in enumerate(_as_list(document.get("Statement"))):
        if isinstance(statement, dict):
            label = f"{where} statement {statement.get('Sid') or index}"
            problems += _statement_problems(label, statement, star_is_this_resource)
    return problems


def _policy_inputs(type_: str, props: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, JSON-string input) for every policy document the resource carries."""
    found = [(key, props.get(key)) for key in POLICY_DOCUMENTS.get(type_, ())]
    if type_ == ROLE:
        for index, inline in enumerate(_as_list(props.get("inlinePolicies"))):
            if isinstance(inline, dict):
                found.append((f"inlinePolicies[{inline.get('name') or index}]", inline.get("policy")))
    return found


def _managed_policy_arns(type_: str, props: dict[str, Any]) -> list[Any]:
    if type_ == ROLE_POLICY_ATTACHMENT:
        return [props.get("policyArn")]
    return _as_list(props.get("managedPolicyArns")) if type_ == ROLE else []


def check_iam_wildcards(type_: str, props: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for where, value in _policy_inputs(type_, props):
        document, parse_problems = _json_input(value, where)
        problems += parse_problems
        if document is not None:
            problems += _document_problems(where, document, star_is_this_resource=type_ in KEY_POLICIES)
    for arn in _managed_policy_arns(type_, props):
        if isinstance(arn, str) and BROAD_MANAGED_POLICY.search(arn):
            problems.append(f"attaches the AWS managed policy {arn}, which grants wildcard access")
    return problems


# --- IAM: confused deputy on service trust policies -------------------------------------------------------

# Any of these in the trust policy's Condition ties the service's AssumeRole to this account or resource.
# Firehose documents `sts:ExternalId` = the account id for the same purpose.
CONFUSED_DEPUTY_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "sts:externalid"}
)


def _condition_keys(condition: Any) -> set[str]:
    if not isinstance(condition, dict):
        return set()
    return {key.lower() for clause in condition.values() if isinstance(clause, dict) for key in clause}


def _granting_statements(props: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, statement) for every statement of the policy input `key` that is not a Deny; none when the input
    is unknown or unparsable (that is iam-no-wildcards' finding, and reporting it twice helps nobody)."""
    document, _ = _json_input(props.get(key), key)
    if not isinstance(document, dict):
        return []
    statements = enumerate(_as_list(document.get("Statement")))
    return [
        (f"{key} statement {statement.get('Sid') or index}", statement)
        for index, statement in statements
        if isinstance(statement, dict) and statement.get("Effect") != "Deny"
    ]


def _services(statement: dict[str, Any]) -> list[Any]:
    principal = statement.get("Principal")
    return _as_list(principal.get("Service")) if isinstance(principal, dict) else []


def check_service_trust(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != ROLE:
        return []
    problems: list[str] = []
    for label, statement in _granting_statements(props, "assumeRolePolicy"):
        services = _services(statement)
        if services and not _condition_keys(statement.get("Condition")) & CONFUSED_DEPUTY_KEYS:
            problems.append(
                f"{label}: {', '.join(map(str, services))} "
                "may assume the role without an aws:SourceAccount / aws:SourceArn condition (confused deputy)"
            )
    return problems


# --- logs: EventBridge must be able to create its log streams --------------------------------------------------

LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
EVENTS_SERVICE = "events.amazonaws.com"


def _action_matches(pattern: Any, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards."""
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _keys_required_present(condition: Any) -> set[str]:
    """Condition keys whose absence from the request makes the condition false: every operator but the
    `...IfExists` ones, `Null`, the negated ones and `ForAllValues:` (IAM condition operator reference)."""
    if not isinstance(condition, dict):
        return set()
    keys: set[str] = set()
    for operator, clause in condition.items():
        name = str(operator).lower()
        lenient = name.endswith("ifexists") or name == "null" or "not" in name or name.startswith("forallvalues:")
        if not lenient and isinstance(clause, dict):
            keys |= {str(key).lower() for key in clause}
    return keys


def check_eventbridge_log_streams(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != LOG_RESOURCE_POLICY:
        return []
    problems: list[str] = []
    for label, statement in _granting_statements(props, "policyDocument"):
        creates = any(_action_matches(action, "logs:CreateLogStream") for action in _as_list(statement.get("Action")))
        if (
            EVENTS_SERVICE in _services(statement)
            and creates
            and "aws:sourcearn" in _keys_required_present(statement.get("Condition"))
        ):
            problems.append(
                f"{label}: lets {EVENTS_SERVICE} create log streams only under an aws:SourceArn condition, but "
                "EventBridge's CreateLogStream call carries no rule ARN: no stream is created and every event "
                "fails. Keep aws:SourceArn on logs:PutLogEvents and grant logs:CreateLogStream in a statement "
                "without it"
            )
    return problems


# --- logs, ECR, ALB ---------------------------------------------------------------------------------------

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LOAD_BALANCERS = frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"})


def _is_alb(type_: str, props: dict[str, Any]) -> bool:
    """An application load balancer (the provider's default type)."""
    return type_ in LOAD_BALANCERS and props.get("loadBalancerType", "application") == "application"


def check_log_retention(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != LOG_GROUP:
        return []
    days = props.get("retentionInDays")
    if not _known(days) or (_number(days) or 0) > 0:
        return []
    return ["retentionInDays is not set: the log group keeps every event forever"]


def check_ecr_scan_on_push(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != ECR_REPOSITORY:
        return []
    scanning = props.get("imageScanningConfiguration")
    if not _known(scanning) or (isinstance(scanning, dict) and not _off(scanning.get("scanOnPush"))):
        return []
    return ["imageScanningConfiguration.scanOnPush must be true"]


def check_alb_drops_invalid_headers(type_: str, props: dict[str, Any]) -> list[str]:
    if not _is_alb(type_, props):
        return []
    if _off(props.get("dropInvalidHeaderFields")):
        return ["dropInvalidHeaderFields must be true (header-smuggling protection)"]
    return []


# --- ALB subnets: room for the load balancer (stack rule: the subnets are other resources) --------------------

SUBNET = "aws:ec2/subnet:Subnet"


def _subnets_of(load_balancer: StackResource, subnets: Sequence[StackResource]) -> list[StackResource]:
    """The subnets a load balancer is placed in: those its `subnets` input depends on, or names by id."""
    mappings = [m.get("subnetId") for m in _as_list(load_balancer.props.get("subnetMappings")) if isinstance(m, dict)]
    ids = {i for i in _as_list(load_balancer.props.get("subnets")) + mappings if isinstance(i, str)}
    return [s for s in subnets if s.urn in load_balancer.dependencies or s.props.get("id") in ids]


def check_alb_subnet_size(resources: Sequence[StackResource]) -> list[Violation]:
    subnets = [r for r in resources if r.type == SUBNET]
    violations: list[Violation] = []
    for load_balancer in resources:
        if not _is_alb(load_balancer.type, load_balancer.props):
            continue
        for subnet in _subnets_of(load_balancer, subnets):
            cidr = subnet.props.get("cidrBlock")
            prefix = _prefix_length(cidr)
            if prefix is not None and prefix > ALB_MAX_SUBNET_PREFIX:
                violations.append(
                    Violation(
                        load_balancer,
                        f"subnet {subnet.name} is {cidr}: an application load balancer needs subnets of "
                        f"/{ALB_MAX_SUBNET_PREFIX} or larger",
                    )
                )
    return violations


# --- ECS task definitions: pinned images ----------------------------------------------------------------------

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
# The pinning rule itself is components.limits.image_pin_problem: AppContainer refuses the same images (a service's
# `image` in the config included).


def _containers(props: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """A task definition's container definitions (those that are objects), and why its JSON cannot be read."""
    containers, problems = _json_input(props.get("containerDefinitions"), "containerDefinitions")
    return [c for c in _as_list(containers) if isinstance(c, dict)], problems


def check_pinned_images(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != TASK_DEFINITION:
        return []
    containers, problems = _containers(props)
    for container in containers:
        image = container.get("image")
        if isinstance(image, str) and (problem := image_pin_problem(image)):
            problems.append(f"container {container.get('name')}: {problem}")
    return problems


# --- prod: deletion protection (stack rule: the stack name is in the URN) --------------------------------------

PROTECTED_STACKS = frozenset({"prod"})


def _protected(resource: StackResource) -> bool:
    return stack_of(resource.urn) in PROTECTED_STACKS


def check_prod_deletion_protection(resources: Sequence[StackResource]) -> list[Violation]:
    return [
        Violation(r, f"stack {stack_of(r.urn)}: enableDeletionProtection must be true")
        for r in resources
        if r.type in LOAD_BALANCERS and _protected(r) and _off(r.props.get("enableDeletionProtection"))
    ]


# --- protected stacks: the security baseline (issue 15) -----------------------------------------------------------

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def _refers_to(sub: StackResource, key: str, target: StackResource, attribute: str = "arn") -> bool:
    """Whether `sub`'s `key` input names `target`: its `attribute` (the ARN, an id) when both are known, else the
    dependency an Output reference makes (during preview)."""
    value = sub.props.get(key)
    known = target.props.get(attribute)
    if isinstance(value, str) and isinstance(known, str):
        return value == known
    return target.urn in sub.dependencies


def _logs_vpc(flow_log: StackResource, vpc: StackResource) -> bool:
    """The flow log is on this VPC (not on a subnet or a network interface: part of the VPC's traffic only)."""
    return flow_log.props.get("vpcId") is not None and _refers_to(flow_log, "vpcId", vpc, "id")


def check_prod_vpc_flow_logs(resources: Sequence[StackResource]) -> list[Violation]:
    flow_logs = [r for r in resources if r.type == FLOW_LOG]
    violations: list[Violation] = []
    for vpc in (r for r in resources if r.type == VPC and _protected(r)):
        covering = [f for f in flow_logs if _logs_vpc(f, vpc)]
        if not any(f.props.get("trafficType") in ("ALL", UNKNOWN) for f in covering):
            violations.append(
                Violation(
                    vpc, f"stack {stack_of(vpc.urn)}: no flow log of ALL traffic (accepted and rejected) on this VPC"
                )
            )
    return violations


def _versioning_enabled(versioning: StackResource) -> bool:
    configuration = versioning.props.get("versioningConfiguration")
    if not _known(configuration):
        return True
    status = configuration.get("status") if isinstance(configuration, dict) else None
    return bool(status == "Enabled" or not _known(status))


def _expires_noncurrent_versions(lifecycle: StackResource) -> bool:
    rules = lifecycle.props.get("rules")
    if not _known(rules):
        return True
    return any(
        isinstance(rule, dict)
        and rule.get("status") in ("Enabled", UNKNOWN)
        and isinstance(rule.get("noncurrentVersionExpiration"), dict | _Unknown)
        for rule in _as_list(rules)
    )


def check_prod_buckets_versioned(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    versionings = _configurations(resources, {BUCKET_VERSIONING}, buckets)
    lifecycles = _configurations(resources, {BUCKET_LIFECYCLE}, buckets)
    violations: list[Violation] = []
    for bucket in (b for b in buckets if _protected(b)):
        if not any(_versioning_enabled(v) for v in versionings.get(bucket.urn, [])):
            violations.append(
                Violation(
                    bucket,
                    f"stack {stack_of(bucket.urn)}: no BucketVersioning with status Enabled: a deleted or "
                    "overwritten archive object would be gone for good",
                )
            )
        elif not any(_expires_noncurrent_versions(lc) for lc in lifecycles.get(bucket.urn, [])):
            violations.append(
                Violation(
                    bucket,
                    f"stack {stack_of(bucket.urn)}: versioned, but no enabled lifecycle rule with "
                    "noncurrentVersionExpiration: noncurrent versions would be kept (and billed) forever",
                )
            )
    return violations


def check_prod_read_only_roots(resources: Sequence[StackResource]) -> list[Violation]:
    violations: list[Violation] = []
    for task in (r for r in resources if r.type == TASK_DEFINITION and _protected(r)):
        # An unparsable document is task-definition-pinned-images' finding already.
        containers, _ = _containers(task.props)
        writable = [str(c.get("name")) for c in containers if _off(c.get("readonlyRootFilesystem"))]
        if writable:
            violations.append(
                Violation(
                    task,
                    f"stack {stack_of(task.urn)}: container(s) {', '.join(writable)} without readonlyRootFilesystem "
                    "true: give the paths the app writes to a volume (writable_paths) instead",
                )
            )
    return violations


# --- prod: HTTPS and a web application firewall on every internet-facing ALB (stack rules) ---------------------

LISTENERS = frozenset({"aws:lb/listener:Listener", "aws:alb/listener:Listener"})
LISTENER_RULES = frozenset({"aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"})
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


def _internet_facing_albs(resources: Sequence[StackResource]) -> list[StackResource]:
    """The application load balancers of protected stacks that are (or may be, while unknown) internet-facing."""
    return [r for r in resources if _is_alb(r.type, r.props) and _protected(r) and r.props.get("internal") is not True]


def _redirects_to_https(listener: StackResource) -> bool:
    actions = listener.props.get("defaultActions")
    if not _known(actions):
        return True
    return bool(actions) and all(
        isinstance(a, dict)
        and a.get("type") == "redirect"
        and isinstance(a.get("redirect"), dict)
        and a["redirect"].get("protocol") in ("HTTPS", UNKNOWN)
        for a in _as_list(actions)
    )


PLAIN_HTTP_TAG_TEXT = ", ".join(f"{key}={value}" for key, value in PLAIN_HTTP_TAG.items())


def _plain_http_on_purpose(alb: StackResource) -> bool:
    """Tagged PLAIN_HTTP_TAG (components/limits.py), as the load balancer is with allowPlainHttp."""
    tags = alb.props.get("tags")
    return isinstance(tags, dict) and all(tags.get(key) == value for key, value in PLAIN_HTTP_TAG.items())


def check_protected_albs_serve_https(resources: Sequence[StackResource]) -> list[Violation]:
    listeners = [r for r in resources if r.type in LISTENERS]
    rules = [r for r in resources if r.type in LISTENER_RULES]
    violations: list[Violation] = []
    for alb in (a for a in _internet_facing_albs(resources) if not _plain_http_on_purpose(a)):
        own = [listener for listener in listeners if _refers_to(listener, "loadBalancerArn", alb)]
        https = [listener for listener in own if listener.props.get("protocol") in ("HTTPS", UNKNOWN)]
        plain = [listener for listener in own if listener.props.get("protocol") == "HTTP"]
        if not https:
            violations.append(
                Violation(
                    alb,
                    f"stack {stack_of(alb.urn)}: an internet-facing ALB needs an HTTPS listener (set domainName and "
                    f"hostedZoneId, or certificateArn; or tag it {PLAIN_HTTP_TAG_TEXT} on purpose with allowPlainHttp)",
                )
            )
        for listener in plain:
            forwarding = [rule.name for rule in rules if _refers_to(rule, "listenerArn", listener)]
            if not _redirects_to_https(listener) or forwarding:
                violations.append(
                    Violation(
                        alb,
                        f"stack {stack_of(alb.urn)}: HTTP listener {listener.name} must only redirect to HTTPS"
                        + (f" (rules on it: {', '.join(sorted(forwarding))})" if forwarding else ""),
                    )
                )
    return violations


def check_protected_albs_have_a_web_acl(resources: Sequence[StackResource]) -> list[Violation]:
    associations = [r for r in resources if r.type == WEB_ACL_ASSOCIATION]
    return [
        Violation(
            alb,
            f"stack {stack_of(alb.urn)}: an internet-facing ALB needs a WAFv2 web ACL associated with it (waf: true)",
        )
        for alb in _internet_facing_albs(resources)
        if not any(_refers_to(association, "resourceArn", alb) for association in associations)
    ]


RULES: list[PolicyRule] = [
    PolicyRule(
        "s3-bucket-encrypted-and-private",
        "Every S3 bucket has default encryption (SSE-S3 or SSE-KMS) and a public access block with all four flags "
        "true.",
        MANDATORY,
        check_stack=check_buckets_private,
    ),
    PolicyRule(
        "s3-bucket-configuration-serialized",
        "The configuration resources of one S3 bucket (policy, encryption, public access block, ownership, "
        "lifecycle, versioning, ...) are ordered by their dependencies, never applied at the same time: S3 answers "
        "concurrent configuration calls on one bucket with OperationAborted.",
        MANDATORY,
        check_stack=check_bucket_configuration_ordered,
    ),
    PolicyRule(
        "security-group-ingress-restricted",
        "No ingress opens every port to 0.0.0.0/0 or ::/0, and nothing outside the task reaches the log router's "
        "ports (24224, 2020).",
        MANDATORY,
        check=check_security_group_ingress,
    ),
    PolicyRule(
        "iam-no-wildcards",
        "IAM and resource policies (role, inline, managed, bucket, topic, queue, log and key policies) allow no `*` "
        'or `service:*` actions, no NotAction/NotResource, no `Resource: "*"` except for the actions that have no '
        'resource-level permissions (listed in the rule), no unconditioned `Principal: "*"`, and no admin or '
        '*FullAccess managed policies (in a key policy `Resource: "*"` means the key itself).',
        MANDATORY,
        check=check_iam_wildcards,
    ),
    PolicyRule(
        "iam-service-trust-confused-deputy",
        "A role that an AWS service assumes names aws:SourceAccount / aws:SourceArn (or sts:ExternalId) in its "
        "trust policy.",
        MANDATORY,
        check=check_service_trust,
    ),
    PolicyRule(
        "eventbridge-log-streams-creatable",
        "A log resource policy never puts an aws:SourceArn condition on events.amazonaws.com's "
        "logs:CreateLogStream (EventBridge's call carries no rule ARN, so no stream could be created); it stays on "
        "logs:PutLogEvents.",
        MANDATORY,
        check=check_eventbridge_log_streams,
    ),
    PolicyRule(
        "log-group-retention",
        "Every CloudWatch log group has a retention.",
        MANDATORY,
        check=check_log_retention,
    ),
    PolicyRule(
        "ecr-scan-on-push",
        "ECR repositories scan images on push.",
        MANDATORY,
        check=check_ecr_scan_on_push,
    ),
    PolicyRule(
        "alb-drop-invalid-headers",
        "Application load balancers drop invalid HTTP header fields.",
        MANDATORY,
        check=check_alb_drops_invalid_headers,
    ),
    PolicyRule(
        "alb-subnets-large-enough",
        f"Application load balancers are placed in subnets of /{ALB_MAX_SUBNET_PREFIX} or larger (what ELB requires; "
        "vpcCidr is checked for the same before anything is created).",
        MANDATORY,
        check_stack=check_alb_subnet_size,
    ),
    PolicyRule(
        "task-definition-pinned-images",
        "Task definitions use images by version tag or sha256 digest, never latest, stable or untagged (the same "
        "rule refuses such a service image in the config).",
        MANDATORY,
        check=check_pinned_images,
    ),
    PolicyRule(
        "prod-deletion-protection",
        "In the prod stack, load balancers have deletion protection.",
        MANDATORY,
        check_stack=check_prod_deletion_protection,
    ),
    PolicyRule(
        "prod-vpc-flow-logs",
        "In the prod stack, every VPC has a flow log of ALL traffic (flowLogs: true).",
        MANDATORY,
        check_stack=check_prod_vpc_flow_logs,
    ),
    PolicyRule(
        "prod-buckets-versioned",
        "In the prod stack, every S3 bucket is versioned and its lifecycle expires noncurrent versions.",
        MANDATORY,
        check_stack=check_prod_buckets_versioned,
    ),
    PolicyRule(
        "prod-read-only-root-filesystems",
        "In the prod stack, every container of every task definition has a read-only root filesystem "
        "(a service's readOnlyRootFilesystem; give the app's writable paths a volume with its writablePaths).",
        MANDATORY,
        check_stack=check_prod_read_only_roots,
    ),
    PolicyRule(
        "prod-alb-https",
        "In the prod stack, an internet-facing ALB has an HTTPS listener and its HTTP listeners only redirect to "
        f"HTTPS, unless it is tagged {PLAIN_HTTP_TAG_TEXT} (allowPlainHttp, on purpose).",
        MANDATORY,
        check_stack=check_protected_albs_serve_https,
    ),
    PolicyRule(
        "prod-alb-web-acl",
        "In the prod stack, an internet-facing ALB has a WAFv2 web ACL associated with it (waf: true).",
        MANDATORY,
        check_stack=check_protected_albs_have_a_web_acl,
    ),
]
