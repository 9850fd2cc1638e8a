"""tests/support/iam_eval.py, the evaluator the deploy role's tests decide with, on the rules its docstring cites
from the IAM user guide ("Policy evaluation logic", "IAM JSON policy elements: Action", "... Resource" and
"... Condition operators"), each with a request it must allow and one it must not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.iam_eval import ALLOW, DENY, IMPLICIT_DENY, Request, decide, evaluator

BUCKET = "arn:aws:s3:::httpd-firelens-dev-app-logs-0a1b2c3"


def allow(
    action: str | list[str], resource: str | list[str], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_nothing_allowed_is_an_implicit_deny_and_an_explicit_deny_wins() -> None:
    allowed = allow("s3:GetObject", f"{BUCKET}/*")
    denied = {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}
    request = Request("s3:GetObject", f"{BUCKET}/key")
    assert decide([allowed], request) == ALLOW
    assert decide([], request) == IMPLICIT_DENY
    assert decide([allowed, denied], request) == DENY


def test_actions_match_without_case_and_with_wildcards() -> None:
    policy = allow(["logs:Describe*", "ecs:?escribeServices"], "*")
    assert decide([policy], Request("LOGS:describeLogGroups", "*")) == ALLOW
    assert decide([policy], Request("ecs:DescribeServices", "*")) == ALLOW
    assert decide([policy], Request("logs:DeleteLogGroup", "*")) == IMPLICIT_DENY


def test_resources_match_with_case_and_wildcards_across_segments() -> None:
    policy = allow("logs:PutLogEvents", "arn:aws:logs:ap-northeast-1:111122223333:log-group:/ecs/httpd*")
    group = "arn:aws:logs:ap-northeast-1:111122223333:log-group:/ecs/httpd-app:log-stream:x"
    assert decide([policy], Request("logs:PutLogEvents", group)) == ALLOW
    assert decide([policy], Request("logs:PutLogEvents", group.replace("/ecs/httpd", "/ECS/httpd"))) == IMPLICIT_DENY


@pytest.mark.parametrize(
    ("condition", "context", "verdict"),
    [
        ({"StringEquals": {"aws:RequestedRegion": "ap-northeast-1"}}, {"aws:RequestedRegion": "ap-northeast-1"}, ALLOW),
        ({"StringEquals": {"aws:RequestedRegion": "ap-northeast-1"}}, {"aws:RequestedRegion": "us-east-1"}, None),
        # A key the request lacks matches no operator but the negated ones and Null.
        ({"StringEquals": {"aws:RequestedRegion": "ap-northeast-1"}}, {}, None),
        ({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}, {}, ALLOW),
        ({"Null": {"iam:PermissionsBoundary": "true"}}, {}, ALLOW),
        ({"Null": {"iam:PermissionsBoundary": "false"}}, {}, None),
        (
            {"StringLike": {"iam:PassedToService": "ecs-*.amazonaws.com"}},
            {"iam:PassedToService": "ecs-tasks.amazonaws.com"},
            ALLOW,
        ),
        (
            {"ArnEquals": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/b"}},
            {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/B"},
            None,
        ),
        ({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"}, ALLOW),
        # ForAllValues: every value of the request's key is allowed; true when the key is missing.
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["stack", "service"]}}, {"aws:TagKeys": ["stack"]}, ALLOW),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["stack"]}}, {"aws:TagKeys": ["stack", "owner"]}, None),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["stack"]}}, {}, ALLOW),
        # ForAnyValue: one value is enough; false when the key is missing.
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["stack"]}}, {"aws:TagKeys": ["owner", "stack"]}, ALLOW),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["stack"]}}, {}, None),
        # A negated operator matches a value that matches none of the condition's values, per value of a set (IAM
        # user guide, "Multivalued context key examples": ForAllValues:StringNotLike on "key1*" matches key2:audit
        # and a request without the key, not key1:legal nor key1:hr with key1:personnel).
        ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:legal"]}, None),
        (
            {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
            {"aws:TagKeys": ["key1:hr", "key1:personnel"]},
            None,
        ),
        ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key2:audit"]}, ALLOW),
        ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {}, ALLOW),
        ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["stack"]}}, {"aws:TagKeys": ["stack", "owner"]}, ALLOW),
        ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["stack"]}}, {"aws:TagKeys": ["stack"]}, None),
        ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["stack"]}}, {}, None),
        # The values of a negated operator are NORed ("Conditions with multiple context keys or values").
        (
            {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "ap-northeast-1"]}},
            {"aws:RequestedRegion": "ap-northeast-1"},
            None,
        ),
        (
            {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "ap-northeast-1"]}},
            {"aws:RequestedRegion": "eu-west-1"},
            ALLOW,
        ),
        # IfExists: true without the key, else the operator ("Condition operators", ...IfExists).
        ({"StringEqualsIfExists": {"aws:ResourceTag/stack": "dev"}}, {}, ALLOW),
        ({"StringEqualsIfExists": {"aws:ResourceTag/stack": "dev"}}, {"aws:ResourceTag/stack": "prod"}, None),
        ({"StringEqualsIfExists": {"aws:ResourceTag/stack": "dev"}}, {"aws:ResourceTag/stack": "dev"}, ALLOW),
        # The values of one key are ORed, the keys and operators ANDed.
        (
            {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "ap-northeast-1"]}},
            {"aws:RequestedRegion": "ap-northeast-1"},
            ALLOW,
        ),
        (
            {"StringEquals": {"aws:RequestedRegion": "ap-northeast-1"}, "Null": {"iam:PermissionsBoundary": "false"}},
            {"aws:RequestedRegion": "ap-northeast-1"},
            None,
        ),
    ],
)
def test_conditions(condition: dict[str, Any], context: dict[str, Any], verdict: str | None) -> None:
    policy = allow("iam:CreateRole", "*", condition)
    assert decide([policy], Request("iam:CreateRole", "*", context)) == (verdict or IMPLICIT_DENY)


def test_an_evaluator_decides_as_decide_for_many_requests() -> None:
    policies = [allow("s3:GetObject", f"{BUCKET}/*"), allow("s3:ListBucket", BUCKET)]
    allowed = evaluator(policies)
    for request in (
        Request("s3:GetObject", f"{BUCKET}/a"),
        Request("s3:ListBucket", BUCKET),
        Request("s3:ListBucket", f"{BUCKET}/a"),
        Request("s3:PutObject", f"{BUCKET}/a"),
    ):
        assert allowed(request) == decide(policies, request)


def test_a_statement_without_actions_or_resources_allows_nothing() -> None:
    for statement in ({"Effect": "Allow", "Action": [], "Resource": "*"}, {"Effect": "Allow", "Action": "s3:*"}):
        assert decide([{"Statement": [statement]}], Request("s3:GetObject", f"{BUCKET}/key")) == IMPLICIT_DENY
