"""The example stacks of examples/ (a `services` map set over a committed stack, as `python -m offline preview
--config-file` does): two services over dev, three over prod. Each service gets its own listener rule, target group,
security group, log groups, CloudWatch streams, alarms and dashboard row, the ALB reaches each on its own port only,
every payload passes the AWS API models, and the policy pack finds nothing, prod's mandatory rules included."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from offline.harness import Evaluation, RecordedResource
from offline.policy_findings import evaluate_policies
from tests.conftest import EXAMPLES, evaluate_example
from tests.support.aws_api import validate_request
from tests.support.helpers import (
    SECURITY_GROUP,
    alb_security_group,
    create_rule_request,
    create_service_request,
    create_target_group_request,
    environment,
    inside,
    only,
    register_task_definition_request,
    service_alarms,
    service_spec,
    statements,
    task_containers,
)
from tests.support.iam_lint import as_list, policy_of

SERVICE_COMPONENT = "httpd-firelens:service:FirelensService"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EXAMPLE_STACKS = {"two-services": "dev", "three-services": "prod"}


def example_services(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())["config"]["httpd-firelens:services"])


@pytest.fixture(scope="module", params=list(EXAMPLE_STACKS))
def example(request: pytest.FixtureRequest) -> tuple[Evaluation, dict[str, int]]:
    """An example over its stack, and its services' ports."""
    ev = evaluate_example(request.param, EXAMPLE_STACKS[request.param])
    return ev, {name: service_spec(ev, name).app.port for name in example_services(request.param)}


def test_the_examples_have_two_and_three_services() -> None:
    assert [len(example_services(name)) for name in EXAMPLE_STACKS] == [2, 3]


def of(ev: Evaluation, service: str, type_token: str, label: str | None = None) -> RecordedResource:
    """The one resource of a type a service created (named `<service>-<label>` when given)."""
    found = inside(ev, SERVICE_COMPONENT, service, type_token)
    return only([r for r in found if label is None or r.name == f"{service}-{label}"])


Example = tuple[Evaluation, dict[str, int]]


def test_each_service_has_its_own_rule_on_the_one_listener(example: Example) -> None:
    ev, ports = example
    rules = {service: of(ev, service, RULE) for service in ports}
    listeners = {int(r.inputs["port"]): r for r in ev.of_type("aws:lb/listener:Listener")}
    traffic = listeners.get(443, listeners[80])  # HTTPS with a certificate (prod), else HTTP (dev)
    assert {r.inputs["listenerArn"] for r in rules.values()} == {traffic.state["arn"]}
    for service, rule in rules.items():
        route = service_spec(ev, service).route
        assert rule.inputs["priority"] == route.priority
        assert rule.inputs["conditions"] == [{"pathPattern": {"values": list(route.path_patterns)}}]
        target_group = of(ev, service, TARGET_GROUP)
        assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": target_group.state["arn"]}]
        assert validate_request("elbv2", "CreateRule", create_rule_request(rule)) == [], service
    assert rules["api"].inputs["priority"] < rules["httpd"].inputs["priority"]  # /api/* before the catch-all


def test_each_service_is_behind_its_own_target_group_on_its_port(example: Example) -> None:
    ev, ports = example
    target_groups = {service: of(ev, service, TARGET_GROUP) for service in ports}
    assert len({tg.state["arn"] for tg in target_groups.values()}) == len(ports)
    for service, port in ports.items():
        tg = target_groups[service]
        assert tg.inputs["port"] == port
        assert validate_request("elbv2", "CreateTargetGroup", create_target_group_request(tg)) == [], service
        ecs_service = of(ev, service, "aws:ecs/service:Service")
        assert ecs_service.inputs["loadBalancers"] == [
            {"targetGroupArn": tg.state["arn"], "containerName": service, "containerPort": port}
        ]
        assert of(ev, service, RULE).urn in ecs_service.dependencies
        assert validate_request("ecs", "CreateService", create_service_request(ecs_service)) == [], service


def test_each_service_admits_only_its_port_from_the_alb(example: Example) -> None:
    ev, ports = example
    alb_group = alb_security_group(ev)
    for service, port in ports.items():
        group = of(ev, service, SECURITY_GROUP)
        (rule,) = [r for r in ev.of_type(INGRESS) if r.inputs["securityGroupId"] == group.id]
        assert rule.inputs["referencedSecurityGroupId"] == alb_group.id
        assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (port, port)


def test_the_alb_has_one_egress_rule_per_service(example: Example) -> None:
    ev, ports = example
    alb_group = alb_security_group(ev)
    egress = [r for r in ev.of_type(EGRESS) if r.inputs["securityGroupId"] == alb_group.id]
    reached = {(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in egress}
    assert len(egress) == len(ports)
    assert reached == {(of(ev, s, SECURITY_GROUP).id, port, port) for s, port in ports.items()}


def test_each_task_logs_to_its_own_groups_and_streams(example: Example) -> None:
    """Each router writes the records a person must see to its service's app log group, in streams under
    `<container>/`, and its own logs to its service's router log group; all archive to the one app log stream."""
    ev, ports = example
    (stream,) = inside(ev, "httpd-firelens:logs:LogArchive", "app-log-archive", FIREHOSE)
    seen: dict[str, set[str]] = {"APP_LOG_GROUP": set(), "APP_LOG_STREAM_PREFIX": set(), "router group": set()}
    for service in ports:
        task = of(ev, service, "aws:ecs/taskDefinition:TaskDefinition")
        containers = task_containers(task)
        assert set(containers) == {service, "log_router"}
        router = containers["log_router"]
        env = environment(router)
        assert env["APP_LOG_GROUP"] == of(ev, service, LOG_GROUP, "app-logs").state["name"]
        assert env["APP_LOG_STREAM_PREFIX"] == f"{service}/"
        assert env["DELIVERY_STREAM"] == stream.state["name"]
        router_group = of(ev, service, LOG_GROUP, "router-logs").state["name"]
        assert router["logConfiguration"]["options"]["awslogs-group"] == router_group
        seen["APP_LOG_GROUP"].add(env["APP_LOG_GROUP"])
        seen["APP_LOG_STREAM_PREFIX"].add(env["APP_LOG_STREAM_PREFIX"])
        seen["router group"].add(router_group)
        assert validate_request("ecs", "RegisterTaskDefinition", register_task_definition_request(task)) == []
    assert all(len(values) == len(ports) for values in seen.values()), seen


def test_each_app_runs_read_only_with_its_own_writable_volumes(example: Example) -> None:
    """Every app container gets a read-only root filesystem and a volume of its own per writable path. The stock
    nginx image "requires write access to /var/cache and /var/run" in read-only mode (docker-library/docs
    nginx/content.md, "Running nginx in read-only mode": `--read-only -v ...:/var/cache/nginx -v ...:/var/run`), as
    the examples give `api`."""
    ev, ports = example
    for service in ports:
        task = of(ev, service, "aws:ecs/taskDefinition:TaskDefinition")
        app = task_containers(task)[service]
        assert app["readonlyRootFilesystem"] is True
        assert [m["containerPath"] for m in app["mountPoints"]] == list(service_spec(ev, service).app.writable_paths)
        volumes = {v["name"] for v in task.plain_inputs()["volumes"]}
        assert {m["sourceVolume"] for m in app["mountPoints"]} < volumes
        assert all(m["sourceVolume"].startswith(f"{service}-") for m in app["mountPoints"])
    assert service_spec(ev, "api").app.writable_paths == ("/var/cache/nginx", "/var/run")


def test_each_task_role_writes_only_its_own_app_log_group(example: Example) -> None:
    ev, ports = example
    for service in ports:
        group_arn = of(ev, service, LOG_GROUP, "app-logs").state["arn"]
        document = policy_of(of(ev, service, "aws:iam/rolePolicy:RolePolicy", "task-policy"))
        (logs,) = [s for s in statements(document) if as_list(s["Action"])[0].startswith("logs:")]
        assert as_list(logs["Resource"]) == [group_arn, f"{group_arn}:log-stream:*"]


def test_each_service_has_its_own_alarms_dashboard_row_and_output(example: Example) -> None:
    ev, ports = example
    names: set[str] = set()
    for service in ports:
        alarms = service_alarms(ev, service)
        assert len(alarms) == 5
        suffix = of(ev, service, TARGET_GROUP).state["arnSuffix"]
        for label in ("unhealthy-hosts", "target-5xx"):
            assert alarms[label].inputs["dimensions"]["TargetGroup"] == suffix
        names |= {a.state["name"] for a in alarms.values()}
        assert f'"{service} healthy"' in ev.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]
    assert len(names) == 5 * len(ports)
    assert set(ev.outputs["services"]) == set(ports)


def test_the_policy_pack_finds_nothing(example: Example) -> None:
    """prod's mandatory rules included (read-only roots, pinned images, HTTPS, the web ACL)."""
    ev, _ = example
    assert evaluate_policies(ev) == []
