"""The rules' model (resources, violations, rules, enforcement levels) and the value helpers every rule uses."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

MANDATORY: Final = "mandatory"


ADVISORY: Final = "advisory"


class Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()  # a property whose value the engine does not know yet (preview)


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


def known(value: Any) -> bool:
    return value is not UNKNOWN


def off(flag: Any) -> bool:
    """A flag that must be true and is known not to be (missing counts as off)."""
    return known(flag) and flag is not True


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def number(value: Any) -> int | None:
    """Ports and days arrive as int offline and as float from the engine (protobuf Struct numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def json_input(value: Any, what: str) -> tuple[Any, list[str]]:
    """A JSON-string input parsed: (document, []), (None, []) while unknown or absent, (None, [problem])."""
    if value is None or value == "" or not known(value):
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


PROTECTED_STACKS = frozenset({"prod"})


def protected(resource: StackResource) -> bool:
    return stack_of(resource.urn) in PROTECTED_STACKS


def refers_to(sub: StackResource, key: str, target: StackResource, attribute: str = "arn") -> bool:
    """Whether `sub`'s `key` input names `target`: its `attribute` (the ARN, an id) when both are known, else the
    dependency an Output reference makes (during preview)."""
    value = sub.props.get(key)
    target_value = target.props.get(attribute)
    if isinstance(value, str) and isinstance(target_value, str):
        return value == target_value
    return target.urn in sub.dependencies
