"""A stack's configuration, read the way the Pulumi CLI reads it: Pulumi.yaml defaults, then Pulumi.<stack>.yaml.

Values become the strings the engine hands a Python program (numbers and booleans as text, lists and maps as
JSON). `secure:` values cannot be decrypted offline: they become a placeholder that is marked secret, so
the program sees a secret exactly where a real deployment would, and every printout masks it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-placeholder-secret"


class StackConfigError(Exception):
    """The project or stack file is missing or malformed."""


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]
    secret_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def region(self) -> str:
        return self.values.get("aws:region", "")

    def with_overrides(self, plain: dict[str, str], secret: dict[str, str] | None = None) -> StackConfig:
        """Apply `--config KEY=VALUE` (and secret) overrides; KEY with or without the project namespace."""
        values = dict(self.values)
        secret_keys = set(self.secret_keys)
        for overrides, is_secret in ((plain, False), (secret or {}, True)):
            for key, value in overrides.items():
                full = self.full_key(key)
                values[full] = value
                secret_keys.discard(full)
                if is_secret:
                    secret_keys.add(full)
        return StackConfig(self.project, self.stack, values, frozenset(secret_keys))

    def full_key(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"


def _to_config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


# libyaml's loader where PyYAML was built with it (its wheels are): the pure-Python one takes ~15 ms per file.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> dict[str, Any]:
    """A project or stack file as a mapping (read-only: the result is shared by every caller)."""
    if not path.is_file():
        raise StackConfigError(f"{path.name} not found in {path.parent}")
    return _parse_yaml(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _parse_yaml(path: Path, _mtime_ns: int) -> dict[str, Any]:
    """Parsed once per file version (the modification time is part of the key): the tests load the same three
    files hundreds of times."""
    try:
        loaded = yaml.load(path.read_text(), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        raise StackConfigError(f"{path.name} is not valid YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise StackConfigError(f"{path.name} must be a YAML mapping")
    return loaded


def project_declarations(project_dir: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """The project name and its `config:` declarations (key -> {type, default, description, ...})."""
    project = _load_yaml(project_dir / "Pulumi.yaml")
    name = project.get("name")
    if not isinstance(name, str):
        raise StackConfigError("Pulumi.yaml has no project name")
    declarations = project.get("config") or {}
    return name, {str(k): (v if isinstance(v, dict) else {"default": v}) for k, v in declarations.items()}


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    project, declarations = project_declarations(project_dir)
    values: dict[str, str] = {}
    for key, declaration in declarations.items():
        full = key if ":" in key else f"{project}:{key}"
        for source in ("value", "default"):
            if source in declaration:
                values[full] = _to_config_string(declaration[source])
                break
    stack_file = _load_yaml(project_dir / f"Pulumi.{stack}.yaml")
    secret_keys: set[str] = set()
    for key, value in (stack_file.get("config") or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full] = SECRET_PLACEHOLDER
            secret_keys.add(full)
        else:
            values[full] = _to_config_string(value)
    return StackConfig(project, stack, values, frozenset(secret_keys))


def config_file_values(path: Path) -> dict[str, str]:
    """The plain values of a file in a stack file's shape (`config:` of keys and values), as overrides: an example
    under examples/ set over a stack's own file. Secrets have no place there (they would be in plain text)."""
    values: dict[str, str] = {}
    for key, value in (_load_yaml(path).get("config") or {}).items():
        if isinstance(value, dict) and "secure" in value:
            raise StackConfigError(f"{path.name}: {key} is a secret; set it with --secret instead")
        values[str(key)] = _to_config_string(value)
    return values
