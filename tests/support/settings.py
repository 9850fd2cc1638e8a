"""The settings of a committed stack with config overrides, read under the mocks as the program reads them before
creating anything (configuration/settings.py); a ConfigError lists every problem."""

from __future__ import annotations

from configuration.settings import Settings, load_settings
from offline.harness import PROJECT_DIR
from offline.mocks import AwsMocks
from offline.pulumi_runtime import start_mock_runtime
from offline.stack_config import load_stack_config


def load(stack: str = "dev", secrets: dict[str, str] | None = None, **overrides: str) -> Settings:
    config = load_stack_config(PROJECT_DIR, stack).with_overrides(overrides, secrets)
    start_mock_runtime(
        AwsMocks(config.region, PROJECT_DIR), config.project, config.stack, config.values, config.secret_keys
    )
    return load_settings()
