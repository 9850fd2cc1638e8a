"""components/service.py (and log_router_sizing.py): cluster, task definition with the FireLens log router,
roles, security group, service and autoscaling, checked on the recorded resources of the real program."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.limits import LOG_ROUTER_PORTS
from components.log_router_sizing import LogRouterBuffers, log_router_buffers
from components.service import ROUTER_STOP_TIMEOUT_SECONDS, app_memory_reservation_mib, ecr_repository_arn
from components.settings import FARGATE_MEMORY_BY_CPU, ServiceSettings
from offline.harness import Evaluation, RecordedResource
from tests.aws_api import validate_request
from tests.conftest import SERVICE_VARIANT, evaluate_stack
from tests.iam_lint import as_list, lint_policy, policy_of

COMPONENT = "httpd-firelens:service:HttpdService"
CLUSTER = "aws:ecs/cluster:Cluster"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
SUBNET = "aws:ec2/subnet:Subnet"
REPOSITORY = "aws:ecr/repository:Repository"
IMAGE = "docker:index/image:Image"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
ROUTER_ENV = {
    "AWS_REGION",
    "APP_LOG_GROUP",
    "APP_LOG_STREAM_PREFIX",
    "DELIVERY_STREAM",
    "FLB_MEM_BUF_LIMIT",
    "FLB_STORAGE_LIMIT",
}
FLUENT_BIT_GRACE_SECONDS = 25  # extra.conf's Grace; the router's stopTimeout must exceed it


# --- helpers ---------------------------------------------------------------------------------------------


def inside(ev: Evaluation, component_type: str, component_name: str, type_token: str) -> list[RecordedResource]:
    return [r for r in ev.descendants(ev.one(component_type, component_name)) if r.type == type_token]


def ours(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    """Resources of one type inside the HttpdService component."""
    return inside(ev, COMPONENT, "httpd", type_token)


def one(ev: Evaluation, type_token: str, role: str | None = None) -> RecordedResource:
    matches = [r for r in ours(ev, type_token) if role is None or r.name == f"httpd-{role}"]
    assert len(matches) == 1, [r.name for r in ours(ev, type_token)]
    return matches[0]


def settings_of(ev: Evaluation) -> ServiceSettings:
    """The service settings the stack was evaluated with, rebuilt from its config values."""
    values = {k.split(":", 1)[1]: v for k, v in ev.config.values.items() if k.startswith("httpd-firelens:")}
    return ServiceSettings(
        app_image=values["appImage"],
        app_port=int(values["appPort"]),
        cpu=int(values["cpu"]),
        memory=int(values["memory"]),
        cpu_architecture=values["cpuArchitecture"],
        log_router_memory_mib=int(values["logRouterMemoryMiB"]),
        desired_count=int(values["desiredCount"]),
        min_count=int(values["minCount"]),
        max_count=int(values["maxCount"]),
        cpu_target_percent=int(values["cpuTargetPercent"]),
        requests_per_target=int(values["requestsPerTarget"]),
        health_check_grace_period_seconds=int(values["healthCheckGracePeriodSeconds"]),
        container_insights=values["containerInsights"],
        fluent_bit_version=values["fluentBitVersion"],
    )


def task_definition(ev: Evaluation) -> dict[str, Any]:
    return one(ev, TASK_DEFINITION).plain_inputs()


def containers(ev: Evaluation) -> dict[str, dict[str, Any]]:
    definitions = json.loads(task_definition(ev)["containerDefinitions"])
    return {c["name"]: c for c in definitions}


def environment(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["environment"]}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["Statement"])


def register_task_definition_request(ev: Evaluation) -> dict[str, Any]:
    """The recorded task definition in RegisterTaskDefinition's API shape."""
    inputs = task_definition(ev)
    platform = inputs["runtimePlatform"]
    return {
        "family": inputs["family"],
        "taskRoleArn": inputs["taskRoleArn"],
        "executionRoleArn": inputs["executionRoleArn"],
        "networkMode": inputs["networkMode"],
        "containerDefinitions": json.loads(inputs["containerDefinitions"]),
        "volumes": [{"name": v["name"]} for v in inputs["volumes"]],
        "requiresCompatibilities": inputs["requiresCompatibilities"],
        "cpu": inputs["cpu"],
        "memory": inputs["memory"],
        "runtimePlatform": {
            "cpuArchitecture": platform["cpuArchitecture"],
            "operatingSystemFamily": platform["operatingSystemFamily"],
        },
    }


# --- buffer sizing (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reservation", "mem_buf", "storage", "driver_records"),
    [
        (64, "16MB", "256M", 8192),
        (128, "32MB", "512M", 16384),
        (192, "48MB", "768M", 24576),
        (512, "128MB", "2048M", 65536),
        (1024, "256MB", "2048M", 131072),  # the disk buffer stops growing at 2 GiB per output
    ],
)
def test_buffers_follow_the_reservation(reservation: int, mem_buf: str, storage: str, driver_records: int) -> None:
    buffers = log_router_buffers(reservation)
    assert (buffers.mem_buf_limit, buffers.storage_limit, buffers.log_driver_buffer_limit) == (
        mem_buf,
        storage,
        driver_records,
    )


@pytest.mark.parametrize("reservation", [64, 100, 128, 192, 512, 4096])
def test_memory_buffers_stay_well_inside_the_reservation(reservation: int) -> None:
    buffers = log_router_buffers(reservation)
    # Fluent Bit's memory buffer is a quarter, the runtime's driver buffer an eighth: 5/8 stays free for
    # Fluent Bit itself and the copies it makes while flushing.
    assert buffers.mem_buf_limit_mib * 4 <= reservation
    assert buffers.log_driver_buffer_mib * 8 <= reservation
    assert 256 <= buffers.storage_limit_mib <= 2048
    assert 0 < buffers.log_driver_buffer_limit < 536870912  # the range ECS accepts
    assert re.fullmatch(r"\d+MB", buffers.mem_buf_limit)
    assert re.fullmatch(r"\d+M", buffers.storage_limit)


def test_a_router_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="below the minimum 64"):
        log_router_buffers(63)


def test_reservations_and_driver_buffer_fit_every_fargate_size() -> None:
    for cpu, memories in FARGATE_MEMORY_BY_CPU.items():
        for memory in memories:
            for router in (64, memory // 2):  # the range the settings accept
                settings = _settings(cpu=cpu, memory=memory, log_router_memory_mib=router)
                buffers = log_router_buffers(router)
                app = app_memory_reservation_mib(settings, buffers)
                assert app >= memory // 2 - buffers.log_driver_buffer_mib > 0, (cpu, memory, router)
                assert app + router + buffers.log_driver_buffer_mib == memory


def _settings(**overrides: Any) -> ServiceSettings:
    base: dict[str, Any] = dict(
        app_image="public.ecr.aws/docker/library/httpd:2.4.65",
        app_port=80,
        cpu=256,
        memory=512,
        cpu_architecture="X86_64",
        log_router_memory_mib=128,
        desired_count=1,
        min_count=1,
        max_count=2,
        cpu_target_percent=60,
        requests_per_target=1000,
        health_check_grace_period_seconds=60,
        container_insights="disabled",
        fluent_bit_version="2.34.3",
    )
    return ServiceSettings(**{**base, **overrides})


def test_ecr_repository_arn_from_an_image_uri() -> None:
    digest = "sha256:" + "a" * 64
    image = f"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/log-router-1a2b3c4@{digest}"
    assert ecr_repository_arn("aws", image) == "arn:aws:ecr:ap-northeast-1:123456789012:repository/log-router-1a2b3c4"
    china = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/router:1.0"
    assert ecr_repository_arn("aws-cn", china) == "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/router"
    with pytest.raises(ValueError, match="not an ECR image"):
        ecr_repository_arn("aws", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.34.3")


# --- cluster and task definition -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variant() -> Evaluation:
    """dev with every service knob turned: ARM, enhanced insights, a bigger router, another port."""
    return evaluate_stack("dev", secrets=None, **SERVICE_VARIANT)


def test_task_definition_is_fargate_sized_from_settings(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        settings = settings_of(ev)
        inputs = task_definition(ev)
        assert inputs["requiresCompatibilities"] == ["FARGATE"]
        assert inputs["networkMode"] == "awsvpc"
        assert (inputs["cpu"], inputs["memory"]) == (str(settings.cpu), str(settings.memory))
        assert inputs["runtimePlatform"] == {
            "operatingSystemFamily": "LINUX",
            "cpuArchitecture": settings.cpu_architecture,
        }
        assert inputs["family"] == f"httpd-firelens-{ev.config.stack}-httpd"
    assert task_definition(variant)["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert (task_definition(stack)["cpu"], task_definition(stack)["memory"]) in (("256", "512"), ("512", "1024"))


def test_task_definition_uses_its_own_roles(stack: Evaluation) -> None:
    inputs = task_definition(stack)
    assert inputs["taskRoleArn"] == one(stack, ROLE, "task-role").state["arn"]
    assert inputs["executionRoleArn"] == one(stack, ROLE, "execution-role").state["arn"]
    assert inputs["taskRoleArn"] != inputs["executionRoleArn"]


def test_two_essential_containers(stack: Evaluation) -> None:
    by_name = containers(stack)
    assert set(by_name) == {"httpd", "log_router"}
    assert all(c["essential"] is True for c in by_name.values())


def test_app_container(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        settings = settings_of(ev)
        app = containers(ev)["httpd"]
        buffers = log_router_buffers(settings.log_router_memory_mib)
        assert app["image"] == settings.app_image
        assert app["portMappings"] == [{"containerPort": settings.app_port, "protocol": "tcp"}]
        assert app["logConfiguration"] == {
            "logDriver": "awsfirelens",
            "options": {"log-driver-buffer-limit": str(buffers.log_driver_buffer_limit)},
        }
        assert app["dependsOn"] == [{"containerName": "log_router", "condition": "HEALTHY"}]
        assert app["memoryReservation"] == app_memory_reservation_mib(settings, buffers)
    assert containers(variant)["httpd"]["portMappings"][0]["containerPort"] == 8080


def test_log_router_runs_the_built_image_by_digest(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    image = inside(stack, "httpd-firelens:logs:LogRouterImage", "log-router", IMAGE)
    assert len(image) == 1
    assert router["image"] == image[0].state["repoDigest"]
    assert re.fullmatch(
        r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9._/-]+@sha256:[0-9a-f]{64}", router["image"]
    )


def test_log_router_firelens_configuration(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    assert router["firelensConfiguration"] == {
        "type": "fluentbit",
        "options": {
            "config-file-type": "file",
            "config-file-value": "/fluent-bit/etc/extra.conf",
            "enable-ecs-log-metadata": "true",
        },
    }
    assert router["user"] == "0"
    assert "portMappings" not in router  # 24224 and 2020 stay inside the task


def test_log_router_environment_is_the_contract(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        settings = settings_of(ev)
        env = environment(containers(ev)["log_router"])
        assert set(env) == ROUTER_ENV
        buffers: LogRouterBuffers = log_router_buffers(settings.log_router_memory_mib)
        assert env["AWS_REGION"] == ev.config.region
        assert env["APP_LOG_GROUP"] == one(ev, LOG_GROUP, "app-logs").state["name"]
        assert env["APP_LOG_STREAM_PREFIX"] == "httpd/"
        assert (env["FLB_MEM_BUF_LIMIT"], env["FLB_STORAGE_LIMIT"]) == (buffers.mem_buf_limit, buffers.storage_limit)
    assert environment(containers(variant)["log_router"])["FLB_MEM_BUF_LIMIT"] == "48MB"


def test_log_router_delivers_to_the_app_archive_stream(stack: Evaluation) -> None:
    streams = inside(stack, "httpd-firelens:logs:LogArchive", "app-log-archive", FIREHOSE)
    assert len(streams) == 1
    env = environment(containers(stack)["log_router"])
    assert env["DELIVERY_STREAM"] == streams[0].state["name"]
    task_policy = policy_of(one(stack, ROLE_POLICY, "task-policy"))
    (firehose,) = [s for s in statements(task_policy) if s["Action"][0].startswith("firehose:")]
    assert as_list(firehose["Resource"]) == [streams[0].state["arn"]]


def test_log_router_filesystem(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    assert router["readonlyRootFilesystem"] is True
    assert router["mountPoints"] == [
        {"sourceVolume": "fluent-bit-state", "containerPath": "/var/fluent-bit/state", "readOnly": False}
    ]
    assert task_definition(stack)["volumes"] == [{"name": "fluent-bit-state"}]


def test_log_router_health_check_and_stop_timeout(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    assert router["healthCheck"] == {
        "command": ["CMD-SHELL", "curl -sf http://127.0.0.1:2020/api/v1/uptime || exit 1"],
        "interval": 10,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 15,
    }
    assert router["stopTimeout"] == ROUTER_STOP_TIMEOUT_SECONDS > FLUENT_BIT_GRACE_SECONDS
    assert router["stopTimeout"] <= 120  # Fargate's maximum


def test_log_router_memory_and_own_logs(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    assert router["memoryReservation"] == settings_of(stack).log_router_memory_mib
    assert "memory" not in router  # a hard limit would OOM-kill an essential container under a burst
    assert router["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": one(stack, LOG_GROUP, "router-logs").state["name"],
            "awslogs-region": stack.config.region,
            "awslogs-stream-prefix": "log-router",
        },
    }


def test_log_groups_have_the_configured_retention(stack: Evaluation) -> None:
    groups = ours(stack, LOG_GROUP)
    assert sorted(g.name for g in groups) == ["httpd-app-logs", "httpd-router-logs"]
    days = int(stack.config.values["httpd-firelens:logRetentionDays"])
    for group in groups:
        assert group.inputs["retentionInDays"] == days
        assert group.state["name"].startswith(f"/ecs/httpd-firelens-{stack.config.stack}/")


def test_task_definition_passes_the_ecs_api_model(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        assert validate_request("ecs", "RegisterTaskDefinition", register_task_definition_request(ev)) == []


@pytest.mark.parametrize(
    ("container", "key", "bad"),
    [
        ("httpd", "dependsOn", [{"containerName": "log_router", "condition": "READY"}]),
        ("httpd", "logConfiguration", {"logDriver": "firelens"}),
        ("log_router", "firelensConfiguration", {"type": "fluent-bit"}),
        ("log_router", "healthCheck", {"command": "curl -sf http://127.0.0.1:2020/api/v1/uptime"}),
        ("log_router", "mountPoints", [{"sourceVolume": "fluent-bit-state", "readOnly": "no"}]),
    ],
)
def test_the_api_model_catches_a_wrong_value(dev: Evaluation, container: str, key: str, bad: Any) -> None:
    request = register_task_definition_request(dev)
    for definition in request["containerDefinitions"]:
        if definition["name"] == container:
            definition[key] = bad
    problems = validate_request("ecs", "RegisterTaskDefinition", request)
    assert len(problems) == 1 and f".{key}" in problems[0], problems


# --- IAM -------------------------------------------------------------------------------------------------


def test_trust_policies_are_ecs_tasks_of_this_account_and_region(stack: Evaluation) -> None:
    for role in ours(stack, ROLE):
        document = policy_of(role, "assumeRolePolicy")
        assert lint_policy(document, trust=True) == []
        (statement,) = statements(document)
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{stack.config.region}:123456789012:*"},
        }


def test_role_policies_lint_clean_and_use_no_wildcard_actions(stack: Evaluation) -> None:
    policies = ours(stack, ROLE_POLICY)
    assert sorted(p.name for p in policies) == ["httpd-execution-policy", "httpd-task-policy"]
    for role_policy in policies:
        document = policy_of(role_policy)
        assert lint_policy(document) == []
        for statement in statements(document):
            assert statement["Effect"] == "Allow"
            assert not any("*" in action for action in as_list(statement["Action"]))
            if statement["Resource"] == "*" or "*" in as_list(statement["Resource"]):
                # The only action AWS offers no resource-level permission for.
                assert as_list(statement["Action"]) == ["ecr:GetAuthorizationToken"]


def test_each_role_policy_is_attached_to_its_role(stack: Evaluation) -> None:
    for kind in ("task", "execution"):
        role = one(stack, ROLE, f"{kind}-role")
        assert one(stack, ROLE_POLICY, f"{kind}-policy").inputs["role"] == role.id


def log_group_resources(group: RecordedResource) -> list[str]:
    return [group.state["arn"], f"{group.state['arn']}:log-stream:*"]


def test_task_role_allows_exactly_the_router_outputs(stack: Evaluation) -> None:
    document = policy_of(one(stack, ROLE_POLICY, "task-policy"))
    granted = {(a, r) for s in statements(document) for a in as_list(s["Action"]) for r in as_list(s["Resource"])}
    logs = log_group_resources(one(stack, LOG_GROUP, "app-logs"))
    actions = {a for a, _ in granted}
    assert actions == {"firehose:PutRecordBatch", "logs:CreateLogStream", "logs:PutLogEvents"}
    assert {(a, r) for a, r in granted if a.startswith("logs:")} == {
        (a, r) for a in ("logs:CreateLogStream", "logs:PutLogEvents") for r in logs
    }
    (stream,) = {r for a, r in granted if a.startswith("firehose:")}  # one stream, checked in the delivery test
    assert re.fullmatch(r"arn:aws:firehose:[a-z0-9-]+:123456789012:deliverystream/[\w.-]+", stream)


def test_execution_role_pulls_only_the_router_repository(stack: Evaluation) -> None:
    document = policy_of(one(stack, ROLE_POLICY, "execution-policy"))
    by_sid = {s["Sid"]: s for s in statements(document)}
    assert set(by_sid) == {"EcrAuthorizationToken", "PullLogRouterImage", "WriteLogRouterLogs"}
    repositories = inside(stack, "httpd-firelens:logs:LogRouterImage", "log-router", REPOSITORY)
    assert len(repositories) == 1
    assert by_sid["PullLogRouterImage"]["Resource"] == [repositories[0].state["arn"]]
    assert sorted(by_sid["PullLogRouterImage"]["Action"]) == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
    ]
    assert by_sid["WriteLogRouterLogs"]["Resource"] == log_group_resources(one(stack, LOG_GROUP, "router-logs"))
    assert by_sid["EcrAuthorizationToken"]["Resource"] == "*"


def test_no_aws_managed_policy_is_attached(stack: Evaluation) -> None:
    for role in ours(stack, ROLE):
        assert not role.inputs.get("managedPolicyArns")
    assert ours(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


# --- network ---------------------------------------------------------------------------------------------


def test_tasks_admit_only_the_app_port_from_the_alb(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        port = settings_of(ev).app_port
        group = one(ev, SECURITY_GROUP)
        assert not group.inputs.get("ingress") and not group.inputs.get("egress")  # rules are resources
        (rule,) = ours(ev, INGRESS)
        alb_group = inside(ev, "httpd-firelens:loadbalancer:LoadBalancer", "web", SECURITY_GROUP)
        assert len(alb_group) == 1
        assert rule.inputs["securityGroupId"] == group.id
        assert rule.inputs["referencedSecurityGroupId"] == alb_group[0].id
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", port, port)
        assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs


def test_tasks_reach_out_on_https_only(stack: Evaluation) -> None:
    (rule,) = ours(stack, EGRESS)
    assert rule.inputs["securityGroupId"] == one(stack, SECURITY_GROUP).id
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert rule.inputs["cidrIpv4"] == "0.0.0.0/0"


def test_no_security_group_in_the_stack_opens_the_router_ports_or_all_ports(stack: Evaluation) -> None:
    ingress: list[dict[str, Any]] = [r.inputs for r in stack.of_type(INGRESS)]
    for group in stack.of_type(SECURITY_GROUP):
        ingress += group.inputs.get("ingress") or []
    assert ingress  # the ALB's and the tasks' rules at least
    for rule in ingress:
        protocol = str(rule.get("ipProtocol", rule.get("protocol")))
        assert protocol not in ("-1", "all"), rule
        low, high = int(rule["fromPort"]), int(rule["toPort"])
        assert not any(low <= port <= high for port in LOG_ROUTER_PORTS), rule


# --- service ---------------------------------------------------------------------------------------------


def test_service_runs_the_task_definition_on_fargate(stack: Evaluation) -> None:
    service = one(stack, SERVICE)
    inputs = service.inputs
    assert inputs["cluster"] == stack.one(CLUSTER).state["arn"]
    assert inputs["taskDefinition"] == one(stack, TASK_DEFINITION).state["arn"]
    assert (inputs["launchType"], inputs["platformVersion"]) == ("FARGATE", "1.4.0")
    assert inputs["desiredCount"] == settings_of(stack).desired_count
    assert inputs["enableExecuteCommand"] is False
    assert inputs["waitForSteadyState"] is False
    assert (inputs["enableEcsManagedTags"], inputs["propagateTags"]) == (True, "TASK_DEFINITION")


def test_service_is_behind_the_target_group(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        (target_group,) = ev.of_type(TARGET_GROUP)
        assert one(ev, SERVICE).inputs["loadBalancers"] == [
            {
                "targetGroupArn": target_group.state["arn"],
                "containerName": "httpd",
                "containerPort": settings_of(ev).app_port,
            }
        ]
        assert (
            one(ev, SERVICE).inputs["healthCheckGracePeriodSeconds"]
            == settings_of(ev).health_check_grace_period_seconds
        )


def test_service_deploys_safely(stack: Evaluation) -> None:
    inputs = one(stack, SERVICE).inputs
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert (inputs["deploymentMinimumHealthyPercent"], inputs["deploymentMaximumPercent"]) == (100, 200)


def test_service_network(stack: Evaluation) -> None:
    network = one(stack, SERVICE).inputs["networkConfiguration"]
    subnet_ids = {s.id for s in stack.of_type(SUBNET)}
    assert network["subnets"] and set(network["subnets"]) <= subnet_ids
    assert network["securityGroups"] == [one(stack, SECURITY_GROUP).id]
    private = stack.config.values["httpd-firelens:natGateways"] != "none"
    assert network["assignPublicIp"] is (not private)  # public IPs only where no NAT gateway gives a way out


def test_service_waits_for_its_permissions_and_the_listener(stack: Evaluation) -> None:
    dependencies = set(one(stack, SERVICE).dependencies)
    assert {p.urn for p in ours(stack, ROLE_POLICY)} <= dependencies
    listeners = stack.of_type(LISTENER)
    assert listeners and {listener.urn for listener in listeners} <= dependencies


# --- autoscaling -----------------------------------------------------------------------------------------


def test_autoscaling_target_spans_the_configured_range(stack: Evaluation) -> None:
    settings = settings_of(stack)
    target = one(stack, SCALING_TARGET).inputs
    resource_id = f"service/{stack.one(CLUSTER).state['name']}/{one(stack, SERVICE).state['name']}"
    assert target == {
        "serviceNamespace": "ecs",
        "scalableDimension": "ecs:service:DesiredCount",
        "resourceId": resource_id,
        "minCapacity": settings.min_count,
        "maxCapacity": settings.max_count,
    }


def test_target_tracking_on_cpu_and_requests_per_target(stack: Evaluation) -> None:
    settings = settings_of(stack)
    target = one(stack, SCALING_TARGET).inputs
    (alb,) = stack.of_type(ALB)
    (target_group,) = stack.of_type(TARGET_GROUP)
    by_metric = {}
    for scaling_policy in ours(stack, SCALING_POLICY):
        inputs = scaling_policy.inputs
        assert inputs["policyType"] == "TargetTrackingScaling"
        assert inputs["resourceId"] == target["resourceId"]
        config = inputs["targetTrackingScalingPolicyConfiguration"]
        by_metric[config["predefinedMetricSpecification"]["predefinedMetricType"]] = config
    assert set(by_metric) == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert by_metric["ECSServiceAverageCPUUtilization"]["targetValue"] == settings.cpu_target_percent
    requests = by_metric["ALBRequestCountPerTarget"]
    assert requests["targetValue"] == settings.requests_per_target
    label = f"{alb.state['arnSuffix']}/{target_group.state['arnSuffix']}"
    assert requests["predefinedMetricSpecification"]["resourceLabel"] == label
    assert (
        validate_request(
            "application-autoscaling",
            "PutScalingPolicy",
            {
                "PolicyName": "p",
                "ServiceNamespace": "ecs",
                "ResourceId": target["resourceId"],
                "ScalableDimension": "ecs:service:DesiredCount",
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": requests["targetValue"],
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ALBRequestCountPerTarget",
                        "ResourceLabel": label,
                    },
                    "ScaleOutCooldown": int(requests["scaleOutCooldown"]),
                    "ScaleInCooldown": int(requests["scaleInCooldown"]),
                },
            },
        )
        == []
    )


# --- resource options: protect and ignoreChanges -----------------------------------------------------------


def test_autoscaling_owns_the_desired_count(stack: Evaluation) -> None:
    assert one(stack, SERVICE).ignore_changes == ("desiredCount",)


def test_log_groups_are_protected_in_prod(prod: Evaluation, dev: Evaluation) -> None:
    assert one(prod, LOG_GROUP, "app-logs").protect is True
    assert one(prod, LOG_GROUP, "router-logs").protect is True
    assert one(prod, SERVICE).protect is False  # only the data is protected, not the compute
    assert not any(r.protect for r in ours(dev, LOG_GROUP))
