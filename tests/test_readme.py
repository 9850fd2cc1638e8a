"""The README is the front door: its generated sections and its commands must match the code and CI."""

from __future__ import annotations

import re

import pytest

from offline.harness import PROJECT_DIR, Evaluation
from scripts.readme_sections import sections
from tests.conftest import evaluate_config

README = (PROJECT_DIR / "README.md").read_text()
CI = (PROJECT_DIR / ".ci" / "run").read_text()


def _newcomer_commands() -> list[str]:
    """The two one-line commands under 'Try it offline'."""
    part = README.split("## Try it offline", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", part, re.S)][:2]


def test_generated_sections_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("offline.harness.evaluate", lambda config: evaluate_config(config))  # the cached dev
    for name, section in sections().items():
        assert section in README, f"README {name} section is stale: run scripts/readme_sections.py --write"


def test_ci_runs_exactly_the_readme_test_command_and_setup() -> None:
    setup, tests = _newcomer_commands()
    assert tests == ".venv/bin/python -m pytest"
    assert CI.rstrip().endswith(tests)
    assert setup.endswith(".venv/bin/python -m offline preview --stack dev")
    assert "pip install --quiet -r requirements-dev.txt -c constraints.txt" in CI


def test_every_output_is_documented(dev: Evaluation) -> None:
    outputs_section = README.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    for name in dev.outputs:
        assert f"`{name}`" in outputs_section, name
