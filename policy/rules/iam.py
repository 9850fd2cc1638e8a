"""IAM: no wildcards in any policy, and a confused-deputy condition in every service trust policy."""

from __future__ import annotations

import re
from typing import Any, Final

from policy.rules.base import as_list, json_input

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
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))


def _statement_problems(label: str, statement: dict[str, Any], star_is_this_resource: bool) -> list[str]:
    if statement.get("Effect") == "Deny":
        return []  # a Deny narrows access: `s3:*` in a deny-insecure-transport statement is the point
    actions = as_list(statement.get("Action"))
    problems = []
    if "NotAction" in statement:
        problems.append(f"{label}: Allow with NotAction grants every other action")
    if "NotResource" in statement:
        problems.append(f"{label}: Allow with NotResource grants every other resource")
    wildcards = [action for action in actions if _is_wildcard_action(action)]
    if wildcards:
        problems.append(f"{label}: wildcard action {', '.join(wildcards)}; list the actions needed")
    if not star_is_this_resource and "*" in as_list(statement.get("Resource")):
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
    for index, statement in enumerate(as_list(document.get("Statement"))):
        if isinstance(statement, dict):
            label = f"{where} statement {statement.get('Sid') or index}"
            problems += _statement_problems(label, statement, star_is_this_resource)
    return problems


def _policy_inputs(type_: str, props: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, JSON-string input) for every policy document the resource carries."""
    found = [(key, props.get(key)) for key in POLICY_DOCUMENTS.get(type_, ())]
    if type_ == ROLE:
        for index, inline in enumerate(as_list(props.get("inlinePolicies"))):
            if isinstance(inline, dict):
                found.append((f"inlinePolicies[{inline.get('name') or index}]", inline.get("policy")))
    return found


def _managed_policy_arns(type_: str, props: dict[str, Any]) -> list[Any]:
    if type_ == ROLE_POLICY_ATTACHMENT:
        return [props.get("policyArn")]
    return as_list(props.get("managedPolicyArns")) if type_ == ROLE else []


def check_iam_wildcards(type_: str, props: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for where, value in _policy_inputs(type_, props):
        document, parse_problems = json_input(value, where)
        problems += parse_problems
        if document is not None:
            problems += _document_problems(where, document, star_is_this_resource=type_ in KEY_POLICIES)
    for arn in _managed_policy_arns(type_, props):
        if isinstance(arn, str) and BROAD_MANAGED_POLICY.search(arn):
            problems.append(f"attaches the AWS managed policy {arn}, which grants wildcard access")
    return problems


# Any of these in the trust policy's Condition ties the service's AssumeRole to this account or resource.
# Firehose documents `sts:ExternalId` = the account id for the same purpose.
CONFUSED_DEPUTY_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "sts:externalid"}
)


def _condition_keys(condition: Any) -> set[str]:
    if not isinstance(condition, dict):
        return set()
    return {key.lower() for clause in condition.values() if isinstance(clause, dict) for key in clause}


def granting_statements(props: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, statement) for every statement of the policy input `key` that is not a Deny; none when the input
    is unknown or unparsable (that is iam-no-wildcards' finding, and reporting it twice helps nobody)."""
    document, _ = json_input(props.get(key), key)
    if not isinstance(document, dict):
        return []
    statements = enumerate(as_list(document.get("Statement")))
    return [
        (f"{key} statement {statement.get('Sid') or index}", statement)
        for index, statement in statements
        if isinstance(statement, dict) and statement.get("Effect") != "Deny"
    ]


def statement_services(statement: dict[str, Any]) -> list[Any]:
    principal = statement.get("Principal")
    return as_list(principal.get("Service")) if isinstance(principal, dict) else []


def check_service_trust(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != ROLE:
        return []
    problems: list[str] = []
    for label, statement in granting_statements(props, "assumeRolePolicy"):
        services = statement_services(statement)
        if services and not _condition_keys(statement.get("Condition")) & CONFUSED_DEPUTY_KEYS:
            problems.append(
                f"{label}: {', '.join(map(str, services))} "
                "may assume the role without an aws:SourceAccount / aws:SourceArn condition (confused deputy)"
            )
    return problems
