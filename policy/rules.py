"""Policy rules as plain functions over recorded resources (type + wire inputs).

The CrossGuard pack (`policy/__main__.py`) and the tests run the same functions; constructing the pack
starts a policy server, so it lives only in `__main__.py` and this module stays importable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class ResourceLike(Protocol):
    type: str
    name: str
    urn: str

    def plain_inputs(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Finding:
    rule: str
    enforcement: str  # "mandatory" | "advisory"
    name: str  # the resource's logical name
    urn: str
    message: str


# A rule takes a resource's type and plain inputs and returns one message per violation.
Rule = Callable[[str, dict[str, Any]], list[str]]


@dataclass(frozen=True)
class PolicyRule:
    name: str
    description: str
    enforcement: str
    check: Rule


RULES: list[PolicyRule] = []


def evaluate_policies(evaluation: Any, rules: Iterable[PolicyRule] | None = None) -> list[Finding]:
    """Every finding of every rule over every resource of an offline evaluation."""
    findings: list[Finding] = []
    for resource in evaluation.resources:
        inputs = resource.plain_inputs()
        for rule in RULES if rules is None else rules:
            for message in rule.check(resource.type, inputs):
                findings.append(Finding(rule.name, rule.enforcement, resource.name, resource.urn, message))
    return findings
