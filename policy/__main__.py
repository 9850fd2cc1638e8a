"""The CrossGuard policy pack: every rule of `policy/rules/`, for `pulumi preview|up --policy-pack policy`.

The Pulumi CLI starts this file as `python -m pulumi.policy <engine> <this directory>` with the interpreter of
the virtualenv that PulumiPolicy.yaml names (the project's `.venv`, which has pulumi-policy from
`policy/requirements.txt`). Constructing the PolicyPack starts the analyzer's gRPC server and never returns,
so it happens only when this file runs as the program; importing it (as the tests do) only builds the
policies, which the tests then drive through the SDK's own analyzer.

What the engine hands a policy, checked against pulumi-policy 1.21's source: the resource's properties under
their wire names (camelCase, exactly what the offline harness records), inside proxies that raise
`UnknownValueError` on a value not known during preview; numbers as floats (they travel as a protobuf
Struct); secrets already opened. `plain()` turns that into what the rules expect: dicts and lists, ints
where the number is whole, and `UNKNOWN` for unknown values. Resource policies see inputs; stack policies see
every resource's outputs (inputs included) and dependencies.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# The CLI puts only this directory on sys.path; the rules are imported as the repository's `policy` package.
_REPOSITORY = str(Path(__file__).resolve().parent.parent)
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

from pulumi_policy import (  # noqa: E402
    EnforcementLevel,
    Policy,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError  # noqa: E402

from policy.rules import ADVISORY, MANDATORY, RULES, UNKNOWN, PolicyRule, Rule, StackResource, StackRule  # noqa: E402

PACK_NAME = "httpd-firelens-guardrails"
ENFORCEMENT = {MANDATORY: EnforcementLevel.MANDATORY, ADVISORY: EnforcementLevel.ADVISORY}


def _read(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except UnknownValueError:
        return UNKNOWN


def plain(value: Any) -> Any:
    """The SDK's property proxies as plain data: dicts, lists, whole floats as ints, unknowns as UNKNOWN."""
    if isinstance(value, Mapping):
        return {str(key): plain(_read(value, key)) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(_read(value, index)) for index in range(len(value))]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def resource_policy(rule: PolicyRule, check: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in check(args.resource_type, plain(args.props)):
            report_violation(message, None)

    return ResourceValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=ENFORCEMENT[rule.enforcement]
    )


def stack_policy(rule: PolicyRule, check: StackRule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [
            StackResource(r.resource_type, r.name, r.urn, plain(r.props), tuple(d.urn for d in r.dependencies))
            for r in args.resources
        ]
        for violation in check(resources):
            report_violation(violation.message, violation.resource.urn)

    return StackValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=ENFORCEMENT[rule.enforcement]
    )


def policies(rules: Sequence[PolicyRule] | None = None) -> list[Policy]:
    """One CrossGuard policy per rule (default: every rule), with its name, description and enforcement."""
    built: list[Policy] = []
    for rule in RULES if rules is None else rules:
        if rule.check is not None:
            built.append(resource_policy(rule, rule.check))
        elif rule.check_stack is not None:
            built.append(stack_policy(rule, rule.check_stack))
    return built


if __name__ == "__main__":
    PolicyPack(name=PACK_NAME, policies=policies(), enforcement_level=EnforcementLevel.MANDATORY)
