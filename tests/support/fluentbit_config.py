"""Fluent Bit's classic configuration format, read into sections, for the fast static checks of fluentbit/
(tests/fluentbit/test_fluentbit.py) and for deriving benchmark variants of it (scripts/benchmark.py).

Read as Fluent Bit 1.9 reads it: keys case-insensitive, repeated keys kept in order, one indentation per
section, comments only on lines of their own (Fluent Bit keeps "# text" after a value as part of the value),
`@INCLUDE` kept as an item. How the config behaves is not modelled here: the router runs in the real Fluent
Bit (tests/support/router_harness.py, tests/fluentbit/test_router.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

_SECTION_RE = re.compile(r"^\[(?P<kind>[A-Z_]+)\]$")
_ENV_RE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}


class ConfigError(ValueError):
    """The text is not valid Fluent Bit classic configuration."""


@dataclass(frozen=True)
class Section:
    kind: str  # SERVICE, INPUT, FILTER, OUTPUT, PARSER, ...
    entries: tuple[tuple[str, str], ...]
    line: int

    def all(self, key: str) -> list[str]:
        return [value for name, value in self.entries if name.lower() == key.lower()]

    def get(self, key: str, default: str | None = None) -> str | None:
        values = self.all(key)
        if len(values) > 1:
            raise ConfigError(f"line {self.line}: [{self.kind}] sets {key} {len(values)} times")
        return values[0] if values else default

    def one(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise ConfigError(f"line {self.line}: [{self.kind}] has no {key}")
        return value

    @property
    def name(self) -> str:
        return self.one("Name") if self.kind != "SERVICE" else "service"

    def keys(self) -> set[str]:
        return {name.lower() for name, _ in self.entries}


@dataclass(frozen=True)
class Include:
    path: str
    line: int


@dataclass(frozen=True)
class Config:
    items: tuple[Section | Include, ...]

    @property
    def sections(self) -> list[Section]:
        return [item for item in self.items if isinstance(item, Section)]

    def of_kind(self, kind: str) -> list[Section]:
        return [section for section in self.sections if section.kind == kind]

    def plugin(self, kind: str, name: str) -> list[Section]:
        return [section for section in self.of_kind(kind) if section.name == name]

    def env_references(self) -> set[str]:
        return {m["name"] for s in self.sections for _, value in s.entries for m in _ENV_RE.finditer(value)}

    def resolve_includes(self, load: Callable[[str], Config]) -> Config:
        """The config with each `@INCLUDE path` replaced by the items of `load(path)`, as Fluent Bit reads it."""
        items: list[Section | Include] = []
        for item in self.items:
            items.extend(load(item.path).resolve_includes(load).items if isinstance(item, Include) else [item])
        return Config(tuple(items))


def parse_config(text: str) -> Config:
    items: list[Section | Include] = []
    kind: str | None = None
    start = 0
    indent: str | None = None
    entries: list[tuple[str, str]] = []

    def close() -> None:
        if kind is not None:
            items.append(Section(kind, tuple(entries), start))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@INCLUDE"):
            close()
            kind, entries, indent = None, [], None
            items.append(Include(stripped.split(None, 1)[1], number))
            continue
        if stripped.startswith("@"):
            raise NotImplementedError(f"line {number}: {stripped.split()[0]} is not understood here")
        header = _SECTION_RE.match(line)
        if header:
            close()
            kind, start, entries, indent = header["kind"], number, [], None
            continue
        if kind is None:
            raise ConfigError(f"line {number}: property outside of a section: {stripped!r}")
        leading = line[: len(line) - len(line.lstrip())]
        if not leading:
            raise ConfigError(f"line {number}: properties must be indented: {stripped!r}")
        if indent is None:
            indent = leading
        elif leading != indent:
            raise ConfigError(f"line {number}: indentation differs from the section's first property")
        parts = stripped.split(None, 1)
        if len(parts) != 2:
            raise ConfigError(f"line {number}: {parts[0]} has no value")
        entries.append((parts[0], parts[1]))
    close()
    return Config(tuple(items))


def parse_file(path: Path) -> Config:
    return parse_config(path.read_text())


def expand(value: str, env: Mapping[str, str]) -> str:
    """`${VAR}` references replaced from `env`, as Fluent Bit does when it reads the config."""

    def variable(match: re.Match[str]) -> str:
        if match["name"] not in env:
            raise KeyError(f"{match['name']} is not set")
        return env[match["name"]]

    return _ENV_RE.sub(variable, value)


def flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{value!r} is not a boolean")


def tag_matches(pattern: str, tag: str) -> bool:
    """Fluent Bit's Match: `*` matches any run of characters; the pattern must cover the whole tag
    (src/flb_router.c, router_match). For static checks of which tags a Match takes; tests/fluentbit/test_router.py
    shows the same in the real engine."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), tag) is not None


def render(config: Config) -> str:
    """The config as classic-format text Fluent Bit reads back into the same items (comments are not kept)."""
    blocks: list[str] = []
    for item in config.items:
        if isinstance(item, Include):
            blocks.append(f"@INCLUDE {item.path}\n")
        else:
            width = max((len(key) for key, _ in item.entries), default=0)
            body = "".join(f"    {key.ljust(width)} {value}\n" for key, value in item.entries)
            blocks.append(f"[{item.kind}]\n{body}")
    return "\n".join(blocks)
