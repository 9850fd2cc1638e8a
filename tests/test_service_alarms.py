"""components/service_alarms.py as the httpd service's alarms: each watches that service's own target group and
ECS service, notifies the alert topic, follows the thresholds of the config, and passes CloudWatch's
PutMetricAlarm API model."""

from __future__ import annotations

from offline.harness import Evaluation
from tests.aws_api import validate_request
from tests.conftest import PIPELINE_VARIANT, evaluate_stack
from tests.helpers import (
    SERVICE_ALARMS,
    config_int,
    config_value,
    inside,
    metric_of,
    only,
    put_metric_alarm_request,
    service_alarms,
    service_spec,
)

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
    assert set(service_alarms(stack)) == {floor_or_desired, "unhealthy-hosts", "target-5xx"}


def test_every_alarm_notifies_the_topic_and_passes_the_api_model(stack: Evaluation) -> None:
    topic_arn = stack.one(TOPIC).state["arn"]
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
