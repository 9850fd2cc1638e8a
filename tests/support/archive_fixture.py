"""The golden app log records: what the real Fluent Bit (fluentbit/ as shipped) puts to Firehose for known lines.

`capture(engine)` runs the router in the real engine through tests/support/router_harness.py, as FireLens runs it, for
two tasks of the dev stack and sends each task's lines in batches, each stamped with the time the log driver sends it
(`sent`); it returns what reached the (fake) Firehose, record by record. `scripts/archive_fixture.py --write`
stores that in FIXTURE; tests/archive/test_archive_fixture.py (integration) checks that the engine still writes exactly
that, so the unit tests that query the archive (tests/archive/test_archive_queries.py) read what the pipeline really
writes.

Each record is stored with `received`: when Firehose received it, one second after it was sent (the router
flushes every second); Firehose puts it under the day of that instant. The lines span three days around a New
Year (2025-12-30 to 2026-01-01, UTC), so the saved queries' windows cross a month and a year boundary.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from offline.harness import PROJECT_DIR, Evaluation
from tests.support.router_harness import Engine, FakeAws, RouterTask, router_task, running_router, wait_until

FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "app_log_records.json"
RECEIVED_AFTER = timedelta(seconds=1)
# Fixed, so that the fixture does not depend on the names the offline mocks invent.
CLUSTER = "httpd-cluster-44fd283"
TASK_DEFINITION = "httpd-task:7"
TASK_IDS = {"a": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "b": "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"}
AGENT = '"-" "ELB-HealthChecker/2.0"'


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def access(when: str, client: str, request: str, status: int, size: str = "512", tail: str = "") -> str:
    """An httpd access line (common format; combined with `tail`), request time `when` (UTC)."""
    stamp = utc(when).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{client} - - [{stamp}] "{request}" {status} {size}' + (f" {tail}" if tail else "")


@dataclass(frozen=True)
class Batch:
    task: str  # key of TASK_IDS
    sent: str  # when the log driver sends the lines, UTC
    lines: tuple[tuple[str, str], ...]  # (line, source)


BATCHES = (
    Batch(
        "a",
        "2025-12-30T12:00:05Z",
        (
            (access("2025-12-30T12:00:00Z", "10.0.2.7", "POST /api/orders HTTP/1.1", 503, "341"), "stdout"),
            ("[Tue Dec 30 12:00:01.000001 2025] [proxy:error] [pid 9:tid 140201] AH00957: backend failed", "stderr"),
        ),
    ),
    Batch(
        "a",
        "2025-12-31T10:00:10Z",
        (
            (access("2025-12-31T00:10:00Z", "10.0.2.7", "GET /too-early HTTP/1.1", 503, "299"), "stdout"),
            *[(access("2025-12-31T10:00:00Z", "10.0.1.23", "GET / HTTP/1.1", 200, "45", AGENT), "stdout")] * 3,
            (access("2025-12-31T10:00:01Z", "198.51.100.7", "GET /index.html HTTP/1.1", 200), "stdout"),
            (
                access(
                    "2025-12-31T10:00:02Z", "203.0.113.9", "POST /api/orders HTTP/1.1", 502, "341", '"-" "curl/8.5.0"'
                ),
                "stdout",
            ),
            (access("2025-12-31T10:00:03Z", "2001:db8::1", "GET /search?q=a HTTP/2.0", 503, "299"), "stdout"),
            (access("2025-12-31T10:00:04Z", "198.51.100.7", "GET /missing HTTP/1.1", 404, "196"), "stdout"),
            (access("2025-12-31T10:00:05Z", "10.0.1.9", "-", 408, "-"), "stdout"),
            (
                "[Wed Dec 31 10:00:06.123456 2025] [proxy:error] [pid 9:tid 140201] (111)Connection refused: "
                "AH00957: http: attempt to connect to 10.0.3.4:8080 (backend) failed",
                "stderr",
            ),
        ),
    ),
    Batch(
        "a",
        "2025-12-31T18:00:00Z",
        (("[Wed Dec 31 18:00:00.000100 2025] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH", "stderr"),),
    ),
    Batch(
        "a",
        "2026-01-01T00:00:03Z",
        (
            (access("2025-12-31T23:59:58Z", "2001:db8::1", "GET /search?q=a HTTP/2.0", 503, "299"), "stdout"),
            (access("2026-01-01T00:00:01Z", "198.51.100.7", "GET /index.html HTTP/1.1", 200), "stdout"),
            ("AH00558: httpd: Could not reliably determine the server's fully qualified domain name", "stderr"),
        ),
    ),
    Batch(
        "b",
        "2025-12-31T10:00:12Z",
        (
            (access("2025-12-31T10:00:11Z", "198.51.100.7", "GET /index.html HTTP/1.1", 200), "stdout"),
            ("[Wed Dec 31 10:00:11.500000 2025] [core:error] [pid 7:tid 7] AH00037: task b failure", "stderr"),
        ),
    ),
    Batch(
        "b",
        "2026-01-01T00:20:00Z",
        ((access("2026-01-01T00:19:59Z", "203.0.113.9", "GET /api/orders HTTP/1.1", 500, "299"), "stdout"),),
    ),
)


def fixture_task(ev: Evaluation, task: str) -> RouterTask:
    """The dev stack's router task (its environment and memory), with fixed metadata for task `task`."""
    return dataclasses.replace(
        router_task(ev), cluster=CLUSTER, task_definition=TASK_DEFINITION, task_id=TASK_IDS[task]
    )


def task_arn(ev: Evaluation, task: str) -> str:
    return fixture_task(ev, task).task_arn


def capture(engine: Engine, ev: Evaluation, workdir: Path) -> list[dict[str, str]]:
    """Every batch sent through the real router, task by task; each record as Firehose got it, with `received`."""
    captured = []
    for task in TASK_IDS:
        batches = [batch for batch in BATCHES if batch.task == task]
        with running_router(engine, fixture_task(ev, task), workdir / task) as (run, fake):
            expected = 0
            for batch in batches:
                run.send_lines(batch.lines, when=utc(batch.sent).timestamp())
                expected += len(batch.lines)
                assert wait_until(functools.partial(_at_least, fake, expected), 30), run.logs()
            records = fake.firehose_records()
        assert len(records) == expected, run.logs()
        offset = 0
        for batch in batches:
            received = (utc(batch.sent) + RECEIVED_AFTER).strftime("%Y-%m-%dT%H:%M:%SZ")
            for record in records[offset : offset + len(batch.lines)]:
                captured.append({"task": task, "received": received, "record": record.decode()})
            offset += len(batch.lines)
    return captured


def _at_least(fake: FakeAws, records: int) -> bool:
    return len(fake.firehose_records()) >= records


def load() -> list[dict[str, str]]:
    records: list[dict[str, str]] = json.loads(FIXTURE.read_text())["records"]
    return records


def document(records: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "about": "App log records as the real Fluent Bit put them to Firehose; generated by "
        "scripts/archive_fixture.py --write, checked by tests/archive/test_archive_fixture.py (integration).",
        "records": records,
    }
