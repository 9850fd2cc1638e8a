"""The router error metric filter (components/service/log_router_errors.py) against what the real Fluent Bit prints.

Each SCENARIO runs fluentbit/ in the real Fluent Bit 1.9.10 (tests/support/router_harness.py, as FireLens runs it) with
the fake AWS answering a failure per API action (`Fault`), sends the same few lines (records for both outputs), waits
until the router gave up on them (or recovered, or was stopped), stops it with SIGTERM and keeps every line it printed
on stdout and stderr: what the awslogs driver ships to the router's log group, one event per line. The pattern,
matched as CloudWatch Logs documents (tests/support/filter_pattern.py), must match at least one line of each failure, a
line naming each output that failed, a `cannot be retried` line for each chunk dropped, and no line of normal operation
(start-up, deliveries, shutdown) nor any info-level line.

Quick retries: the router runs fluentbit/ as shipped except, in `quick_retries`, `scheduler.base` and
`scheduler.cap` in [SERVICE] (src/flb_config.c reads both; src/flb_scheduler.c waits a random time between base and
min(cap, base * 2^n) seconds, plus 1: with both 1, 2 s, as the lines show; 30 in the SIGTERM scenario, so that the
SIGTERM surely comes first) and `Retry_Limit 1` in both outputs instead of 10 (src/flb_task.c, flb_task_retry_create:
the chunk is dropped once that many retries failed). The output sections are otherwise unchanged, so the lines are
those of the shipped config, after 1 retry instead of 10 and 2 s apart. The scenarios run at once, each in a process
of its own (`capture_all`): about 15 s for all.

The lines are recorded in tests/fixtures/router_error_lines.json, where the unit tests here check the pattern without
the binary; the integration tests (marked, skipped without an engine) check that the real router still prints them
(the lines the pattern matches, normalized: timestamps, chunk names, task ids, pid, resource names). After a
deliberate change: `sudo -E .venv/bin/python -m tests.fluentbit.test_router_errors --write` (root, as the integration
tests).

Error codes (botocore's service models, the shapes each operation lists, with their documentation): Firehose
PutRecordBatch: ResourceNotFoundException, InvalidArgumentException, ServiceUnavailableException ("Back off and
retry the operation. If you continue to see the exception, throughput limits for the Firehose stream may have been
exceeded"; a fault, i.e. a server error: 503 here), and in an HTTP 200 with FailedPutCount > 0, ErrorCode
ServiceUnavailableException or InternalFailure per failed record (the PutRecordBatch documentation). CloudWatch
Logs: PutLogEvents ResourceNotFoundException and ServiceUnavailableException; CreateLogStream
ResourceNotFoundException; the service's AccessDeniedException ("You don't have sufficient permissions") and
ThrottlingException ("The request was throttled because of quota limits") shapes. Client errors answer 400 here;
which status matters little, as 1.9.10 handles every status other than 200 alike
(plugins/out_kinesis_firehose/firehose_api.c, put_record_batch; plugins/out_cloudwatch_logs/cloudwatch_api.c,
put_log_events and create_log_stream), except that a 4xx naming an authentication error makes it refresh its
credentials once (src/aws/flb_aws_util.c, flb_aws_client_request).
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from components.service.httpd import ROUTER_CONFIG_FILE
from components.service.log_router_errors import (
    DROPPED_PHRASE,
    ROUTER_ERROR_PATTERN,
    ROUTER_ERROR_PHRASES,
    metric_name,
    metric_namespace,
)
from offline.harness import PROJECT_DIR, Evaluation
from tests.support.filter_pattern import Kind, matching, parse
from tests.support.fluentbit_config import Config, Include, Section, parse_file, render
from tests.support.router_harness import (
    BinaryEngine,
    Engine,
    FakeAws,
    Fault,
    RouterRun,
    RouterTask,
    access_line,
    engine_or_skip_reason,
    image_files,
    router_task,
    running_router,
    wait_until,
)

FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "router_error_lines.json"
ENGINE = engine_or_skip_reason()
integration = pytest.mark.skipif(isinstance(ENGINE, str), reason=f"no Fluent Bit to run the router in: {ENGINE}")

FIREHOSE, CLOUDWATCH = "kinesis_firehose", "cloudwatch_logs"  # the outputs of extra.conf
OUTPUT_OF = {"PutRecordBatch": FIREHOSE, "PutLogEvents": CLOUDWATCH, "CreateLogStream": CLOUDWATCH}
# What each scenario sends: an access line for the archive only, a 5xx and a stderr line for both outputs
# (extra.conf's rewrite_tag rules copy them to CloudWatch).
ERROR_LOG_LINE = "[proxy:error] [pid 9:tid 140201] AH00957: http: attempt to connect to 10.0.3.4:8080 (backend) failed"
SENT, URGENT = 3, 2
NOT_AUTHORIZED = "User: arn:aws:sts::123456789012:assumed-role/httpd-task/0f1e2d3c is not authorized to perform:"
UNAVAILABLE = "The service cannot complete the request."
INTERNAL = "We encountered an internal error. Please try again."
PROXY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

DROPPED, RETRYING, RECOVERED, DELIVERED = "dropped", "retrying", "recovered", "delivered"


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    faults: tuple[tuple[str, Fault], ...] = ()  # (API action, what the fake answers it)
    times: int | None = None  # calls answered with each fault; None: all of them
    unreachable: bool = False  # the fake stops serving: connections are refused
    until: str = DROPPED  # what to wait for before SIGTERM: DROPPED, RETRYING, RECOVERED or DELIVERED
    backoff: int = 1  # scheduler.base and scheduler.cap: a retry comes backoff + 1 seconds after a failure

    @property
    def fault_names(self) -> dict[str, str]:
        """What the fake answers, by API action, as the fixture records it."""
        names = {action: fault.name for action, fault in self.faults}
        return names | ({"every call": "connection refused"} if self.unreachable else {})

    @property
    def failing(self) -> frozenset[str]:
        """The outputs that fail."""
        if self.unreachable:
            return frozenset({FIREHOSE, CLOUDWATCH})
        return frozenset(OUTPUT_OF[action] for action, _ in self.faults)


SCENARIOS = (
    Scenario("normal", "no failure: start-up, every record delivered to both outputs, SIGTERM", until=DELIVERED),
    Scenario(
        "access-denied",
        "the task role may not put: both puts answer AccessDeniedException until the chunks are dropped",
        (
            ("PutRecordBatch", Fault.error(400, "AccessDeniedException", f"{NOT_AUTHORIZED} firehose:PutRecordBatch")),
            ("PutLogEvents", Fault.error(400, "AccessDeniedException", f"{NOT_AUTHORIZED} logs:PutLogEvents")),
        ),
    ),
    Scenario(
        "throttling",
        "Firehose throttles the whole call (ServiceUnavailableException, 503), CloudWatch Logs answers "
        "ThrottlingException, until the chunks are dropped",
        (
            ("PutRecordBatch", Fault.error(503, "ServiceUnavailableException", "Slow down.")),
            ("PutLogEvents", Fault.error(400, "ThrottlingException", "Rate exceeded")),
        ),
    ),
    Scenario(
        "resource-not-found",
        "the delivery stream and the log group are gone: PutRecordBatch and CreateLogStream answer "
        "ResourceNotFoundException",
        (
            ("PutRecordBatch", Fault.error(400, "ResourceNotFoundException", "Firehose stream not found")),
            ("CreateLogStream", Fault.error(400, "ResourceNotFoundException", "The log group does not exist")),
        ),
    ),
    Scenario(
        "invalid-argument",
        "PutRecordBatch answers InvalidArgumentException; the log stream is gone (PutLogEvents answers "
        "ResourceNotFoundException)",
        (
            ("PutRecordBatch", Fault.error(400, "InvalidArgumentException", "Records size exceeds 4 MB limit")),
            ("PutLogEvents", Fault.error(400, "ResourceNotFoundException", "The specified log stream does not exist")),
        ),
    ),
    Scenario(
        "server-errors",
        "HTTP 5xx until the retries run out: PutRecordBatch 500 InternalFailure, PutLogEvents 503 "
        "ServiceUnavailableException",
        (
            ("PutRecordBatch", Fault.error(500, "InternalFailure", INTERNAL)),
            ("PutLogEvents", Fault.error(503, "ServiceUnavailableException", UNAVAILABLE)),
        ),
    ),
    Scenario(
        "proxy-page",
        "a 502 whose body is no AWS error (an HTML page from something in between), for both puts",
        (("PutRecordBatch", Fault.unparsable(502, PROXY_PAGE)), ("PutLogEvents", Fault.unparsable(502, PROXY_PAGE))),
    ),
    Scenario(
        "partial-failure",
        "Firehose takes the call (HTTP 200) but not every record: FailedPutCount > 0, ErrorCode "
        "ServiceUnavailableException for every second record (per-record throttling); CreateLogStream answers "
        "AccessDeniedException",
        (
            ("PutRecordBatch", Fault.partial_failure(2)),
            ("CreateLogStream", Fault.error(400, "AccessDeniedException", f"{NOT_AUTHORIZED} logs:CreateLogStream")),
        ),
    ),
    Scenario(
        "every-record-failed",
        "HTTP 200 with every record failed (ErrorCode InternalFailure); PutLogEvents 500 InternalFailure",
        (
            ("PutRecordBatch", Fault.partial_failure(1, "InternalFailure", "Internal service failure.")),
            ("PutLogEvents", Fault.error(500, "InternalFailure", INTERNAL)),
        ),
    ),
    Scenario("unreachable", "AWS cannot be reached: every connection is refused", unreachable=True),
    Scenario(
        "recovered",
        "one failure each (Firehose throttling, CloudWatch Logs ThrottlingException), then the retry succeeds",
        (
            ("PutRecordBatch", Fault.error(503, "ServiceUnavailableException", "Slow down.")),
            ("PutLogEvents", Fault.error(400, "ThrottlingException", "Rate exceeded")),
        ),
        times=1,
        until=RECOVERED,
    ),
    Scenario(
        "sigterm-while-retrying",
        "SIGTERM while both chunks wait for their retry, AWS still failing (500 InternalFailure)",
        (
            ("PutRecordBatch", Fault.error(500, "InternalFailure", INTERNAL)),
            ("PutLogEvents", Fault.error(500, "InternalFailure", INTERNAL)),
        ),
        until=RETRYING,
        backoff=30,  # the SIGTERM comes long before the retry would, however slow the machine
    ),
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


# --- running a scenario in the real router -----------------------------------------------------------------------


def quick_retries(workdir: Path, backoff: int = 1) -> dict[str, Path]:
    """fluentbit/ as the image has it, except scheduler.base and scheduler.cap `backoff` in [SERVICE] and Retry_Limit 1
    in every output (see the module's docstring)."""
    extra = parse_file(image_files()[ROUTER_CONFIG_FILE])
    scheduler = (("scheduler.base", str(backoff)), ("scheduler.cap", str(backoff)))
    items: list[Section | Include] = []
    for item in extra.items:
        if isinstance(item, Section) and item.kind == "SERVICE":
            item = Section(item.kind, (*item.entries, *scheduler), item.line)
        elif isinstance(item, Section) and item.kind == "OUTPUT":
            assert item.get("Retry_Limit") is not None, f"{item.name} sets no Retry_Limit to lower"
            entries = tuple((k, "1" if k.lower() == "retry_limit" else v) for k, v in item.entries)
            item = Section(item.kind, entries, item.line)
        items.append(item)
    (workdir / "extra.conf").write_text(render(Config(tuple(items))))
    return {**image_files(), ROUTER_CONFIG_FILE: workdir / "extra.conf"}


def capture(engine: Engine, task: RouterTask, scenario: Scenario, workdir: Path) -> list[str]:
    """Every line the router printed (stdout and stderr) in the scenario, from start to exit."""
    lines = [(access_line("/ok", 200), "stdout"), (access_line("/fails", 503), "stdout"), (ERROR_LOG_LINE, "stderr")]
    workdir.mkdir(parents=True, exist_ok=True)
    with running_router(engine, task, workdir, quick_retries(workdir, scenario.backoff)) as (run, fake):
        for action, fault in scenario.faults:
            fake.fail(action, fault, scenario.times)
        if scenario.unreachable:
            fake.stop_serving()
        run.send_lines(lines)
        assert wait_until(functools.partial(_done, scenario, task, run, fake), 30), run.logs()
        fake.clear()
        assert run.stop() == 0, run.logs()
        return run.logs().splitlines()


def capture_all(engine: Engine, task: RouterTask, workdir: Path) -> dict[str, list[str]]:
    """`capture` of every scenario, all at once, each in a process of its own (moto's backends are per process): the
    routers spend the time waiting for their flush and retry timers, so together they take as long as one."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of this one's threads or mocks
    with ProcessPoolExecutor(max_workers=len(SCENARIOS), mp_context=context) as pool:
        runs = {s.name: pool.submit(_capture_named, engine, task, s.name, workdir / s.name) for s in SCENARIOS}
        return {name: run.result() for name, run in runs.items()}


def _capture_named(engine: Engine, task: RouterTask, name: str, workdir: Path) -> list[str]:
    return capture(engine, task, BY_NAME[name], workdir)


def _done(scenario: Scenario, task: RouterTask, run: RouterRun, fake: FakeAws) -> bool:
    logs, outputs = run.logs(), len(scenario.failing)
    if scenario.until == DELIVERED:
        urgent = sum(len(events) for events in fake.cloudwatch(task).values())
        return len(fake.firehose_records()) >= SENT and urgent >= URGENT
    # The engine's lines (src/flb_engine.c), one per chunk: the scenario has one chunk per failing output.
    wanted = {DROPPED: DROPPED_PHRASE, RETRYING: "failed to flush chunk", RECOVERED: "succeeded at retry"}
    return logs.count(wanted[scenario.until]) >= outputs


# --- what the lines must show ------------------------------------------------------------------------------------


def pattern_problems(scenario: Scenario, lines: list[str]) -> list[str]:
    """What is wrong with ROUTER_ERROR_PATTERN for the lines printed in `scenario` (empty: nothing)."""
    matched = matching(ROUTER_ERROR_PATTERN, lines)
    problems = [f"an info line matches: {line}" for line in matched if "[ info]" in line]
    if not scenario.failing:
        return problems + [f"a line of normal operation matches: {line}" for line in matched]
    for output in sorted(scenario.failing):
        if not any(f"{output}." in line for line in matched):  # its instance: kinesis_firehose.0, output=...
            problems.append(f"no matched line names the failing output {output}")
    dropped = [line for line in matched if DROPPED_PHRASE in line]
    if scenario.until == DROPPED and len(dropped) != len(scenario.failing):
        problems.append(f"{len(dropped)} matched lines say a chunk was dropped, not {len(scenario.failing)}")
    if scenario.until != DROPPED and dropped:
        problems.append(f"a drop is reported though nothing was dropped with a line: {dropped}")
    return problems


def normalized(line: str, names: dict[str, str]) -> str:
    """A line without what changes from run to run: its time, chunk names, task ids, the pid, resource names."""
    line = re.sub(r"^\[\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\] ", "", line)
    line = re.sub(r"'\d+-\d+\.\d+\.flb'", "'<chunk>'", line)
    line = re.sub(r"\b(task_id|pid)=\d+", r"\1=<n>", line)
    for key, value in names.items():
        line = line.replace(value, f"${{{key}}}")
    return line


def names_of(task: RouterTask) -> dict[str, str]:
    return {key: task.environment[key] for key in ("DELIVERY_STREAM", "APP_LOG_GROUP")}


# --- the fixture: lines recorded from the real binary ------------------------------------------------------------


def document(engine: Engine, task: RouterTask, captured: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "about": "Every line the real Fluent Bit printed (stdout and stderr, as the awslogs driver ships them) running "
        "fluentbit/ with quick retries (scheduler.base and scheduler.cap as each scenario says, Retry_Limit 1; "
        "outputs otherwise as shipped) in tests/support/router_harness.py, with the fake AWS answering each scenario's "
        "faults, then SIGTERM. Generated by "
        "`sudo -E .venv/bin/python -m tests.fluentbit.test_router_errors --write`; "
        "tests/fluentbit/test_router_errors.py checks "
        "ROUTER_ERROR_PATTERN against it and, with the binary, that the router still prints these lines.",
        "engine": "the Fluent Bit 1.9.10 binary of AWS's line (amazon-contributing/upstream-to-fluent-bit, branch "
        "1.9.10, commit dca14592; ../shared/tools/fluent-bit/README.md)"
        if isinstance(engine, BinaryEngine)
        else f"{engine.name}: {getattr(engine, 'image', '')}",
        "names": names_of(task),
        "scenarios": [
            {
                "name": scenario.name,
                "what": scenario.what,
                "faults": scenario.fault_names,
                "times": scenario.times,
                "until": scenario.until,
                "scheduler.base and scheduler.cap": scenario.backoff,
                "lines": captured[scenario.name],
            }
            for scenario in SCENARIOS
        ],
    }


@functools.cache
def recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def recorded_lines(name: str) -> list[str]:
    (scenario,) = [s for s in recorded()["scenarios"] if s["name"] == name]
    lines: list[str] = scenario["lines"]
    return lines


# --- unit: the pattern and the metric ----------------------------------------------------------------------------


def test_the_pattern_is_optional_phrases_only() -> None:
    """A question mark combined with included or excluded terms makes CloudWatch ignore the question-mark terms
    (the user guide's note under "Match optional terms", tests/monitoring/test_filter_pattern.py): the pattern must be
    `?` terms only. It is what the CDK renders for FilterPattern.anyTerm(*phrases) (aws/aws-cdk, aws-logs/lib/
    pattern.ts: each term quoted, each clause prefixed with `?`), and fits the API's FilterPattern (botocore's logs
    model: at most 1024 characters)."""
    terms = parse(ROUTER_ERROR_PATTERN)
    assert [t.text for t in terms] == list(ROUTER_ERROR_PHRASES)
    assert {t.kind for t in terms} == {Kind.OPTIONAL}
    assert " ".join(f'?"{phrase}"' for phrase in ROUTER_ERROR_PHRASES) == ROUTER_ERROR_PATTERN
    assert len(ROUTER_ERROR_PATTERN) <= 1024
    assert DROPPED_PHRASE in ROUTER_ERROR_PHRASES


def test_the_metric_names_fit_cloudwatch_logs() -> None:
    """MetricNamespace and MetricName in botocore's logs model: at most 255 characters, none of `:`, `*`, `$`."""
    assert metric_namespace("httpd-firelens", "dev") == "httpd-firelens/dev/LogRouter"
    assert metric_name("httpd") == "httpd/DeliveryErrors"
    for bad in ("a:b", "x" * 250, "$"):
        with pytest.raises(ValueError):
            metric_name(bad)
    with pytest.raises(ValueError):
        metric_namespace("httpd-firelens", "dev*")


def test_quick_retries_change_only_the_scheduler_and_the_retry_limit(tmp_path: Path) -> None:
    """The variant the scenarios run: [SERVICE] gains scheduler.base and scheduler.cap, each output's Retry_Limit is 1,
    everything else is extra.conf as shipped."""
    shipped = parse_file(image_files()[ROUTER_CONFIG_FILE])
    quick = parse_file(quick_retries(tmp_path, 7)[ROUTER_CONFIG_FILE])
    assert len(quick.items) == len(shipped.items)
    for before, after in zip(shipped.sections, quick.sections, strict=True):
        if before.kind == "SERVICE":
            assert after.entries == (*before.entries, ("scheduler.base", "7"), ("scheduler.cap", "7"))
        else:
            assert [(k, v) for k, v in after.entries if k.lower() != "retry_limit"] == [
                (k, v) for k, v in before.entries if k.lower() != "retry_limit"
            ]
            assert after.all("Retry_Limit") == (["1"] if before.kind == "OUTPUT" else before.all("Retry_Limit"))


# --- unit: the pattern over the recorded lines -------------------------------------------------------------------


def test_the_fixture_has_every_scenario() -> None:
    assert [s["name"] for s in recorded()["scenarios"]] == [s.name for s in SCENARIOS]
    for stored in recorded()["scenarios"]:
        scenario = BY_NAME[stored["name"]]
        assert (stored["faults"], stored["times"], stored["until"]) == (
            scenario.fault_names,
            scenario.times,
            scenario.until,
        )
        assert stored["scheduler.base and scheduler.cap"] == scenario.backoff


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_pattern_over_the_recorded_lines(scenario: Scenario) -> None:
    """Every failure has a matched line naming each failing output, a drop line per dropped chunk; normal operation
    and info lines never match (see `pattern_problems`)."""
    assert pattern_problems(scenario, recorded_lines(scenario.name)) == []


def test_the_phrases_are_whole_words_where_they_match() -> None:
    """The user guide's examples show a term matching inside a word (`ERROR` in `ERRORCODE`); in every recorded line
    the phrases are bounded by non-alphanumeric characters, so the counts are the same whether CloudWatch matches
    substrings or words."""
    for stored in recorded()["scenarios"]:
        for line in stored["lines"]:
            for phrase in ROUTER_ERROR_PHRASES:
                for found in re.finditer(re.escape(phrase), line):
                    before = line[found.start() - 1 : found.start()]
                    after = line[found.end() : found.end() + 1]
                    assert not (before.isalnum() or after.isalnum()), line


def test_a_sigterm_while_a_retry_waits_drops_the_chunk_without_a_line() -> None:
    """Measured (sigterm-while-retrying): chunks waiting for their retry when SIGTERM comes are not retried and not
    reported: the engine stops with "0 pending tasks" (fluent/fluent-bit#5960 reports the same, 2022). Only the
    failed attempts before it are counted: the alarm still fires, but no line says records were lost."""
    lines = recorded_lines("sigterm-while-retrying")
    assert not any(DROPPED_PHRASE in line for line in lines)
    assert any("service has stopped (0 pending tasks)" in line for line in lines)
    assert matching(ROUTER_ERROR_PATTERN, lines)


# --- integration: the real router still prints them --------------------------------------------------------------


@pytest.fixture(scope="module")
def task(dev: Evaluation) -> RouterTask:
    return router_task(dev)


@pytest.fixture(scope="module")
def captured(task: RouterTask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    assert not isinstance(ENGINE, str)
    return capture_all(ENGINE, task, tmp_path_factory.mktemp("router-errors"))


@pytest.mark.integration
@integration
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_real_router_prints_the_recorded_lines(
    task: RouterTask, captured: dict[str, list[str]], scenario: Scenario
) -> None:
    """The scenario in the real engine: the pattern checks hold for the fresh lines, and the lines it matches are the
    recorded ones (normalized)."""
    lines = captured[scenario.name]
    assert pattern_problems(scenario, lines) == [], "\n".join(lines)
    fresh = {normalized(line, names_of(task)) for line in matching(ROUTER_ERROR_PATTERN, lines)}
    stored = recorded_lines(scenario.name)
    golden = {normalized(line, recorded()["names"]) for line in matching(ROUTER_ERROR_PATTERN, stored)}
    assert fresh == golden, "the router prints other failure lines: rerun with --write (module docstring)"


# --- recording -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="Capture the router's lines per scenario from the real Fluent Bit.")
    parser.add_argument("--write", action="store_true", help=f"replace {FIXTURE.relative_to(PROJECT_DIR)}")
    args = parser.parse_args()
    if isinstance(ENGINE, str):
        raise SystemExit(f"no Fluent Bit to run: {ENGINE}")
    from offline.harness import evaluate
    from offline.stack_config import load_stack_config

    task = router_task(evaluate(load_stack_config(PROJECT_DIR, "dev")))
    with tempfile.TemporaryDirectory() as workdir:
        captured = capture_all(ENGINE, task, Path(workdir))
    text = json.dumps(document(ENGINE, task, captured), indent=1) + "\n"
    if args.write:
        FIXTURE.write_text(text)
        print(f"wrote {sum(map(len, captured.values()))} lines of {len(captured)} scenarios to {FIXTURE}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
