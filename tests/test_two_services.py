"""Two FireLens services behind one ALB (tests/programs/two_services.py), each one constructor call: they get
distinct listener rules, target groups, security groups, log groups, CloudWatch streams and alarms, the ALB
reaches each on its own port only, and every payload passes the AWS API models and the policy pack."""

from __future__ import annotations

import pytest

from offline.harness import Evaluation, RecordedResource
from offline.policy_findings import evaluate_policies
from tests.aws_api import validate_request
from tests.conftest import evaluate_program
from tests.helpers import (
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
    statements,
    task_containers,
)
from tests.iam_lint import as_list, policy_of

SERVICE_COMPONENT = "httpd-firelens:service:FirelensService"
SERVICES = {"httpd": 80, "api": 80}  # service -> app port
RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@pytest.fixture(scope="module")
def two() -> Evaluation:
    return evaluate_program("two_services")


def of(ev: Evaluation, service: str, type_token: str, label: str | None = None) -> RecordedResource:
    """The one resource of a type a service created (named `<service>-<label>` when given)."""
    found = inside(ev, SERVICE_COMPONENT, service, type_token)
    return only([r for r in found if label is None or r.name == f"{service}-{label}"])


def test_each_service_has_its_own_rule_on_the_one_listener(two: Evaluation) -> None:
    rules = {service: of(two, service, RULE) for service in SERVICES}
    assert len({r.inputs["priority"] for r in rules.values()}) == len(SERVICES)
    (listener,) = two.of_type("aws:lb/listener:Listener")
    assert {r.inputs["listenerArn"] for r in rules.values()} == {listener.state["arn"]}
    assert rules["api"].inputs["priority"] < rules["httpd"].inputs["priority"]  # /api/* before the catch-all
    assert rules["api"].inputs["conditions"] == [
        {"pathPattern": {"values": ["/api/*"]}},
        {"hostHeader": {"values": ["api.example.com"]}},
    ]
    for service, rule in rules.items():
        target_group = of(two, service, TARGET_GROUP)
        assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": target_group.state["arn"]}]
        assert validate_request("elbv2", "CreateRule", create_rule_request(rule)) == [], service


def test_each_service_is_behind_its_own_target_group_on_its_port(two: Evaluation) -> None:
    target_groups = {service: of(two, service, TARGET_GROUP) for service in SERVICES}
    assert len({tg.state["arn"] for tg in target_groups.values()}) == len(SERVICES)
    for service, port in SERVICES.items():
        tg = target_groups[service]
        assert tg.inputs["port"] == port
        assert validate_request("elbv2", "CreateTargetGroup", create_target_group_request(tg)) == [], service
        ecs_service = of(two, service, "aws:ecs/service:Service")
        assert ecs_service.inputs["loadBalancers"] == [
            {"targetGroupArn": tg.state["arn"], "containerName": service, "containerPort": port}
        ]
        assert of(two, service, RULE).urn in ecs_service.dependencies
        assert validate_request("ecs", "CreateService", create_service_request(ecs_service)) == [], service
    assert target_groups["api"].inputs["healthCheck"]["path"] == "/"


def test_each_service_admits_only_its_port_from_the_alb(two: Evaluation) -> None:
    alb_group = alb_security_group(two)
    for service, port in SERVICES.items():
        group = of(two, service, SECURITY_GROUP)
        (rule,) = [r for r in two.of_type(INGRESS) if r.inputs["securityGroupId"] == group.id]
        assert rule.inputs["referencedSecurityGroupId"] == alb_group.id
        assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (port, port)


def test_the_alb_has_one_egress_rule_per_service(two: Evaluation) -> None:
    alb_group = alb_security_group(two)
    egress = [r for r in two.of_type(EGRESS) if r.inputs["securityGroupId"] == alb_group.id]
    reached = {(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in egress}
    assert len(egress) == len(SERVICES)
    assert reached == {(of(two, s, SECURITY_GROUP).id, port, port) for s, port in SERVICES.items()}


def test_each_task_logs_to_its_own_groups_and_streams(two: Evaluation) -> None:
    """Each router writes the records a person must see to its service's app log group, in streams under
    `<container>/`, and its own logs to its service's router log group; both archive to the one stream."""
    (stream,) = two.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    seen: dict[str, set[str]] = {"APP_LOG_GROUP": set(), "APP_LOG_STREAM_PREFIX": set(), "router group": set()}
    for service in SERVICES:
        task = of(two, service, "aws:ecs/taskDefinition:TaskDefinition")
        containers = task_containers(task)
        assert set(containers) == {service, "log_router"}
        router = containers["log_router"]
        env = environment(router)
        assert env["APP_LOG_GROUP"] == of(two, service, LOG_GROUP, "app-logs").state["name"]
        assert env["APP_LOG_STREAM_PREFIX"] == f"{service}/"
        assert env["DELIVERY_STREAM"] == stream.state["name"]
        router_group = of(two, service, LOG_GROUP, "router-logs").state["name"]
        assert router["logConfiguration"]["options"]["awslogs-group"] == router_group
        seen["APP_LOG_GROUP"].add(env["APP_LOG_GROUP"])
        seen["APP_LOG_STREAM_PREFIX"].add(env["APP_LOG_STREAM_PREFIX"])
        seen["router group"].add(router_group)
        assert validate_request("ecs", "RegisterTaskDefinition", register_task_definition_request(task)) == []
    assert all(len(values) == len(SERVICES) for values in seen.values()), seen


def test_each_app_runs_read_only_with_its_own_writable_volumes(two: Evaluation) -> None:
    """Every app container gets a read-only root filesystem and a volume of its own per writable path. The stock
    nginx image "requires write access to /var/cache and /var/run" in read-only mode (docker-library/docs
    nginx/content.md, "Running nginx in read-only mode": `--read-only -v ...:/var/cache/nginx -v ...:/var/run`), as
    the README's second-service example and tests/programs/two_services.py give it."""
    expected = {"httpd": ["/usr/local/apache2/logs"], "api": ["/var/cache/nginx", "/var/run"]}
    for service, paths in expected.items():
        task = of(two, service, "aws:ecs/taskDefinition:TaskDefinition")
        app = task_containers(task)[service]
        assert app["readonlyRootFilesystem"] is True
        assert [m["containerPath"] for m in app["mountPoints"]] == paths
        volumes = {v["name"] for v in task.plain_inputs()["volumes"]}
        assert {m["sourceVolume"] for m in app["mountPoints"]} < volumes
        assert all(m["sourceVolume"].startswith(f"{service}-") for m in app["mountPoints"])


def test_each_task_role_writes_only_its_own_app_log_group(two: Evaluation) -> None:
    for service in SERVICES:
        group_arn = of(two, service, LOG_GROUP, "app-logs").state["arn"]
        document = policy_of(of(two, service, "aws:iam/rolePolicy:RolePolicy", "task-policy"))
        (logs,) = [s for s in statements(document) if as_list(s["Action"])[0].startswith("logs:")]
        assert as_list(logs["Resource"]) == [group_arn, f"{group_arn}:log-stream:*"]


def test_each_service_has_its_own_alarms_on_its_own_target_group(two: Evaluation) -> None:
    names: set[str] = set()
    for service in SERVICES:
        alarms = service_alarms(two, service)
        assert set(alarms) == {
            "tasks-below-floor",
            "unhealthy-hosts",
            "target-5xx",
        }
        suffix = of(two, service, TARGET_GROUP).state["arnSuffix"]
        assert all(a.inputs["dimensions"]["TargetGroup"] == suffix for a in alarms.values())
        names |= {a.state["name"] for a in alarms.values()}
    assert len(names) == 3 * len(SERVICES)


def test_nothing_is_moved_and_the_policy_pack_finds_nothing(two: Evaluation) -> None:
    """A new stack has no history: no resource carries a name or parent alias (the provider SDKs add type-only
    aliases of their own, for their former type tokens, e.g. aws:elasticloadbalancingv2/targetGroup)."""
    assert [r.name for r in two.resources if any(a.urn or a.name or a.parent_urn for a in r.aliases)] == []
    assert evaluate_policies(two) == []
