"""An IAM policy evaluator for identity policies, enough to decide what a generated deploy policy allows.

Follows AWS's policy evaluation logic for one principal's identity-based policies ("Policy evaluation logic" and
"Determining whether a request is allowed or denied within an account", IAM user guide): an explicit Deny wins,
otherwise an Allow whose Action, Resource and every Condition match allows, otherwise the request is implicitly
denied. Within a statement, the condition operators are ANDed, and so are the keys under one operator; the values
of one key are ORed. Matching:
- Action: case-insensitive, `*` and `?` wildcards ("IAM JSON policy elements: Action");
- Resource: case-sensitive, `*` and `?` wildcards within and across ARN segments ("IAM JSON policy elements:
  Resource");
- condition operators used by the generated policies (IAM user guide, "IAM JSON policy elements: Condition
  operators"): StringEquals, StringNotEquals, StringLike (case-sensitive, `*` and `?`), ArnEquals / ArnLike (as
  StringLike on the whole ARN), Bool, Null; with the set prefixes ForAllValues: (true when every value of the
  request's key matches one of the condition's values, also when the key is missing or empty) and ForAnyValue: (at
  least one value matches); a negated operator (StringNotEquals, ...) matches a value that matches none of the
  condition's values ("Multivalued context key examples": ForAllValues:StringNotLike matches `key2:audit` and a
  request without the key, not `key1:legal`); the suffix IfExists (true when the key is missing: "If the key is
  not present, evaluate the condition element as true"). A key missing from the request makes every other
  operator false ("If the key that you specify in a policy condition is not present in the request context, the
  values do not match"), except the negated ones, Null and IfExists.
A request is (action, resource ARN, context); the context maps condition keys to a string or a list of strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase, translate
from typing import Any

ALLOW, DENY, IMPLICIT_DENY = "allow", "explicit deny", "implicit deny"


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _like(value: str, pattern: str) -> bool:
    return fnmatchcase(value, pattern)


def _equals(value: str, wanted: str) -> bool:
    return value == wanted


def _bool(value: str, wanted: str) -> bool:
    return value.lower() == wanted.lower()


_SINGLE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": _equals,
    "StringLike": _like,
    "ArnEquals": _equals,
    "ArnLike": _like,
    "Bool": _bool,
}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "ArnNotLike": "ArnLike"}


def _condition_holds(operator: str, key: str, wanted: Sequence[Any], context: Mapping[str, Any]) -> bool:
    if operator == "Null":
        present = key in context and context[key] not in (None, [], "")
        return all(str(w).lower() == ("false" if present else "true") for w in wanted)
    qualifier, _, base = operator.rpartition(":")
    if base.endswith("IfExists"):
        if key not in context:
            return True
        base = base.removesuffix("IfExists")
    negate = base in _NEGATED
    match = _SINGLE[_NEGATED.get(base, base)]

    def value_matches(value: Any) -> bool:
        """A negated operator matches a value that matches none of the wanted ones."""
        held = any(match(str(value), str(w)) for w in wanted)
        return not held if negate else held

    if qualifier == "ForAllValues":
        return all(value_matches(v) for v in _as_list(context.get(key, [])))
    if qualifier == "ForAnyValue":
        return any(value_matches(v) for v in _as_list(context.get(key, [])))
    if key not in context:
        return negate  # a missing key matches only the negated operators
    values = _as_list(context[key])
    return all(value_matches(v) for v in values) if negate else any(value_matches(v) for v in values)


@functools.cache
def _any_of(patterns: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    """One regex matching what any of the wildcard patterns matches (fnmatch's translation of `*` and `?`); none
    when there is no pattern (a statement without Action or Resource matches no request)."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns), re.IGNORECASE if ignore_case else 0)


@dataclass(frozen=True)
class _Statement:
    """A statement made ready to match: its actions and resources as one pattern each."""

    effect: str
    actions: re.Pattern[str]
    resources: re.Pattern[str]
    conditions: tuple[tuple[str, str, tuple[Any, ...]], ...]  # (operator, key, values)

    @classmethod
    def of(cls, statement: Mapping[str, Any]) -> _Statement:
        conditions = tuple(
            (operator, key, tuple(_as_list(wanted)))
            for operator, keys in statement.get("Condition", {}).items()
            for key, wanted in keys.items()
        )
        return cls(
            statement["Effect"],
            _any_of(tuple(_as_list(statement.get("Action", []))), True),
            _any_of(tuple(_as_list(statement.get("Resource", []))), False),
            conditions,
        )

    def matches(self, request: Request) -> bool:
        return (
            self.actions.match(request.action) is not None
            and self.resources.match(request.resource) is not None
            and all(_condition_holds(op, key, wanted, request.context) for op, key, wanted in self.conditions)
        )


def evaluator(policies: Iterable[Mapping[str, Any]]) -> Callable[[Request], str]:
    """`decide` for these policies, with their statements prepared once (for many requests)."""
    statements = [_Statement.of(s) for policy in policies for s in _as_list(policy["Statement"])]

    def decide_request(request: Request) -> str:
        matching = [s.effect for s in statements if s.matches(request)]
        if "Deny" in matching:
            return DENY
        return ALLOW if "Allow" in matching else IMPLICIT_DENY

    return decide_request


def decide(policies: Iterable[Mapping[str, Any]], request: Request) -> str:
    """ALLOW, DENY (an explicit Deny matched) or IMPLICIT_DENY."""
    return evaluator(policies)(request)
