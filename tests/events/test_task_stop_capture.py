"""TaskStopCapture: which ECS task events each rule matches, the alert message, and the rule -> target chain.

Event patterns are evaluated with moto's EventBridge pattern matcher against task state change events
built in AWS's documented format (tests/support/ecs_events.py).
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from offline.aws_formats import ACCOUNT_ID
from offline.harness import Evaluation, RecordedResource
from tests.conftest import (
    ALL_OPTION_SECRETS,
    ALL_OPTIONS,
    PARTNER,
    PARTNER_SECRETS,
    PIPELINE_VARIANT,
    evaluate_stack,
)
from tests.support.aws_api import validate_request
from tests.support.ecs_events import (
    REGION,
    TASK_ID,
    crashed,
    deployment,
    failed_health_checks,
    failed_pull,
    failed_secrets,
    scale_in,
    spot_interruption,
    stopping,
    task_event,
    user_stop,
)
from tests.support.helpers import inside, only
from tests.support.iam_lint import as_list, covers, lint_policy, policy_of

COMPONENT = "httpd-firelens:events:TaskStopCapture"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
OTHER_CLUSTER = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/someone-elses-cluster"


UNEXPECTED_STOPS = [failed_pull, failed_secrets, crashed, failed_health_checks]
EXPECTED_STOPS = [deployment, scale_in, user_stop, spot_interruption]
NOT_STOPPED_STATES = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "DEPROVISIONING"]


# --- reading the recorded program --------------------------------------------------------------------------


def children(evaluation: Evaluation, type_token: str) -> list[RecordedResource]:
    return inside(evaluation, COMPONENT, "task-stops", type_token)


def child(evaluation: Evaluation, type_token: str, name: str | None = None) -> RecordedResource:
    return only([r for r in children(evaluation, type_token) if name is None or r.name == name])


def rule(evaluation: Evaluation, label: str) -> RecordedResource:
    return child(evaluation, RULE, f"task-stops-{label}")


def matches(rule_resource: RecordedResource, event: dict[str, Any]) -> bool:
    pattern = EventPattern.load(rule_resource.inputs["eventPattern"])
    return bool(pattern.matches_event(cast(Any, event)))  # moto types events as its own TypedDict


def this_cluster(evaluation: Evaluation) -> str:
    """The cluster the `stopped` rule filters on."""
    (cluster,) = json.loads(rule(evaluation, "stopped").inputs["eventPattern"])["detail"]["clusterArn"]
    assert isinstance(cluster, str)
    return cluster


def targets_of(evaluation: Evaluation, rule_resource: RecordedResource) -> list[RecordedResource]:
    return [t for t in children(evaluation, TARGET) if t.inputs["rule"] == rule_resource.state["name"]]


@pytest.fixture(scope="module")
def all_states() -> Evaluation:
    return evaluate_stack("dev", secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)


@pytest.fixture(scope="module")
def account_wide() -> Evaluation:
    return evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)


@pytest.fixture(scope="module")
def partner() -> Evaluation:
    """Stop events to a partner endpoint (the same evaluation as test_log_archive's, so it is computed once)."""
    return evaluate_stack("dev", secrets=PARTNER_SECRETS, **PARTNER)


# --- the `stopped` rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", UNEXPECTED_STOPS + EXPECTED_STOPS)
def test_every_stop_of_this_cluster_is_captured(stack: Evaluation, make: Any) -> None:
    assert matches(rule(stack, "stopped"), make(this_cluster(stack)))


@pytest.mark.parametrize("state", NOT_STOPPED_STATES)
def test_tasks_that_have_not_stopped_are_not_captured(stack: Evaluation, state: str) -> None:
    assert not matches(rule(stack, "stopped"), task_event(this_cluster(stack), state))


def test_stops_elsewhere_are_not_captured(stack: Evaluation) -> None:
    capture = rule(stack, "stopped")
    assert not matches(capture, crashed(OTHER_CLUSTER))
    other_source = crashed(this_cluster(stack)) | {"source": "com.example.ecs-mirror"}
    assert not matches(capture, other_source)
    other_type = crashed(this_cluster(stack)) | {"detail-type": "ECS Container Instance State Change"}
    assert not matches(capture, other_type)


def test_the_rules_filter_on_the_services_cluster(stack: Evaluation) -> None:
    (cluster,) = stack.of_type("aws:ecs/cluster:Cluster")
    assert this_cluster(stack) == cluster.state["arn"]


def test_account_scope_captures_and_alerts_on_every_cluster(account_wide: Evaluation) -> None:
    for label in ("stopped", "stop-alert"):
        assert "clusterArn" not in json.loads(rule(account_wide, label).inputs["eventPattern"])["detail"]
        assert matches(rule(account_wide, label), crashed(OTHER_CLUSTER))
    assert not matches(rule(account_wide, "stopped"), task_event(OTHER_CLUSTER, "RUNNING"))
    assert not matches(rule(account_wide, "stop-alert"), deployment(OTHER_CLUSTER))


# --- the `stop-alert` rule and its message --------------------------------------------------------------------


@pytest.mark.parametrize("make", UNEXPECTED_STOPS)
def test_unexpected_stops_alert(stack: Evaluation, make: Any) -> None:
    assert matches(rule(stack, "stop-alert"), make(this_cluster(stack)))


@pytest.mark.parametrize("make", [*EXPECTED_STOPS, stopping])
def test_deployments_scale_in_user_stops_and_intermediate_events_do_not_alert(stack: Evaluation, make: Any) -> None:
    assert not matches(rule(stack, "stop-alert"), make(this_cluster(stack)))


def test_alerts_only_for_this_cluster(stack: Evaluation) -> None:
    assert not matches(rule(stack, "stop-alert"), crashed(OTHER_CLUSTER))


def resolve(path: str, event: dict[str, Any]) -> Any:
    """EventBridge's JSONPath subset used by the transformer: `$.a.b[0].c`. KeyError/IndexError when absent."""
    assert path.startswith("$."), path
    value: Any = event
    for part in path[2:].split("."):
        step = re.fullmatch(r"([\w-]+)((?:\[\d+\])*)", part)
        assert step, f"{path}: {part!r} is outside EventBridge's JSONPath subset"
        value = value[step.group(1)]
        for index in re.findall(r"\[(\d+)\]", step.group(2)):
            value = value[int(index)]
    return value


def render(transformer: dict[str, Any], event: dict[str, Any]) -> str:
    """What EventBridge sends: string values inserted as they are, others as JSON, missing paths as nothing."""
    text: str = transformer["inputTemplate"]
    for variable, path in transformer["inputPaths"].items():
        try:
            value = resolve(path, event)
        except (KeyError, IndexError):
            value = ""
        text = text.replace(f"<{variable}>", value if isinstance(value, str) else json.dumps(value))
    return text


def alert_transformer(evaluation: Evaluation) -> dict[str, Any]:
    (target,) = targets_of(evaluation, rule(evaluation, "stop-alert"))
    transformer: dict[str, Any] = target.inputs["inputTransformer"]
    return transformer


def test_every_input_path_exists_in_a_stop_event(dev: Evaluation) -> None:
    transformer = alert_transformer(dev)
    event = crashed(this_cluster(dev))
    for variable, path in transformer["inputPaths"].items():
        resolve(path, event)  # raises if the path is not in AWS's event format
        assert f"<{variable}>" in transformer["inputTemplate"], f"{variable} is extracted but never used"
    used = set(re.findall(r"<([A-Za-z0-9_-]+)>", transformer["inputTemplate"]))
    assert used <= set(transformer["inputPaths"]), "the template uses a variable no path defines"


def test_alert_message_for_a_crash_names_everything_needed_to_start_looking(dev: Evaluation) -> None:
    cluster = this_cluster(dev)
    event = crashed(cluster)
    message = json.loads(render(alert_transformer(dev), event))  # the template is a JSON string
    assert message == (
        "ECS task stopped unexpectedly (EssentialContainerExited) at 2026-01-15T10:22:41Z: Essential container in "
        f"task exited | group service:httpd-service-4c1d2e3 | task {event['detail']['taskArn']} | cluster {cluster} "
        "| exit codes: app=139 log_router=0"
    )


def test_alert_message_for_a_failed_start_carries_the_reason(dev: Evaluation) -> None:
    event = failed_pull(this_cluster(dev))
    message = json.loads(render(alert_transformer(dev), event))
    assert "(TaskFailedToStart)" in message
    assert event["detail"]["stoppedReason"] in message
    assert message.endswith("exit codes: app= log_router=")  # it never ran: no exit codes


# --- the optional `state-change` rule -------------------------------------------------------------------------


def test_no_state_change_rule_by_default(stack: Evaluation) -> None:
    assert sorted(r.name for r in children(stack, RULE)) == ["task-stops-stop-alert", "task-stops-stopped"]


@pytest.mark.parametrize("state", NOT_STOPPED_STATES)
def test_every_state_change_of_the_cluster_is_logged_exactly_once(all_states: Evaluation, state: str) -> None:
    log_group_arn = child(all_states, LOG_GROUP).state["arn"]
    cluster = this_cluster(all_states)
    logging_rules = [
        r
        for r in children(all_states, RULE)
        if any(t.inputs["arn"] == log_group_arn for t in targets_of(all_states, r))
    ]
    for event in (task_event(cluster, state), crashed(cluster)):
        assert sum(matches(r, event) for r in logging_rules) == 1
    assert not matches(rule(all_states, "state-change"), task_event(OTHER_CLUSTER, state))


# --- the rule -> target -> destination chain ---------------------------------------------------------------


def test_archive_target_puts_to_the_task_stop_archive_through_a_single_purpose_role(stack: Evaluation) -> None:
    capture = rule(stack, "stopped")
    role = child(stack, ROLE)
    (archive,) = [t for t in targets_of(stack, capture) if t.inputs.get("roleArn")]
    assert archive.inputs["roleArn"] == role.state["arn"]
    trust = policy_of(role, "assumeRolePolicy")
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnEquals": {"aws:SourceArn": capture.state["arn"]},
    }
    role_policy = child(stack, ROLE_POLICY)
    assert role_policy.inputs["role"] == role.state["name"]
    (grant,) = policy_of(role_policy)["Statement"]
    assert sorted(as_list(grant["Action"])) == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    assert as_list(grant["Resource"]) == [archive.inputs["arn"]]
    assert role_policy.urn in archive.dependencies


def test_archive_target_is_the_task_stop_archive_stream(stack: Evaluation) -> None:
    (archive,) = [t for t in targets_of(stack, rule(stack, "stopped")) if t.inputs.get("roleArn")]
    archive_component = stack.one("httpd-firelens:logs:LogArchive", "task-stop-archive")
    (stream,) = [r for r in stack.children(archive_component) if r.type == FIREHOSE]
    assert archive.inputs["arn"] == stream.state["arn"]
    # EventBridge writes records with no delimiter; the archive's processor appends the newline.
    processors = stream.plain_inputs()
    assert "AppendDelimiterToRecord" in json.dumps(processors)


def log_policy_statements(evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    """The log group's resource policy statements by action."""
    statements = policy_of(child(evaluation, LOG_POLICY), "policyDocument")["Statement"]
    return {statement["Action"]: statement for statement in statements}


def archive_target(evaluation: Evaluation) -> RecordedResource:
    (target,) = [t for t in targets_of(evaluation, rule(evaluation, "stopped")) if t.inputs.get("roleArn")]
    return target


def test_stops_go_to_an_s3_archive_untouched(stack: Evaluation) -> None:
    """The S3 archive appends the delimiter itself (test_log_archive): a transformer would add a second one."""
    assert "inputTransformer" not in archive_target(stack).inputs


def test_stops_go_to_a_partner_archive_each_followed_by_a_newline(partner: Evaluation) -> None:
    """A partner stream's S3 backup keeps the records as they came in (test_log_archive), so the event must end
    with a newline where it is made. EventBridge's predefined variable `aws.events.event.json` is "The full
    original event payload as JSON (with the detail field)", while `aws.events.event` is the payload without
    `detail` (Amazon EventBridge input transformation, Predefined variables,
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html); no input path is
    needed for it. A template that is the event followed by a newline gives one event per line in S3 (
    slootjes, "Logging EventBridge events to S3 with Firehose", dev.to,
    https://dev.to/slootjes/logging-eventbridge-events-to-s3-with-firehose-2hkc, with `<aws.events.event>` and
    an empty input path map)."""
    transformer = archive_target(partner).inputs["inputTransformer"]
    assert transformer == {"inputTemplate": "<aws.events.event.json>\n"}
    event = crashed(this_cluster(partner))
    record = transformer["inputTemplate"].replace("<aws.events.event.json>", json.dumps(event))
    assert record.endswith("}\n") and json.loads(record) == event


def test_log_group_target_and_its_resource_policy(stack: Evaluation) -> None:
    group = child(stack, LOG_GROUP)
    assert group.state["name"].startswith("/aws/events/")  # EventBridge writes nowhere else
    assert group.inputs["retentionInDays"] == int(stack.config.values[stack.config.full_key("logRetentionDays")])
    log_targets = [t for t in children(stack, TARGET) if t.inputs["arn"] == group.state["arn"]]
    assert [t.inputs["rule"] for t in log_targets] == [rule(stack, "stopped").state["name"]]
    statements = log_policy_statements(stack)
    assert sorted(statements) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    for statement in statements.values():
        assert sorted(statement["Principal"]["Service"]) == ["delivery.logs.amazonaws.com", "events.amazonaws.com"]
        assert statement["Resource"] == group.state["arn"] + ":*"
    assert "Condition" not in statements["logs:CreateLogStream"]
    put = statements["logs:PutLogEvents"]
    assert put["Condition"] == {"ArnEquals": {"aws:SourceArn": [rule(stack, "stopped").state["arn"]]}}
    assert all(child(stack, LOG_POLICY).urn in t.dependencies for t in log_targets)


def _condition_holds(condition: dict[str, Any], context: dict[str, str]) -> bool:
    """Every operator and key must hold; a key absent from the request context makes its condition false."""
    for operator, clause in condition.items():
        assert operator in ("ArnEquals", "ArnLike", "StringEquals"), f"{operator}: not modelled here"
        for key, allowed in clause.items():
            value = context.get(key.lower())
            if value is None or not any(fnmatch.fnmatchcase(value, pattern) for pattern in as_list(allowed)):
                return False
    return True


def admits(document: dict[str, Any], service: str, action: str, resource: str, context: dict[str, str]) -> bool:
    """Whether a resource policy with only Allow statements lets `service` call `action` on `resource`."""
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        if (
            service in as_list(statement["Principal"]["Service"])
            and covers(statement, action, resource)
            and _condition_holds(statement.get("Condition", {}), context)
        ):
            return True
    return False


@pytest.mark.parametrize("evaluation_name", ["dev", "all_states"])
def test_eventbridge_may_create_a_stream_and_write_to_it_for_these_rules_only(
    evaluation_name: str, request: pytest.FixtureRequest
) -> None:
    """EventBridge creates a log stream in the target group (CreateLogStream), then writes the event to it
    (PutLogEvents), both under the group's resource policy ("CloudWatch Logs permissions" in the EventBridge
    user guide, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html). Its
    CreateLogStream call does not carry the rule's ARN: aws-samples/serverless-patterns pull request 618 split
    its pattern's policy for exactly this ("The conditional ARN for the Rule only applies to
    logs:PutLogEvents"). A condition on a key the request lacks is false ("If the key that you specify in a
    policy condition is not present in the request context, the values do not match", IAM user guide,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    moto cannot show any of this: its EventBridge creates the stream and puts the event without reading the
    group's resource policy (moto/events/models.py, `_send_to_cw_log_group`), so the recorded document is
    evaluated against these documented rules instead."""
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    document = policy_of(child(evaluation, LOG_POLICY), "policyDocument")
    group_arn = child(evaluation, LOG_GROUP).state["arn"]
    stream = f"{group_arn}:log-stream:{TASK_ID}"
    other_group_stream = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/events/other:log-stream:{TASK_ID}"
    log_rules = [r.state["arn"] for r in children(evaluation, RULE) if r.name != "task-stops-stop-alert"]
    for service in ("events.amazonaws.com", "delivery.logs.amazonaws.com"):
        assert admits(document, service, "logs:CreateLogStream", stream, {})  # no aws:SourceArn in the call
        assert not admits(document, service, "logs:CreateLogStream", other_group_stream, {})
        for rule_arn in log_rules:
            assert admits(document, service, "logs:PutLogEvents", stream, {"aws:sourcearn": rule_arn})
            assert not admits(document, service, "logs:PutLogEvents", other_group_stream, {"aws:sourcearn": rule_arn})
        someone_else = rule(evaluation, "stop-alert").state["arn"]  # a rule that has no business writing here
        assert not admits(document, service, "logs:PutLogEvents", stream, {"aws:sourcearn": someone_else})
        assert not admits(document, service, "logs:PutLogEvents", stream, {})
    assert not admits(document, "sns.amazonaws.com", "logs:CreateLogStream", stream, {})


def test_log_policy_covers_the_state_change_rule_when_it_exists(all_states: Evaluation) -> None:
    put = log_policy_statements(all_states)["logs:PutLogEvents"]
    expected = {rule(all_states, label).state["arn"] for label in ("stopped", "state-change")}
    assert set(put["Condition"]["ArnEquals"]["aws:SourceArn"]) == expected


def test_alert_target_is_the_alert_topic(stack: Evaluation) -> None:
    (target,) = targets_of(stack, rule(stack, "stop-alert"))
    alerts = stack.one("httpd-firelens:alerts:Alerts", "alerts")
    (topic,) = [r for r in stack.children(alerts) if r.type == "aws:sns/topic:Topic"]
    assert target.inputs["arn"] == topic.state["arn"]
    assert "roleArn" not in target.inputs  # SNS takes the topic policy, not a role


@pytest.mark.parametrize("evaluation_name", ["dev", "all_states"])
def test_every_target_retries_then_parks_events_in_the_dead_letter_queue(
    evaluation_name: str, request: pytest.FixtureRequest
) -> None:
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    queue = child(evaluation, QUEUE)
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    queue_policy = child(evaluation, QUEUE_POLICY)
    assert queue_policy.inputs["queueUrl"] == queue.state["url"]
    targets = children(evaluation, TARGET)
    assert len(targets) == len(children(evaluation, RULE)) + 1  # the `stopped` rule has two targets
    for target in targets:
        assert target.inputs["deadLetterConfig"] == {"arn": queue.state["arn"]}
        assert target.inputs["retryPolicy"] == {"maximumEventAgeInSeconds": 86400, "maximumRetryAttempts": 185}
        assert queue_policy.urn in target.dependencies
    (statement,) = policy_of(queue_policy)["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert as_list(statement["Action"]) == ["sqs:SendMessage"]
    assert statement["Resource"] == queue.state["arn"]
    rule_arns = {r.state["arn"] for r in children(evaluation, RULE)}
    assert set(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns


@pytest.mark.parametrize("evaluation_name", ["dev", "all_states"])
def test_every_policy_passes_parliament(evaluation_name: str, request: pytest.FixtureRequest) -> None:
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    documents = [
        (child(evaluation, ROLE), "assumeRolePolicy", True),
        (child(evaluation, ROLE_POLICY), "policy", False),
        (child(evaluation, LOG_POLICY), "policyDocument", False),
        (child(evaluation, QUEUE_POLICY), "policy", False),
    ]
    for resource, key, trust in documents:
        assert lint_policy(resource.plain_inputs()[key], trust=trust) == [], resource.name


@pytest.mark.parametrize("evaluation_name", ["dev", "all_states", "account_wide", "partner"])
def test_rules_and_targets_are_valid_eventbridge_requests(evaluation_name: str, request: pytest.FixtureRequest) -> None:
    evaluation: Evaluation = request.getfixturevalue(evaluation_name)
    for rule_resource in children(evaluation, RULE):
        put_rule = {
            "Name": rule_resource.state["name"],
            "EventPattern": rule_resource.inputs["eventPattern"],
            "Description": rule_resource.inputs["description"],
        }
        assert validate_request("events", "PutRule", put_rule) == []
        assert len(rule_resource.inputs["eventPattern"]) <= 2048  # the default pattern size quota
        for target in targets_of(evaluation, rule_resource):
            assert validate_request("events", "PutTargets", {"Rule": put_rule["Name"], "Targets": [wire(target)]}) == []


def wire(target: RecordedResource) -> dict[str, Any]:
    """The PutTargets entry the provider sends for a recorded EventTarget."""
    inputs = target.inputs
    entry: dict[str, Any] = {
        "Id": inputs["targetId"],
        "Arn": inputs["arn"],
        "DeadLetterConfig": {"Arn": inputs["deadLetterConfig"]["arn"]},
        "RetryPolicy": {
            "MaximumEventAgeInSeconds": int(inputs["retryPolicy"]["maximumEventAgeInSeconds"]),
            "MaximumRetryAttempts": int(inputs["retryPolicy"]["maximumRetryAttempts"]),
        },
    }
    if "roleArn" in inputs:
        entry["RoleArn"] = inputs["roleArn"]
    if "inputTransformer" in inputs:
        transformer = inputs["inputTransformer"]
        entry["InputTransformer"] = {"InputTemplate": transformer["inputTemplate"]}
        if "inputPaths" in transformer:
            entry["InputTransformer"]["InputPathsMap"] = transformer["inputPaths"]
    return entry


def test_log_resource_policy_is_a_valid_request(dev: Evaluation) -> None:
    policy = child(dev, LOG_POLICY)
    request = {"policyName": policy.inputs["policyName"], "policyDocument": policy.inputs["policyDocument"]}
    assert validate_request("logs", "PutResourcePolicy", request) == []
    assert len(policy.inputs["policyDocument"]) <= 5120  # CloudWatch Logs' resource policy size limit


# --- saved Logs Insights queries -----------------------------------------------------------------------------


def test_saved_queries_read_the_task_stop_log_group(stack: Evaluation) -> None:
    group_name = child(stack, LOG_GROUP).state["name"]
    queries = {q.name: q.inputs for q in children(stack, QUERY)}
    assert set(queries) == {"task-stops-stops-by-reason", "task-stops-failed-starts"}
    for query in queries.values():
        assert query["logGroupNames"] == [group_name]
    assert (
        "stats count(*) as stops by detail.stopCode, detail.stoppedReason"
        in queries["task-stops-stops-by-reason"]["queryString"]
    )
    failed = queries["task-stops-failed-starts"]["queryString"]
    assert 'detail.stopCode = "TaskFailedToStart"' in failed and "not ispresent(detail.startedAt)" in failed


def test_query_fields_exist_in_the_event_format(dev: Evaluation) -> None:
    samples = [crashed(this_cluster(dev)), failed_pull(this_cluster(dev))]
    for query in children(dev, QUERY):
        for field in set(re.findall(r"detail\.(\w+)", query.inputs["queryString"])):
            assert any(field in sample["detail"] for sample in samples), f"{query.name}: detail.{field}"
    # "failed starts" relies on startedAt being absent exactly when the task never ran.
    assert "startedAt" in samples[0]["detail"] and "startedAt" not in samples[1]["detail"]
