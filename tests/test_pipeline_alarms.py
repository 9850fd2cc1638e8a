"""components/pipeline_alarms.py: every alarm's namespace, metric, dimensions (pointing at resources the stack
creates), threshold and action, checked on the recorded resources of the real program, and every alarm
validated against CloudWatch's PutMetricAlarm API model."""

from __future__ import annotations

from typing import Any

import pytest

from offline.harness import Evaluation, RecordedResource
from tests.aws_api import validate_request
from tests.conftest import evaluate_stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
RULE = "aws:cloudwatch/eventRule:EventRule"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
ALB = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
CLUSTER = "aws:ecs/cluster:Cluster"
SERVICE = "aws:ecs/service:Service"
PARTNER = {
    "partnerEndpointUrl": "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input",
    "partnerEndpointName": "Datadog",
}
PARTNER_SECRETS = {"partnerApiKey": "0123456789abcdef"}


# --- helpers ---------------------------------------------------------------------------------------------


def alarms(ev: Evaluation) -> dict[str, RecordedResource]:
    """The pipeline alarms by role (the part of the name after `pipeline-alarms-`)."""
    found = {r.name.removeprefix("pipeline-alarms-"): r for r in ev.of_type(ALARM)}
    assert found, "the stack creates no alarms"
    return found


def config_int(ev: Evaluation, key: str) -> int:
    return int(ev.config.values[ev.config.full_key(key)])


def stream_name(ev: Evaluation, archive: str) -> str:
    (stream,) = [r for r in ev.children(ev.one("httpd-firelens:logs:LogArchive", archive)) if r.type == FIREHOSE]
    return str(stream.state["name"])


def target_group_dimensions(ev: Evaluation) -> dict[str, str]:
    return {
        "TargetGroup": ev.one(TARGET_GROUP).state["arnSuffix"],
        "LoadBalancer": ev.one(ALB).state["arnSuffix"],
    }


def to_api(alarm: RecordedResource) -> dict[str, Any]:
    """The recorded wire inputs as a PutMetricAlarm request (API names and shapes). Numbers cross the wire
    as floats (protobuf Struct); the provider sends the integer fields as integers."""
    inputs = alarm.inputs

    def dimensions(values: dict[str, str] | None) -> list[dict[str, str]]:
        return [{"Name": k, "Value": v} for k, v in (values or {}).items()]

    request: dict[str, Any] = {
        "AlarmName": alarm.state["name"],
        "AlarmDescription": inputs["alarmDescription"],
        "AlarmActions": inputs["alarmActions"],
        "OKActions": inputs["okActions"],
        "EvaluationPeriods": int(inputs["evaluationPeriods"]),
        "Threshold": inputs["threshold"],
        "ComparisonOperator": inputs["comparisonOperator"],
        "TreatMissingData": inputs["treatMissingData"],
    }
    if "metricName" in inputs:
        request |= {
            "Namespace": inputs["namespace"],
            "MetricName": inputs["metricName"],
            "Dimensions": dimensions(inputs.get("dimensions")),
            "Statistic": inputs["statistic"],
            "Period": int(inputs["period"]),
        }
    else:
        request["Metrics"] = [
            {
                "Id": query["id"],
                "ReturnData": query.get("returnData", False),
                **({"Expression": query["expression"], "Label": query["label"]} if "expression" in query else {}),
                **(
                    {
                        "MetricStat": {
                            "Metric": {
                                "Namespace": query["metric"]["namespace"],
                                "MetricName": query["metric"]["metricName"],
                                "Dimensions": dimensions(query["metric"]["dimensions"]),
                            },
                            "Period": int(query["metric"]["period"]),
                            "Stat": query["metric"]["stat"],
                        }
                    }
                    if "metric" in query
                    else {}
                ),
            }
            for query in inputs["metricQueries"]
        ]
    return request


def assert_metric(alarm: RecordedResource, namespace: str, metric: str, dimensions: dict[str, str]) -> None:
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"]) == (namespace, metric)
    assert alarm.inputs["dimensions"] == dimensions


# --- every alarm -----------------------------------------------------------------------------------------


def test_the_stack_has_exactly_the_documented_alarms(stack: Evaluation) -> None:
    expected = {
        f"{stream}-{kind}"
        for stream in ("app-logs", "task-stops")
        for kind in ("delivery-failing", "delivery-stale", "throttled")
    }
    expected |= {f"{rule}-rule-failed-invocations" for rule in ("stopped", "stop-alert")}
    expected |= {"dead-letter-queue-not-empty", "unhealthy-hosts", "target-5xx"}
    expected.add("tasks-below-desired" if stack.config.stack == "prod" else "tasks-below-floor")
    assert set(alarms(stack)) == expected


def test_every_alarm_notifies_the_alert_topic_when_it_fires_and_recovers(stack: Evaluation) -> None:
    topic_arn = stack.one(TOPIC).state["arn"]
    for role, alarm in alarms(stack).items():
        assert alarm.inputs["alarmActions"] == [topic_arn], role
        assert alarm.inputs["okActions"] == [topic_arn], role
        assert alarm.inputs["alarmDescription"], role  # the on-call reads this first


def test_every_alarm_passes_the_cloudwatch_api_model(stack: Evaluation) -> None:
    for role, alarm in alarms(stack).items():
        assert validate_request("cloudwatch", "PutMetricAlarm", to_api(alarm)) == [], role


def test_the_api_model_catches_a_wrong_alarm(dev: Evaluation) -> None:
    request = to_api(alarms(dev)["target-5xx"])
    request["ComparisonOperator"] = "MoreThanThreshold"
    request["Period"] = 0
    problems = validate_request("cloudwatch", "PutMetricAlarm", request)
    assert any("MoreThanThreshold" in p for p in problems)
    assert any("Period" in p for p in problems)


# --- Firehose --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "archive"), [("app-logs", "app-log-archive"), ("task-stops", "task-stop-archive")])
def test_firehose_alarms_watch_each_stream(stack: Evaluation, label: str, archive: str) -> None:
    found = alarms(stack)
    dimensions = {"DeliveryStreamName": stream_name(stack, archive)}
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
    dimensions = {"DeliveryStreamName": stream_name(ev, "task-stop-archive")}
    assert_metric(found["task-stops-delivery-failing"], "AWS/Firehose", "DeliveryToHttpEndpoint.Success", dimensions)
    assert_metric(
        found["task-stops-delivery-stale"], "AWS/Firehose", "DeliveryToHttpEndpoint.DataFreshness", dimensions
    )
    assert found["app-logs-delivery-failing"].inputs["metricName"] == "DeliveryToS3.Success"


def test_freshness_threshold_follows_config() -> None:
    ev = evaluate_stack("dev", alarmDeliveryFreshnessSeconds="1200")
    assert alarms(ev)["app-logs-delivery-stale"].inputs["threshold"] == 1200


# --- EventBridge and the dead-letter queue ---------------------------------------------------------------


def test_each_rule_is_watched_for_failed_invocations(stack: Evaluation) -> None:
    found = alarms(stack)
    rules = {r.name.removeprefix("task-stops-"): r.state["name"] for r in stack.of_type(RULE)}
    assert set(rules) == {"stopped", "stop-alert"}
    for role, rule_name in rules.items():
        alarm = found[f"{role}-rule-failed-invocations"]
        assert_metric(alarm, "AWS/Events", "FailedInvocations", {"RuleName": rule_name})
        assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)


def test_the_optional_state_change_rule_is_watched_too() -> None:
    ev = evaluate_stack("dev", captureAllTaskStates="true")
    rule = ev.one(RULE, "task-stops-state-change")
    alarm = alarms(ev)["state-change-rule-failed-invocations"]
    assert alarm.inputs["dimensions"] == {"RuleName": rule.state["name"]}


def test_anything_in_the_dead_letter_queue_raises_an_alarm(stack: Evaluation) -> None:
    alarm = alarms(stack)["dead-letter-queue-not-empty"]
    assert_metric(alarm, "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": stack.one(QUEUE).state["name"]})
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)


# --- the service and the target group --------------------------------------------------------------------


def test_without_container_insights_healthy_hosts_below_the_floor_alarm(dev: Evaluation) -> None:
    alarm = alarms(dev)["tasks-below-floor"]
    assert_metric(alarm, "AWS/ApplicationELB", "HealthyHostCount", target_group_dimensions(dev))
    assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
    assert alarm.inputs["threshold"] == config_int(dev, "minCount")
    assert alarm.inputs["evaluationPeriods"] == config_int(dev, "alarmEvaluationMinutes")
    assert alarm.inputs["treatMissingData"] == "breaching"  # a target group with no data has no healthy task


def test_with_container_insights_running_below_desired_alarms(prod: Evaluation) -> None:
    alarm = alarms(prod)["tasks-below-desired"]
    service = {"ClusterName": prod.one(CLUSTER).state["name"], "ServiceName": prod.one(SERVICE).state["name"]}
    queries = {q["id"]: q for q in alarm.inputs["metricQueries"]}
    assert queries["running"]["metric"] | {"dimensions": None} == {
        "namespace": "ECS/ContainerInsights",
        "metricName": "RunningTaskCount",
        "dimensions": None,
        "period": 60,
        "stat": "Average",
    }
    assert queries["running"]["metric"]["dimensions"] == service
    assert queries["desired"]["metric"]["metricName"] == "DesiredTaskCount"
    assert queries["desired"]["metric"]["dimensions"] == service
    assert queries["missing"]["expression"] == "desired - running"
    assert [q["id"] for q in alarm.inputs["metricQueries"] if q.get("returnData")] == ["missing"]
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm.inputs["evaluationPeriods"] == config_int(prod, "alarmEvaluationMinutes")


def test_target_group_alarms(stack: Evaluation) -> None:
    found = alarms(stack)
    minutes = config_int(stack, "alarmEvaluationMinutes")
    unhealthy, errors = found["unhealthy-hosts"], found["target-5xx"]
    assert_metric(unhealthy, "AWS/ApplicationELB", "UnHealthyHostCount", target_group_dimensions(stack))
    assert (unhealthy.inputs["comparisonOperator"], unhealthy.inputs["threshold"]) == ("GreaterThanThreshold", 0)
    assert_metric(errors, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", target_group_dimensions(stack))
    assert errors.inputs["threshold"] == config_int(stack, "alarmTarget5xxPerMinute")
    assert (errors.inputs["statistic"], errors.inputs["period"]) == ("Sum", 60)
    assert unhealthy.inputs["evaluationPeriods"] == errors.inputs["evaluationPeriods"] == minutes


def test_thresholds_follow_config() -> None:
    ev = evaluate_stack("dev", alarmEvaluationMinutes="3", alarmTarget5xxPerMinute="50", minCount="2", desiredCount="2")
    found = alarms(ev)
    assert found["target-5xx"].inputs["threshold"] == 50
    assert found["target-5xx"].inputs["evaluationPeriods"] == 3
    assert found["tasks-below-floor"].inputs["threshold"] == 2
