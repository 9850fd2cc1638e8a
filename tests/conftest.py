"""Shared fixtures: the real program evaluated offline under the AWS mocks (offline/harness.py).

`evaluate_stack("dev", cpu="512")` returns a cached Evaluation; the mocks are configured before the program
runs, so every registration and apply happens. `dev` and `prod` are the stacks as committed.
"""

from __future__ import annotations

import functools

import pytest

from offline.harness import PROJECT_DIR, Evaluation, evaluate
from offline.stack_config import load_stack_config


@functools.lru_cache(maxsize=64)
def _evaluate(stack: str, plain: tuple[tuple[str, str], ...], secret: tuple[tuple[str, str], ...]) -> Evaluation:
    config = load_stack_config(PROJECT_DIR, stack).with_overrides(dict(plain), dict(secret))
    return evaluate(config)


def evaluate_stack(stack: str, secrets: dict[str, str] | None = None, **overrides: str) -> Evaluation:
    """Evaluate a committed stack with config overrides (`key=value`, key without namespace)."""
    return _evaluate(stack, tuple(sorted(overrides.items())), tuple(sorted((secrets or {}).items())))


@pytest.fixture(scope="session")
def dev() -> Evaluation:
    return evaluate_stack("dev")


@pytest.fixture(scope="session")
def prod() -> Evaluation:
    return evaluate_stack("prod")


@pytest.fixture(scope="session", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> Evaluation:
    return evaluate_stack(request.param)
