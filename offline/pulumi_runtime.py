"""The one place that uses the Pulumi SDK's runtime internals (besides settings.py's config reader).

The offline harness needs a few things the SDK does not offer publicly: a fresh mock runtime per evaluation
(the root stack resource is a context variable), the mock monitor to subclass, running a program function and
waiting for every registration, awaiting an output outside a program, and the secret envelope a serialized
secret travels in. Everything else imports them from here, so an SDK upgrade that moves them breaks one file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import resource as _resource
from pulumi.runtime import rpc as _rpc
from pulumi.runtime import settings as _settings
from pulumi.runtime.proto import source_pb2 as _source_pb2
from pulumi.runtime.stack import run_pulumi_func as _run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")

MockMonitor = _mocks.MockMonitor
"""The SDK's mock resource monitor (answers registrations with the Mocks given)."""


def _no_stack_trace() -> Any:
    return _source_pb2.StackTrace()


def _skip_source_positions() -> None:
    """For every registration the SDK extracts the Python stack (`_get_stack_trace`, traceback.extract_stack) to send
    the engine the resource's source position and stack trace, which the engine shows in its UI. The mock monitor
    ignores both, and extracting them costs a tenth of an evaluation: under the mocks the trace is empty."""
    _resource._get_stack_trace = _no_stack_trace


def start_mock_runtime(
    mocks: pulumi.runtime.Mocks,
    project: str,
    stack: str,
    config: dict[str, str] | None = None,
    secret_keys: Iterable[str] = (),
    monitor: Any = None,
    logger: Any = None,
) -> None:
    """A fresh mock runtime: no root stack left from an earlier evaluation, `mocks` answering, `config` set
    (keys with their namespace), no output left over from an earlier program."""
    _set_event_loop()
    _skip_source_positions()
    _settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, logger=logger, monitor=monitor)
    # set_mocks keeps the SDK's set of pending outputs (its MockSettings carries none of its own), and a program
    # that failed leaves its failed outputs there: the next program would wait for them and fail with their error.
    _settings.SETTINGS.outputs = set()
    pulumi.runtime.set_all_config(dict(config or {}), sorted(secret_keys))


_loop: asyncio.AbstractEventLoop | None = None


def _set_event_loop() -> None:
    """The SDK creates its futures with `asyncio.Future()` and finds the loop with `asyncio.get_event_loop()`; with no
    loop set, Python 3.12 and 3.13 warn ("There is no current event loop") and 3.14 raises. The language host runs
    programs inside a loop; the harness sets one, once per process, as its own stand-in."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)


def _discard_event_loop() -> None:
    """Cancel what is still pending on the harness's loop, wait for its executor threads, close it, and set a new
    one (outputs made outside a program, as some tests make them, need a current loop too)."""
    global _loop
    loop, _loop = _loop, None
    if loop is None:
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    _set_event_loop()


def root_resource() -> Any:
    """The stack resource of the current runtime (its `outputs` are the stack exports)."""
    return _settings.get_root_resource()


def run_program(program: Callable[[], None]) -> None:
    """Run a program function the way the language host does and wait for every registration and apply. A program
    that fails leaves nothing behind: its loop, with the registrations still pending and the executor threads still
    answering them, is discarded (their errors would otherwise surface during the next evaluation, from threads
    running beside it)."""
    try:
        _sync_await(_run_pulumi_func(program))
    except BaseException:
        _discard_event_loop()
        raise


def resolve(output: pulumi.Output[T]) -> tuple[T | None, bool]:
    """An output's value and whether it is secret."""

    async def both() -> tuple[T | None, bool]:
        return await output.future(), bool(await output.is_secret())

    return _sync_await(both())


def deserialize_properties(struct: Any) -> Any:
    """A registration's serialized inputs as Python values (secrets stay in their envelope)."""
    return _rpc.deserialize_properties(struct)


def is_secret(value: Any) -> bool:
    """Whether a deserialized value is a secret envelope."""
    return bool(_rpc.is_rpc_secret(value))


def unwrap_secret(value: Any) -> Any:
    """The value inside one secret envelope."""
    return _rpc.unwrap_rpc_secret(value)
