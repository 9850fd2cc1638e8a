"""The policy rules (policy/rules/) run over an offline evaluation: the adapter from recorded resources to the
rules' inputs. It lives here, not in policy/, because the pack runs inside the real engine and never imports
the offline harness."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from offline.harness import RecordedResource, unwrap_secrets
from policy import rules as policy_rules
from policy.rules import PolicyRule, StackResource


class Recorded(Protocol):
    """An offline Evaluation, or anything else that holds recorded resources."""

    @property
    def resources(self) -> Sequence[RecordedResource]: ...


@dataclass(frozen=True)
class Finding:
    rule: str
    enforcement: str  # "mandatory" | "advisory"
    name: str  # the resource's logical name
    urn: str
    message: str


def stack_resources(resources: Iterable[RecordedResource]) -> list[StackResource]:
    """Recorded resources as a stack rule sees them: like CrossGuard's stack view, outputs over inputs."""
    return [
        StackResource(r.type, r.name, r.urn, {**r.plain_inputs(), **unwrap_secrets(r.state)}, tuple(r.dependencies))
        for r in resources
    ]


def evaluate_policies(evaluation: Recorded, rules: Iterable[PolicyRule] | None = None) -> list[Finding]:
    """Every finding of every rule over every resource of an offline evaluation."""
    chosen = list(policy_rules.RULES if rules is None else rules)
    findings: list[Finding] = []
    for resource in evaluation.resources:
        inputs = resource.plain_inputs()
        for rule in chosen:
            for message in rule.check(resource.type, inputs) if rule.check else []:
                findings.append(Finding(rule.name, rule.enforcement, resource.name, resource.urn, message))
    stack = stack_resources(evaluation.resources)
    for rule in chosen:
        for violation in rule.check_stack(stack) if rule.check_stack else []:
            r = violation.resource
            findings.append(Finding(rule.name, rule.enforcement, r.name, r.urn, violation.message))
    return findings
