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
  least one value matches). A key missing from the request makes every other operator false ("If the key that you
  specify in a policy condition is not present in the request context, the values do not match"), except Null.
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
    negate = base in _NEGATED
    match = _SINGLE[_NEGATED.get(base, base)]
    if qualifier == "ForAllValues":
        values = _as_list(context.get(key, []))
        held = all(any(match(str(v), str(w)) for w in wanted) for v in values)
    elif qualifier == "ForAnyValue":
        values = _as_list(context.get(key, []))
        held = any(match(str(v), str(w)) for v in values for w in wanted)
    else:
        if key not in context:
            return negate  # a missing key matches only the negated operators
        values = _as_list(context[key])
        held = any(match(str(v), str(w)) for v in values for w in wanted)
    return not held if negate else held


@functools.cache
def _any_of(patterns: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    """One regex matching what any of the wildcard patterns matches (fnmatch's translation of `*` and `?`)."""
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns), re.IGNORECASE if ignore_case else 0)


def _statement_matches(statement: Mapping[str, Any], request: Request) -> bool:
    actions = tuple(_as_list(statement.get("Action", [])))
    if not _any_of(actions, True).match(request.action):
        return False
    if not _any_of(tuple(_as_list(statement.get("Resource", []))), False).match(request.resource):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, wanted in keys.items():
            if not _condition_holds(operator, key, _as_list(wanted), request.context):
                return False
    return True


def decide(policies: Iterable[Mapping[str, Any]], request: Request) -> str:
    """ALLOW, DENY (an explicit Deny matched) or IMPLICIT_DENY."""
    statements = [s for policy in policies for s in _as_list(policy["Statement"])]
    matching = [s for s in statements if _statement_matches(s, request)]
    if any(s["Effect"] == "Deny" for s in matching):
        return DENY
    return ALLOW if any(s["Effect"] == "Allow" for s in matching) else IMPLICIT_DENY
