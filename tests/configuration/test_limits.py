"""configuration/limits.py: every shared limit and allowed-value set has one home, and the modules the policy pack
imports stay pure (no pulumi_aws, no offline harness)."""

from __future__ import annotations

import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from components.service.firelens_task import ROUTER_HEALTH_CHECK
from configuration.limits import LOG_ROUTER_FORWARD_PORT, LOG_ROUTER_HTTP_PORT, LOG_ROUTER_PORTS
from offline.harness import PROJECT_DIR
from tests.support.fluentbit_config import parse_file

HOME = PROJECT_DIR / "configuration" / "limits.py"
CODE = sorted(
    p for folder in ("components", "configuration", "policy", "offline") for p in (PROJECT_DIR / folder).rglob("*.py")
)


def numbers_in(path: Path) -> set[str]:
    """The number literals of a module's code (not its comments or docstrings)."""
    with path.open("rb") as source:
        return {token.string for token in tokenize.tokenize(source.readline) if token.type == tokenize.NUMBER}


@pytest.mark.parametrize("port", sorted(LOG_ROUTER_PORTS))
def test_the_router_ports_have_one_home(port: int) -> None:
    copies = [path.relative_to(PROJECT_DIR) for path in CODE if path != HOME and str(port) in numbers_in(path)]
    assert copies == []


def test_the_router_listens_where_the_health_check_and_the_policy_look() -> None:
    """fluentbit/ is Fluent Bit's own configuration and cannot import Python: its HTTP_Port must equal the home
    value, which the container health check and the security-group policy use."""
    (service,) = parse_file(PROJECT_DIR / "fluentbit" / "extra.conf").of_kind("SERVICE")
    assert int(service.one("HTTP_Port")) == LOG_ROUTER_HTTP_PORT
    assert f"127.0.0.1:{LOG_ROUTER_HTTP_PORT}/" in str(ROUTER_HEALTH_CHECK["command"])
    assert set(LOG_ROUTER_PORTS) == {LOG_ROUTER_FORWARD_PORT, LOG_ROUTER_HTTP_PORT}


def test_the_policy_pack_imports_only_pure_modules() -> None:
    """The CrossGuard pack runs inside the real engine: its rules must not pull in pulumi_aws or the offline
    harness (design.md), only plain modules such as configuration/limits.py."""
    probe = (
        "import sys, policy.rules, components.network.subnet_sizing\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws', 'offline'))\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
