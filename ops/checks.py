"""The checks of `python -m ops verify`, in the order they run, each proving one part of the deployed pipeline.

Every check is a function of the `Run` (the stack's outputs, AWS clients, the marker and what earlier checks found)
returning an `Outcome`. `CHECKS` lists them with what a pass proves and what to do when one fails: the table in
docs/operations.md, "Verify a deploy", is generated from it (scripts/doc_sections.py).

What each relies on, with its source, is in tests/ops/test_ops_verify.py.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from components.archive.layout import TIME_PARTITIONS, time_partitions, time_path
from components.iam import PROJECT_TAG_KEY, STACK_TAG_KEY
from ops.archive import ArchivedRecord, ArchiveReader
from ops.aws import Aws
from ops.outputs import APP_LOGS, TASK_STOPS, WAF_LOGS, ArchiveOutputs, ServiceOutputs, StackOutputs

T = TypeVar("T")

PASS, FAIL, SKIP = "pass", "FAIL", "skip"
MARKER_PARAMETER = "ops-verify"
REQUEST_SECONDS = 120  # how long the marker request is retried (DNS of a new domain, targets still registering)
PROGRESS_SECONDS = 15  # how often a waiting check says that it still waits
# What the log router writes for an access line (fluentbit/parsers.conf) and what FireLens adds to every record
# (components/archive/tables.py APP_LOG_TABLE has a column for each).
ACCESS_FIELDS = ("method", "path", "status")
ECS_METADATA_FIELDS = ("ecs_cluster", "ecs_task_arn", "ecs_task_definition")
ATHENA_DONE = ("SUCCEEDED", "FAILED", "CANCELLED")


@dataclass(frozen=True)
class Outcome:
    status: str  # PASS, FAIL or SKIP
    detail: str  # what the check saw
    where: str = ""  # where to look: the resource it checked


@dataclass
class Run:
    """One verification: what every check reads, and what earlier checks found for later ones."""

    outputs: StackOutputs
    aws: Aws
    marker: str
    timeout: float  # seconds any one thing may take to arrive
    stop_task: bool = False
    caller: str = ""  # the ARN the credentials are (sts:GetCallerIdentity)
    deploy_role: bool = False  # the credentials are the stack's deploy role
    poll_seconds: float = 10.0
    say: Callable[[str], None] = print
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    probed: ServiceOutputs | None = None  # the service the marker request reached
    request_at: datetime | None = None  # when the marker request reached the app
    archived: ArchivedRecord | None = None  # the marker's access record in the app archive

    def wait(self, what: str, probe: Callable[[], T | None], seconds: float) -> T | None:
        """Call `probe` until it returns something or `seconds` have passed (then its last answer, None); say
        every PROGRESS_SECONDS that it still waits."""
        start = time.monotonic()
        said = start
        while True:
            found = probe()
            now = time.monotonic()
            if found is not None or now - start >= seconds:
                return found
            if now - said >= PROGRESS_SECONDS:
                self.say(f"    still waiting for {what} ({now - start:.0f} s of {seconds:.0f} s)")
                said = now
            time.sleep(min(self.poll_seconds, start + seconds - now))


# --- 1. rollout ----------------------------------------------------------------------------------------------


def revision(task_definition_arn: str) -> str:
    """`family:revision` of a task definition ARN, as ECS and FireLens name it."""
    return task_definition_arn.rsplit("/", 1)[-1]


def _service_state(ecs: Any, service: ServiceOutputs) -> tuple[str, str]:
    """(PASS | FAIL | "" while still rolling out, what the service's deployments say)."""
    found = ecs.describe_services(cluster=service.cluster_name, services=[service.service_name])
    if not found.get("services"):
        reason = found["failures"][0].get("reason", "") if found.get("failures") else "not found"
        return FAIL, f"{service.name}: ECS service {service.service_name}: {reason}"
    described = found["services"][0]
    deployments = described.get("deployments", [])
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    failed = "; ".join(d.get("rolloutStateReason", "") for d in deployments if d.get("rolloutState") == "FAILED")
    expected = revision(service.task_definition_arn)
    if primary is None:
        return "", f"{service.name}: no primary deployment yet"
    if primary["taskDefinition"] != service.task_definition_arn:
        return FAIL, (
            f"{service.name} runs {revision(primary['taskDefinition'])}, not {expected} that the stack deployed"
            + (f" (rolled back: {failed})" if failed else "")
        )
    if primary.get("rolloutState") == "FAILED":
        return FAIL, f"{service.name}: the deployment of {expected} failed: {primary.get('rolloutStateReason', '')}"
    running, desired = described.get("runningCount", 0), described.get("desiredCount", 0)
    state = f"{service.name}: {expected} {primary.get('rolloutState', '?')}, {running} of {desired} tasks running"
    if primary.get("rolloutState") != "COMPLETED" or running != desired:
        return "", state
    return PASS, state


def check_rollout(run: Run) -> Outcome:
    ecs = run.aws.client("ecs")
    states: dict[str, tuple[str, str]] = {}

    def settled() -> dict[str, tuple[str, str]] | None:
        states.update({s.name: _service_state(ecs, s) for s in run.outputs.services})
        results = {status for status, _ in states.values()}
        return dict(states) if FAIL in results or results == {PASS} else None

    settled_states = run.wait("every service's deployment to complete", settled, run.timeout)
    details = "; ".join(detail for _, detail in states.values())
    where = ", ".join(
        f"aws ecs describe-services --cluster {s.cluster_name} --services {s.service_name}"
        for s in run.outputs.services
    )
    if settled_states is None:
        return Outcome(FAIL, f"not complete after {run.timeout:.0f} s: {details}", where)
    if any(status == FAIL for status, _ in settled_states.values()):
        return Outcome(FAIL, details, where)
    return Outcome(PASS, details, where)


# --- 2. request ----------------------------------------------------------------------------------------------


def status_matches(status: int, matcher: str) -> bool:
    """Whether an HTTP status is one the target group's matcher counts as healthy (`200`, `200-299`, `200,302`)."""
    for part in matcher.split(","):
        low, _, high = part.strip().partition("-")
        if int(low) <= status <= int(high or low):
            return True
    return False


def marker_url(service_url: str, path: str, marker: str) -> str:
    """The service's health check path under the stack's URL, with the marker as a query parameter."""
    parts = urllib.parse.urlsplit(service_url.rstrip("/") + path)
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode({MARKER_PARAMETER: marker})) if q)
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _get(url: str) -> tuple[int | None, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "httpd-firelens-ops-verify"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))


def check_request(run: Run) -> Outcome:
    service = run.outputs.probed_service()
    if service is None:
        names = ", ".join(s.name for s in run.outputs.services)
        return Outcome(SKIP, f"no service ({names}) gets a request for its health check path at this URL", "")
    run.probed = service
    url = marker_url(run.outputs.service_url, service.health_check_path, run.marker)
    seen: list[str] = []

    def answered() -> int | None:
        sent_at = datetime.now(UTC)
        status, error = _get(url)
        seen.append(error or f"HTTP {status}")
        if status is not None and status_matches(status, service.health_check_matcher):
            run.request_at = sent_at
            return status
        return None

    status = run.wait(f"{url} to answer {service.health_check_matcher}", answered, min(run.timeout, REQUEST_SECONDS))
    if status is None:
        return Outcome(FAIL, f"{service.name} never answered {service.health_check_matcher}: last {seen[-1]}", url)
    return Outcome(PASS, f"HTTP {status} from {service.name}", url)


# --- 3. archive, 4. athena, 6. waf: the marker in the archives --------------------------------------------------


def _archive_where(archive: ArchiveOutputs, at: datetime) -> str:
    return f"s3://{archive.bucket}/{archive.prefix}{time_path(at)}"


def _find(
    run: Run, archive: ArchiveOutputs, since: datetime, matches: Callable[[dict[str, Any]], bool]
) -> tuple[ArchivedRecord | None, ArchiveReader]:
    """Wait for the first record of `archive` written since `since` that `matches`, reading every new object; stop
    early when an object breaks the archive's format."""
    reader = ArchiveReader(run.aws.client("s3"), archive.bucket, archive.prefix, since)
    found: list[ArchivedRecord] = []

    def matching_or_broken() -> bool | None:
        found.extend(r for r in reader.new_records(datetime.now(UTC)) if matches(r.record))
        return True if found or reader.problems else None

    run.wait(f"the record in s3://{archive.bucket}/{archive.prefix}", matching_or_broken, run.timeout)
    return (found[0] if found else None), reader


def _format_problems(reader: ArchiveReader) -> str:
    shown = "; ".join(reader.problems[:3])
    return shown + (f" (and {len(reader.problems) - 3} more)" if len(reader.problems) > 3 else "")


def check_archive(run: Run) -> Outcome:
    if run.request_at is None or run.probed is None:
        return Outcome(SKIP, "no marker request reached the app")
    archive, service = run.outputs.archives[APP_LOGS], run.probed
    found, reader = _find(run, archive, run.request_at, lambda r: run.marker in str(r.get("log", "")))
    where = _archive_where(archive, run.request_at)
    if reader.problems:
        return Outcome(FAIL, _format_problems(reader), where)
    if found is None:
        return Outcome(FAIL, f"no record with the marker after {run.timeout:.0f} s", where)
    record = found.record
    missing = [key for key in (*ACCESS_FIELDS, *ECS_METADATA_FIELDS) if record.get(key) in (None, "")]
    if missing:
        return Outcome(FAIL, f"the marker's record lacks {', '.join(missing)}: {found.key} line {found.line}", where)
    expected = {"ecs_cluster": service.cluster_name, "ecs_task_definition": revision(service.task_definition_arn)}
    wrong = [f"{key} {record[key]} (expected {value})" for key, value in expected.items() if record[key] != value]
    if wrong:
        return Outcome(FAIL, f"the marker's record has {', '.join(wrong)}", where)
    run.archived = found
    return Outcome(
        PASS,
        f"{found.key} line {found.line}: {record['method']} {record['status']} from {record['ecs_task_definition']}",
        where,
    )


def athena_query(table: str, at: datetime, marker: str) -> str:
    """The query that finds the marker's access record: one day's partitions only (the workgroup's scan cutoff)."""
    day = time_partitions(at)
    partitions = " AND ".join(f"{p.key} = {day[p.key]}" for p in TIME_PARTITIONS)
    return f"SELECT path FROM \"{table}\" WHERE {partitions} AND strpos(path, '{marker}') > 0 LIMIT 10"


def check_athena(run: Run) -> Outcome:
    archive = run.outputs.archives[APP_LOGS]
    if run.archived is None or archive.table is None:
        return Outcome(SKIP, "no archived record to look for")
    athena = run.aws.client("athena")
    query = athena_query(archive.table, run.archived.day, run.marker)
    execution_id = athena.start_query_execution(
        QueryString=query,
        QueryExecutionContext={"Database": run.outputs.athena_database},
        WorkGroup=run.outputs.athena_workgroup,
    )["QueryExecutionId"]
    where = f"workgroup {run.outputs.athena_workgroup}, query {execution_id}"

    def finished() -> dict[str, Any] | None:
        status: dict[str, Any] = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
        return status if status["State"] in ATHENA_DONE else None

    status = run.wait(f"Athena query {execution_id}", finished, run.timeout)
    if status is None:
        return Outcome(FAIL, f"the query did not finish in {run.timeout:.0f} s", where)
    if status["State"] != "SUCCEEDED":
        return Outcome(FAIL, f"the query {status['State']}: {status.get('StateChangeReason', '')}", where)
    rows = athena.get_query_results(QueryExecutionId=execution_id)["ResultSet"]["Rows"]
    cells = [cell.get("VarCharValue", "") for row in rows for cell in row.get("Data", [])]
    if not any(run.marker in cell for cell in cells):
        return Outcome(FAIL, f"{archive.table} has no row with the marker on that day", where)
    return Outcome(PASS, f"{archive.table} in {run.outputs.athena_database} has the marker's row", where)


def check_waf(run: Run) -> Outcome:
    archive = run.outputs.archives.get(WAF_LOGS)
    if archive is None:
        return Outcome(SKIP, "the stack has no WAF")
    if run.request_at is None:
        return Outcome(SKIP, "no marker request reached the ALB")

    def marked(record: dict[str, Any]) -> bool:
        request = record.get("httpRequest")
        return isinstance(request, dict) and run.marker in str(request.get("args", ""))

    found, reader = _find(run, archive, run.request_at, marked)
    where = _archive_where(archive, run.request_at)
    if reader.problems:
        return Outcome(FAIL, _format_problems(reader), where)
    if found is None:
        return Outcome(FAIL, f"no WAF log record of the marker request after {run.timeout:.0f} s", where)
    return Outcome(PASS, f"{found.key} line {found.line}: action {found.record.get('action', '?')}", where)


# --- 7. a task stop --------------------------------------------------------------------------------------------


def _is_stop_of(record: dict[str, Any], task_arn: str) -> bool:
    detail = record.get("detail")
    return isinstance(detail, dict) and detail.get("taskArn") == task_arn and detail.get("lastStatus") == "STOPPED"


def check_stop_task(run: Run) -> Outcome:
    if not run.stop_task:
        return Outcome(SKIP, "not asked (--stop-task)")
    service, ecs = run.probed or run.outputs.services[0], run.aws.client("ecs")
    tasks = ecs.list_tasks(cluster=service.cluster_name, serviceName=service.service_name, desiredStatus="RUNNING")
    if not tasks.get("taskArns"):
        return Outcome(FAIL, f"{service.name} has no running task to stop")
    task_arn = tasks["taskArns"][0]
    stopped_at = datetime.now(UTC)
    ecs.stop_task(cluster=service.cluster_name, task=task_arn, reason=f"python -m ops verify stops it ({run.marker})")
    run.say(f"    stopped {task_arn}; ECS starts a replacement")
    archive, logs = run.outputs.archives[TASK_STOPS], run.aws.client("logs")
    group = run.outputs.task_stop_log_group
    reader = ArchiveReader(run.aws.client("s3"), archive.bucket, archive.prefix, stopped_at)
    arrived: dict[str, bool] = {"the stop archive": False, "the task-stop log group": False}

    def both() -> bool | None:
        if not arrived["the stop archive"]:
            records = reader.new_records(datetime.now(UTC))
            arrived["the stop archive"] = any(_is_stop_of(r.record, task_arn) for r in records)
        if not arrived["the task-stop log group"]:
            events = _log_events(logs, group, stopped_at, filterPattern=f'"{task_arn.rsplit("/", 1)[-1]}"')
            arrived["the task-stop log group"] = any(_is_stop_of(_json(e.get("message", "")), task_arn) for e in events)
        return True if all(arrived.values()) or reader.problems else None

    run.wait(f"the STOPPED event of {task_arn}", both, run.timeout)
    where = f"{_archive_where(archive, stopped_at)}, log group {group}"
    if reader.problems:
        return Outcome(FAIL, _format_problems(reader), where)
    missing = [name for name, there in arrived.items() if not there]
    if missing:
        return Outcome(FAIL, f"the STOPPED event of {task_arn} never reached {' nor '.join(missing)}", where)
    return Outcome(PASS, f"the STOPPED event of {task_arn} is in both", where)


# --- 8. the deploy role's tags ----------------------------------------------------------------------------------

# A role session's ARN, `arn:aws:sts::<account>:assumed-role/<role name>/<session>`, names the role without its path
# ("the assumed-role ARN doesn't include the path of the role", hashicorp/terraform-provider-aws#19957): the name
# ListRoleTags takes.
ASSUMED_ROLE = re.compile(r"arn:aws[\w-]*:sts::\d{12}:assumed-role/(?P<role>[\w+=,.@-]+)/[^/]+")


def check_deploy_role(run: Run) -> Outcome:
    if not run.deploy_role:
        return Outcome(SKIP, "not asked (--deploy-role)")
    role = ASSUMED_ROLE.fullmatch(run.caller)
    if role is None:
        return Outcome(FAIL, f"the credentials are {run.caller}, not a role")
    name = role["role"]
    pages = run.aws.client("iam").get_paginator("list_role_tags").paginate(RoleName=name)
    tags = {tag["Key"]: tag["Value"] for page in pages for tag in page["Tags"]}
    wanted = {key: run.outputs.stack_tags[key] for key in (PROJECT_TAG_KEY, STACK_TAG_KEY)}
    found = {key: tags[key] for key in wanted if key in tags}
    if found != wanted:
        carries = _tags(found) or f"neither {' nor '.join(wanted)}"
        return Outcome(FAIL, f"{name} carries {carries}, not {_tags(wanted)}", f"role {name}")
    return Outcome(PASS, f"{name} carries {_tags(wanted)}", f"role {name}")


def _tags(tags: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in tags.items())


# --- 5. delivery errors ----------------------------------------------------------------------------------------


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _log_events(logs: Any, group: str, since: datetime, limit: int = 5, **filters: str) -> list[dict[str, Any]]:
    """Up to `limit` events of a log group since a moment. FilterLogEvents may answer a page without events and a
    nextToken before the events it finds (CloudWatch Logs API reference), so the pages are followed."""
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=_ms(since), **filters)
    events: list[dict[str, Any]] = []
    for page in pages:
        events += page.get("events", [])
        if len(events) >= limit:
            break
    return events[:limit]


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def check_delivery_errors(run: Run) -> Outcome:
    logs = run.aws.client("logs")
    groups = [archive.delivery_error_log_group for archive in run.outputs.archives.values()]
    errors = []
    for group in groups:
        events = _log_events(logs, group, run.started_at)
        errors += [f"{group}: {event.get('message', '').strip()}" for event in events]
    if errors:
        return Outcome(FAIL, f"{len(errors)} delivery error(s) since the check began, first: {errors[0]}", groups[0])
    return Outcome(PASS, f"no delivery error since the check began in {len(groups)} log groups", ", ".join(groups))


@dataclass(frozen=True)
class Check:
    name: str
    proves: str  # what a pass proves
    next_step: str  # what to do when it fails
    run: Callable[[Run], Outcome]


CHECKS: tuple[Check, ...] = (
    Check(
        "rollout",
        "every ECS service's deployment completed (not failed or rolled back), runs as many tasks as desired, and "
        "runs the task definition revision the stack deployed",
        '`aws ecs describe-services` events and the failed deployment\'s reason; the "failed starts" query in '
        "taskStopLogGroup; the app's image, port and health check path must agree",
        check_rollout,
    ),
    Check(
        "request",
        "a request carrying a unique marker reaches an app through the ALB: the first service, in rule priority, "
        "whose own rule gets a request for its health check path at serviceUrl (httpd's catch-all by default) "
        "answers with its health check's matcher",
        "the ALB's target health (`aws elbv2 describe-target-health`), the security groups, DNS of domainName, the "
        "WAF log archive for a block",
        check_request,
    ),
    Check(
        "archive",
        "the marker's access record lands in the app archive under today's UTC Hive prefix: GZIP, one JSON object "
        "per line, parsed fields and ECS metadata of the deployed revision (Firehose writes into the bucket as "
        "configured, Object Lock included)",
        "the app archive's deliveryErrorLogGroup and the service's logRouterLogGroup; with archiveObjectLockDays "
        "set, an InvalidRequest there means Firehose cannot write to the locked bucket: set archiveObjectLockDays: 0 "
        "(that removes the default retention, not the lock) and `pulumi up`",
        check_archive,
    ),
    Check(
        "athena",
        "Athena finds the marker through the stack's workgroup, database and table, reading today's partition only",
        "the query's state change reason (`aws athena get-query-execution`); the workgroup's scan cutoff; the "
        "table's partition projection",
        check_athena,
    ),
    Check(
        "waf",
        "with the WAF on, the marker request is in the WAF log archive",
        "the WAF's logging configuration (`aws wafv2 get-logging-configuration`) and the WAF archive's "
        "delivery error log group",
        check_waf,
    ),
    Check(
        "stop-task",
        "with --stop-task: one task stopped on purpose; its STOPPED event reaches the stop archive and the "
        "task-stop log group (a user-initiated stop, so no alert)",
        "the task-stop rule's dead-letter queue (taskStopDeadLetterQueueUrl) and its ERROR_CODE attribute; the "
        "stop archive's delivery error log group",
        check_stop_task,
    ),
    Check(
        "deploy-role",
        "with --deploy-role (the deploy workflow): the credentials are a role tagged with the stack's project and "
        "stack, the tags by which the buckets of the project's other stacks refuse it (docs/ADOPTING.md, \"dev and "
        'prod in one account")',
        "tag the role with the stack's tags (the stackTags output): `aws iam tag-role --role-name <role> --tags "
        "Key=project,Value=<project> Key=stack,Value=<stack>`",
        check_deploy_role,
    ),
    Check(
        "delivery-errors",
        "no archive's Firehose delivery-error log group received a record while the checks ran",
        "the error message names the cause: AccessDenied (the delivery role or a KMS key policy), a deleted bucket, "
        "InvalidRequest from a locked bucket, a partner refusing the key",
        check_delivery_errors,
    ),
)
