"""Fluent Bit's classic configuration format, read into sections, and a model of the parts of Fluent Bit 1.9
that fluentbit/extra.conf relies on, so tests can run records through the routing as Fluent Bit would.

Modelled, as read in Fluent Bit's sources:
- sections: keys case-insensitive, repeated keys kept in order, one indentation per section, comments only
  on lines of their own (Fluent Bit keeps "# text" after a value as part of the value), `@INCLUDE`;
- tag matching: `*` matches any run of characters and the pattern covers the whole tag (src/flb_router.c);
- Onigmo named groups, converted to Python's;
- filters: record_modifier (Record appends, Remove_key removes every occurrence), parser (regex format;
  Key_Name, Preserve_Key, Reserve_Data; Time_Key/Time_Format/Time_Keep; Types integer with atoll's
  semantics; empty and non-participating captures skipped), rewrite_tag (first matching rule wins; a rule
  only matches a string value, the last occurrence of its key; the new record re-enters the pipeline at the
  first filter, src/flb_ra_key.c and plugins/filter_rewrite_tag);
- outputs: which records each one receives, and kinesis_firehose's time_key.
Any other plugin or setting that could change routing raises NotImplementedError: the model never quietly
ignores what it does not understand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Pairs = tuple[tuple[str, Any], ...]  # a record's map, in order; duplicates kept (msgpack maps allow them)

_SECTION_RE = re.compile(r"^\[(?P<kind>[A-Z_]+)\]$")
_ENV_RE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}
MAX_REEMISSIONS = 8  # deeper than any sane pipeline: a record re-emitted more often is a routing cycle


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
            raise NotImplementedError(f"line {number}: {stripped.split()[0]} is not modelled")
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
    """Fluent Bit's Match: `*` matches any run of characters; the pattern must cover the whole tag."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), tag) is not None


def onigmo_to_python(pattern: str) -> str:
    """A Ruby-syntax (Onigmo) regex as Python `re` reads it: `(?<name>` becomes `(?P<name>`. Constructs the
    two engines read differently are refused rather than translated wrongly."""
    for construct in (r"\h", r"\H", r"\k<", r"\g<", "(?~", r"\A", r"\z", r"\Z"):
        if construct in pattern:
            raise NotImplementedError(f"{construct} differs between Onigmo and Python")
    if pattern.startswith("/"):
        raise NotImplementedError("/pattern/options syntax is not modelled")
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)


def _atoll(text: str) -> int:
    """C's atoll: the leading optional sign and digits, 0 when there are none ("-" becomes 0)."""
    match = re.match(r"\s*([+-]?[0-9]+)", text)
    return int(match.group(1)) if match else 0


def flb_strftime(fmt: str, when: datetime) -> str:
    """strftime of the UTC time (the aws outputs format gmtime), plus their `%3N` (milliseconds)."""
    utc = when.astimezone(UTC) if when.tzinfo else when
    return utc.strftime(fmt.replace("%3N", f"{utc.microsecond // 1000:03d}"))


def _key_value(text: str) -> tuple[str, str]:
    key, _, value = text.partition(" ")
    return key, value.strip()


# --- parsers ---------------------------------------------------------------------------------------------

_PARSER_KEYS = {"name", "format", "regex", "time_key", "time_format", "time_keep", "types"}


@dataclass(frozen=True)
class RegexParser:
    name: str
    regex: re.Pattern[str]
    time_key: str | None
    time_format: str | None
    time_keep: bool
    integer_keys: frozenset[str]

    @classmethod
    def from_section(cls, section: Section) -> RegexParser:
        unknown = section.keys() - _PARSER_KEYS
        if unknown:
            raise NotImplementedError(f"parser {section.name}: {sorted(unknown)} not modelled")
        if section.one("Format") != "regex":
            raise NotImplementedError(f"parser {section.name}: only the regex format is modelled")
        integer_keys: set[str] = set()
        for declaration in (section.get("Types") or "").split():
            key, _, kind = declaration.partition(":")
            if kind != "integer":
                raise NotImplementedError(f"parser {section.name}: type {kind!r} is not modelled")
            integer_keys.add(key)
        return cls(
            name=section.name,
            regex=re.compile(onigmo_to_python(section.one("Regex"))),
            time_key=section.get("Time_Key"),
            time_format=section.get("Time_Format"),
            time_keep=flag(section.get("Time_Keep") or "off"),
            integer_keys=frozenset(integer_keys),
        )

    def parse(self, text: str) -> tuple[Pairs, datetime | None] | None:
        """The fields and the parsed time of `text`, or None when the regex does not match (the parser
        searches, it does not require a match at position 0: anchors are the regex's business)."""
        match = self.regex.search(text)
        if match is None:
            return None
        fields: list[tuple[str, Any]] = []
        parsed_time: datetime | None = None
        for key, value in match.groupdict().items():
            if not value:  # non-participating and empty captures are skipped (Skip_Empty_Values default)
                continue
            if self.time_format and key == (self.time_key or "time"):
                parsed_time = datetime.strptime(value, self.time_format)
                if not self.time_keep:
                    continue
            fields.append((key, _atoll(value) if key in self.integer_keys else value))
        return tuple(fields), parsed_time


def load_parsers(config: Config) -> dict[str, RegexParser]:
    return {section.name: RegexParser.from_section(section) for section in config.of_kind("PARSER")}


# --- the pipeline ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    tag: str
    time: datetime
    pairs: Pairs
    emissions: int = 0  # how many times rewrite_tag re-emitted it

    def values(self, key: str) -> list[Any]:
        return [value for name, value in self.pairs if name == key]

    def last(self, key: str) -> Any:
        """The value record accessors see: they search the map from its end (src/flb_ra_key.c)."""
        values = self.values(key)
        return values[-1] if values else None


@dataclass(frozen=True)
class Delivery:
    output: str
    tag: str
    payload: Pairs  # the keys and values the destination receives, in order


_Filter = Callable[[Record], tuple[Record | None, list[Record]]]


@dataclass
class Pipeline:
    """Inputs are not modelled: `ingest` hands a record with its tag to the filters, in config order."""

    config: Config
    parsers: Mapping[str, RegexParser]
    env: Mapping[str, str]
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._filters = [(s.one("Match"), self._filter(s)) for s in self.config.of_kind("FILTER")]
        for section in self.config.of_kind("FILTER") + self.config.of_kind("OUTPUT"):
            if section.get("Match_Regex") is not None:
                raise NotImplementedError("Match_Regex is not modelled")

    def ingest(self, tag: str, time: datetime, pairs: Pairs) -> None:
        queue = [Record(tag, time, pairs)]
        while queue:
            record = queue.pop(0)
            if record.emissions > MAX_REEMISSIONS:
                raise RecursionError(f"record re-emitted {record.emissions} times: a routing cycle ({record.tag})")
            survivor, emitted = self._run_filters(record)
            queue.extend(emitted)
            if survivor is not None:
                self._route(survivor)

    def received(self, output: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.output == output]

    def _run_filters(self, record: Record) -> tuple[Record | None, list[Record]]:
        emitted: list[Record] = []
        current: Record | None = record
        for match, apply in self._filters:
            if current is None:
                break
            if tag_matches(match, current.tag):
                current, new = apply(current)
                emitted.extend(new)
        return current, emitted

    def _route(self, record: Record) -> None:
        for section in self.config.of_kind("OUTPUT"):
            if tag_matches(section.one("Match"), record.tag):
                self.deliveries.append(Delivery(section.name, record.tag, self._payload(section, record)))

    def _payload(self, section: Section, record: Record) -> Pairs:
        if section.get("log_key") is not None:
            raise NotImplementedError("log_key is not modelled")
        time_key = section.get("time_key")
        if section.name == "kinesis_firehose" and time_key is not None:
            fmt = section.get("time_key_format") or "%Y-%m-%dT%H:%M:%S"
            return (*record.pairs, (time_key, flb_strftime(fmt, record.time)))
        return record.pairs

    # --- filters -----------------------------------------------------------------------------------------

    def _filter(self, section: Section) -> _Filter:
        builders: dict[str, Callable[[Section], _Filter]] = {
            "record_modifier": self._record_modifier,
            "parser": self._parser,
            "rewrite_tag": self._rewrite_tag,
        }
        if section.name not in builders:
            raise NotImplementedError(f"filter {section.name} is not modelled")
        return builders[section.name](section)

    @staticmethod
    def _only(section: Section, keys: set[str]) -> None:
        unknown = section.keys() - keys - {"name", "match"}
        if unknown:
            raise NotImplementedError(f"{section.name}: {sorted(unknown)} not modelled")

    def _record_modifier(self, section: Section) -> _Filter:
        self._only(section, {"record", "remove_key"})
        additions = tuple(_key_value(expand(v, self.env)) for v in section.all("Record"))
        removals = {key.lower() for key in section.all("Remove_key")}

        def apply(record: Record) -> tuple[Record | None, list[Record]]:
            kept = tuple((k, v) for k, v in record.pairs if k.lower() not in removals)
            return replace(record, pairs=kept + additions), []

        return apply

    def _parser(self, section: Section) -> _Filter:
        self._only(section, {"key_name", "parser", "preserve_key", "reserve_data"})
        key = section.one("Key_Name")
        parser = self.parsers[section.one("Parser")]
        preserve = flag(section.get("Preserve_Key") or "off")
        reserve = flag(section.get("Reserve_Data") or "off")

        def apply(record: Record) -> tuple[Record | None, list[Record]]:
            value = next((v for k, v in record.pairs if k == key), None)
            result = parser.parse(value) if isinstance(value, str) else None
            if result is None:
                return record, []
            fields, parsed_time = result
            kept = tuple((k, v) for k, v in record.pairs if (reserve and k != key) or (preserve and k == key))
            return replace(record, pairs=kept + fields, time=parsed_time or record.time), []

        return apply

    def _rewrite_tag(self, section: Section) -> _Filter:
        self._only(section, {"rule", "emitter_name", "emitter_storage.type", "emitter_mem_buf_limit"})
        rules = [parse_rule(rule) for rule in section.all("Rule")]

        def apply(record: Record) -> tuple[Record | None, list[Record]]:
            for rule in rules:
                if rule.matches(record):
                    copy = Record(rule.new_tag(record.tag), record.time, record.pairs, record.emissions + 1)
                    return (record if rule.keep else None), [copy]
            return record, []

        return apply


@dataclass(frozen=True)
class RewriteRule:
    key: str
    regex: re.Pattern[str]
    tag: str
    keep: bool

    def matches(self, record: Record) -> bool:
        value = record.last(self.key)
        # A number, map or missing key never matches (flb_ra_key_regex_match: MSGPACK_OBJECT_STR only).
        return isinstance(value, str) and self.regex.search(value) is not None

    def new_tag(self, tag: str) -> str:
        composed = self.tag.replace("$TAG", tag) if "$TAG[" not in self.tag else None
        if composed is None or "$" in composed:
            raise NotImplementedError(f"tag template {self.tag!r} is not modelled")
        return composed


def parse_rule(rule: str) -> RewriteRule:
    parts = rule.split()
    if len(parts) != 4 or not parts[0].startswith("$"):
        raise ConfigError(f"rule {rule!r} is not KEY REGEX NEW_TAG KEEP")
    key, regex, tag, keep = parts
    if not re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", key):
        raise NotImplementedError(f"record accessor {key!r} is not modelled")
    return RewriteRule(key[1:], re.compile(onigmo_to_python(regex)), tag, flag(keep))


def rules(config: Config) -> Iterator[tuple[Section, RewriteRule]]:
    for section in config.plugin("FILTER", "rewrite_tag"):
        for rule in section.all("Rule"):
            yield section, parse_rule(rule)
