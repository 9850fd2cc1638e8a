"""ops/checks.py: every check of `python -m ops verify`, passing and failing, against dev deployed once in moto
(tests/support/ops_world.py, built from the offline preview's outputs), and the command line's report of them.

What the checks rely on, and where it is documented:
- ECS `DescribeServices` deployments: `status` PRIMARY is the deployment ECS is rolling out; `rolloutState`
  COMPLETED / FAILED / IN_PROGRESS; "If the service fails to reach a steady state and circuit breaker is turned
  on, the deployment transitions to a FAILED state", and with rollback "the service is rolled back to the last
  deployment that completed successfully": a new PRIMARY deployment of the old task definition (ECS API
  reference, Deployment; ECS developer guide, "deployment circuit breaker"). So a PRIMARY deployment of another
  task definition than the stack deployed is a rollback.
- Firehose writes each object under its prefix evaluated at the arrival time, in UTC, named
  `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>` plus `.gz` with GZIP ("Amazon S3 object name format",
  Firehose developer guide): the app record of a request is under the UTC day it arrived
  (components/archive/layout.py `time_path`, tied to the Firehose prefix below).
- Athena: StartQueryExecution with QueryExecutionContext.Database and WorkGroup; GetQueryExecution's State is
  QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED; GetQueryResults' first row of a SELECT is the header (Athena
  API reference).
- AWS WAF log records carry the request's query string in `httpRequest.args` (AWS WAF developer guide, "Log
  fields for web ACL traffic").
- The STOPPED event reaches the stop archive and the task-stop log group as EventBridge delivers it: the event
  JSON, `detail.taskArn` and `detail.lastStatus` (ECS developer guide, "Amazon ECS task state change events").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from components.archive.layout import firehose_prefix, time_path
from components.archive.tables import APP_LOG_TABLE
from offline.harness import Evaluation
from ops.__main__ import TIMEOUT_MARGIN_SECONDS, default_timeout, main
from ops.checks import (
    ACCESS_FIELDS,
    CHECKS,
    ECS_METADATA_FIELDS,
    FAIL,
    PASS,
    SKIP,
    athena_query,
    marker_url,
    status_matches,
)
from ops.outputs import from_json
from ops.verify import passed
from tests.support.ops_world import (
    Defect,
    World,
    as_role,
    create_role,
    deployed,
    fail_athena_queries,
    run_checks,
    statuses,
)


@pytest.fixture(scope="module")
def dev_world(dev: Evaluation) -> Iterator[World]:
    """dev deployed once for the module: each check reads only what was written since it began."""
    with pytest.MonkeyPatch.context() as monkeypatch, deployed(dev, monkeypatch) as deployed_world:
        yield deployed_world


@pytest.fixture
def world(dev_world: World) -> Iterator[World]:
    """dev as deployed, working until a test gives it a defect."""
    outputs = json.loads(json.dumps(dev_world.outputs))
    dev_world.reset()
    yield dev_world
    dev_world.outputs = outputs


# --- the passing path --------------------------------------------------------------------------------------------


def test_a_healthy_dev_stack_passes_every_check_that_applies(world: World) -> None:
    results = run_checks(world)
    assert statuses(results) == {
        "rollout": PASS,
        "request": PASS,
        "archive": PASS,
        "athena": PASS,
        "waf": SKIP,  # dev has no WAF
        "stop-task": SKIP,  # not asked
        "deploy-role": SKIP,  # not asked
        "delivery-errors": PASS,
    }
    assert passed(list(results.values()))
    (path,) = world.requests
    assert "?ops-verify=ops-verify-" in path and path.startswith(world.outputs["services"]["httpd"]["healthCheckPath"])


# --- each failure, as an operator would meet it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("defect", "failed", "says"),
    [
        (Defect.LOST, "archive", "no record with the marker"),
        (Defect.BLANK_LINES, "archive", "line 2 is blank"),
        (Defect.NOT_GZIP, "archive", "is not GZIP"),
        (Defect.UNPARSED, "archive", "lacks method, path, status"),
        (Defect.NO_METADATA, "archive", "lacks ecs_cluster, ecs_task_arn, ecs_task_definition"),
        (Defect.OLD_REVISION, "archive", "ecs_task_definition"),
        (Defect.DELIVERY_ERROR, "delivery-errors", "S3.AccessDenied"),
        (Defect.APP_ANSWERS_503, "request", "last HTTP 503"),
    ],
)
def test_each_pipeline_defect_fails_its_check(world: World, defect: Defect, failed: str, says: str) -> None:
    world.defects.add(defect)
    results = run_checks(world, timeout=0.3)
    assert results[failed].outcome.status == FAIL
    assert says in results[failed].outcome.detail
    assert not passed(list(results.values()))
    if failed == "archive":
        assert results["athena"].outcome.status == SKIP  # nothing to look for


def test_a_stop_that_never_reaches_the_archive_fails(world: World) -> None:
    world.defects.add(Defect.STOP_NOT_ARCHIVED)
    outcome = run_checks(world, timeout=0.3, stop_task=True)["stop-task"].outcome
    assert outcome.status == FAIL and "never reached the stop archive" in outcome.detail


def test_a_rolled_back_service_fails_at_once(world: World) -> None:
    """The circuit breaker rolled back: the PRIMARY deployment runs the previous revision."""
    service = world.outputs["services"]["httpd"]
    family, number = service["taskDefinitionArn"].rsplit(":", 1)
    service["taskDefinitionArn"] = f"{family}:{int(number) + 1}"
    outcome = run_checks(world, timeout=30)["rollout"].outcome
    assert outcome.status == FAIL and outcome.detail.startswith("httpd runs ")
    assert f"not {service['taskDefinitionArn'].rsplit('/', 1)[-1]} that the stack deployed" in outcome.detail


def test_a_failed_deployment_fails(world: World) -> None:
    from moto.ecs.models import ecs_backends

    backend = ecs_backends["123456789012"][world.region]
    (ecs_service,) = backend.services.values()
    deployment = ecs_service.deployments[0]
    before = dict(deployment)
    deployment.update(rolloutState="FAILED", rolloutStateReason="tasks failed to start.")
    try:
        outcome = run_checks(world, timeout=30)["rollout"].outcome
    finally:
        deployment.update(before)
    assert outcome.status == FAIL and "failed: tasks failed to start." in outcome.detail


def test_a_failed_athena_query_fails(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_athena_queries(monkeypatch)
    outcome = run_checks(world, timeout=0.3)["athena"].outcome
    assert outcome.status == FAIL and "the query FAILED" in outcome.detail


def test_a_refused_aws_call_fails_its_check_and_names_the_error(world: World) -> None:
    outputs = json.loads(json.dumps(world.outputs))
    outputs["archives"]["appLogs"]["bucket"] = "no-such-bucket-of-this-stack"
    outcome = run_checks(world, timeout=0.3, outputs=outputs)["archive"].outcome
    assert outcome.status == FAIL and "NoSuchBucket" in outcome.detail


# --- what the checks rely on -------------------------------------------------------------------------------------


def test_the_query_finds_the_marker_on_the_local_engine_reading_one_day(world: World) -> None:
    """The query names the table's partition columns with today's values only (the workgroup cuts off large scans),
    and finds the record by its path: world's Athena is the local engine over the archive's objects."""
    at = datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    query = athena_query(APP_LOG_TABLE.name, at, "ops-verify-0123")
    assert "year = 2026 AND month = 1 AND day = 5" in query
    assert run_checks(world)["athena"].outcome.status == PASS


def test_the_reader_looks_where_firehose_writes() -> None:
    """Firehose's prefix, evaluated at an instant (`!{timestamp:yyyy}` and so on, in UTC, zero-padded), is the
    archive prefix plus `time_path` of that instant."""
    at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    evaluated = firehose_prefix("app-logs/").replace("!{timestamp:yyyy}", "2026")
    evaluated = evaluated.replace("!{timestamp:MM}", "03").replace("!{timestamp:dd}", "04")
    assert evaluated == "app-logs/" + time_path(at)


def test_the_fields_checked_are_columns_of_the_app_log_table() -> None:
    assert set(ACCESS_FIELDS) | set(ECS_METADATA_FIELDS) <= set(APP_LOG_TABLE.column_names)


@pytest.mark.parametrize(
    ("status", "matcher", "healthy"),
    [(200, "200", True), (204, "200-299", True), (302, "200,302", True), (301, "200,302", False), (503, "200", False)],
)
def test_the_status_is_judged_by_the_health_check_matcher(status: int, matcher: str, healthy: bool) -> None:
    assert status_matches(status, matcher) is healthy


def test_the_marker_goes_in_the_query_string_of_the_health_check_path() -> None:
    marker = "ops-verify-0123"
    assert marker_url("https://app.example.com/", "/", marker) == f"https://app.example.com/?ops-verify={marker}"
    assert marker_url("http://alb", "/health?x=1", marker) == f"http://alb/health?x=1&ops-verify={marker}"


@pytest.mark.parametrize(
    ("tags", "status", "says"),
    [
        ({"project": "httpd-firelens", "stack": "dev"}, PASS, "carries project=httpd-firelens, stack=dev"),
        ({"project": "httpd-firelens", "stack": "prod"}, FAIL, "carries project=httpd-firelens, stack=prod, not"),
        ({"project": "httpd-firelens"}, FAIL, "carries project=httpd-firelens, not project=httpd-firelens, stack=dev"),
        ({}, FAIL, "carries neither project nor stack"),
    ],
)
def test_the_deploy_role_must_carry_the_stacks_tags(world: World, tags: dict[str, str], status: str, says: str) -> None:
    """The buckets of the project's other stacks refuse the deploy role by its tags (components/archive/
    private_bucket.py): an untagged deploy role is not refused, so the deploy workflow's verify says so loudly."""
    role = f"deploy-role-{len(tags)}-{tags.get('stack', 'none')}"
    create_role(world, role, tags)
    try:
        outcome = run_checks(world, caller=as_role(role))["deploy-role"].outcome
    finally:
        world.client("iam").delete_role(RoleName=role)
    assert (outcome.status, outcome.where) == (status, f"role {role}")
    assert says in outcome.detail


def test_credentials_that_are_not_a_role_fail_the_deploy_role_check(world: World) -> None:
    outcome = run_checks(world, caller="arn:aws:iam::123456789012:user/alice")["deploy-role"].outcome
    assert (outcome.status, outcome.detail) == (
        FAIL,
        "the credentials are arn:aws:iam::123456789012:user/alice, not a role",
    )


def test_the_default_timeout_is_the_longest_buffer_interval_plus_a_margin(dev: Evaluation) -> None:
    outputs = from_json(dev.outputs)
    longest = max(a.buffer_interval_seconds for a in outputs.archives.values())
    assert default_timeout(outputs) == longest + TIMEOUT_MARGIN_SECONDS == 300 + TIMEOUT_MARGIN_SECONDS


def test_every_check_says_what_it_proves_and_what_to_do() -> None:
    assert [check.name for check in CHECKS] == [
        "rollout",
        "request",
        "archive",
        "athena",
        "waf",
        "stop-task",
        "deploy-role",
        "delivery-errors",
    ]
    assert all(check.proves and check.next_step for check in CHECKS)


# --- the command line ----------------------------------------------------------------------------------------------


def _outputs_file(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(world.outputs))
    return path


def test_the_command_exits_0_and_prints_the_table(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--outputs", str(_outputs_file(world, tmp_path)), "--timeout", "10"]) == 0
    printed = capsys.readouterr().out
    assert "check" in printed and "where to look" in printed
    for check in CHECKS:
        assert f"] {check.name}: " in printed


def test_the_command_exits_1_naming_each_failed_check_and_its_next_step(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world.defects.add(Defect.NO_METADATA)
    assert main(["verify", "--outputs", str(_outputs_file(world, tmp_path)), "--timeout", "1"]) == 1
    printed = capsys.readouterr().out
    (archive,) = [c for c in CHECKS if c.name == "archive"]
    assert "archive FAILED: the marker's record lacks ecs_cluster" in printed
    assert f"next: {archive.next_step}" in printed
