"""components/service/firelens_service.py (with firelens_task.py and log_router_sizing.py) as the stack's httpd service:
task definition with the FireLens log router, roles, security groups, target group, listener rule, service and
autoscaling, checked on the recorded resources of the real program. tests/service/test_service_examples.py checks
services beside it."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from components.edge.load_balancer import ListenerAttachment
from components.network.vpc import TaskNetwork
from components.service.firelens_service import (
    AlarmThresholds,
    AppContainer,
    FirelensService,
    FirelensServiceArgs,
    HealthCheck,
    LogRouter,
    Route,
    Scaling,
    ServicePlatform,
)
from components.service.firelens_task import ROUTER_STOP_TIMEOUT_SECONDS, app_memory_reservation_mib
from components.service.log_router_sizing import LogRouterBuffers, log_router_buffers
from configuration.limits import FARGATE_MEMORY_BY_CPU, LOG_ROUTER_PORTS
from offline.harness import Evaluation, RecordedResource
from tests.conftest import SERVICE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import (
    LOAD_BALANCER,
    SECURITY_GROUP,
    alb_security_group,
    config_int,
    create_rule_request,
    create_service_request,
    create_target_group_request,
    delivery_stream,
    environment,
    inside,
    only,
    register_task_definition_request,
    service_spec,
    statements,
)
from tests.support.httpd_service import (
    COMPONENT,
    FLUENT_BIT_GRACE_SECONDS,
    IMAGE,
    LOG_GROUP,
    REPOSITORY,
    ROLE_POLICY,
    TASK_DEFINITION,
    containers,
    one,
    ours,
    task_definition,
)
from tests.support.iam_lint import as_list, lint_policy, policy_of

CLUSTER = "aws:ecs/cluster:Cluster"
SERVICE = "aws:ecs/service:Service"
ROLE = "aws:iam/role:Role"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTER_ENV = {
    "AWS_REGION",
    "APP_LOG_GROUP",
    "APP_LOG_PARSER",
    "APP_LOG_STREAM_PREFIX",
    "DELIVERY_STREAM",
    "FLB_MEM_BUF_LIMIT",
    "FLB_STORAGE_LIMIT",
}

# --- helpers ---------------------------------------------------------------------------------------------


def router_memory_mib(ev: Evaluation) -> int:
    return config_int(ev, "logRouterMemoryMiB")


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
                buffers = log_router_buffers(router)
                app = app_memory_reservation_mib(memory, router, buffers)
                assert app >= memory // 2 - buffers.log_driver_buffer_mib > 0, (cpu, memory, router)
                assert app + router + buffers.log_driver_buffer_mib == memory


# --- task definition -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variant() -> Evaluation:
    """dev with every service knob turned (tests/conftest.py SERVICE_VARIANT)."""
    return evaluate_stack("dev", secrets=None, **SERVICE_VARIANT)


def test_task_definition_is_fargate_sized_from_settings(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        spec = service_spec(ev)
        inputs = task_definition(ev)
        assert inputs["requiresCompatibilities"] == ["FARGATE"]
        assert inputs["networkMode"] == "awsvpc"
        assert (inputs["cpu"], inputs["memory"]) == (str(spec.app.cpu), str(spec.app.memory))
        assert inputs["runtimePlatform"] == {
            "operatingSystemFamily": "LINUX",
            "cpuArchitecture": spec.app.cpu_architecture,
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
        spec = service_spec(ev)
        app = containers(ev)["httpd"]
        buffers = log_router_buffers(router_memory_mib(ev))
        assert app["image"] == spec.app.image
        assert app["portMappings"] == [{"containerPort": spec.app.port, "protocol": "tcp"}]
        assert app["logConfiguration"] == {
            "logDriver": "awsfirelens",
            "options": {"log-driver-buffer-limit": str(buffers.log_driver_buffer_limit)},
        }
        assert app["dependsOn"] == [{"containerName": "log_router", "condition": "HEALTHY"}]
        assert app["memoryReservation"] == app_memory_reservation_mib(spec.app.memory, router_memory_mib(ev), buffers)
    assert containers(variant)["httpd"]["portMappings"][0]["containerPort"] == 8080


def test_httpd_runs_read_only_and_writes_only_where_the_stock_image_writes(stack: Evaluation) -> None:
    """ECS `readonlyRootFilesystem`: "the container is given read-only access to its root file system" (maps to
    `docker run --read-only`; RegisterTaskDefinition, botocore's model). Where the stock httpd image writes: its
    command, httpd-foreground, does `rm -f /usr/local/apache2/logs/httpd.pid` then `exec httpd -DFOREGROUND`
    (docker-library/httpd 2.4/httpd-foreground); httpd's pid file defaults to DEFAULT_REL_RUNTIMEDIR "/httpd.pid"
    under ServerRoot (apache/httpd include/ap_config.h), ServerRoot being HTTPD_PREFIX /usr/local/apache2; the image
    sends the access and error logs to /proc/self/fd/1 and /proc/self/fd/2 (docker-library/httpd 2.4/Dockerfile, sed
    on CustomLog, ErrorLog, TransferLog). So /usr/local/apache2/logs is the one writable path, a task-storage volume
    (a volume without `host`: "the Docker daemon assigns a host path for your data volume", Volume.host, botocore's
    model) of its own, named in the ECS volume name rules (letters, digits, _ and -, up to 255)."""
    httpd = containers(stack)["httpd"]
    assert AppContainer("httpd").writable_paths == ("/usr/local/apache2/logs",)
    assert service_spec(stack).app.writable_paths == AppContainer("httpd").writable_paths
    assert httpd["readonlyRootFilesystem"] is True
    assert httpd["mountPoints"] == [
        {"sourceVolume": "httpd-usr-local-apache2-logs", "containerPath": "/usr/local/apache2/logs", "readOnly": False}
    ]
    assert task_definition(stack)["volumes"] == [{"name": "fluent-bit-state"}, {"name": "httpd-usr-local-apache2-logs"}]


def test_the_read_only_root_can_be_turned_off_and_the_writable_paths_changed(variant: Evaluation) -> None:
    """readOnlyRootFilesystem false (dev only: the policy pack refuses it in prod) and other writablePaths, as
    another image needs them: each path gets its own volume."""
    spec = service_spec(variant)
    httpd = containers(variant)["httpd"]
    assert spec.app.read_only_root_filesystem is False and httpd["readonlyRootFilesystem"] is False
    assert [m["containerPath"] for m in httpd["mountPoints"]] == list(spec.app.writable_paths) == ["/tmp", "/var/run"]
    volumes = [v["name"] for v in task_definition(variant)["volumes"]]
    assert volumes == ["fluent-bit-state", "httpd-tmp", "httpd-var-run"]
    assert [m["sourceVolume"] for m in httpd["mountPoints"]] == volumes[1:]


def test_log_router_runs_the_built_image_by_digest(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    image = only(inside(stack, "httpd-firelens:logs:LogRouterImage", "log-router", IMAGE))
    assert router["image"] == image.state["repoDigest"]
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
        env = environment(containers(ev)["log_router"])
        assert set(env) == ROUTER_ENV
        buffers: LogRouterBuffers = log_router_buffers(router_memory_mib(ev))
        assert env["AWS_REGION"] == ev.config.region
        assert env["APP_LOG_GROUP"] == one(ev, LOG_GROUP, "app-logs").state["name"]
        assert env["APP_LOG_STREAM_PREFIX"] == "httpd/"
        assert env["APP_LOG_PARSER"] == "httpd_access"  # httpd's own access log format
        assert (env["FLB_MEM_BUF_LIMIT"], env["FLB_STORAGE_LIMIT"]) == (buffers.mem_buf_limit, buffers.storage_limit)
    assert environment(containers(variant)["log_router"])["FLB_MEM_BUF_LIMIT"] == "48MB"


def test_log_router_delivers_to_the_app_archive_stream(stack: Evaluation) -> None:
    stream = delivery_stream(stack, "app-log-archive")
    env = environment(containers(stack)["log_router"])
    assert env["DELIVERY_STREAM"] == stream.state["name"]
    task_policy = policy_of(one(stack, ROLE_POLICY, "task-policy"))
    (firehose,) = [s for s in statements(task_policy) if s["Action"][0].startswith("firehose:")]
    assert as_list(firehose["Resource"]) == [stream.state["arn"]]


def test_log_router_filesystem(stack: Evaluation) -> None:
    router = containers(stack)["log_router"]
    assert router["readonlyRootFilesystem"] is True
    assert router["mountPoints"] == [
        {"sourceVolume": "fluent-bit-state", "containerPath": "/var/fluent-bit/state", "readOnly": False}
    ]
    assert {"name": "fluent-bit-state"} in task_definition(stack)["volumes"]


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
    assert router["memoryReservation"] == router_memory_mib(stack)
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
        assert (
            validate_request(
                "ecs", "RegisterTaskDefinition", register_task_definition_request(one(ev, TASK_DEFINITION))
            )
            == []
        )


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
    request = register_task_definition_request(one(dev, TASK_DEFINITION))
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


def test_execution_role_pulls_only_the_router_repository_for_a_public_app_image(stack: Evaluation) -> None:
    document = policy_of(one(stack, ROLE_POLICY, "execution-policy"))
    by_sid = {s["Sid"]: s for s in statements(document)}
    assert set(by_sid) == {"EcrAuthorizationToken", "PullLogRouterImage", "WriteLogRouterLogs"}
    repository = only(inside(stack, "httpd-firelens:logs:LogRouterImage", "log-router", REPOSITORY))
    assert by_sid["PullLogRouterImage"]["Resource"] == [repository.state["arn"]]
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
        port = service_spec(ev).app.port
        group = one(ev, SECURITY_GROUP)
        assert not group.inputs.get("ingress") and not group.inputs.get("egress")  # rules are resources
        (rule,) = ours(ev, INGRESS)
        assert rule.inputs["securityGroupId"] == group.id
        assert rule.inputs["referencedSecurityGroupId"] == alb_security_group(ev).id
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", port, port)
        assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs


def test_tasks_reach_out_on_https_only(stack: Evaluation) -> None:
    tasks = one(stack, SECURITY_GROUP)
    (rule,) = [r for r in ours(stack, EGRESS) if r.inputs["securityGroupId"] == tasks.id]  # the tasks' only egress
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
    """`pulumi up` waits for the service's deployment (waitForSteadyState) and fails when ECS's circuit breaker
    rolled it back: the provider reads the new deployment's status (DescribeServiceDeployments) and returns an error
    for ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED and STOPPED (terraform-provider-aws internal/service/ecs/service.go,
    findDeploymentStatus). Without it, `pulumi up` reports success while the deployment rolls back, and the state
    records a task definition that is not running. `python -m ops verify` checks the rollout again after every
    deploy, for the cases the provider's fallback check (one deployment, running = desired) would call a success."""
    service = one(stack, SERVICE)
    inputs = service.inputs
    assert inputs["cluster"] == stack.one(CLUSTER).state["arn"]
    assert inputs["taskDefinition"] == one(stack, TASK_DEFINITION).state["arn"]
    assert (inputs["launchType"], inputs["platformVersion"]) == ("FARGATE", "1.4.0")
    assert inputs["desiredCount"] == service_spec(stack).scaling.desired_count
    assert inputs["enableExecuteCommand"] is False
    assert inputs["waitForSteadyState"] is True
    assert (inputs["enableEcsManagedTags"], inputs["propagateTags"]) == (True, "TASK_DEFINITION")


def test_service_is_behind_its_target_group(stack: Evaluation, variant: Evaluation) -> None:
    for ev in (stack, variant):
        assert one(ev, SERVICE).inputs["loadBalancers"] == [
            {
                "targetGroupArn": one(ev, TARGET_GROUP).state["arn"],
                "containerName": "httpd",
                "containerPort": service_spec(ev).app.port,
            }
        ]
        assert (
            one(ev, SERVICE).inputs["healthCheckGracePeriodSeconds"]
            == service_spec(ev).app.health_check.grace_period_seconds
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


def test_service_waits_for_its_permissions_and_its_listener_rule(stack: Evaluation) -> None:
    """ECS refuses to create a service whose target group no listener or rule forwards to yet ("The target group
    with targetGroupArn ... does not have an associated load balancer": aws/aws-cdk#1160, the fix in
    aws-samples/ecs-refarch-cloudformation#5 is a DependsOn on the listener rule), and tasks must find their
    roles' permissions in place when they start."""
    dependencies = set(one(stack, SERVICE).dependencies)
    assert {p.urn for p in ours(stack, ROLE_POLICY)} <= dependencies
    assert one(stack, LISTENER_RULE).urn in dependencies


def test_service_passes_the_ecs_api_model(stack: Evaluation) -> None:
    assert validate_request("ecs", "CreateService", create_service_request(one(stack, SERVICE))) == []


# --- autoscaling -----------------------------------------------------------------------------------------


def test_autoscaling_target_spans_the_configured_range(stack: Evaluation) -> None:
    spec = service_spec(stack)
    target = one(stack, SCALING_TARGET).inputs
    resource_id = f"service/{stack.one(CLUSTER).state['name']}/{one(stack, SERVICE).state['name']}"
    assert target == {
        "serviceNamespace": "ecs",
        "scalableDimension": "ecs:service:DesiredCount",
        "resourceId": resource_id,
        "minCapacity": spec.scaling.min_count,
        "maxCapacity": spec.scaling.max_count,
    }


def test_target_tracking_on_cpu_and_requests_per_target(stack: Evaluation) -> None:
    spec = service_spec(stack)
    target = one(stack, SCALING_TARGET).inputs
    (alb,) = stack.of_type(ALB)
    target_group = one(stack, TARGET_GROUP)
    by_metric = {}
    for scaling_policy in ours(stack, SCALING_POLICY):
        inputs = scaling_policy.inputs
        assert inputs["policyType"] == "TargetTrackingScaling"
        assert inputs["resourceId"] == target["resourceId"]
        config = inputs["targetTrackingScalingPolicyConfiguration"]
        by_metric[config["predefinedMetricSpecification"]["predefinedMetricType"]] = config
    assert set(by_metric) == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert by_metric["ECSServiceAverageCPUUtilization"]["targetValue"] == spec.scaling.cpu_target_percent
    requests = by_metric["ALBRequestCountPerTarget"]
    assert requests["targetValue"] == spec.scaling.requests_per_target
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


# --- target group and listener rule ---------------------------------------------------------------------------


def test_target_group_registers_task_ips_with_the_configured_health_check(
    stack: Evaluation, variant: Evaluation
) -> None:
    for ev in (stack, variant):
        tg = one(ev, TARGET_GROUP).inputs
        assert (tg["targetType"], tg["protocol"], tg["port"]) == ("ip", "HTTP", service_spec(ev).app.port)
        assert tg["vpcId"] == ev.one("aws:ec2/vpc:Vpc").id
        assert tg["deregistrationDelay"] <= 60
        check = tg["healthCheck"]
        assert check["enabled"] is True
        wanted = service_spec(ev).app.health_check
        assert (check["path"], check["matcher"], check["port"]) == (wanted.path, wanted.matcher, "traffic-port")
        assert (check["interval"], check["timeout"]) == (wanted.interval_seconds, wanted.timeout_seconds)
        assert (check["healthyThreshold"], check["unhealthyThreshold"]) == (
            wanted.healthy_threshold,
            wanted.unhealthy_threshold,
        )
        request = create_target_group_request(one(ev, TARGET_GROUP))
        assert validate_request("elbv2", "CreateTargetGroup", request) == []
    assert one(variant, TARGET_GROUP).inputs["healthCheck"] != one(stack, TARGET_GROUP).inputs["healthCheck"]


def test_the_rule_forwards_every_path_to_httpd_last_on_the_traffic_listener(stack: Evaluation) -> None:
    """httpd answers every path (`/*`) with the last priority there is, so that any other service's rule on the
    listener is evaluated first: rules are evaluated "in priority order, from the lowest value to the highest
    value", the default rule last (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/
    listener-rules.html); priorities range from 1 to 50000 (elbv2 CreateRule, botocore's model)."""
    rule = one(stack, LISTENER_RULE)
    listeners = {int(r.inputs["port"]): r for r in inside(stack, LOAD_BALANCER, "web", LISTENER)}
    traffic = listeners.get(443, listeners[80])  # HTTPS with a certificate (prod), else the HTTP listener (dev)
    assert rule.inputs["listenerArn"] == traffic.state["arn"]
    assert rule.inputs["priority"] == 50000
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
    assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": one(stack, TARGET_GROUP).state["arn"]}]
    assert validate_request("elbv2", "CreateRule", create_rule_request(rule)) == []


def test_the_api_model_refuses_a_priority_outside_its_range(dev: Evaluation) -> None:
    request = create_rule_request(one(dev, LISTENER_RULE)) | {"Priority": 50001}
    assert any("Priority" in problem for problem in validate_request("elbv2", "CreateRule", request))


def test_the_alb_reaches_exactly_this_service_on_its_port(stack: Evaluation, variant: Evaluation) -> None:
    """The ALB's egress to the tasks is the service's rule on the ALB's security group, referencing the tasks'
    group on the app port (not the VPC's CIDR): the ALB reaches the services behind it and nothing else."""
    for ev in (stack, variant):
        port = service_spec(ev).app.port
        (rule,) = [r for r in ev.of_type(EGRESS) if r.inputs["securityGroupId"] == alb_security_group(ev).id]
        assert rule.parent == ev.one(COMPONENT, "httpd").urn
        assert rule.inputs["referencedSecurityGroupId"] == one(ev, SECURITY_GROUP).id
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", port, port)
        assert "cidrIpv4" not in rule.inputs


# --- args: what the component refuses before anything is created ------------------------------------------------


def make_args(route: Route | None = None, **app: Any) -> FirelensServiceArgs:
    container: dict[str, Any] = {"name": "api", "image": "public.ecr.aws/nginx/nginx:1.27", "port": 8080} | app
    platform = ServicePlatform(
        cluster_name="c",
        cluster_arn="arn:aws:ecs:ap-northeast-1:123456789012:cluster/c",
        network=TaskNetwork("vpc-0123456789abcdef0", ["subnet-0123456789abcdef0"]),
        listener=ListenerAttachment("arn:l", "sg-0123456789abcdef0", "app/web/0123"),
        log_router=LogRouter("image@sha256:" + "0" * 64, "arn:r", "stream", "arn:s"),
    )
    return FirelensServiceArgs(
        platform=platform,
        app=AppContainer(**container),
        route=route or Route(100, ("/api/*",)),
        alarms=AlarmThresholds("arn:t"),
    )


def fields_of(args: FirelensServiceArgs) -> list[tuple[str, object]]:
    return [(problem.field, problem.value) for problem in args.problems()]


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        (Route(0), ("route.priority", 0)),
        (Route(50001), ("route.priority", 50001)),
        (Route(10, ()), ("route.path_patterns", [])),
        (Route(10, ("/a", "/b", "/c", "/d")), ("route.path_patterns", ["/a", "/b", "/c", "/d"])),
        (Route(10, ("/a", "/b", "/c"), ("a.example", "b.example", "c.example")), ("route.path_patterns", 6)),
        (Route(10, ("/" + "a" * 128,)), ("route.path_patterns", "/" + "a" * 128)),
        (Route(10, (), ("h" * 125 + ".com",)), ("route.host_headers", "h" * 125 + ".com")),
        (Route(10, (), ("localhost",)), ("route.host_headers", "localhost")),
        (Route(10, (), ("example.c0m",)), ("route.host_headers", "example.c0m")),
    ],
)
def test_rules_elb_would_refuse_are_refused(route: Route, problem: tuple[str, object]) -> None:
    """Each rule may have one path-pattern and one host-header condition, "up to three comparison strings per
    condition and up to five per rule" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/
    listener-update-rules.html); a path pattern or host name is at most 128 characters
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_PathPatternConditionConfig.html); a host
    name has "at least one "." character" and "only alphabetical characters after the final "."" (ELB API reference,
    HostHeaderConditionConfig). botocore's model checks only the priority's range."""
    assert problem in fields_of(make_args(route)), make_args(route).problems()
    with pytest.raises(ValueError, match=re.escape(f"FirelensService 'api': {problem[0]}")):
        FirelensService("api", make_args(route))


@pytest.mark.parametrize(
    ("app", "problem"),
    [
        ({"name": "log_router"}, ("app.name", "log_router")),
        ({"name": "my app"}, ("app.name", "my app")),
        ({"port": 24224}, ("app.port", 24224)),
        ({"port": 2020}, ("app.port", 2020)),
        ({"port": 0}, ("app.port", 0)),
        ({"image": "nginx"}, ("app.image", "nginx")),
        ({"image": "nginx:latest"}, ("app.image", "nginx:latest")),
        ({"image": "Nginx:1.27"}, ("app.image", "Nginx:1.27")),
        ({"cpu": 300}, ("app.cpu", 300)),
        ({"cpu": 256, "memory": 4096}, ("app.memory", 4096)),
        ({"access_log_parser": "nginx"}, ("app.access_log_parser", "nginx")),
        ({"cpu_architecture": "arm64"}, ("app.cpu_architecture", "arm64")),
        ({"writable_paths": ("tmp",)}, ("app.writable_paths", "tmp")),
        ({"writable_paths": ("/",)}, ("app.writable_paths", "/")),
        ({"writable_paths": ("/var/run/",)}, ("app.writable_paths", "/var/run/")),
        ({"writable_paths": ("/var/../etc",)}, ("app.writable_paths", "/var/../etc")),
        ({"writable_paths": ("/a b", "/a-b")}, ("app.writable_paths", ["/a b", "/a-b"])),
        ({"writable_paths": ("/" + "a" * 255,)}, ("app.writable_paths", ["/" + "a" * 255])),
        ({"name": "fluent", "writable_paths": ("/bit/state",)}, ("app.writable_paths", ["/bit/state"])),
        ({"health_check": HealthCheck(path="health")}, ("app.health_check.path", "health")),
        ({"health_check": HealthCheck(interval_seconds=4)}, ("app.health_check.interval_seconds", 4)),
        ({"health_check": HealthCheck(timeout_seconds=10)}, ("app.health_check.timeout_seconds", 10)),
        ({"health_check": HealthCheck(healthy_threshold=11)}, ("app.health_check.healthy_threshold", 11)),
        ({"health_check": HealthCheck(unhealthy_threshold=1)}, ("app.health_check.unhealthy_threshold", 1)),
        ({"health_check": HealthCheck(matcher="500")}, ("app.health_check.matcher", "500")),
        ({"health_check": HealthCheck(matcher="2xx")}, ("app.health_check.matcher", "2xx")),
        ({"health_check": HealthCheck(grace_period_seconds=7201)}, ("app.health_check.grace_period_seconds", 7201)),
    ],
)
def test_apps_the_task_cannot_run_are_refused(app: dict[str, Any], problem: tuple[str, object]) -> None:
    """Fargate's task sizes (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
    #fargate-tasks-size), CreateTargetGroup's health check ranges (botocore's model: HealthCheckIntervalSeconds 5 to
    300, HealthCheckTimeoutSeconds 2 to 120, thresholds 2 to 10, HttpCode 200 to 499 for HTTP), CreateService's
    healthCheckGracePeriodSeconds (0 to 7200 in the model's docs): the component refuses them, so a stack built in
    code meets the same rules as one from config."""
    assert problem in fields_of(make_args(**app)), make_args(**app).problems()
    assert make_args().problems() == []


@pytest.mark.parametrize(
    ("scaling", "problem"),
    [
        (Scaling(desired_count=3, min_count=1, max_count=2), ("scaling.desired_count", 3)),
        (Scaling(desired_count=1, min_count=3, max_count=2), ("scaling.min_count", 3)),
        (Scaling(max_count=101), ("scaling.max_count", 101)),
        (Scaling(cpu_target_percent=95), ("scaling.cpu_target_percent", 95)),
        (Scaling(requests_per_target=0), ("scaling.requests_per_target", 0)),
    ],
)
def test_scaling_out_of_order_is_refused(scaling: Scaling, problem: tuple[str, object]) -> None:
    args = dataclasses.replace(make_args(), scaling=scaling)
    assert problem in fields_of(args), args.problems()


def test_the_router_keeps_at_most_half_the_task_memory() -> None:
    args = make_args()
    router = dataclasses.replace(args.platform.log_router, memory_reservation_mib=400)
    too_much = dataclasses.replace(args, platform=dataclasses.replace(args.platform, log_router=router))
    assert fields_of(too_much) == [("platform.log_router.memory_reservation_mib", 400)]


# --- resource options: protect and ignoreChanges -----------------------------------------------------------


def test_autoscaling_owns_the_desired_count(stack: Evaluation) -> None:
    assert one(stack, SERVICE).ignore_changes == ("desiredCount",)


def test_log_groups_are_protected_in_prod(prod: Evaluation, dev: Evaluation) -> None:
    assert one(prod, LOG_GROUP, "app-logs").protect is True
    assert one(prod, LOG_GROUP, "router-logs").protect is True
    assert one(prod, SERVICE).protect is False  # only the data is protected, not the compute
    assert not any(r.protect for r in ours(dev, LOG_GROUP))
