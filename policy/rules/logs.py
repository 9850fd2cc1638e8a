"""CloudWatch Logs: every log group has a retention, and EventBridge can create the log streams it writes to."""

from __future__ import annotations

import fnmatch
from typing import Any

from policy.rules.base import as_list, known, number
from policy.rules.iam import granting_statements, statement_services

LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"


EVENTS_SERVICE = "events.amazonaws.com"


def _action_matches(pattern: Any, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards."""
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _keys_required_present(condition: Any) -> set[str]:
    """Condition keys whose absence from the request makes the condition false: every operator but the
    `...IfExists` ones, `Null`, the negated ones and `ForAllValues:` (IAM condition operator reference)."""
    if not isinstance(condition, dict):
        return set()
    keys: set[str] = set()
    for operator, clause in condition.items():
        name = str(operator).lower()
        lenient = name.endswith("ifexists") or name == "null" or "not" in name or name.startswith("forallvalues:")
        if not lenient and isinstance(clause, dict):
            keys |= {str(key).lower() for key in clause}
    return keys


def check_eventbridge_log_streams(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != LOG_RESOURCE_POLICY:
        return []
    problems: list[str] = []
    for label, statement in granting_statements(props, "policyDocument"):
        creates = any(_action_matches(action, "logs:CreateLogStream") for action in as_list(statement.get("Action")))
        if (
            EVENTS_SERVICE in statement_services(statement)
            and creates
            and "aws:sourcearn" in _keys_required_present(statement.get("Condition"))
        ):
            problems.append(
                f"{label}: lets {EVENTS_SERVICE} create log streams only under an aws:SourceArn condition, but "
                "EventBridge's CreateLogStream call carries no rule ARN: no stream is created and every event "
                "fails. Keep aws:SourceArn on logs:PutLogEvents and grant logs:CreateLogStream in a statement "
                "without it"
            )
    return problems


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def check_log_retention(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != LOG_GROUP:
        return []
    days = props.get("retentionInDays")
    if not known(days) or (number(days) or 0) > 0:
        return []
    return ["retentionInDays is not set: the log group keeps every event forever"]
