"""Alerts: the KMS-encrypted SNS topic, its key policy and topic policy, and the optional e-mail subscription."""

from __future__ import annotations

import json
from typing import Any

from offline.aws_formats import ACCOUNT_ID
from offline.harness import Evaluation, RecordedResource
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import config_value, inside, only, statements
from tests.support.iam_lint import as_list, lint_policy, policy_of

KEY = "aws:kms/key:Key"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
PUBLISHERS = {"events.amazonaws.com", "cloudwatch.amazonaws.com"}


def _children(evaluation: Evaluation, type_token: str) -> list[RecordedResource]:
    return inside(evaluation, "httpd-firelens:alerts:Alerts", "alerts", type_token)


def _one(evaluation: Evaluation, type_token: str) -> RecordedResource:
    return only(_children(evaluation, type_token))


def _statements_for(document: dict[str, Any], service: str) -> list[dict[str, Any]]:
    return [s for s in statements(document) if service in as_list(s["Principal"].get("Service", []))]


def test_topic_is_encrypted_with_its_own_rotating_key(stack: Evaluation) -> None:
    key = _one(stack, KEY)
    topic = _one(stack, TOPIC)
    assert key.inputs["enableKeyRotation"] is True
    assert topic.inputs["kmsMasterKeyId"] == key.state["arn"]  # not alias/aws/sns, which services cannot use
    assert "alias/aws/sns" not in json.dumps(topic.inputs)


def test_key_policy_lets_the_account_administer_and_the_publishing_services_use_the_key(stack: Evaluation) -> None:
    policy = policy_of(_one(stack, KEY))
    actions = [action for s in policy["Statement"] for action in as_list(s["Action"])]
    assert "kms:*" not in actions and "*" not in actions
    admin = [s for s in policy["Statement"] if s["Principal"].get("AWS") == f"arn:aws:iam::{ACCOUNT_ID}:root"]
    admin_actions = {a for s in admin for a in as_list(s["Action"])}
    # PutKeyPolicy keeps the key manageable; ScheduleKeyDeletion lets `pulumi destroy` retire it.
    assert {"kms:PutKeyPolicy", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion"} <= admin_actions
    for service in PUBLISHERS:
        (statement,) = _statements_for(policy, service)
        assert statement["Effect"] == "Allow"
        assert sorted(as_list(statement["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_account_principals_use_the_key_only_through_sns(dev: Evaluation) -> None:
    policy = policy_of(_one(dev, KEY))
    (use,) = [s for s in policy["Statement"] if s.get("Sid") == "AccountUsesKeyThroughSns"]
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == f"sns.{dev.config.region}.amazonaws.com"
    assert use["Condition"]["StringEquals"]["kms:CallerAccount"] == ACCOUNT_ID


def test_key_policy_passes_parliament(stack: Evaluation) -> None:
    findings = lint_policy(policy_of(_one(stack, KEY)))
    # In a key policy "Resource" must be "*" and means "this key" (KMS rejects anything else), so parliament's
    # identity-policy finding RESOURCE_STAR does not apply; every other finding does.
    assert [f for f in findings if not f.startswith("RESOURCE_STAR:")] == []


def test_topic_policy_lets_only_this_accounts_rules_and_alarms_publish(stack: Evaluation) -> None:
    topic = _one(stack, TOPIC)
    policy_resource = _one(stack, TOPIC_POLICY)
    assert policy_resource.inputs["arn"] == topic.state["arn"]
    policy = policy_of(policy_resource)
    principals = {p for s in policy["Statement"] for p in as_list(s["Principal"]["Service"])}
    assert principals == PUBLISHERS
    region = stack.config.region
    source_arns = {
        "events.amazonaws.com": f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/*",
        "cloudwatch.amazonaws.com": f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:*",
    }
    for service, source_arn in source_arns.items():
        (statement,) = _statements_for(policy, service)
        assert statement["Effect"] == "Allow"
        assert as_list(statement["Action"]) == ["sns:Publish"]
        assert statement["Resource"] == topic.state["arn"]
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
        assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": source_arn}
    assert lint_policy(policy) == []


def test_topic_arn_output_waits_for_the_topic_policy(dev: Evaluation) -> None:
    topic = _one(dev, TOPIC)
    assert dev.outputs["alertTopicArn"] == topic.state["arn"]
    # A rule target consuming the output depends on the policy, so it is never created before it.
    target = dev.one("aws:cloudwatch/eventTarget:EventTarget", "task-stops-stop-alert-to-alert-topic")
    assert _one(dev, TOPIC_POLICY).urn in target.dependencies


def test_no_subscription_without_an_address(stack: Evaluation) -> None:
    assert _children(stack, SUBSCRIPTION) == []


def test_email_subscription_when_an_address_is_configured() -> None:
    evaluation = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    subscription = _one(evaluation, SUBSCRIPTION)
    assert subscription.inputs["protocol"] == "email"
    assert subscription.inputs["endpoint"] == config_value(evaluation, "alertEmail") != ""
    assert subscription.inputs["topic"] == _one(evaluation, TOPIC).state["arn"]


def test_requests_are_valid_for_the_aws_api(dev: Evaluation) -> None:
    key = _one(dev, KEY)
    create_key = {"Policy": key.inputs["policy"], "Description": key.inputs["description"]}
    assert validate_request("kms", "CreateKey", create_key) == []
    policy = _one(dev, TOPIC_POLICY)
    set_policy = {
        "TopicArn": policy.inputs["arn"],
        "AttributeName": "Policy",
        "AttributeValue": policy.inputs["policy"],
    }
    assert validate_request("sns", "SetTopicAttributes", set_policy) == []
