"""Shared fixtures: the real program evaluated offline under the AWS mocks (offline/harness.py).

`evaluate_stack("dev", logRetentionDays="30")` returns an Evaluation cached by the effective configuration (an
override equal to the stack's own value is no new evaluation); the mocks are configured before the program runs, so
every registration and apply happens. `dev` and `prod` are the stacks as committed; `evaluate_example(name, stack)`
sets an example of examples/ over a stack; `evaluate_program("duplicate_urn")` evaluates a test program of
tests/programs/ instead of `__main__.py`. The `cached_cli` fixture makes the offline CLI (`python -m offline`, run
in-process) use the same cache.

Speed: the suite runs on two pytest-xdist workers (pyproject.toml), which share their evaluations through files in
the run's temporary directory; the files that evaluate the same configurations run on one worker
(_EVALUATING_TOGETHER). An evaluation allocates hundreds of thousands of small objects, and the cyclic garbage
collector rescans every long-lived one (the imported SDKs) each time it runs. After the first evaluation has
imported everything, those objects are frozen out of the collector's view and the young generation is allowed to
grow larger before a collection; at the end everything is frozen, so the last collection at exit has nothing to
walk (scripts/benchmark.py measures the suite).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from offline import collect_less_often, skip_the_last_collection
from offline.harness import PROJECT_DIR, Evaluation, evaluate
from offline.stack_config import StackConfig, config_file_values, load_stack_config

PROGRAMS = PROJECT_DIR / "tests" / "programs"
EXAMPLES = PROJECT_DIR / "examples"

# The few configurations the tests evaluate besides the committed stacks. Every distinct configuration costs an
# evaluation, so a test that needs a setting changed uses one of these (its assertions relate what it checks to
# the configuration's value, so the other settings of the variant do not matter) instead of a new one.
_KEY_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
DATADOG = "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input"
# The domain and hosted zone prod's stack file carries as examples (documentation-safe values).
DOMAIN = {"domainName": "app.example.com", "hostedZoneId": "Z0EXAMPLE0123456789AB"}
# Every optional path of the program on: partner endpoint, HTTPS with a domain (certificate, validation and alias
# records), the WAF with another rate limit, two ingress CIDRs, archive KMS key, every task state, the e-mail
# subscription (the dashboard is on by default). For checks that must see every resource type the program can
# create: `evaluate_stack(stack, secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)`.
ALL_OPTIONS = {
    "captureAllTaskStates": "true",
    "partnerEndpointUrl": DATADOG,
    "partnerEndpointName": "Datadog",
    **DOMAIN,
    "waf": "true",
    "wafRateLimit": "500",
    "ingressCidrs": '["203.0.113.0/24", "198.51.100.0/24"]',
    # The outside check needs the ALB open to everyone (Route 53's checkers): prod as committed has it.
    "outsideCheck": "false",
    "archiveKmsKeyArn": f"arn:aws:kms:ap-northeast-1:123456789012:key/{_KEY_ID}",
    "alertEmail": "oncall@example.com",
}
ALL_OPTION_SECRETS = {"partnerApiKey": "0123456789abcdef"}
# dev with stop events to a partner endpoint only, buffering at the HTTP endpoint's limits.
PARTNER = {
    "partnerEndpointUrl": DATADOG,
    "partnerEndpointName": "Datadog",
    "firehoseBufferSizeMiB": "64",
    "firehoseBufferIntervalSeconds": "900",
}
PARTNER_SECRETS = {"partnerApiKey": "dd-offline-partner-key-5f1c9a"}
# dev with every service knob turned: ARM, enhanced insights, a bigger router, another port and health check, a
# writable root filesystem with other writable paths; the S3 archives' largest buffer with no interval; and HTTPS
# with a certificate the user manages (certificateArn).
CERTIFICATE_ARN = f"arn:aws:acm:ap-northeast-1:123456789012:certificate/{_KEY_ID}"
SERVICE_VARIANT = {
    "certificateArn": CERTIFICATE_ARN,
    "cpuArchitecture": "ARM64",
    "containerInsights": "enhanced",
    "logRouterMemoryMiB": "192",
    "services": json.dumps(
        {
            "httpd": {
                "port": 8080,
                "healthCheck": {
                    "path": "/healthz",
                    "intervalSeconds": 15,
                    "timeoutSeconds": 6,
                    "healthyThreshold": 3,
                    "unhealthyThreshold": 4,
                    "matcher": "200-299",
                },
                "readOnlyRootFilesystem": False,
                "writablePaths": ["/tmp", "/var/run"],
            }
        }
    ),
    "firehoseBufferSizeMiB": "128",
    "firehoseBufferIntervalSeconds": "0",
}
# dev with the pipeline's knobs turned: one NAT gateway and VPC flow logs, account-wide stop capture, no dashboard,
# other alarm thresholds and task counts, a KMS key, shorter expiration, the smallest buffer with the longest
# interval, an e-mail subscription and another aws-for-fluent-bit version; the archives locked (Object Lock), so not
# force-destroyed, and noncurrent versions kept for another number of days.
PIPELINE_VARIANT = {
    "natGateways": "single",
    "flowLogs": "true",
    "stopEventScope": "account",
    "dashboard": "false",
    "alarmDeliveryFreshnessSeconds": "1200",
    "alarmEvaluationMinutes": "3",
    "alarmTarget5xxPerMinute": "50",
    "services": json.dumps({"httpd": {"minCount": 2, "desiredCount": 2}}),
    "archiveKmsKeyArn": "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "archiveExpirationDays": "7",
    "archiveNoncurrentVersionDays": "3",
    "archiveObjectLockDays": "7",  # the longest lock the expiration allows; a lock needs forceDestroy off
    "forceDestroy": "false",
    "firehoseBufferSizeMiB": "1",
    "firehoseBufferIntervalSeconds": "900",
    "alertEmail": "ops@example.com",
    "fluentBitVersion": "2.32.0",
}


_ConfigKey = tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]
_EVALUATIONS: dict[_ConfigKey, Evaluation] = {}


def _key(config: StackConfig) -> _ConfigKey:
    return config.project, config.stack, tuple(sorted(config.values.items())), tuple(sorted(config.secret_keys))


_SHARED: list[Path] = []  # where this run's xdist workers share their evaluations (set once per worker)


@pytest.fixture(scope="session", autouse=True)
def _share_evaluations(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under pytest-xdist, the workers' temporary directories have one parent for the run (pytest removes old runs'):
    an evaluation one worker made is read by the others instead of made again."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        _SHARED.append(tmp_path_factory.getbasetemp().parent / "evaluations")


def _evaluate_shared(config: StackConfig, key: _ConfigKey) -> Evaluation:
    """An evaluation another worker of this run already made, or a new one that the others may read."""
    if not _SHARED:
        return evaluate(config)
    shared = _SHARED[0]
    path = shared / hashlib.sha256(repr(key).encode()).hexdigest()
    if path.is_file():
        found: Evaluation = pickle.loads(path.read_bytes())
        return found
    evaluation = evaluate(config)
    shared.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}")
    partial.write_bytes(pickle.dumps(evaluation))
    partial.replace(path)  # atomic: a reader never sees half a file
    return evaluation


def evaluate_config(config: StackConfig) -> Evaluation:
    """`offline.harness.evaluate`, once per effective configuration (and per test run, across xdist's workers)."""
    key = _key(config)
    if key not in _EVALUATIONS:
        first = not _EVALUATIONS
        _EVALUATIONS[key] = _evaluate_shared(config, key)
        if first:  # everything is imported now: keep it out of the collector's work
            gc.freeze()
            collect_less_often()
    return _EVALUATIONS[key]


@pytest.fixture
def cached_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline CLI's `main()` evaluates through the cache (its own behaviour is what the test checks)."""
    monkeypatch.setattr("offline.__main__.evaluate", evaluate_config)


@functools.lru_cache(maxsize=4)
def evaluate_program(name: str, stack: str = "dev", overrides: tuple[tuple[str, str], ...] = ()) -> Evaluation:
    """Evaluate a test program, tests/programs/<name>.py, with a committed stack's config (dev's by default; region,
    project and what the program reads of it) and config overrides (`(key, value)` pairs, key without namespace)."""
    return evaluate(_stack_config(stack).with_overrides(dict(overrides), None), program=PROGRAMS / f"{name}.py")


def evaluate_stack(stack: str, secrets: dict[str, str] | None = None, **overrides: str) -> Evaluation:
    """Evaluate a committed stack with config overrides (`key=value`, key without namespace)."""
    return evaluate_config(_stack_config(stack).with_overrides(overrides, secrets))


def evaluate_example(name: str, stack: str) -> Evaluation:
    """A committed stack with an example of examples/ set over it, as `--config-file examples/<name>.yaml` does."""
    return evaluate_config(_stack_config(stack).with_overrides(config_file_values(EXAMPLES / f"{name}.yaml")))


def services_with(stack: str, name: str = "httpd", **keys: object) -> str:
    """A committed stack's `services` value (JSON) with these keys set in one entry: an override that changes one
    service and keeps the rest as the stack file has them."""
    config = _stack_config(stack)
    services = json.loads(config.values[config.full_key("services")])
    services[name] = {**services.get(name, {}), **keys}
    return json.dumps(services)


@functools.cache
def _stack_config(stack: str) -> StackConfig:
    return load_stack_config(PROJECT_DIR, stack)


@pytest.fixture(scope="session")
def dev() -> Evaluation:
    return evaluate_stack("dev")


@pytest.fixture(scope="session")
def prod() -> Evaluation:
    return evaluate_stack("prod")


@pytest.fixture(scope="session", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> Evaluation:
    return evaluate_stack(request.param)


# Test files that evaluate the same whole-stack configurations, which run on one xdist worker: each of those
# configurations is then evaluated once per run rather than once on each worker that needs it.
_EVALUATING_TOGETHER = {
    "tests/offline/test_deploy_policy.py": "every config variant",
    "tests/offline/test_adopting.py": "every config variant",
    "tests/project/test_invariants.py": "every config variant",
    "tests/offline/test_offline.py": "the examples",
    "tests/project/test_docs.py": "the examples",
    "tests/service/test_service_examples.py": "the examples",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile` (pyproject.toml), with the files of each _EVALUATING_TOGETHER group as one unit of work."""
    if config.getvalue("dist") != "loadfile":
        return None
    moved = [path for path in _EVALUATING_TOGETHER if not (PROJECT_DIR / path).is_file()]
    if moved:  # a renamed file would silently run apart from its group again
        raise pytest.UsageError(f"tests/conftest.py _EVALUATING_TOGETHER names no such file: {', '.join(moved)}")
    from xdist.scheduler import LoadFileScheduling

    class SharedEvaluationScheduling(LoadFileScheduling):  # type: ignore[misc]  # xdist ships no type hints
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return _EVALUATING_TOGETHER.get(path, path)

    return SharedEvaluationScheduling(config, log)


def pytest_unconfigure() -> None:
    """Each worker holds its evaluations until it exits."""
    skip_the_last_collection()
