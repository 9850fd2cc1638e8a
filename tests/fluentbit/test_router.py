"""fluentbit/ in the real Fluent Bit 1.9.10, run exactly as FireLens runs it, against moto as AWS.

tests/support/router_harness.py says how (the generated main config, our files at their image paths, the log_router
container's environment from the program, records as the awsfirelens driver sends them, moto behind TLS).
Marked `integration`; skipped, with the reason in the summary, when there is no Fluent Bit to run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.service.httpd import APP_LOG_STREAM_PREFIX, ROUTER_CONFIG_FILE
from offline.harness import Evaluation
from tests.conftest import EXAMPLES, evaluate_stack, services_with
from tests.support.fluentbit_config import Config, Include, Section, parse_file, render
from tests.support.router_harness import (
    Call,
    Engine,
    RouterTask,
    access_line,
    engine_or_skip_reason,
    image_files,
    router_task,
    running_router,
    shutdown_loss,
    wait_until,
)

ENGINE = engine_or_skip_reason()
pytestmark = [pytest.mark.integration]
if isinstance(ENGINE, str):
    pytestmark.append(pytest.mark.skip(reason=f"no Fluent Bit to run the router in: {ENGINE}"))

SIDECAR = "sidecar"  # a second app container of the task, to show the routing is not tied to `httpd`
DRIVER_KEYS = {"container_id", "container_name", "source", "log"}
METADATA_KEYS = {"ecs_cluster", "ecs_task_arn", "ecs_task_definition"}
NOW = int(time.time()) - 60  # whole seconds, like httpd's %t; recent, as CloudWatch drops events > 14 days old
ARRIVAL = NOW + 30.25  # when the driver sends the lines: the time of records whose line carries none


def stamp(offset_hours: int) -> str:
    """httpd's %t for NOW in a zone `offset_hours` from UTC."""
    zone = time.gmtime(NOW + offset_hours * 3600)
    return time.strftime("%d/%b/%Y:%H:%M:%S", zone) + f" {'+' if offset_hours >= 0 else '-'}{abs(offset_hours):02d}00"


def iso(when: float) -> str:
    """What extra.conf's time_key_format makes of a time: ISO 8601 in UTC, whole seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


@dataclass(frozen=True)
class Case:
    name: str
    line: str
    source: str
    fields: dict[str, Any]  # the parsed fields expected; {} for a line no parser understands
    parsed_time: bool = True

    @property
    def urgent(self) -> bool:
        return self.source == "stderr" or str(self.fields.get("status", "")).startswith("5")


# The Apache HTTP Server documentation's example request ("Log Files"), in the common and combined formats.
EXAMPLE = f'127.0.0.1 - frank [{stamp(-7)}] "GET /apache_pb.gif HTTP/1.0" 200 2326'
EXAMPLE_FIELDS = {
    "client": "127.0.0.1",
    "user": "frank",
    "method": "GET",
    "path": "/apache_pb.gif",
    "protocol": "HTTP/1.0",
    "status": "200",
    "bytes": 2326,
}
ACCESS = [
    Case("common, the Apache documentation's example", EXAMPLE, "stdout", EXAMPLE_FIELDS),
    Case(
        "combined, the Apache documentation's example",
        EXAMPLE + ' "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
        "stdout",
        {
            **EXAMPLE_FIELDS,
            "referer": "http://www.example.com/start.html",
            "agent": "Mozilla/4.08 [en] (Win98; I ;Nav)",
        },
    ),
    Case(
        "the ALB health check, no body",
        f'10.0.1.23 - - [{stamp(0)}] "GET / HTTP/1.1" 304 -',
        "stdout",
        {"client": "10.0.1.23", "method": "GET", "path": "/", "protocol": "HTTP/1.1", "status": "304", "bytes": 0},
    ),
    Case(
        "IPv6 client, query string, HTTP/2.0, 5xx",
        f'2001:db8:85a3::8a2e:370:7334 - - [{stamp(9)}] "GET /search?q=a%20b&page=2 HTTP/2.0" 503 299',
        "stdout",
        {
            "client": "2001:db8:85a3::8a2e:370:7334",
            "method": "GET",
            "path": "/search?q=a%20b&page=2",
            "protocol": "HTTP/2.0",
            "status": "503",
            "bytes": 299,
        },
    ),
    Case(
        "combined, 5xx, no referer, quotes escaped in the user agent",
        f'10.0.2.7 - - [{stamp(0)}] "POST /api/orders HTTP/1.1" 502 341 "-" ' + r'"curl/8.5.0 \"quoted\" agent"',
        "stdout",
        {
            "client": "10.0.2.7",
            "method": "POST",
            "path": "/api/orders",
            "protocol": "HTTP/1.1",
            "status": "502",
            "bytes": 341,
            "agent": r"curl/8.5.0 \"quoted\" agent",
        },
    ),
    Case(
        "4xx, an escaped quote in the path",
        f"192.0.2.44 - - [{stamp(0)}] " + r'"GET /a\"b.html HTTP/1.1" 404 196 "https://example.org/" "Wget"',
        "stdout",
        {
            "client": "192.0.2.44",
            "method": "GET",
            "path": r"/a\"b.html",
            "protocol": "HTTP/1.1",
            "status": "404",
            "bytes": 196,
            "referer": "https://example.org/",
            "agent": "Wget",
        },
    ),
    Case(
        "408: the client sent no request line",
        f'10.0.1.9 - - [{stamp(0)}] "-" 408 -',
        "stdout",
        {"client": "10.0.1.9", "status": "408", "bytes": 0},
    ),
    Case(
        "400: a TLS handshake sent to the HTTP port",
        f"10.0.1.9 - - [{stamp(0)}] " + r'"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 226',
        "stdout",
        {"client": "10.0.1.9", "status": "400", "bytes": 226},
    ),
    # Decided: stderr is urgent whatever it says; an access line written there is parsed all the same.
    Case(
        "an access line on stderr",
        f'10.0.1.24 - - [{stamp(0)}] "GET /on-stderr HTTP/1.1" 200 5',
        "stderr",
        {
            "client": "10.0.1.24",
            "method": "GET",
            "path": "/on-stderr",
            "protocol": "HTTP/1.1",
            "status": "200",
            "bytes": 5,
        },
    ),
]
UNPARSED = [
    Case(
        "error log line",
        "[Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 12:tid 34] [client 1.2.3.4:5678] AH00126: "
        "Invalid URI in request GET /../../etc/passwd HTTP/1.1",
        "stderr",
        {},
        parsed_time=False,
    ),
    Case(
        "start-up warning without a timestamp",
        "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using "
        "172.17.0.2. Set the 'ServerName' directive globally to suppress this message",
        "stderr",
        {},
        parsed_time=False,
    ),
    Case(
        "proxy error log line",
        "[Wed Oct 14 14:39:10.412733 2026] [proxy:error] [pid 9:tid 140201] (111)Connection refused: AH00957: "
        "http: attempt to connect to 10.0.3.4:8080 (backend) failed",
        "stderr",
        {},
        parsed_time=False,
    ),
    Case("a line nothing parses, on stdout", "plain text from a CGI script", "stdout", {}, parsed_time=False),
]
CASES = ACCESS + UNPARSED
SIDECAR_CASES = [
    Case("another container's access line", access_line("/from-the-sidecar", 200, NOW), "stdout", {}),
    Case("another container's stderr", "sidecar: cannot reach the cache", "stderr", {}, parsed_time=False),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    assert not isinstance(ENGINE, str)
    return ENGINE


@pytest.fixture(scope="module")
def task(dev: Evaluation) -> RouterTask:
    return router_task(dev)


@dataclass(frozen=True)
class Delivered:
    archive: list[dict[str, Any]]  # every line of every object in the archive bucket, parsed
    firehose: list[bytes]  # every record of every PutRecordBatch, as sent
    cloudwatch: dict[str, list[dict[str, Any]]]  # stream -> events' messages, parsed
    calls: list[Call]

    def archived(self, case: Case) -> dict[str, Any]:
        (record,) = [r for r in self.archive if r["log"] == case.line]
        return record

    def urgent(self) -> Counter[str]:
        return Counter(message["log"] for events in self.cloudwatch.values() for message in events)


@pytest.fixture(scope="module")
def delivered(engine: Engine, task: RouterTask, tmp_path_factory: pytest.TempPathFactory) -> Delivered:
    """Every case sent by the app container's driver, the sidecar's cases by its own; delivered, then SIGTERM."""
    expected_urgent = sum(c.urgent for c in CASES + SIDECAR_CASES)
    with running_router(engine, task, tmp_path_factory.mktemp("routing")) as (run, fake):
        run.send_lines(((c.line, c.source) for c in CASES), when=ARRIVAL)
        run.send_lines(((c.line, c.source) for c in SIDECAR_CASES), when=ARRIVAL, container=SIDECAR)

        def everything_arrived() -> bool:
            urgent = sum(len(events) for events in fake.cloudwatch(task).values())
            return len(fake.firehose_records()) >= len(CASES + SIDECAR_CASES) and urgent >= expected_urgent

        assert wait_until(everything_arrived, 30), run.logs()
        assert run.stop() == 0, run.logs()
        return Delivered(fake.archived(task), fake.firehose_records(), fake.cloudwatch(task), list(fake.calls))


# --- routing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES + SIDECAR_CASES, ids=lambda c: c.name)
def test_every_line_reaches_the_archive_once(delivered: Delivered, case: Case) -> None:
    assert [r["log"] for r in delivered.archive].count(case.line) == 1
    assert delivered.archived(case)["source"] == case.source


@pytest.mark.parametrize("case", ACCESS, ids=lambda c: c.name)
def test_access_lines_are_parsed_into_their_fields(delivered: Delivered, case: Case) -> None:
    """Common and combined format, 2xx to 5xx, escaped quotes (parsers.conf): exactly these fields, the
    original line kept in `log`, status a string and bytes an integer ("-" is 0)."""
    record = delivered.archived(case)
    assert set(record) == set(case.fields) | DRIVER_KEYS | METADATA_KEYS | {"time"}
    assert {key: record[key] for key in case.fields} == case.fields


@pytest.mark.parametrize("case", UNPARSED, ids=lambda c: c.name)
def test_lines_no_parser_understands_pass_through_untouched(delivered: Delivered, task: RouterTask, case: Case) -> None:
    record = delivered.archived(case)
    assert set(record) == DRIVER_KEYS | METADATA_KEYS | {"time"}
    assert record["log"] == case.line and record["source"] == case.source
    assert record["container_id"] == task.container_id(task.app_container)


def test_stderr_and_5xx_reach_cloudwatch_once_and_nothing_else_does(delivered: Delivered) -> None:
    urgent = delivered.urgent()
    assert urgent == Counter(c.line for c in CASES + SIDECAR_CASES if c.urgent)
    assert len(urgent) >= 6  # the cases do exercise both rules, in both containers


def test_cloudwatch_gets_the_same_record_as_the_archive(delivered: Delivered) -> None:
    """The copy carries the original's keys and values (the archive adds only `time`)."""
    for events in delivered.cloudwatch.values():
        for message in events:
            archived = next(r for r in delivered.archive if r["log"] == message["log"])
            assert message == {key: value for key, value in archived.items() if key != "time"}


def test_each_app_container_gets_its_own_cloudwatch_stream(delivered: Delivered, task: RouterTask) -> None:
    """Streams are named from the copy's tag, urgent.<container id>, after the configured prefix; valid
    CloudWatch stream names (at most 512 characters, no ':' or '*')."""
    streams = {
        f"{APP_LOG_STREAM_PREFIX}urgent.{task.container_id(task.app_container)}",
        f"{APP_LOG_STREAM_PREFIX}urgent.{task.container_id(SIDECAR)}",
    }
    assert set(delivered.cloudwatch) == streams
    for stream in streams:
        assert len(stream) <= 512 and not set(stream) & {":", "*"}
    sidecar = delivered.cloudwatch[f"{APP_LOG_STREAM_PREFIX}urgent.{task.container_id(SIDECAR)}"]
    assert [m["log"] for m in sidecar] == [c.line for c in SIDECAR_CASES if c.urgent]


def test_ecs_metadata_arrives_exactly_once_in_both_destinations(delivered: Delivered, task: RouterTask) -> None:
    """A copy re-enters the pipeline at FireLens's record_modifier (Match *), which appends the ECS keys again
    (plugins/filter_record_modifier/filter_modifier.c appends `Record` keys, never replaces), so inside Fluent
    Bit the copy carries them twice; the outputs' JSON encoder writes a repeated key once (src/flb_pack.c,
    msgpack2json, since fluent/fluent-bit commit 1d148860a for issues #1835 and #1051). What matters is what
    the destinations receive: each key once, with FireLens's values, counted in the raw JSON (FakeAws also
    parses it with a duplicate-key check)."""
    messages = [m for events in delivered.cloudwatch.values() for m in events]
    for record in delivered.archive + messages:
        assert {key: record[key] for key in METADATA_KEYS} == task.metadata
    raw = [c.body for c in delivered.calls if c.action == "PutLogEvents" and c.status == 200]
    for text in [e["message"] for body in raw for e in body["logEvents"]] + [r.decode() for r in delivered.firehose]:
        for key in METADATA_KEYS:
            assert text.count(f'"{key}":') == 1, text


def test_each_firehose_record_ends_with_exactly_one_newline(delivered: Delivered) -> None:
    """kinesis_firehose ends every record with a newline itself (../shared/tools/fluent-bit/README.md, measured
    with this binary): the S3 objects are JSON lines without any delimiter processor. JSON escapes newlines
    inside values, so the only raw one is the end."""
    assert len(delivered.firehose) == len(CASES + SIDECAR_CASES)
    for record in delivered.firehose:
        assert record.endswith(b"\n") and record.count(b"\n") == 1, record


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_time_is_iso_8601_in_utc(delivered: Delivered, case: Case) -> None:
    """The request time of an access line (parsers.conf Time_Key/Time_Format, any zone offset) or, for a line
    without one, the time the driver sent it; written back by kinesis_firehose's time_key_format."""
    assert delivered.archived(case)["time"] == (iso(NOW) if case.parsed_time else iso(ARRIVAL))


# --- a second service, with its own parser ---------------------------------------------------------------

API_EXAMPLE = yaml.safe_load((EXAMPLES / "two-services.yaml").read_text())["config"]["httpd-firelens:services"]["api"]


def test_a_service_that_chose_app_json_gets_its_json_lines_parsed(engine: Engine, tmp_path: Path) -> None:
    """The same image routes another service of the same ALB (examples/two-services.yaml's `api`): its router runs
    with the environment of its own task definition, here with the app_json parser, which a service chooses with
    `logParser` (its APP_LOG_PARSER: tests/service/test_firelens_task.py). JSON keys become fields, an ISO 8601 `time`
    with fractions and an offset becomes the record's time (parsers.conf), a string 5xx status and stderr are copied to
    CloudWatch under `api/`, a line that is not JSON passes untouched."""
    services = services_with("dev", "api", **API_EXAMPLE, logParser="app_json")
    api = router_task(evaluate_stack("dev", services=services), app_container="api")
    assert api.environment["APP_LOG_PARSER"] == "app_json"
    failed = {"time": time.strftime("%Y-%m-%dT%H:%M:%S.250+09:00", time.gmtime(NOW + 9 * 3600)), "status": "503"}
    lines = [
        (json.dumps({**failed, "path": "/api/orders", "error": "upstream timed out"}), "stdout"),
        (json.dumps({"status": "200", "path": "/api/health"}), "stdout"),
        ("panic: runtime error", "stderr"),
    ]
    with running_router(engine, api, tmp_path) as (run, fake):
        run.send_lines(lines, when=ARRIVAL)

        def everything_arrived() -> bool:
            urgent = sum(len(events) for events in fake.cloudwatch(api).values())
            return len(fake.firehose_records()) >= len(lines) and urgent >= 2

        assert wait_until(everything_arrived, 30), run.logs()
        assert run.stop() == 0, run.logs()
        archive = {record["log"]: record for record in fake.archived(api)}
        cloudwatch = fake.cloudwatch(api)
    failed_record = archive[lines[0][0]]
    assert {k: failed_record[k] for k in ("status", "path", "error")} == {
        "status": "503",
        "path": "/api/orders",
        "error": "upstream timed out",
    }
    assert failed_record["time"] == iso(NOW)  # the app's own time, written back in UTC to the second
    assert archive[lines[1][0]]["time"] == iso(ARRIVAL)  # no time of its own: when the driver sent it
    assert set(archive["panic: runtime error"]) == DRIVER_KEYS | METADATA_KEYS | {"time"}
    assert all(stream.startswith("api/") for stream in cloudwatch)
    assert sorted(m["log"] for events in cloudwatch.values() for m in events) == sorted(
        [lines[0][0], "panic: runtime error"]
    )


# --- what extra.conf avoids, shown in the real engine -------------------------------------------------------


def with_milliseconds(workdir: Path) -> dict[str, Path]:
    """fluentbit/ as shipped, except milliseconds (%3N) in the archive's time format."""
    extra = parse_file(image_files()[ROUTER_CONFIG_FILE])
    items: list[Section | Include] = []
    for item in extra.items:
        if isinstance(item, Section) and item.name == "kinesis_firehose":
            entries = [(k, "%Y-%m-%dT%H:%M:%S.%3NZ" if k == "time_key_format" else v) for k, v in item.entries]
            item = Section(item.kind, tuple(entries), item.line)
        items.append(item)
    (workdir / "extra.conf").write_text(render(Config(tuple(items))))
    return {**image_files(), ROUTER_CONFIG_FILE: workdir / "extra.conf"}


def test_milliseconds_in_the_time_format_would_lose_their_leading_zeros(
    engine: Engine, task: RouterTask, tmp_path: Path
) -> None:
    """The reason extra.conf's time has whole seconds: 1.9's %3N writes 5 ms as ".5", which reads as 500 ms
    (fluent/fluent-bit#7538, aws/aws-for-fluent-bit#740; fixed upstream in fluent/fluent-bit#9128, 2024)."""
    with running_router(engine, task, tmp_path, with_milliseconds(tmp_path)) as (run, fake):
        run.send_lines([("5 ms past the second", "stdout")], when=NOW + 0.005)
        assert wait_until(lambda: len(fake.firehose_records()) == 1, 20), run.logs()
        (record,) = fake.firehose_records()
    assert json.loads(record)["time"] == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(NOW)) + ".5Z"


# --- outage, shutdown, burst -----------------------------------------------------------------------------


def test_both_destinations_down_for_12_seconds_lose_nothing(engine: Engine, task: RouterTask, tmp_path: Path) -> None:
    """Firehose and CloudWatch answer 503 for 12 s: the outputs retry (Retry_Limit 10, Fluent Bit's default
    backoff from 5 s) and every record arrives once they are back, the archive's from memory and the
    CloudWatch copies from the filesystem."""
    lines = [access_line(f"/outage/{n}", 502 if n % 10 == 0 else 200) for n in range(600)]
    lines += [f"[proxy:error] backend gone {n}" for n in range(50)]
    urgent = {line for line in lines if " 502 " in line or line.startswith("[proxy")}
    with running_router(engine, task, tmp_path) as (run, fake):
        fake.down.set()
        down_at = time.monotonic()
        run.send_lines((line, "stderr" if line.startswith("[") else "stdout") for line in lines)
        assert wait_until(lambda: sum(c.status == 503 for c in fake.calls) >= 2, 15)  # both outputs tried
        time.sleep(max(0.0, 12 - (time.monotonic() - down_at)))
        fake.down.clear()

        def all_back() -> bool:
            archived = {json.loads(r)["log"] for r in fake.firehose_records()}
            copied = {m["log"] for events in fake.cloudwatch(task).values() for m in events}
            return archived >= set(lines) and copied >= urgent

        assert wait_until(all_back, 60, interval=1), run.logs()
        failed = {c.action for c in fake.calls if c.status == 503}
        assert {"PutRecordBatch"} <= failed and failed & {"CreateLogStream", "PutLogEvents"}


@pytest.mark.parametrize("delay", [0.1, 0.3])
def test_sigterm_shortly_after_a_burst_loses_nothing(
    engine: Engine, task: RouterTask, tmp_path: Path, delay: float
) -> None:
    """ECS stops the router right after the app container exited, so the app's last lines arrive just before
    the SIGTERM. On SIGTERM, Fluent Bit 1.9.10 pauses every input and the forward input closes its
    connections, dropping what it has not read yet (plugins/in_forward/fw.c, in_fw_pause; src/flb_input.c,
    flb_input_pause_all); it then flushes the chunks the inputs hold and exits once no flush is in flight
    (src/flb_engine.c). So what can be lost is what is still unread, whatever the routing. Measured with
    scripts/benchmark.py (300 lines, 5 runs each): from 0.01 s on, nothing lost in any run; at 0 s, all 300
    in every run, with or without the CloudWatch copies. Asserted with a margin at 0.1 s, and at 0.3 s, the
    issue's goal."""
    losses = [shutdown_loss(engine, task, tmp_path / f"run{n}", delay) for n in range(2)]
    assert losses == [0, 0]


def mebibytes(size: str) -> float:
    """A Fluent Bit size such as "32MB" in MiB, reading M as 2^20 (the larger reading: the safe side here)."""
    number, unit = size.rstrip("B").rstrip("b")[:-1], size.rstrip("B").rstrip("b")[-1].upper()
    return float(number) * {"K": 1 / 1024, "M": 1, "G": 1024}[unit]


BURST = 100_000


def test_a_burst_larger_than_the_memory_buffer_stays_within_the_reservation(
    engine: Engine, task: RouterTask, tmp_path: Path
) -> None:
    """100,000 combined-format lines, more bytes than FLB_MEM_BUF_LIMIT, sent as fast as the socket takes
    them and faster than the fake AWS accepts them: the highest resident memory of the Fluent Bit process
    (VmHWM) stays within the router's memory reservation from the program, and every record arrives."""
    agent = '"https://example.com/start" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
    lines = [(f"{access_line(f'/burst/{n}', 200)} {agent}", "stdout") for n in range(BURST)]
    reservation_kib = task.memory_reservation_mib * 1024
    with running_router(engine, task, tmp_path) as (run, fake):
        payload = run.encode(lines)
        assert len(payload) > mebibytes(task.environment["FLB_MEM_BUF_LIMIT"]) * 2**20
        connection = run.connect()
        connection.send(payload)
        connection.finish()
        assert wait_until(lambda: len(fake.firehose_records()) >= BURST, 120, interval=1), run.logs()
        _, peak_kib = run.memory_kib()
        assert {json.loads(r)["path"] for r in fake.firehose_records()} == {f"/burst/{n}" for n in range(BURST)}
        assert peak_kib < reservation_kib, f"peak RSS {peak_kib} KiB, reservation {reservation_kib} KiB"
        assert run.stop() == 0
