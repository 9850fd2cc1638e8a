"""The `services` config key: one entry per service, read into the FirelensService Args parts it sets.

An entry's keys (camelCase, `healthCheck` nested) map one to one to Args fields (SERVICE_KEYS); a key that is not set
keeps the Args' default, so the defaults live in the components (components/service/firelens_service.py) and nowhere
else. Every problem names the key's path under `services` (e.g. `api.port`): a value of the wrong type, a rule of the
components' `problems()` mapped back to its key, and what only the whole map shows (two services with one rule
priority). A plain module: settings reads the config and reports the problems; nothing here reads config.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import inspect
import itertools
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.service.firelens_service import AppContainer, HealthCheck, Route, Scaling

# An entry's key -> the FirelensServiceArgs field it sets, as a dotted path under app, route or scaling.
SERVICE_KEYS: dict[str, str] = {
    "image": "app.image",
    "port": "app.port",
    "cpu": "app.cpu",
    "memory": "app.memory",
    "logParser": "app.access_log_parser",
    "readOnlyRootFilesystem": "app.read_only_root_filesystem",
    "writablePaths": "app.writable_paths",
    "healthCheck.path": "app.health_check.path",
    "healthCheck.matcher": "app.health_check.matcher",
    "healthCheck.intervalSeconds": "app.health_check.interval_seconds",
    "healthCheck.timeoutSeconds": "app.health_check.timeout_seconds",
    "healthCheck.healthyThreshold": "app.health_check.healthy_threshold",
    "healthCheck.unhealthyThreshold": "app.health_check.unhealthy_threshold",
    "healthCheck.gracePeriodSeconds": "app.health_check.grace_period_seconds",
    "priority": "route.priority",
    "paths": "route.path_patterns",
    "hosts": "route.host_headers",
    "desiredCount": "scaling.desired_count",
    "minCount": "scaling.min_count",
    "maxCount": "scaling.max_count",
    "cpuTargetPercent": "scaling.cpu_target_percent",
    "requestsPerTarget": "scaling.requests_per_target",
}
NESTED = ("healthCheck",)  # keys whose value is a map of keys of their own
_PARTS: dict[str, type[Any]] = {"app": AppContainer, "health_check": HealthCheck, "route": Route, "scaling": Scaling}


@dataclass(frozen=True)
class ServiceSpec:
    """One service of the stack: the Args parts its entry sets, over the components' defaults."""

    name: str
    app: AppContainer
    route: Route
    scaling: Scaling


@dataclass(frozen=True)
class EntryProblem:
    key: str
    """The key's path under `services`, e.g. `api.healthCheck.path`; `api` for the entry itself."""
    value: object
    allowed: str


def default_of(field_path: str) -> Any:
    """The default the components give an Args field (`app.port` -> 80): the one place defaults live."""
    *parents, name = field_path.split(".")
    cls = _PARTS[parents[-1]]
    (found,) = [f for f in dataclasses.fields(cls) if f.name == name]
    if found.default is not dataclasses.MISSING:
        return found.default
    factory: Any = found.default_factory
    return factory()


def field_doc(field_path: str) -> str:
    """The docstring under an Args field (`app.port` -> "The port the app listens on, ..."), read from the source."""
    *parents, name = field_path.split(".")
    cls = _PARTS[parents[-1]]
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(body, ast.ClassDef)
    for statement, following in itertools.pairwise(body.body):
        target = statement.target if isinstance(statement, ast.AnnAssign) else None
        value = following.value if isinstance(following, ast.Expr) else None
        if isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Constant):
            return str(value.value)
    raise LookupError(f"{cls.__name__}.{name} has no docstring")


def _flatten(entry: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in entry.items():
        if key in NESTED and isinstance(value, Mapping):
            flat.update({f"{key}.{inner}": inner_value for inner, inner_value in value.items()})
        else:
            flat[key] = value
    return flat


def _type_problem(value: Any, default: Any) -> str | None:
    """What is wrong with a JSON value for a field whose default is `default`, or None."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(default, int):
        return None if isinstance(value, int) and not isinstance(value, bool) else "a whole number"
    if isinstance(default, str):
        return None if isinstance(value, str) else "a string"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "a list of strings"


def _value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _entry(name: str, entry: Mapping[str, Any], cpu_architecture: str) -> tuple[ServiceSpec, list[EntryProblem]]:
    """The entry's spec, and its keys' problems: unknown keys and values of the wrong type (a wrong type keeps the
    field's default, so the rules still run on the rest)."""
    problems = []
    fields: dict[str, Any] = {}
    for key, value in _flatten(entry).items():
        if key not in SERVICE_KEYS:
            nearest = difflib.get_close_matches(key, list(SERVICE_KEYS), n=1)
            hint = f" (did you mean {nearest[0]}?)" if nearest else ""
            problems.append(EntryProblem(f"{name}.{key}", value, "one of " + ", ".join(SERVICE_KEYS) + hint))
        elif (wrong := _type_problem(value, default_of(SERVICE_KEYS[key]))) is not None:
            problems.append(EntryProblem(f"{name}.{key}", value, wrong))
        else:
            fields[SERVICE_KEYS[key]] = _value(value)

    def part(prefix: str) -> dict[str, Any]:
        return {path.split(".")[-1]: v for path, v in fields.items() if path.rsplit(".", 1)[0] == prefix}

    health_check = HealthCheck(**part("app.health_check"))
    app = AppContainer(name=name, cpu_architecture=cpu_architecture, health_check=health_check, **part("app"))
    spec = ServiceSpec(name, app, Route(**part("route")), Scaling(**part("scaling")))
    return spec, problems


_KEY_OF_FIELD = {field_path: key for key, field_path in SERVICE_KEYS.items()}


def rule_problems(spec: ServiceSpec) -> list[EntryProblem]:
    """The components' rules for the entry's parts, each reported against the key that sets the field."""
    found = []
    for prefix, part in (("app", spec.app), ("route", spec.route), ("scaling", spec.scaling)):
        for problem in part.problems():
            key = _KEY_OF_FIELD.get(f"{prefix}.{problem.field}")
            path = f"{spec.name}.{key}" if key else spec.name  # the name itself (app.name), or a stack-wide field
            found.append(EntryProblem(path, problem.value, problem.allowed))
    return found


def read_services(raw: Any, cpu_architecture: str) -> tuple[list[ServiceSpec], list[EntryProblem]]:
    """The services of a `services` value (the config's JSON, parsed) and every problem with it."""
    if not isinstance(raw, Mapping) or not raw or not all(isinstance(v, Mapping) for v in raw.values()):
        return [], [EntryProblem("", raw, 'a map of service names to their settings, e.g. {"httpd": {}}')]
    specs, problems = [], []
    for name, entry in raw.items():
        spec, entry_problems = _entry(str(name), entry, cpu_architecture)
        specs.append(spec)
        problems += entry_problems + [p for p in rule_problems(spec) if p.key not in {e.key for e in entry_problems}]
    by_priority: dict[int, list[str]] = {}
    for spec in specs:
        by_priority.setdefault(spec.route.priority, []).append(spec.name)
    for priority, names in by_priority.items():
        for name in names if len(names) > 1 else ():
            others = ", ".join(n for n in names if n != name)
            problems.append(EntryProblem(f"{name}.priority", priority, f"a priority no other service has ({others})"))
    return specs, problems
