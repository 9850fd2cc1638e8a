"""Capture every ECS task stop: archive it, make it searchable, and alert on the unexpected ones.

A task that fails to start (image pull error, missing permission, missing secret) never logs a line, and
ECS forgets the reason about an hour after the stop. This component keeps it. It creates:
- rule `stopped`: `ECS Task State Change` events with `lastStatus` STOPPED from this stack's cluster
  (`scope="account"`: from every cluster of the account in the region) to
  - the Firehose delivery stream of the task stop archive, through a role that may put records to that one
    stream only (with `archive_events_end_with_newline`, each event followed by a newline, for an archive
    that cannot append one itself), and
  - a CloudWatch log group under `/aws/events/` (EventBridge writes only there), searchable with the saved
    Logs Insights queries "stops by reason" and "failed starts";
- rule `stop-alert`: the same stops narrowed to the unexpected ones (see `alert_pattern`), to the SNS alert
  topic with a one-line message built by an input transformer;
- rule `state-change` (only with `capture_all_task_states`): every other state change of the cluster's
  tasks (PROVISIONING, PENDING, RUNNING, ...) to the same log group, so a task's whole life can be read;
- a dead-letter queue (SSE-SQS, 14 days) and a retry policy on every target, so an event that cannot be
  delivered is kept, plus the resource policies EventBridge needs: the queue's scoped to the rules by
  `aws:SourceArn`, the log group's too for PutLogEvents, while CreateLogStream cannot be (EventBridge's
  CreateLogStream call does not carry the rule's ARN) and is limited to the group's streams.
Needs: the cluster ARN, the archive's delivery stream ARN (LogArchive), the alert topic ARN (Alerts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import policy_document, service_trust_policy
from components.monitoring.pipeline_alarms import WatchedRule
from components.problems import Problem, one_of, raise_problems
from configuration.limits import LOG_RETENTION_DAYS, STOP_EVENT_SCOPES

LOG_GROUP_ROOT = "/aws/events/"  # EventBridge delivers only to log groups whose name starts with this

# Alert on stops nobody asked for. `TaskFailedToStart` (image pull, secrets, ENI, permissions) and
# `EssentialContainerExited` (a crash, an OOM kill) always are; the scheduler replacing a task that failed its
# load balancer or container health checks is too (`ServiceSchedulerInitiated` with that reason). Not alerted:
# the scheduler's other stops (deployments, scale-in: "Scaling activity initiated by ..."), `UserInitiated`
# (someone ran StopTask), `SpotInterruption` and `TerminationNotice` (capacity reclaimed by design, the service
# replaces the task), `InfrastructureHealth` (AWS retires the host, nothing for us to fix). Every stop is
# still archived and logged by the `stopped` rule.
ALERT_STOP_CODES = ("TaskFailedToStart", "EssentialContainerExited")
HEALTH_CHECK_STOP_REASONS = ("Task failed ELB health checks", "Task failed container health checks")

# The alert's one-line message. Input paths are EventBridge JSONPath into the ECS task state change event; a
# path missing from an event (no exit code when the task never started) renders empty. Containers are named
# next to their exit code because ECS does not promise an order.
ALERT_INPUT_PATHS: dict[str, str] = {
    "time": "$.time",
    "cluster": "$.detail.clusterArn",
    "task": "$.detail.taskArn",
    "group": "$.detail.group",
    "stopCode": "$.detail.stopCode",
    "reason": "$.detail.stoppedReason",
    "container0": "$.detail.containers[0].name",
    "exit0": "$.detail.containers[0].exitCode",
    "container1": "$.detail.containers[1].name",
    "exit1": "$.detail.containers[1].exitCode",
}
# A JSON string (quotes included), the form EventBridge documents for plain-text templates.
ALERT_INPUT_TEMPLATE = (
    '"ECS task stopped unexpectedly (<stopCode>) at <time>: <reason> | group <group> | task <task>'
    ' | cluster <cluster> | exit codes: <container0>=<exit0> <container1>=<exit1>"'
)

# The whole event followed by a newline: `aws.events.event.json` is EventBridge's predefined variable for the
# complete original event (`aws.events.event` leaves out `detail`, which is everything here).
ARCHIVE_INPUT_TEMPLATE = "<aws.events.event.json>\n"

STOPS_BY_REASON_QUERY = """fields @timestamp, detail.stopCode, detail.stoppedReason
| filter detail.lastStatus = "STOPPED"
| stats count(*) as stops by detail.stopCode, detail.stoppedReason
| sort stops desc"""
FAILED_STARTS_QUERY = """fields @timestamp, detail.group, detail.taskArn, detail.stopCode, detail.stoppedReason
| filter detail.lastStatus = "STOPPED" and (detail.stopCode = "TaskFailedToStart" or not ispresent(detail.startedAt))
| sort @timestamp desc"""


@dataclass(frozen=True)
class TaskStopCaptureArgs:
    cluster_arn: pulumi.Input[str]
    """The cluster whose task stops are captured (with scope `cluster`)."""
    scope: str
    """`cluster` or `account`: which clusters' stops are captured and alerted on."""
    capture_all_task_states: bool
    """Also log every other state change of this cluster's tasks."""
    delivery_stream_arn: pulumi.Input[str]
    """The task stop archive's Firehose stream (LogArchive)."""
    alert_topic_arn: pulumi.Input[str]
    """The SNS topic of the unexpected-stop alerts."""
    log_retention_days: int
    """Retention of the task stop log group, one of CloudWatch's values."""
    protect: bool = False
    """Pulumi `protect` on the log group."""
    max_event_age_seconds: int = 24 * 60 * 60
    """How long EventBridge retries a failing delivery before the event goes to the dead-letter queue."""
    max_retry_attempts: int = 185
    """Retries per event before it goes to the dead-letter queue (185 is EventBridge's maximum)."""
    dead_letter_retention_seconds: int = 14 * 24 * 60 * 60
    """How long undeliverable events stay in the dead-letter queue (14 days is SQS's maximum)."""
    query_folder: str | None = None
    """Folder of the saved Logs Insights queries in the console; default `<project>-<stack>`."""
    archive_events_end_with_newline: bool = False
    """End every event put to the archive stream with a newline (an input transformer passing the whole event),
    for an archive that cannot append one itself: a partner stream, whose S3 backup keeps records as they came
    in. Default False: the event goes as EventBridge makes it (no delimiter) and the archive appends one."""
    role_permissions_boundary: pulumi.Input[str] | None = None
    """The ARN of the managed policy its roles carry as their permissions boundary (components/iam.py
    role_boundary_policy_name). Default None: none."""

    def problems(self) -> list[Problem]:
        found = one_of("scope", self.scope, STOP_EVENT_SCOPES)
        return found + one_of("log_retention_days", self.log_retention_days, LOG_RETENTION_DAYS)


def _task_state_change(detail: dict[str, Any]) -> dict[str, Any]:
    return {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], "detail": detail}


def _clusters(cluster_arn: pulumi.Input[str] | None) -> dict[str, Any]:
    return {} if cluster_arn is None else {"clusterArn": [cluster_arn]}


def stop_pattern(cluster_arn: pulumi.Input[str] | None) -> dict[str, Any]:
    """Tasks that reached STOPPED; `cluster_arn=None` means every cluster."""
    return _task_state_change({"lastStatus": ["STOPPED"], **_clusters(cluster_arn)})


def alert_pattern(cluster_arn: pulumi.Input[str] | None) -> dict[str, Any]:
    """Only unexpected stops. `lastStatus` STOPPED (not just `desiredStatus`): one alert per task, not three."""
    health_check_kill = {
        "stopCode": ["ServiceSchedulerInitiated"],
        "stoppedReason": [{"prefix": reason} for reason in HEALTH_CHECK_STOP_REASONS],
    }
    return _task_state_change(
        {
            "lastStatus": ["STOPPED"],
            **_clusters(cluster_arn),
            "$or": [{"stopCode": list(ALERT_STOP_CODES)}, health_check_kill],
        }
    )


def other_states_pattern(cluster_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Every state change except STOPPED, which the `stopped` rule already logs (each event logged once)."""
    return _task_state_change({"lastStatus": [{"anything-but": "STOPPED"}], **_clusters(cluster_arn)})


@dataclass(frozen=True)
class _Rule:
    label: str  # "stopped", "stop-alert", "state-change"
    resource: aws.cloudwatch.EventRule


class TaskStopCapture(pulumi.ComponentResource):
    log_group_name: pulumi.Output[str]
    rule_names: dict[str, pulumi.Output[str]]  # label ("stopped", "stop-alert", ...) -> rule name, for alarms
    dead_letter_queue_url: pulumi.Output[str]
    dead_letter_queue_name: pulumi.Output[str]

    @property
    def watched_rules(self) -> list[WatchedRule]:
        """Its rules as the pipeline alarms watch them (`<label>-rule`)."""
        return [WatchedRule(f"{label}-rule", name) for label, name in self.rule_names.items()]

    def __init__(self, name: str, args: TaskStopCaptureArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"TaskStopCapture {name!r}", args.problems())
        super().__init__("httpd-firelens:events:TaskStopCapture", name, None, opts)
        self._name = name
        self._args = args
        self._queue = aws.sqs.Queue(
            f"{name}-dlq",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=args.dead_letter_retention_seconds,
            opts=self._child(),
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name_prefix=f"{LOG_GROUP_ROOT}{pulumi.get_project()}-{pulumi.get_stack()}-ecs-tasks-",
            retention_in_days=args.log_retention_days,
            opts=self._child(protect=args.protect),
        )
        stop_rule, alert_rule, state_rule = self._rules()
        log_rules = [stop_rule] if state_rule is None else [stop_rule, state_rule]
        all_rules = [*log_rules, alert_rule]
        queue_policy = self._dead_letter_queue_policy(all_rules)

        self._archive_target(stop_rule, queue_policy)
        log_policy = self._log_group_policy(log_group, log_rules)
        for rule in log_rules:
            self._target(rule, "to-log-group", log_group.arn, [log_policy, queue_policy])
        self._target(
            alert_rule,
            "to-alert-topic",
            args.alert_topic_arn,
            [queue_policy],
            input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                input_paths=ALERT_INPUT_PATHS, input_template=ALERT_INPUT_TEMPLATE
            ),
        )
        self._queries(log_group.name)

        self.log_group_name = log_group.name
        self.rule_names = {rule.label: rule.resource.name for rule in all_rules}
        self.dead_letter_queue_url = self._queue.url
        self.dead_letter_queue_name = self._queue.name
        self.register_outputs(
            {
                "logGroupName": self.log_group_name,
                "ruleNames": self.rule_names,
                "deadLetterQueueUrl": self.dead_letter_queue_url,
            }
        )

    # --- building blocks -------------------------------------------------------------------------------

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _rules(self) -> tuple[_Rule, _Rule, _Rule | None]:
        """`stopped`, `stop-alert` and, with capture_all_task_states, `state-change`."""
        captured = None if self._args.scope == "account" else self._args.cluster_arn
        stopped = self._rule("stopped", "ECS tasks that stopped, for any reason", stop_pattern(captured))
        alert = self._rule(
            "stop-alert",
            "ECS tasks that stopped unexpectedly: failed to start, essential container exited, failed health checks",
            alert_pattern(captured),
        )
        if not self._args.capture_all_task_states:
            return stopped, alert, None
        states = self._rule(
            "state-change",
            "Every other state change of the cluster's ECS tasks",
            other_states_pattern(self._args.cluster_arn),
        )
        return stopped, alert, states

    def _rule(self, label: str, description: str, pattern: dict[str, Any]) -> _Rule:
        rule = aws.cloudwatch.EventRule(
            f"{self._name}-{label}",
            description=description,
            event_pattern=pulumi.Output.json_dumps(pattern),
            opts=self._child(),
        )
        return _Rule(label, rule)

    def _target(
        self,
        rule: _Rule,
        label: str,
        arn: pulumi.Input[str],
        policies: Sequence[pulumi.Resource],
        **kwargs: Any,
    ) -> aws.cloudwatch.EventTarget:
        """A target that retries, then parks what it cannot deliver in the dead-letter queue."""
        return aws.cloudwatch.EventTarget(
            f"{self._name}-{rule.label}-{label}",
            rule=rule.resource.name,
            target_id=label,
            arn=arn,
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=self._queue.arn),
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=self._args.max_event_age_seconds,
                maximum_retry_attempts=self._args.max_retry_attempts,
            ),
            # Policies first: a target created before them would have its first deliveries refused.
            opts=self._child(depends_on=list(policies)),
            **kwargs,
        )

    def _dead_letter_queue_policy(self, rules: Sequence[_Rule]) -> aws.sqs.QueuePolicy:
        return aws.sqs.QueuePolicy(
            f"{self._name}-dlq-policy",
            queue_url=self._queue.url,
            policy=pulumi.Output.json_dumps(_dead_letter_policy(self._queue.arn, [r.resource.arn for r in rules])),
            opts=self._child(),
        )

    def _log_group_policy(
        self, log_group: aws.cloudwatch.LogGroup, rules: Sequence[_Rule]
    ) -> aws.cloudwatch.LogResourcePolicy:
        return aws.cloudwatch.LogResourcePolicy(
            f"{self._name}-log-policy",
            # Policy names are unique per account and region: derive it from the (unique) group name.
            policy_name=log_group.name.apply(lambda group: "eventbridge-to-" + group.strip("/").replace("/", "-")),
            policy_document=pulumi.Output.json_dumps(_log_group_policy(log_group.arn, [r.resource.arn for r in rules])),
            opts=self._child(),
        )

    def _archive_target(self, rule: _Rule, queue_policy: aws.sqs.QueuePolicy) -> None:
        """Stops to the archive's Firehose stream, through a role for this one rule and this one stream.

        EventBridge writes each event with no delimiter. Either the archive's stream appends a newline (its
        AppendDelimiterToRecord processor) and the event goes in untouched, or, with
        `archive_events_end_with_newline`, the event is followed by a newline here: either way the archive
        holds one event per line.
        """
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        role = aws.iam.Role(
            f"{self._name}-archive-role",
            description="EventBridge puts ECS task stop events to the task stop archive's Firehose stream",
            permissions_boundary=self._args.role_permissions_boundary,
            assume_role_policy=pulumi.Output.json_dumps(_events_trust_policy(account_id, rule.resource.arn)),
            opts=self._child(),
        )
        put_records = aws.iam.RolePolicy(
            f"{self._name}-archive-put-records",
            role=role.name,
            policy=pulumi.Output.json_dumps(_put_records_policy(self._args.delivery_stream_arn)),
            opts=self._child(),
        )
        newline = aws.cloudwatch.EventTargetInputTransformerArgs(input_template=ARCHIVE_INPUT_TEMPLATE)
        self._target(
            rule,
            "to-archive",
            self._args.delivery_stream_arn,
            [put_records, queue_policy],
            role_arn=role.arn,
            input_transformer=newline if self._args.archive_events_end_with_newline else None,
        )

    def _queries(self, log_group_name: pulumi.Output[str]) -> None:
        folder = self._args.query_folder or f"{pulumi.get_project()}-{pulumi.get_stack()}"
        for label, title, query in (
            ("stops-by-reason", "ECS task stops by reason", STOPS_BY_REASON_QUERY),
            ("failed-starts", "ECS tasks that failed to start", FAILED_STARTS_QUERY),
        ):
            aws.cloudwatch.QueryDefinition(
                f"{self._name}-{label}",
                name=f"{folder}/{title}",  # "/" makes a folder in the Logs Insights console
                query_string=query,
                log_group_names=[log_group_name],
                opts=self._child(),
            )


# --- policy documents (pure, so the tests can read the intent next to the recorded result) ---------------


def _events_trust_policy(account_id: pulumi.Input[str], rule_arn: pulumi.Input[str]) -> dict[str, Any]:
    return service_trust_policy(
        "EventBridgeRuleAssumes",
        "events.amazonaws.com",
        {"StringEquals": {"aws:SourceAccount": account_id}, "ArnEquals": {"aws:SourceArn": rule_arn}},
    )


def _put_records_policy(delivery_stream_arn: pulumi.Input[str]) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "PutTaskStopEvents",
            "Effect": "Allow",
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Resource": delivery_stream_arn,
        }
    )


def _log_group_policy(log_group_arn: pulumi.Input[str], rule_arns: Sequence[pulumi.Input[str]]) -> dict[str, Any]:
    """EventBridge -> CloudWatch Logs takes no role: the log group's resource policy admits the delivery.

    Two statements, because EventBridge's CreateLogStream call does not carry the rule's ARN: an
    `aws:SourceArn` condition on it would refuse every new stream, and with it every event. CreateLogStream
    alone writes nothing; what is written (PutLogEvents) stays limited to this stack's rules.
    A region holds at most 10 log resource policies per account; this stack uses one, scoped to its group.
    """
    streams = pulumi.Output.concat(log_group_arn, ":*")  # the group's streams
    services = {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]}
    return policy_document(
        {
            "Sid": "EventBridgeCreatesLogStreams",
            "Effect": "Allow",
            "Principal": services,
            "Action": "logs:CreateLogStream",
            "Resource": streams,
        },
        {
            "Sid": "EventBridgeRulesWriteTaskEvents",
            "Effect": "Allow",
            "Principal": services,
            "Action": "logs:PutLogEvents",
            "Resource": streams,
            "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}},
        },
    )


def _dead_letter_policy(queue_arn: pulumi.Input[str], rule_arns: Sequence[pulumi.Input[str]]) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "EventBridgeRulesParkUndeliverableEvents",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}},
        }
    )
