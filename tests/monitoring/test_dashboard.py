"""components/monitoring/dashboard.py: the pipeline dashboard graphs the stack's own resources, fits CloudWatch's grid,
passes the PutDashboard API model, is exported as a console URL, and can be turned off."""

from __future__ import annotations

import json
from typing import Any

from components.monitoring.dashboard import DashboardService, PipelineDashboardArgs, dashboard_widgets
from offline.harness import Evaluation
from tests.conftest import PARTNER, PARTNER_SECRETS, PIPELINE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import LOG_ARCHIVE, config_value, delivery_stream
from tests.support.pipeline_alarms import QUEUE, alarms

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def dashboard_body(ev: Evaluation) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(ev.one(DASHBOARD).inputs["dashboardBody"])
    return body


def widget_metrics(body: dict[str, Any]) -> list[list[Any]]:
    return [row for w in body["widgets"] if w["type"] == "metric" for row in w["properties"]["metrics"]]


def test_dashboard_graphs_the_stacks_own_resources(stack: Evaluation) -> None:
    body = dashboard_body(stack)
    rows = widget_metrics(body)
    archives = [r.name for r in stack.of_type(LOG_ARCHIVE)]  # the WAF's too when it is on (prod)
    assert ("waf-log-archive" in archives) == (config_value(stack, "waf") == "true")
    streams = {delivery_stream(stack, a).state["name"] for a in archives}
    assert {row[3] for row in rows if row[0] == "AWS/Firehose"} == streams
    alb_suffix = stack.one("aws:lb/loadBalancer:LoadBalancer").state["arnSuffix"]
    assert all(row[row.index("LoadBalancer") + 1] == alb_suffix for row in rows if row[0] == "AWS/ApplicationELB")
    assert [row[3] for row in rows if row[0] == "AWS/SQS"] == [stack.one(QUEUE).state["name"]]
    (log_widget,) = [w for w in body["widgets"] if w["type"] == "log"]
    task_stop_group = stack.one("httpd-firelens:events:TaskStopCapture").urn
    (group,) = [r for r in stack.of_type("aws:cloudwatch/logGroup:LogGroup") if r.parent == task_stop_group]
    assert log_widget["properties"]["query"].startswith(f"SOURCE '{group.state['name']}'")
    for widget in body["widgets"]:
        assert widget["properties"]["region"] == stack.config.region
        assert widget["x"] + widget["width"] <= 24  # the dashboard grid is 24 columns wide


def test_dashboard_widgets_do_not_overlap(dev: Evaluation) -> None:
    cells: set[tuple[int, int]] = set()
    for widget in dashboard_body(dev)["widgets"]:
        area = {
            (x, y)
            for x in range(widget["x"], widget["x"] + widget["width"])
            for y in range(widget["y"], widget["y"] + widget["height"])
        }
        assert not cells & area, widget["properties"]["title"]
        cells |= area


def test_dashboard_passes_the_cloudwatch_api_model_and_is_exported(stack: Evaluation) -> None:
    dashboard = stack.one(DASHBOARD)
    request = {"DashboardName": dashboard.inputs["dashboardName"], "DashboardBody": dashboard.inputs["dashboardBody"]}
    assert validate_request("cloudwatch", "PutDashboard", request) == []
    assert dashboard.inputs["dashboardName"] == f"httpd-firelens-{stack.config.stack}"
    assert stack.outputs["dashboardUrl"] == (
        f"https://{stack.config.region}.console.aws.amazon.com/cloudwatch/home?region={stack.config.region}"
        f"#dashboards/dashboard/httpd-firelens-{stack.config.stack}"
    )


def test_a_partner_stream_graphs_its_http_endpoint_deliveries() -> None:
    ev = evaluate_stack("dev", secrets=PARTNER_SECRETS, **PARTNER)
    partner_stream = delivery_stream(ev, "task-stop-archive").state["name"]
    metrics = {
        row[1] for row in widget_metrics(dashboard_body(ev)) if row[0] == "AWS/Firehose" and row[3] == partner_stream
    }
    assert metrics == {"IncomingRecords", "DeliveryToHttpEndpoint.Records"}


def test_dashboard_can_be_turned_off() -> None:
    ev = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    assert config_value(ev, "dashboard") == "false"
    assert ev.of_type(DASHBOARD) == []
    assert "dashboardUrl" not in ev.outputs
    assert alarms(ev)  # the alarms stay


def test_every_service_gets_its_target_health_and_task_rows() -> None:
    """A second service behind the ALB is graphed beside the first, each row labelled with its service."""
    services = [
        DashboardService("httpd", "apps", "httpd-service", "targetgroup/httpd-tg/1"),
        DashboardService("api", "apps", "api-service", "targetgroup/api-tg/2"),
    ]
    for insights, metrics in ((False, ("CPUUtilization", "MemoryUtilization")), (True, ("RunningTaskCount",))):
        args = PipelineDashboardArgs("ap-northeast-1", "app/web/0", services, [], "stops", "dlq", insights)
        rows = widget_metrics({"widgets": dashboard_widgets(args)})
        for service in services:
            health = [
                r
                for r in rows
                if "TargetGroup" in r and r[r.index("TargetGroup") + 1] == service.target_group_arn_suffix
            ]
            assert {r[1] for r in health} == {"HealthyHostCount", "UnHealthyHostCount"}
            assert all(r[-1]["label"].startswith(f"{service.label} ") for r in health)
            tasks = [r for r in rows if "ServiceName" in r and r[r.index("ServiceName") + 1] == service.service_name]
            assert set(metrics) <= {r[1] for r in tasks}
