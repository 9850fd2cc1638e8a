"""components/monitoring/pipeline_alarms.py: every pipeline alarm's namespace, metric, dimensions (pointing at resources
the stack creates), threshold and action, checked on the recorded resources of the real program, and every alarm
validated against CloudWatch's PutMetricAlarm API model. The service's own alarms:
tests/monitoring/test_service_alarms.py."""

from __future__ import annotations

import pytest

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
from tests.support.helpers import config_int, config_value, delivery_stream, metric_of, put_metric_alarm_request
from tests.support.pipeline_alarms import QUEUE, alarms

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
TOPIC = "aws:sns/topic:Topic"


# --- helpers ---------------------------------------------------------------------------------------------


def assert_metric(alarm: RecordedResource, namespace: str, metric: str, dimensions: dict[str, str]) -> None:
    assert metric_of(alarm) == (namespace, metric, dimensions)


# --- every alarm -----------------------------------------------------------------------------------------


def test_the_stack_has_exactly_the_documented_alarms(stack: Evaluation) -> None:
    """The WAF's log stream is watched like the other archives' where the WAF is on (prod)."""
    waf = config_value(stack, "waf") == "true"
    streams = ("app-logs", "task-stops", "waf-logs") if waf else ("app-logs", "task-stops")
    expected = {
        f"{stream}-{kind}" for stream in streams for kind in ("delivery-failing", "delivery-stale", "throttled")
    }
    expected |= {f"{rule}-rule-failed-invocations" for rule in ("stopped", "stop-alert")}
    expected.add("dead-letter-queue-not-empty")
    assert set(alarms(stack)) == expected


def test_every_alarm_notifies_the_alert_topic_when_it_fires_and_recovers(stack: Evaluation) -> None:
    topic_arn = stack.one(TOPIC, "alerts-topic").state["arn"]
    for label, alarm in alarms(stack).items():
        assert alarm.inputs["alarmActions"] == [topic_arn], label
        assert alarm.inputs["okActions"] == [topic_arn], label
        assert alarm.inputs["alarmDescription"], label  # the on-call reads this first


def test_every_alarm_passes_the_cloudwatch_api_model(stack: Evaluation) -> None:
    for label, alarm in alarms(stack).items():
        assert validate_request("cloudwatch", "PutMetricAlarm", put_metric_alarm_request(alarm)) == [], label


def test_the_api_model_catches_a_wrong_alarm(dev: Evaluation) -> None:
    request = put_metric_alarm_request(alarms(dev)["app-logs-delivery-failing"])
    request["ComparisonOperator"] = "MoreThanThreshold"
    request["Period"] = 0
    problems = validate_request("cloudwatch", "PutMetricAlarm", request)
    assert any("MoreThanThreshold" in p for p in problems)
    assert any("Period" in p for p in problems)


# --- Firehose --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "archive"), [("app-logs", "app-log-archive"), ("task-stops", "task-stop-archive")])
def test_firehose_alarms_watch_each_stream(stack: Evaluation, label: str, archive: str) -> None:
    found = alarms(stack)
    dimensions = {"DeliveryStreamName": delivery_stream(stack, archive).state["name"]}
    failing, stale, throttled = (
        found[f"{label}-{kind}"] for kind in ("delivery-failing", "delivery-stale", "throttled")
    )
    assert_metric(failing, "AWS/Firehose", "DeliveryToS3.Success", dimensions)
    assert (failing.inputs["comparisonOperator"], failing.inputs["threshold"]) == ("LessThanThreshold", 1)
    assert_metric(stale, "AWS/Firehose", "DeliveryToS3.DataFreshness", dimensions)
    assert stale.inputs["threshold"] == config_int(stack, "alarmDeliveryFreshnessSeconds")
    assert stale.inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert_metric(throttled, "AWS/Firehose", "ThrottledRecords", dimensions)
    assert (throttled.inputs["comparisonOperator"], throttled.inputs["threshold"]) == ("GreaterThanThreshold", 0)
    for alarm in (failing, stale, throttled):
        assert alarm.inputs["period"] == 300  # Firehose publishes every 5 minutes at most
        assert alarm.inputs["treatMissingData"] == "notBreaching"  # no traffic is not a failure


def test_a_partner_stream_is_watched_on_its_http_endpoint_metrics() -> None:
    ev = evaluate_stack("dev", secrets=PARTNER_SECRETS, **PARTNER)
    found = alarms(ev)
    dimensions = {"DeliveryStreamName": delivery_stream(ev, "task-stop-archive").state["name"]}
    assert_metric(found["task-stops-delivery-failing"], "AWS/Firehose", "DeliveryToHttpEndpoint.Success", dimensions)
    assert_metric(
        found["task-stops-delivery-stale"], "AWS/Firehose", "DeliveryToHttpEndpoint.DataFreshness", dimensions
    )
    assert found["app-logs-delivery-failing"].inputs["metricName"] == "DeliveryToS3.Success"


def test_freshness_threshold_follows_config() -> None:
    ev = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    freshness = config_int(ev, "alarmDeliveryFreshnessSeconds")
    assert freshness != config_int(evaluate_stack("dev"), "alarmDeliveryFreshnessSeconds")
    assert alarms(ev)["app-logs-delivery-stale"].inputs["threshold"] == freshness


# --- EventBridge and the dead-letter queue ---------------------------------------------------------------


def test_each_rule_is_watched_for_failed_invocations(stack: Evaluation) -> None:
    found = alarms(stack)
    rules = {r.name.removeprefix("task-stops-"): r.state["name"] for r in stack.of_type(RULE)}
    assert set(rules) == {"stopped", "stop-alert"}
    for label, rule_name in rules.items():
        alarm = found[f"{label}-rule-failed-invocations"]
        assert_metric(alarm, "AWS/Events", "FailedInvocations", {"RuleName": rule_name})
        assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)


def test_the_optional_state_change_rule_is_watched_too() -> None:
    ev = evaluate_stack("dev", secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)
    rule = ev.one(RULE, "task-stops-state-change")
    alarm = alarms(ev)["state-change-rule-failed-invocations"]
    assert alarm.inputs["dimensions"] == {"RuleName": rule.state["name"]}


def test_anything_in_the_dead_letter_queue_raises_an_alarm(stack: Evaluation) -> None:
    alarm = alarms(stack)["dead-letter-queue-not-empty"]
    assert_metric(alarm, "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": stack.one(QUEUE).state["name"]})
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)
