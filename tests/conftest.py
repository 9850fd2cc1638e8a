"""Shared fixtures: the real program evaluated offline under the AWS mocks (offline/harness.py).

`evaluate_stack("dev", cpu="512")` returns a cached Evaluation; the mocks are configured before the program
runs, so every registration and apply happens. `dev` and `prod` are the stacks as committed;
`evaluate_program("two_services")` evaluates a test program of tests/programs/ instead of `__main__.py`.
"""

from __future__ import annotations

import functools

import pytest

from offline.harness import PROJECT_DIR, Evaluation, evaluate
from offline.stack_config import load_stack_config

PROGRAMS = PROJECT_DIR / "tests" / "programs"

# Every optional path of the program on: partner endpoint, HTTPS, archive KMS key, every task state, the e-mail
# subscription (the dashboard is on by default). For checks that must see every resource type the program can
# create: `evaluate_stack(stack, secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)`.
_KEY_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
ALL_OPTIONS = {
    "captureAllTaskStates": "true",
    "partnerEndpointUrl": "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input",
    "partnerEndpointName": "Datadog",
    "certificateArn": f"arn:aws:acm:ap-northeast-1:123456789012:certificate/{_KEY_ID}",
    "archiveKmsKeyArn": f"arn:aws:kms:ap-northeast-1:123456789012:key/{_KEY_ID}",
    "alertEmail": "oncall@example.com",
}
ALL_OPTION_SECRETS = {"partnerApiKey": "0123456789abcdef"}
# dev with every service knob turned: ARM, enhanced insights, a bigger router, another port.
SERVICE_VARIANT = {
    "cpuArchitecture": "ARM64",
    "containerInsights": "enhanced",
    "logRouterMemoryMiB": "192",
    "appPort": "8080",
}


@functools.lru_cache(maxsize=64)
def _evaluate(stack: str, plain: tuple[tuple[str, str], ...], secret: tuple[tuple[str, str], ...]) -> Evaluation:
    config = load_stack_config(PROJECT_DIR, stack).with_overrides(dict(plain), dict(secret))
    return evaluate(config)


@functools.lru_cache(maxsize=4)
def evaluate_program(name: str) -> Evaluation:
    """Evaluate a test program, tests/programs/<name>.py, with the dev stack's config (region, project)."""
    return evaluate(load_stack_config(PROJECT_DIR, "dev"), program=PROGRAMS / f"{name}.py")


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
