"""Evaluate the real Pulumi program (`__main__.py`) for one stack under the AWS mocks.

This is the one harness: the offline CLI and the test suite both call `evaluate()`. It configures the mock
runtime BEFORE the program is executed (a program imported earlier would register nothing), runs
`__main__.py` the way the Pulumi language host does, waits for every registration and apply to finish,
and returns what the engine would have seen: each resource's type, name, parent, dependencies and wire
inputs, the mocks' answers, and the stack outputs.
"""

from __future__ import annotations

import logging
import runpy
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from offline.aliases import ROOT_STACK_TYPE, AliasSpec, Match, Registration, create_urn, match_previous
from offline.mocks import AwsMocks
from offline.pulumi_runtime import (
    MockMonitor,
    deserialize_properties,
    is_secret,
    resolve,
    root_resource,
    run_program,
    start_mock_runtime,
    unwrap_secret,
)
from offline.stack_config import StackConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_MASK = "[secret]"


@dataclass(frozen=True)
class RecordedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]  # wire inputs; secrets still in Pulumi's secret envelope
    dependencies: tuple[str, ...]
    id: str | None
    state: dict[str, Any]
    protect: bool = False  # resource options the inputs do not show
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    aliases: tuple[AliasSpec, ...] = ()  # the registration's `aliases`, as the engine receives them
    retain_on_delete: bool = False
    custom_timeouts: dict[str, str] = field(default_factory=dict)  # create / update / delete, where set

    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secret envelopes opened, for assertions that need the value inside."""
        plain: dict[str, Any] = unwrap_secrets(self.inputs)
        return plain


@dataclass(frozen=True)
class Evaluation:
    config: StackConfig
    resources: tuple[RecordedResource, ...]
    outputs: dict[str, Any]  # secret outputs already replaced by "[secret]"
    secret_outputs: frozenset[str]
    warnings: tuple[str, ...] = ()  # what the program logged with pulumi.log.warn, as `pulumi up` would show it
    registration_order: tuple[str, ...] = ()  # the URNs in the order the program registered them
    invokes: frozenset[str] = frozenset()  # the tokens of the lookups (invokes) the program made

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> RecordedResource:
        matches = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(matches) != 1:
            names = [r.name for r in self.of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}, found {len(matches)} among {names}")
        return matches[0]

    def by_urn(self, urn: str) -> RecordedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise LookupError(urn)

    def children(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]

    def match_previous(self, previous: Collection[str]) -> Match:
        """Which resource of a previous deployment (its URNs) each resource takes over, as `pulumi up` would
        decide by URN and aliases (offline/aliases.py)."""
        by_urn = {r.urn: r for r in self.resources}
        registrations = [
            Registration(r.urn, r.name, r.type, r.parent, r.aliases)
            for r in (by_urn[urn] for urn in self.registration_order)
        ]
        return match_previous(registrations, previous)

    def descendants(self, parent: RecordedResource) -> list[RecordedResource]:
        """Children, their children and so on: everything a component creates, however deeply nested."""
        found: list[RecordedResource] = []
        for child in self.children(parent):
            found += [child, *self.descendants(child)]
        return found


def mask_secrets(value: Any) -> Any:
    """Replace every secret envelope, at any depth, with "[secret]"."""
    if is_secret(value):
        return SECRET_MASK
    if isinstance(value, dict):
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def unwrap_secrets(value: Any) -> Any:
    if is_secret(value):
        return unwrap_secrets(unwrap_secret(value))
    if isinstance(value, dict):
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Resource references become their URN so that records are plain data."""
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class DuplicateUrnError(Exception):
    """Two registrations of one URN: the engine rejects the program."""


class RecordingMonitor(MockMonitor):
    """The stock mock monitor, plus a record of what the engine would receive for each resource."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.records: list[RecordedResource] = []
        self._urns: set[str] = set()  # the records' URNs

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """As the engine does (offline/aliases.py create_urn, which alias matching uses too): a child's type is
        qualified by its parent's whole type chain (`A$B$aws:s3/bucket:Bucket`), and the stack is not part of it."""
        return create_urn(name, type_, parent, pulumi.get_project(), pulumi.get_stack())

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        # The engine refuses a second registration of one URN ("Duplicate resource URN ...; try giving it a unique
        # name", pulumi/pulumi#1682 and pull request 1687); the stock mock monitor silently accepts it.
        if response.urn in self._urns:
            raise DuplicateUrnError(f"Duplicate resource URN '{response.urn}'; try giving it a unique name")
        self._urns.add(response.urn)
        state = self.resources.get(response.urn)
        self.records.append(
            RecordedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs=_plain(deserialize_properties(request.object)),
                dependencies=tuple(request.dependencies),
                id=state.id if state else None,
                state=_plain(dict(state.state)) if state else {},
                protect=bool(request.protect),
                ignore_changes=tuple(request.ignoreChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                aliases=tuple(_alias_spec(alias) for alias in request.aliases),
                retain_on_delete=bool(request.retainOnDelete),
                custom_timeouts=_custom_timeouts(request),
            )
        )
        return response


def _custom_timeouts(request: Any) -> dict[str, str]:
    timeouts = request.customTimeouts
    return {op: getattr(timeouts, op) for op in ("create", "update", "delete") if getattr(timeouts, op)}


def _alias_spec(alias: Any) -> AliasSpec:
    """One alias_pb2.Alias: a full URN, or a spec whose parent is a URN or `noParent`."""
    if alias.WhichOneof("alias") == "urn":
        return AliasSpec(urn=alias.urn)
    spec = alias.spec
    return AliasSpec(
        name=spec.name,
        type=spec.type,
        parent_urn=spec.parentUrn if spec.WhichOneof("parent") == "parentUrn" else "",
        no_parent=spec.WhichOneof("parent") == "noParent" and bool(spec.noParent),
        project=spec.project,
        stack=spec.stack,
    )


class _WarningRecorder(logging.Handler):
    """The mock engine turns `pulumi.log.warn` into a logging call; this keeps those messages."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _engine_logger() -> tuple[logging.Logger, _WarningRecorder]:
    logger = logging.getLogger("offline.engine")
    logger.propagate = False  # never also printed by Python's last-resort handler
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    recorder = _WarningRecorder()
    logger.addHandler(recorder)
    return logger, recorder


def evaluate(config: StackConfig, project_dir: Path = PROJECT_DIR, program: Path | None = None) -> Evaluation:
    """Run the project's `__main__.py` (or another `program` that uses the project's components, such as a test
    program) for `config` under the mocks; raise whatever the program raises."""
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    mocks = AwsMocks(config.region, project_dir)
    monitor = RecordingMonitor(mocks)
    logger, recorder = _engine_logger()
    start_mock_runtime(
        monitor.mocks, config.project, config.stack, dict(config.values), config.secret_keys, monitor, logger
    )
    root = root_resource()
    if root is None:
        raise RuntimeError("the mock runtime did not create a root stack")
    main = str(program or project_dir / "__main__.py")

    def program_function() -> None:
        runpy.run_path(main, run_name="__main__")

    run_program(program_function)

    outputs: dict[str, Any] = {}
    secret_outputs: set[str] = set()
    for name, value in getattr(root, "outputs", {}).items():
        resolved, secret = resolve(pulumi.Output.from_input(value))
        outputs[name] = SECRET_MASK if secret else _plain(resolved)
        if secret:
            secret_outputs.add(name)

    # Registrations complete in thread-pool order; sort so that every run prints the same document.
    records = sorted(monitor.records, key=lambda r: (r.type != ROOT_STACK_TYPE, r.urn))
    return Evaluation(
        config,
        tuple(records),
        outputs,
        frozenset(secret_outputs),
        tuple(recorder.messages),
        tuple(r.urn for r in monitor.records),
        frozenset(mocks.invoked),
    )
