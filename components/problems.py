"""How a component says what is wrong with its arguments: one `Problem` per argument and rule.

Every Args dataclass that can be wrong has `problems()`. A component raises them all at once when code builds it
with bad arguments (`raise_problems`); settings asks for them before anything is created and reports each against
the config key its argument comes from, in the one line format of a config error. The rules live in the component,
once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    """The argument, as a dotted path of Args fields: `port`, `health_check.timeout_seconds`."""
    value: object
    """The value given."""
    allowed: str
    """What is allowed, e.g. `1 to 65535, but not 24224 or 2020 (the log router's)`."""

    def within(self, prefix: str) -> Problem:
        """The same problem seen from the Args that holds this one under `prefix`."""
        return Problem(f"{prefix}.{self.field}", self.value, self.allowed)

    def __str__(self) -> str:
        return f"{self.field} {self.value!r}: allowed {self.allowed}"


def within(prefix: str, problems: Sequence[Problem]) -> list[Problem]:
    return [problem.within(prefix) for problem in problems]


def out_of(field: str, value: int, low: int, high: int) -> list[Problem]:
    """A problem when `value` is not from `low` to `high`."""
    return [] if low <= value <= high else [Problem(field, value, f"{low} to {high}")]


def one_of(field: str, value: object, allowed: Sequence[object]) -> list[Problem]:
    """A problem when `value` is not one of `allowed`."""
    return [] if value in allowed else [Problem(field, value, ", ".join(map(str, allowed)))]


def raise_problems(what: str, problems: Sequence[Problem]) -> None:
    """ValueError naming every problem of a component built in code, e.g. `FirelensService 'api': port 2020: ...`."""
    if problems:
        raise ValueError(f"{what}: " + "; ".join(str(problem) for problem in problems))
