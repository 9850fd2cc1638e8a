"""The README is the front door: its generated sections and its commands must match the code and CI."""

from __future__ import annotations

import re

import pytest

from offline.harness import PROJECT_DIR, Evaluation
from scripts.doc_sections import README as README_DOCUMENT
from scripts.doc_sections import sections
from tests.conftest import evaluate_config, evaluate_program

README = (PROJECT_DIR / "README.md").read_text()
CI = (PROJECT_DIR / ".ci" / "run").read_text()


def _newcomer_commands() -> list[str]:
    """The two one-line commands under 'Try it offline'."""
    part = README.split("## Try it offline", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", part, re.S)][:2]


def test_generated_sections_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("offline.harness.evaluate", lambda config: evaluate_config(config))  # the cached dev
    for name, section in sections(README_DOCUMENT).items():
        assert section in README, f"README {name} section is stale: run scripts/doc_sections.py --write"


def test_ci_runs_exactly_the_readme_test_command_and_setup() -> None:
    setup, tests = _newcomer_commands()
    assert tests == ".venv/bin/python -m pytest"
    assert CI.rstrip().endswith(tests)
    assert setup.endswith(".venv/bin/python -m offline preview --stack dev")
    assert "pip install --quiet -r requirements-dev.txt -c constraints.txt" in CI


def test_every_output_is_documented(dev: Evaluation, prod: Evaluation) -> None:
    outputs_section = README.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    for name in {*dev.outputs, *prod.outputs}:
        assert f"`{name}`" in outputs_section, name


def test_the_second_service_example_works_as_written() -> None:
    """The README's example, run after `__main__.py`, adds a service with its own rule before httpd's on the same
    listener, its own target group and alarms, and the policy pack finds nothing wrong with it."""
    from offline.policy_findings import evaluate_policies

    ev = evaluate_program("readme_second_service")
    component = ev.one("httpd-firelens:service:FirelensService", "api")
    rules = {r.name: r for r in ev.of_type("aws:lb/listenerRule:ListenerRule")}
    assert set(rules) == {"httpd-rule", "api-rule"}
    assert rules["api-rule"].parent == component.urn
    assert rules["api-rule"].inputs["listenerArn"] == rules["httpd-rule"].inputs["listenerArn"]
    assert rules["api-rule"].inputs["priority"] < rules["httpd-rule"].inputs["priority"]
    assert ev.one("httpd-firelens:monitoring:ServiceAlarms", "api-alarms").parent == component.urn
    assert [f for f in evaluate_policies(ev) if f.enforcement == "mandatory"] == []


def test_the_security_section_gives_each_control_its_threat_cost_and_off_switch() -> None:
    """One table, one row per control in a stable order (HTTPS and WAF first; the archive controls follow), each with
    what it protects against, a monthly cost in dollars and how to turn it off where that is allowed."""
    section = README.split("\n## Security\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| **")]
    assert [row.split("**")[1] for row in rows][:2] == ["HTTPS", "WAF"]
    for row in rows:
        control, threat, cost, off = row.strip("|").split(" | ")
        assert threat and "$" in cost and off, control


def test_the_readme_says_to_replace_prods_example_domain() -> None:
    """Pulumi.prod.yaml carries documentation values (a domain under example.com, a zone id saying EXAMPLE) so that the
    offline preview runs; the README names them and tells the user to replace them before deploying prod."""
    prod = (PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    domain = re.search(r"httpd-firelens:domainName: (\S+)", prod)
    zone = re.search(r"httpd-firelens:hostedZoneId: (\S+)", prod)
    assert domain and zone
    assert domain.group(1).endswith(".example.com") and "EXAMPLE" in zone.group(1)
    deploy = README.split("### First deploy", 1)[1].split("\n### ", 1)[0]
    assert f"`domainName: {domain.group(1)}`" in deploy and f"`hostedZoneId: {zone.group(1)}`" in deploy
    assert "replace the example domain" in deploy
