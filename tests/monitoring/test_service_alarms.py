"""components/monitoring/service_alarms.py as the httpd service's alarms: each watches that service's own target group
and ECS service, notifies the alert topic, follows the thresholds of the config, and passes CloudWatch's
PutMetricAlarm API model."""

from __future__ import annotations

from typing import Any

from components.monitoring.service_alarms import TRAFFIC_WITHOUT_ARCHIVE, silence_periods
from components.service.log_router_errors import ROUTER_ERROR_PATTERN
from offline.harness import Evaluation
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import (
    SERVICE_ALARMS,
    config_int,
    config_value,
    delivery_stream,
    inside,
    metric_of,
    only,
    put_metric_alarm_request,
    service_alarms,
    service_spec,
)
from tests.support.metric_math import alarm_state, evaluate

SERVICE_COMPONENT = "httpd-firelens:service:FirelensService"
TOPIC = "aws:sns/topic:Topic"


def target_group_dimensions(ev: Evaluation, service: str = "httpd") -> dict[str, str]:
    target_group = only(inside(ev, SERVICE_COMPONENT, service, "aws:lb/targetGroup:TargetGroup"))
    return {
        "TargetGroup": target_group.state["arnSuffix"],
        "LoadBalancer": ev.one("aws:lb/loadBalancer:LoadBalancer").state["arnSuffix"],
    }


def test_the_alarms_are_a_child_of_the_service(stack: Evaluation) -> None:
    component = stack.one(SERVICE_ALARMS, "httpd-alarms")
    assert component.parent == stack.one(SERVICE_COMPONENT, "httpd").urn
    insights = config_value(stack, "containerInsights") != "disabled"
    floor_or_desired = "tasks-below-desired" if insights else "tasks-below-floor"
    silence = {"traffic-without-archive", "router-errors"}
    assert set(service_alarms(stack)) == {floor_or_desired, "unhealthy-hosts", "target-5xx", *silence}


def test_every_alarm_notifies_the_topic_and_passes_the_api_model(stack: Evaluation) -> None:
    topic_arn = stack.one(TOPIC, "alerts-topic").state["arn"]
    for label, alarm in service_alarms(stack).items():
        assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [topic_arn], label
        assert "httpd" in alarm.inputs["alarmDescription"] or label == "tasks-below-desired", label
        assert validate_request("cloudwatch", "PutMetricAlarm", put_metric_alarm_request(alarm)) == [], label


def test_without_container_insights_healthy_hosts_below_the_floor_alarm(dev: Evaluation) -> None:
    alarm = service_alarms(dev)["tasks-below-floor"]
    assert metric_of(alarm) == ("AWS/ApplicationELB", "HealthyHostCount", target_group_dimensions(dev))
    assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
    assert alarm.inputs["threshold"] == service_spec(dev).scaling.min_count
    assert alarm.inputs["evaluationPeriods"] == config_int(dev, "alarmEvaluationMinutes")
    assert alarm.inputs["treatMissingData"] == "breaching"  # a target group with no data has no healthy task


def test_with_container_insights_running_below_desired_alarms(prod: Evaluation) -> None:
    alarm = service_alarms(prod)["tasks-below-desired"]
    service = {
        "ClusterName": prod.one("aws:ecs/cluster:Cluster").state["name"],
        "ServiceName": prod.one("aws:ecs/service:Service").state["name"],
    }
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
    found = service_alarms(stack)
    minutes = config_int(stack, "alarmEvaluationMinutes")
    unhealthy, errors = found["unhealthy-hosts"], found["target-5xx"]
    assert metric_of(unhealthy) == ("AWS/ApplicationELB", "UnHealthyHostCount", target_group_dimensions(stack))
    assert (unhealthy.inputs["comparisonOperator"], unhealthy.inputs["threshold"]) == ("GreaterThanThreshold", 0)
    assert metric_of(errors) == ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", target_group_dimensions(stack))
    assert errors.inputs["threshold"] == config_int(stack, "alarmTarget5xxPerMinute")
    assert (errors.inputs["statistic"], errors.inputs["period"]) == ("Sum", 60)
    assert unhealthy.inputs["evaluationPeriods"] == errors.inputs["evaluationPeriods"] == minutes


def test_thresholds_follow_config(dev: Evaluation) -> None:
    ev = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    keys = ("alarmTarget5xxPerMinute", "alarmEvaluationMinutes")
    assert all(config_int(ev, key) != config_int(dev, key) for key in keys)
    assert service_spec(ev).scaling.min_count != service_spec(dev).scaling.min_count
    found = service_alarms(ev)
    assert found["target-5xx"].inputs["threshold"] == config_int(ev, "alarmTarget5xxPerMinute")
    assert found["target-5xx"].inputs["evaluationPeriods"] == config_int(ev, "alarmEvaluationMinutes")
    assert found["tasks-below-floor"].inputs["threshold"] == service_spec(ev).scaling.min_count


# --- silence: traffic without an archive -------------------------------------------------------------------------

FIVE_MINUTES = list(range(0, 12 * 300, 300))  # an hour of 5-minute periods


def silent(ev: Evaluation) -> dict[str, Any]:
    return service_alarms(ev)["traffic-without-archive"].inputs


def silent_state(inputs: dict[str, Any], requests: dict[int, float], records: dict[int, float]) -> str:
    """The alarm's state after the hour, computed from its own recorded expression and settings."""
    (expression,) = [q["expression"] for q in inputs["metricQueries"] if q.get("returnData")]
    result = evaluate(expression, {"requests": requests, "records": records}, FIVE_MINUTES)
    return alarm_state(
        result,
        FIVE_MINUTES,
        inputs["threshold"],
        int(inputs["evaluationPeriods"]),
        int(inputs["datapointsToAlarm"]),
        inputs["treatMissingData"],
    )


def test_traffic_without_an_archive_compares_the_services_requests_with_its_routers_stream(stack: Evaluation) -> None:
    """Per service: the target group's `RequestCount` (namespace AWS/ApplicationELB, dimensions TargetGroup and
    LoadBalancer: Application Load Balancers guide, "CloudWatch metrics for your Application Load Balancer") and the
    stream's `IncomingRecords` ("The number of records ingested into the Kinesis Firehose stream over the specified
    time period", namespace AWS/Firehose, dimension DeliveryStreamName: Firehose developer guide, "Monitoring with
    Amazon CloudWatch Metrics"), both summed per 5 minutes, the period at which Firehose pushes its metrics."""
    inputs = silent(stack)
    queries = {q["id"]: q for q in inputs["metricQueries"]}
    stream = delivery_stream(stack, "app-log-archive").state["name"]
    assert queries["requests"]["metric"] == {
        "namespace": "AWS/ApplicationELB",
        "metricName": "RequestCount",
        "dimensions": target_group_dimensions(stack),
        "period": 300,
        "stat": "Sum",
    }
    assert queries["records"]["metric"] == {
        "namespace": "AWS/Firehose",
        "metricName": "IncomingRecords",
        "dimensions": {"DeliveryStreamName": stream},
        "period": 300,
        "stat": "Sum",
    }
    assert queries["silent"]["expression"] == TRAFFIC_WITHOUT_ARCHIVE
    assert (
        validate_request(
            "cloudwatch", "PutMetricAlarm", put_metric_alarm_request(service_alarms(stack)["traffic-without-archive"])
        )
        == []
    )


def test_traffic_with_records_is_ok_and_traffic_without_records_alarms(stack: Evaluation) -> None:
    inputs = silent(stack)
    traffic = {t: 120.0 for t in FIVE_MINUTES}
    assert silent_state(inputs, traffic, {t: 130.0 for t in FIVE_MINUTES}) == "OK"
    # The router stops putting 20 minutes before the end: Firehose then publishes no datapoint (or a 0) at all.
    stopped = {t: 130.0 for t in FIVE_MINUTES[:-4]}
    assert silent_state(inputs, traffic, stopped) == "ALARM"
    assert silent_state(inputs, traffic, stopped | {t: 0.0 for t in FIVE_MINUTES[-4:]}) == "ALARM"


def test_no_traffic_stays_ok_and_a_late_period_does_not_alarm(stack: Evaluation) -> None:
    """No requests: OK whatever the stream did (the ALB publishes no RequestCount without requests). The stream's
    latest period not yet published (Firehose's five-minute push): one period of FILL's 0 is not enough."""
    inputs = silent(stack)
    assert silent_state(inputs, {}, {}) == "OK"
    assert silent_state(inputs, {}, {t: 5.0 for t in FIVE_MINUTES}) == "OK"
    traffic = {t: 120.0 for t in FIVE_MINUTES}
    assert silent_state(inputs, traffic, {t: 130.0 for t in FIVE_MINUTES[:-1]}) == "OK"


def test_the_silence_lasts_at_least_the_evaluation_minutes(stack: Evaluation) -> None:
    """Two 5-minute periods at least, out of one more; longer when alarmEvaluationMinutes asks for more."""
    inputs, minutes = silent(stack), config_int(stack, "alarmEvaluationMinutes")
    assert inputs["datapointsToAlarm"] * 5 >= minutes and inputs["datapointsToAlarm"] >= 2
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] + 1
    assert silence_periods(3) == (2, 3) and silence_periods(11) == (3, 4) and silence_periods(60) == (12, 13)


# --- silence: the router's own errors ------------------------------------------------------------------------------


def test_the_routers_log_group_counts_its_failures_and_the_alarm_reads_that_count(stack: Evaluation) -> None:
    """A metric filter on each service's router log group (PutMetricFilter, botocore's model) with the pattern taken
    from the real Fluent Bit's failure lines (components/service/log_router_errors.py,
    tests/fluentbit/test_router_errors.py), and the service's `router-errors` alarm on exactly the metric it publishes,
    any count above 0."""
    (metric_filter,) = inside(stack, SERVICE_COMPONENT, "httpd", "aws:cloudwatch/logMetricFilter:LogMetricFilter")
    (router_group,) = [
        g for g in inside(stack, SERVICE_COMPONENT, "httpd", "aws:cloudwatch/logGroup:LogGroup") if "router" in g.name
    ]
    transformation = metric_filter.inputs["metricTransformation"]
    assert metric_filter.inputs["logGroupName"] == router_group.state["name"]
    assert metric_filter.inputs["pattern"] == ROUTER_ERROR_PATTERN
    request = {
        "logGroupName": metric_filter.inputs["logGroupName"],
        "filterName": metric_filter.inputs["name"],
        "filterPattern": metric_filter.inputs["pattern"],
        "metricTransformations": [
            {
                "metricName": transformation["name"],
                "metricNamespace": transformation["namespace"],
                "metricValue": transformation["value"],
                "defaultValue": float(transformation["defaultValue"]),
                "unit": transformation["unit"],
            }
        ],
    }
    assert validate_request("logs", "PutMetricFilter", request) == []
    alarm = service_alarms(stack)["router-errors"]
    assert metric_of(alarm) == (transformation["namespace"], transformation["name"], {})
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm.inputs["treatMissingData"] == "notBreaching"  # a quiet router logs nothing
    assert transformation["namespace"] == f"httpd-firelens/{stack.config.stack}/LogRouter"
