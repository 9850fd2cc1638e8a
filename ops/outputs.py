"""The deployed stack as `ops` sees it: its Pulumi stack outputs, read once and checked for what ops needs.

`from_stack(name)` runs `pulumi stack output --json --show-secrets -s NAME` (the Pulumi CLI, logged in to the
stack's backend); `from_file(path)` reads that JSON from a file. Both return `StackOutputs` or raise
`OutputsError` with one line naming what is missing or wrong.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.edge.rule_matching import RuleOfService, self_answering


class OutputsError(Exception):
    """The stack's outputs cannot be read, or lack what ops needs: one line saying which."""


@dataclass(frozen=True)
class ServiceOutputs:
    """One ECS service of the stack (the `services` output)."""

    name: str  # the key in `services`, e.g. httpd
    cluster_name: str
    service_name: str
    task_definition_arn: str  # the revision `pulumi up` deployed
    health_check_path: str
    health_check_matcher: str  # e.g. 200, 200-299, 200,302
    priority: int  # its listener rule's: the ALB evaluates the lowest first
    paths: tuple[str, ...]  # the rule's path patterns (`*` and `?` wildcards); empty: any path
    hosts: tuple[str, ...]  # the rule's host headers; empty: any host

    @property
    def rule(self) -> RuleOfService:
        return RuleOfService(self.name, self.priority, self.paths, self.hosts, self.health_check_path)


@dataclass(frozen=True)
class ArchiveOutputs:
    """One log archive of the stack (the `archives` output)."""

    name: str  # the key in `archives`, e.g. appLogs
    bucket: str
    prefix: str  # objects are under <prefix><time partitions>
    delivery_stream: str
    delivery_error_log_group: str
    buffer_interval_seconds: int
    table: str | None  # its Athena table, where it has one


@dataclass(frozen=True)
class StackOutputs:
    region: str
    service_url: str
    services: tuple[ServiceOutputs, ...]
    archives: Mapping[str, ArchiveOutputs]
    task_stop_log_group: str
    athena_workgroup: str
    athena_database: str
    stack_tags: Mapping[str, str]  # the tags of every resource of the stack (and of its deploy role)

    def probed_service(self) -> ServiceOutputs | None:
        """The service a request for its own health check path at `service_url` reaches (its health check answers
        there), the first such in rule priority (components/edge/rule_matching.py); None when there is none."""
        host = urllib.parse.urlsplit(self.service_url).hostname or ""
        found = self_answering([service.rule for service in self.services], host)
        return next((s for s in self.services if found is not None and s.name == found.name), None)


_SERVICE_KEYS = {
    "cluster_name": "clusterName",
    "service_name": "serviceName",
    "task_definition_arn": "taskDefinitionArn",
    "health_check_path": "healthCheckPath",
    "health_check_matcher": "healthCheckMatcher",
}
_ARCHIVE_KEYS = {
    "bucket": "bucket",
    "prefix": "prefix",
    "delivery_stream": "deliveryStream",
    "delivery_error_log_group": "deliveryErrorLogGroup",
}
APP_LOGS, TASK_STOPS, WAF_LOGS = "appLogs", "taskStops", "wafLogs"


def _field(document: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in document or document[key] in (None, ""):
        raise OutputsError(f"the stack has no output {where}{key}: deploy this version of the program first")
    return document[key]


def _mapping(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = _field(document, key, "")
    if not isinstance(value, Mapping) or not value:
        raise OutputsError(f"the stack output {key} is not a non-empty map")
    return value


def _strings(item: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OutputsError(f"the stack output {where}{key} is not a list of strings")
    return tuple(value)


def _service(name: str, item: Mapping[str, Any]) -> ServiceOutputs:
    where = f"services.{name}."
    return ServiceOutputs(
        name=name,
        **{attr: str(_field(item, key, where)) for attr, key in _SERVICE_KEYS.items()},
        priority=int(_field(item, "priority", where)),
        paths=_strings(item, "paths", where),
        hosts=_strings(item, "hosts", where),
    )


def from_json(document: Any) -> StackOutputs:
    """The outputs ops needs, from `pulumi stack output --json`'s document."""
    if not isinstance(document, Mapping):
        raise OutputsError("the stack outputs are not a JSON object")
    services = tuple(_service(name, item) for name, item in _mapping(document, "services").items())
    archives = {
        name: ArchiveOutputs(
            name=name,
            **{attr: str(_field(item, key, f"archives.{name}.")) for attr, key in _ARCHIVE_KEYS.items()},
            buffer_interval_seconds=int(_field(item, "bufferIntervalSeconds", f"archives.{name}.")),
            table=item.get("table"),
        )
        for name, item in _mapping(document, "archives").items()
    }
    for required in (APP_LOGS, TASK_STOPS):
        if required not in archives:
            raise OutputsError(f"the stack output archives has no {required}")
    return StackOutputs(
        region=str(_field(document, "region", "")),
        service_url=str(_field(document, "serviceUrl", "")),
        services=services,
        archives=archives,
        task_stop_log_group=str(_field(document, "taskStopLogGroup", "")),
        athena_workgroup=str(_field(document, "athenaWorkgroup", "")),
        athena_database=str(_field(document, "athenaDatabase", "")),
        stack_tags={str(key): str(value) for key, value in _mapping(document, "stackTags").items()},
    )


def from_file(path: Path) -> StackOutputs:
    try:
        text = path.read_text()
    except OSError as error:
        raise OutputsError(f"cannot read {path}: {error.strerror}") from None
    try:
        return from_json(json.loads(text))
    except json.JSONDecodeError as error:
        raise OutputsError(f"{path} is not JSON ({error.msg}, line {error.lineno})") from None


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def from_stack(stack: str, run: Runner = subprocess.run) -> StackOutputs:
    """The outputs of a deployed stack, from the Pulumi CLI (logged in to the stack's backend; a passphrase stack
    needs PULUMI_CONFIG_PASSPHRASE to show secrets)."""
    command = ["pulumi", "stack", "output", "--json", "--show-secrets", "-s", stack]
    try:
        result = run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise OutputsError("the Pulumi CLI is not on PATH: install it, or pass --outputs FILE") from None
    if result.returncode != 0:
        said = [line for line in result.stderr.splitlines() if line.strip()]
        reason = said[-1].strip() if said else f"exit {result.returncode}"
        raise OutputsError(f"`{' '.join(command)}` failed: {reason}")
    try:
        return from_json(json.loads(result.stdout))
    except json.JSONDecodeError as error:
        raise OutputsError(f"`{' '.join(command)}` printed no JSON ({error.msg})") from None
