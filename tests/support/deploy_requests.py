"""The requests AWS authorizes when the provider acts on a recorded resource: its ARNs in an example account, the
ARNs an action's resource types fit, and the request context (region, tags, permissions boundary, record names)."""

from __future__ import annotations

import json
import re
from typing import Any

from components.iam import stack_tags
from offline.aws_formats import ACCOUNT_ID
from offline.deploy_policy import (
    REQUEST_TAG,
    RESOURCE_TAG,
    arn_format,
    condition_keys,
    fill,
    privilege,
)
from offline.harness import Evaluation, RecordedResource

ACCOUNT = "111122223333"


def resource_region(resource: RecordedResource, ev: Evaluation) -> str:
    """Where AWS receives the calls for a resource: the region of its own ARN (the mocks write ARNs in the region of
    the resource's provider: the stack's, or us-east-1 for the outside check's alarm and topic), else the stack's."""
    arn = str(resource.state.get("arn") or (resource.id if str(resource.id).startswith("arn:") else ""))
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else ev.config.region


def concrete_arns(resource: RecordedResource, ev: Evaluation, account: str) -> list[str]:
    """The ARNs one deployment gives the resource and the resources its inputs name: the mocks' ARNs (AWS's
    formats, offline/mocks.py) in `account`."""
    identifiers: dict[str, str] = {}
    for other in ev.resources:
        for value in (other.id, other.state.get("arn"), other.state.get("name"), other.state.get("repositoryUrl")):
            if isinstance(value, str) and value and "arn" in other.state:
                identifiers.setdefault(value, other.state["arn"])
    values = json.dumps(resource.plain_inputs())
    arns = [resource.state.get("arn")] + [arn for key, arn in identifiers.items() if f'"{key}' in values]
    return [str(arn).replace(ACCOUNT_ID, account) for arn in arns if arn]


def request_arns(action: str, arns: list[str], region: str) -> list[str]:
    """Where AWS authorizes the action on this resource: each of its ARNs that fits a resource type the action
    lists; for a type none fits but one of them names (a bucket's object, a service's deployment), an example of
    it; `*` for an action without resource types."""
    prefix = action.split(":", 1)[0]
    types = [name for name in privilege(action)["resource_types"] if name]
    if not types:
        return ["*"]
    fitting = []
    for name in types:
        pattern = re.escape(fill(arn_format(prefix, name), {}, region, ACCOUNT)).replace(r"\*", "[^:]+")
        fitting += [arn for arn in arns if re.fullmatch(pattern, arn)]
    return fitting


def resource_tags(resource: RecordedResource, ev: Evaluation) -> dict[str, str]:
    """The tags AWS holds for a resource of the evaluated stack: its provider's default tags and its own."""
    own = resource.plain_inputs().get("tags")
    return {**stack_tags(ev.config.project, ev.config.stack), **(own if isinstance(own, dict) else {})}


def tag_context(action: str, resource: RecordedResource, ev: Evaluation) -> dict[str, Any]:
    """The tag keys AWS puts in the request context: the resource's tags (`aws:ResourceTag/<key>`) where the
    reference lists the key for the action or its resource types, except for S3, which evaluates them only on
    buckets with ABAC enabled ("By default, ABAC is disabled for all Amazon S3 general purpose buckets", S3 user
    guide, "Enabling ABAC in general purpose buckets"); the tags a call gives (`aws:RequestTag/<key>`,
    `aws:TagKeys`) where the action takes tags."""
    tags = resource_tags(resource, ev)
    action_keys, resource_keys = condition_keys(action)
    values: dict[str, Any] = {}
    if RESOURCE_TAG in resource_keys and not action.startswith("s3:"):
        values |= {f"aws:ResourceTag/{key}": value for key, value in tags.items()}
    if REQUEST_TAG in action_keys:
        values |= {f"aws:RequestTag/{key}": value for key, value in tags.items()}
        values["aws:TagKeys"] = sorted(tags)
    return values


def context(action: str, resource: RecordedResource, ev: Evaluation) -> dict[str, Any]:
    """The request context AWS evaluates the call with: the resource's region and tags; for a role or a role's policy
    the role's permissions boundary; for a record change its type and name."""
    values: dict[str, Any] = {"aws:RequestedRegion": resource_region(resource, ev), **tag_context(action, resource, ev)}
    roles = [resource] if resource.type == "aws:iam/role:Role" else []
    roles += [r for r in ev.of_type("aws:iam/role:Role") if r.state["name"] == resource.inputs.get("role")]
    for role in roles:
        values["iam:PermissionsBoundary"] = str(role.inputs["permissionsBoundary"]).replace(ACCOUNT_ID, ACCOUNT)
    if action == "iam:PassRole":
        values["iam:PassedToService"] = "*"
    if action == "route53:ChangeResourceRecordSets":
        values["route53:ChangeResourceRecordSetsRecordTypes"] = [resource.inputs["type"]]
        values["route53:ChangeResourceRecordSetsNormalizedRecordNames"] = [str(resource.inputs["name"]).lower()]
    return values
