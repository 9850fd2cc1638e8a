"""`python -m ops verify`: run the checks of ops/checks.py against a deployed stack and report them.

Each check says what it is about when it starts and, while it waits, that it still waits; then one table (check,
result, seconds, where to look) and, for each failed check, what it saw and the next step (docs/operations.md,
"Verify a deploy", has the same rows). `verify()` returns the results; the exit code is the CLI's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ops.aws import AWS_ERRORS, describe
from ops.checks import CHECKS, FAIL, Check, Outcome, Run


@dataclass(frozen=True)
class Result:
    check: Check
    outcome: Outcome
    seconds: float


def verify(run: Run, checks: Sequence[Check] = CHECKS) -> list[Result]:
    results = []
    for number, check in enumerate(checks, start=1):
        run.say(f"[{number}/{len(checks)}] {check.name}: {check.proves}")
        start = time.monotonic()
        try:
            outcome = check.run(run)
        except AWS_ERRORS as error:
            outcome = Outcome(FAIL, f"AWS refused a call: {describe(error)}")
        seconds = time.monotonic() - start
        run.say(f"    {outcome.status} ({seconds:.0f} s): {outcome.detail}")
        results.append(Result(check, outcome, seconds))
    return results


def report(results: Sequence[Result], say: Callable[[str], None] = print) -> None:
    """The table of results, then what each failure saw and the next step."""
    rows = [("check", "result", "seconds", "where to look")]
    rows += [(r.check.name, r.outcome.status, f"{r.seconds:.0f}", r.outcome.where or "-") for r in results]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    say("")
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    for result in results:
        if result.outcome.status == FAIL:
            say("")
            say(f"{result.check.name} FAILED: {result.outcome.detail}")
            say(f'  next: {result.check.next_step} (docs/operations.md, "Verify a deploy")')


def passed(results: Sequence[Result]) -> bool:
    return all(result.outcome.status != FAIL for result in results)
