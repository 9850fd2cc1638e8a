"""A service on ECS Fargate behind the shared ALB, its logs routed by a FireLens (Fluent Bit) sidecar.

One constructor call per app. Creates:
- two log groups with retention (and `protect`): the app log group the router writes the records a person must
  see quickly to (`APP_LOG_GROUP`), and the router's own log group (awslogs driver);
- the task role and the execution role with their inline policies (components/service/firelens_task.py), both trusted
  only by ECS tasks of this account and region;
- the Fargate task definition: the app container (read-only root filesystem by default, a task-storage volume at
  each of its writable paths) and the `log_router` container (components/service/firelens_task.py);
- the tasks' security group: the app port from the ALB's security group only, HTTPS out; and on the ALB's
  security group, one egress rule to this service's group on its port (so the ALB reaches exactly the services
  behind it, and two services on one port never duplicate a rule);
- its target group (type `ip`, the app's health check, a short deregistration delay) and its listener rule on the
  shared listener (priority, path patterns and/or host headers) forwarding to it;
- the ECS service behind that target group (circuit breaker with rollback, 100/200 % deployment), started once
  the listener rule exists; `pulumi up` waits until its deployment has completed and fails when the circuit
  breaker rolled it back (`wait_for_steady_state`), so the state never records a task definition that is not
  running; and target-tracking autoscaling on CPU and on ALB requests per target;
- a metric filter on the router's log group counting its failed puts and dropped chunks
  (components/service/log_router_errors.py);
- its alarms (tasks missing, unhealthy hosts, target 5xx, traffic without an archive, router errors), in a
  ServiceAlarms child named `<name>-alarms` (components/monitoring/service_alarms.py).
Needs: the platform every service shares (the cluster, whether Container Insights is on, the task network, the
listener attachment, the log router: image by digest, its ECR repository, the delivery stream), the app container,
its route (priority and conditions), scaling, the alert topic and thresholds. Every Args part checks itself
(`problems()`): the component refuses what AWS would, before creating anything, and settings reports the same
problems against the config keys (configuration/service_entries.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.edge.load_balancer import ListenerAttachment
from components.monitoring.dashboard import DashboardService
from components.monitoring.service_alarms import RouterErrorMetric, ServiceAlarms, ServiceAlarmsArgs
from components.network.vpc import TaskNetwork
from components.problems import Problem, one_of, out_of, raise_problems, within
from components.service import log_router_errors
from components.service.firelens_task import (
    ACCESS_LOG_PARSERS,
    ROUTER_CONTAINER,
    STATE_VOLUME,
    app_container,
    app_memory_reservation_mib,
    ecs_tasks_trust_policy,
    execution_role_policy,
    router_container,
    router_environment,
    task_role_policy,
    writable_path_problem,
    writable_volume,
    writable_volume_problems,
)
from components.service.log_router_sizing import log_router_buffers
from configuration.limits import (
    CPU_ARCHITECTURE_PLATFORMS,
    CPU_TARGET_PERCENT,
    DEPLOYMENT_MAXIMUM_PERCENT,
    DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
    FARGATE_MEMORY_BY_CPU,
    HEALTH_CHECK_CODES,
    HEALTH_CHECK_GRACE_PERIOD_SECONDS,
    HEALTH_CHECK_INTERVAL_SECONDS,
    HEALTH_CHECK_MATCHER,
    HEALTH_CHECK_PATH_MAX_LENGTH,
    HEALTH_CHECK_THRESHOLDS,
    HEALTH_CHECK_TIMEOUT_SECONDS,
    IMAGE_REFERENCE,
    LISTENER_RULE_PRIORITIES,
    LOG_RETENTION_DAYS,
    LOG_ROUTER_MIN_RESERVATION_MIB,
    LOG_ROUTER_PORTS,
    REQUESTS_PER_TARGET,
    RULE_VALUE_MAX_LENGTH,
    RULE_VALUES_PER_CONDITION,
    RULE_VALUES_PER_RULE,
    TASK_COUNTS,
    image_pin_problem,
)

# 1.4.0 is the first Fargate platform with the awsfirelens `log-driver-buffer-limit` option and 20 GiB of task
# storage; pinned so that a new platform version is a reviewed change, not a surprise on redeploy.
PLATFORM_VERSION = "1.4.0"
HTTPS_PORT = 443
ALARMS = "alarms"  # the ServiceAlarms child's label
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300  # scale in slowly: a new task needs the grace period before it takes load
# ELB host conditions: "at least one "." character", "only alphabetical characters after the final "."" (ELB API
# reference, HostHeaderConditionConfig); `*` and `?` are its wildcards.
_HOST_NAME = re.compile(r"^[A-Za-z0-9*?.-]*\.[A-Za-z]+$")
# ECS container names: letters, digits, underscores and hyphens, up to 255.
_CONTAINER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


@dataclass(frozen=True)
class Route:
    """Which requests the ALB sends to the service: its listener rule."""

    priority: int = 50000
    """The rule's priority on the listener, 1 to 50000, unique per listener; lower is evaluated first. Default: the
    last (a catch-all)."""
    path_patterns: Sequence[str] = ("/*",)
    """Path patterns the rule matches (e.g. `/api/*`; `*` and `?` wildcards), up to 3. Default: every path."""
    host_headers: Sequence[str] = ()
    """Host names the rule matches (e.g. `api.example.com`), up to 3. Default: any host. At least one path
    pattern or host name is required (a rule needs a condition; `/*` matches everything)."""

    def problems(self) -> list[Problem]:
        """What CreateRule would refuse in the rule's priority and conditions (limits.py)."""
        found = out_of("priority", self.priority, *LISTENER_RULE_PRIORITIES)
        values = {"path_patterns": list(self.path_patterns), "host_headers": list(self.host_headers)}
        if not any(values.values()):
            found.append(Problem("path_patterns", [], "at least one path pattern or host header (`/*`: every path)"))
        for key, given in values.items():
            if len(given) > RULE_VALUES_PER_CONDITION:
                found.append(Problem(key, given, f"at most {RULE_VALUES_PER_CONDITION} values"))
            found += [
                Problem(key, value, f"at most {RULE_VALUE_MAX_LENGTH} characters")
                for value in given
                if len(value) > RULE_VALUE_MAX_LENGTH
            ]
        found += [
            Problem("host_headers", host, "host names with a dot and only letters after the last one (api.example.com)")
            for host in self.host_headers
            if not _HOST_NAME.match(host)
        ]
        total = sum(len(given) for given in values.values())
        if total > RULE_VALUES_PER_RULE:
            found.append(
                Problem("path_patterns", total, f"at most {RULE_VALUES_PER_RULE} path patterns and host headers")
            )
        return found


@dataclass(frozen=True)
class HealthCheck:
    """How the target group decides the app is healthy (CreateTargetGroup), and how long ECS waits for it."""

    path: str = "/"
    """The target group's health check path."""
    interval_seconds: int = 10
    """Seconds between checks, 5 to 300."""
    timeout_seconds: int = 5
    """Seconds before a check times out, 2 to 120, less than the interval."""
    healthy_threshold: int = 2
    """Consecutive successes before a target is healthy, 2 to 10."""
    unhealthy_threshold: int = 2
    """Consecutive failures before a target is unhealthy, 2 to 10."""
    matcher: str = "200"
    """HTTP codes that count as healthy, 200 to 499, e.g. `200`, `200,302` or `200-299`."""
    grace_period_seconds: int = 60
    """Seconds the ECS service ignores failing health checks after a task starts, 0 to 7200."""

    def problems(self) -> list[Problem]:
        found = []
        if not self.path.startswith("/") or len(self.path) > HEALTH_CHECK_PATH_MAX_LENGTH:
            found.append(Problem("path", self.path, f"a path starting with /, at most {HEALTH_CHECK_PATH_MAX_LENGTH}"))
        found += out_of("interval_seconds", self.interval_seconds, *HEALTH_CHECK_INTERVAL_SECONDS)
        found += out_of("timeout_seconds", self.timeout_seconds, *HEALTH_CHECK_TIMEOUT_SECONDS)
        if self.timeout_seconds >= self.interval_seconds:
            found.append(
                Problem("timeout_seconds", self.timeout_seconds, f"less than the interval, {self.interval_seconds}")
            )
        found += out_of("healthy_threshold", self.healthy_threshold, *HEALTH_CHECK_THRESHOLDS)
        found += out_of("unhealthy_threshold", self.unhealthy_threshold, *HEALTH_CHECK_THRESHOLDS)
        low, high = HEALTH_CHECK_CODES
        codes = [int(code) for code in re.findall(r"\d{3}", self.matcher)]
        if not HEALTH_CHECK_MATCHER.match(self.matcher) or not all(low <= code <= high for code in codes):
            found.append(
                Problem("matcher", self.matcher, f"HTTP codes from {low} to {high}, e.g. 200, 200,302, 200-299")
            )
        found += out_of("grace_period_seconds", self.grace_period_seconds, *HEALTH_CHECK_GRACE_PERIOD_SECONDS)
        return found


@dataclass(frozen=True)
class AppContainer:
    """The app's container and its task's size. The defaults are the stock httpd image's."""

    name: str
    """The container's name (letters, digits, `_`, `-`); FireLens tags its records `<name>-firelens-<task id>` and
    the router writes its CloudWatch streams under `<name>/`. Not `log_router`."""
    image: str = "public.ecr.aws/docker/library/httpd:2.4.65"
    """The image, with a pinned tag or a digest (never latest, stable or untagged)."""
    port: int = 80
    """The port the app listens on, 1 to 65535 (not 24224 or 2020, the router's)."""
    cpu: int = 256
    """Task CPU units, a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."""
    memory: int = 512
    """Task memory in MiB, valid for `cpu` on Fargate (256 takes 512, 1024 or 2048)."""
    cpu_architecture: str = "X86_64"
    """X86_64 or ARM64: the image (and the router image) must be built for it."""
    health_check: HealthCheck = field(default_factory=HealthCheck)
    """The target group's health check of the app."""
    access_log_parser: str = "httpd_access"
    """The fluentbit/parsers.conf parser the router applies to the app's lines (APP_LOG_PARSER): httpd_access
    (httpd's and nginx's common and combined formats) or app_json (one JSON object per line)."""
    repository_arn: pulumi.Input[str] | None = None
    """The image's ECR repository, when the image is in the account's ECR (the execution role may pull from it).
    Default None: a public image, pulled without credentials."""
    read_only_root_filesystem: bool = True
    """Run the container with a read-only root filesystem (nothing the app or an intruder writes survives outside
    the writable paths). Default: yes; the policy pack requires it in protected stacks."""
    writable_paths: Sequence[str] = ("/usr/local/apache2/logs",)
    """Absolute paths the app writes to (pid files, caches, temporary files), each given a writable task-storage
    volume of its own, named after the container and the path. Default: where the stock httpd image writes (its pid
    file); ("/var/cache/nginx", "/var/run") for the stock nginx image."""

    def problems(self) -> list[Problem]:
        found = []
        name_ok = bool(_CONTAINER_NAME.match(self.name)) and self.name != ROUTER_CONTAINER
        if not name_ok:
            found.append(Problem("name", self.name, f"letters, digits, _ and - only, and not {ROUTER_CONTAINER}"))
        if not IMAGE_REFERENCE.match(self.image) or image_pin_problem(self.image):
            found.append(
                Problem(
                    "image",
                    self.image,
                    "an image with a pinned tag or @sha256 digest, never latest, stable or untagged",
                )
            )
        if self.port in LOG_ROUTER_PORTS or not 1 <= self.port <= 65535:
            taken = " or ".join(str(port) for port in LOG_ROUTER_PORTS)
            found.append(Problem("port", self.port, f"1 to 65535, but not {taken} (the log router's)"))
        if self.cpu not in FARGATE_MEMORY_BY_CPU:
            found.append(Problem("cpu", self.cpu, ", ".join(str(cpu) for cpu in FARGATE_MEMORY_BY_CPU)))
        elif self.memory not in FARGATE_MEMORY_BY_CPU[self.cpu]:
            sizes = ", ".join(str(m) for m in FARGATE_MEMORY_BY_CPU[self.cpu])
            found.append(Problem("memory", self.memory, f"with cpu {self.cpu}: {sizes}"))
        if self.cpu_architecture not in CPU_ARCHITECTURE_PLATFORMS:
            found.append(Problem("cpu_architecture", self.cpu_architecture, " or ".join(CPU_ARCHITECTURE_PLATFORMS)))
        if self.access_log_parser not in ACCESS_LOG_PARSERS:
            found.append(Problem("access_log_parser", self.access_log_parser, " or ".join(ACCESS_LOG_PARSERS)))
        paths = self.writable_paths
        found += [Problem("writable_paths", p, problem) for p in paths if (problem := writable_path_problem(p))]
        if name_ok:  # the volumes are named after the container
            found += [
                Problem("writable_paths", list(paths), f"paths whose task volumes ECS can register: {problem}")
                for problem in writable_volume_problems(self.name, paths)
            ]
        return found + within("health_check", self.health_check.problems())


@dataclass(frozen=True)
class LogRouter:
    image: pulumi.Input[str]
    """The router image by digest (LogRouterImage.image_ref)."""
    repository_arn: pulumi.Input[str]
    """The router image's ECR repository, the only one the execution role may pull the router from."""
    delivery_stream_name: pulumi.Input[str]
    """The Firehose stream archiving every record (DELIVERY_STREAM)."""
    delivery_stream_arn: pulumi.Input[str]
    """Its ARN, the only stream the task role may write to."""
    memory_reservation_mib: int = 128
    """The router container's memory reservation; every buffer is sized from it (log_router_sizing.py)."""


@dataclass(frozen=True)
class Scaling:
    desired_count: int = 1
    """Tasks the service starts with, from the minimum to the maximum (autoscaling owns the count afterwards)."""
    min_count: int = 1
    """The autoscaling floor, 0 to 100 (and the alarm floor without Container Insights)."""
    max_count: int = 2
    """The autoscaling ceiling, 1 to 100; the VPC's subnets must hold twice the services' ceilings summed."""
    cpu_target_percent: int = 60
    """Target average CPU utilisation in percent, 10 to 90."""
    requests_per_target: int = 1000
    """Target ALB requests per task per minute, 1 to 100000."""

    def problems(self) -> list[Problem]:
        found = self._count_problems()
        found += out_of("cpu_target_percent", self.cpu_target_percent, *CPU_TARGET_PERCENT)
        return found + out_of("requests_per_target", self.requests_per_target, *REQUESTS_PER_TARGET)

    def _count_problems(self) -> list[Problem]:
        """Each count in range, then (only then) minimum <= desired <= maximum."""
        found = out_of("min_count", self.min_count, *TASK_COUNTS)
        found += out_of("max_count", self.max_count, 1, TASK_COUNTS[1])
        found += out_of("desired_count", self.desired_count, *TASK_COUNTS)
        if found:
            return found
        if self.min_count > self.max_count:
            return [Problem("min_count", self.min_count, f"at most the maximum, {self.max_count}")]
        if not self.min_count <= self.desired_count <= self.max_count:
            allowed = f"{self.min_count} to {self.max_count} (minimum to maximum)"
            return [Problem("desired_count", self.desired_count, allowed)]
        return []


@dataclass(frozen=True)
class AlarmThresholds:
    alert_topic_arn: pulumi.Input[str]
    """The SNS topic every alarm notifies when it fires and when it recovers."""
    evaluation_minutes: int = 5
    """Minutes a condition must hold before an alarm fires."""
    target_5xx_per_minute: int = 10
    """5xx responses per minute from the service's targets that raise an alarm."""


@dataclass(frozen=True)
class ServicePlatform:
    """What every service of a stack runs on and attaches to."""

    cluster_name: pulumi.Input[str]
    """The ECS cluster (EcsCluster.name) the services run in."""
    cluster_arn: pulumi.Input[str]
    """Its ARN (EcsCluster.arn)."""
    network: TaskNetwork
    """Where the tasks run (Network.task_network)."""
    listener: ListenerAttachment
    """The shared ALB listener every service's rule goes on (LoadBalancer.listener_attachment)."""
    log_router: LogRouter
    """The FireLens sidecar and where it delivers (LogRouterImage.router)."""
    container_insights: bool = False
    """The cluster has Container Insights on (EcsCluster.container_insights): the alarms then compare running with
    desired tasks."""


@dataclass(frozen=True)
class FirelensServiceArgs:
    platform: ServicePlatform
    """The cluster, network, listener and log router every service shares."""
    app: AppContainer
    """The app container and the task's size."""
    alarms: AlarmThresholds
    """Where and when the service's alarms notify."""
    route: Route = field(default_factory=Route)
    """Which requests the ALB sends to the service. Default: every request no other rule takes."""
    scaling: Scaling = field(default_factory=Scaling)
    """Task count and autoscaling targets."""
    log_retention_days: int = 14
    """Retention of the service's two log groups, one of CloudWatch's values."""
    protect: bool = False
    """Pulumi `protect` on the service's log groups."""
    deregistration_delay_seconds: int = 30
    """Seconds a deregistering target keeps its in-flight requests (AWS's 300 slows every deployment)."""
    role_permissions_boundary: pulumi.Input[str] | None = None
    """The ARN of the managed policy its roles carry as their permissions boundary (components/iam.py
    role_boundary_policy_name). Default None: none."""

    def problems(self) -> list[Problem]:
        """Everything AWS would refuse or that would break the router, one problem per argument and rule."""
        found = within("app", self.app.problems()) + within("route", self.route.problems())
        found += within("scaling", self.scaling.problems())
        router = self.platform.log_router
        found += within("platform.log_router", router_memory_problems(self.app.memory, router.memory_reservation_mib))
        return found + one_of("log_retention_days", self.log_retention_days, LOG_RETENTION_DAYS)


def router_memory_problems(task_memory: int, reservation: int) -> list[Problem]:
    """The router's memory reservation: at least LOG_ROUTER_MIN_RESERVATION_MIB, at most half the task's memory
    (the app keeps the rest)."""
    floor = LOG_ROUTER_MIN_RESERVATION_MIB
    return out_of("memory_reservation_mib", reservation, floor, max(floor, task_memory // 2))


class FirelensService(pulumi.ComponentResource):
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]  # the revision the service runs once `pulumi up` has succeeded
    app_log_group_name: pulumi.Output[str]
    router_log_group_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]  # "targetgroup/<name>/<id>": the TargetGroup metric dimension
    listener_rule: aws.lb.ListenerRule  # what must exist before the listener's port stops serving (HTTP redirect)
    health_check: HealthCheck  # what the target group asks of the app (AppContainer.health_check)
    route: Route  # which requests the ALB sends it

    @property
    def url_path(self) -> str:
        """Where under the ALB's URL the service answers: its first path pattern up to the first wildcard."""
        patterns = list(self.route.path_patterns)
        return patterns[0].split("*", 1)[0].split("?", 1)[0] if patterns else "/"

    @property
    def dashboard_row(self) -> DashboardService:
        """The service's row of graphs on the pipeline dashboard."""
        return DashboardService(
            self._name, self._args.platform.cluster_name, self.service_name, self.target_group_arn_suffix
        )

    def outputs(self, base_url: pulumi.Input[str]) -> dict[str, Any]:
        """What an operator (and `python -m ops verify`, ops/outputs.py) reads of the service, under the stack's URL:
        where it answers, its rule, its ECS service and deployed revision, its health check, log groups and target
        group."""
        return {
            "url": pulumi.Output.concat(base_url, self.url_path),
            "priority": self.route.priority,
            "paths": list(self.route.path_patterns),
            "hosts": list(self.route.host_headers),
            "clusterName": self._args.platform.cluster_name,
            "serviceName": self.service_name,
            "taskDefinitionArn": self.task_definition_arn,
            "healthCheckPath": self.health_check.path,
            "healthCheckMatcher": self.health_check.matcher,
            "appLogGroup": self.app_log_group_name,
            "logRouterLogGroup": self.router_log_group_name,
            "targetGroupArn": self.target_group_arn,
        }

    def __init__(self, name: str, args: FirelensServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"FirelensService {name!r}", args.problems())
        super().__init__("httpd-firelens:service:FirelensService", name, None, opts)
        self._name = name
        self._args = args
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._region = aws.get_region_output(opts=invoke).region
        self._partition = aws.get_partition_output(opts=invoke).partition

        app_logs = self._log_group("app-logs", f"{name}-")
        router_logs = self._log_group("router-logs", f"{name}-log-router-")
        task_role, task_policy = self._role(
            "task", task_role_policy(args.platform.log_router.delivery_stream_arn, app_logs.arn)
        )
        execution_role, execution_policy = self._role(
            "execution",
            execution_role_policy(args.platform.log_router.repository_arn, router_logs.arn, args.app.repository_arn),
        )
        task_definition = self._task_definition(task_role, execution_role, app_logs, router_logs)
        security_group = self._security_group()
        target_group = self._target_group()
        rule = self._listener_rule(target_group)
        service = self._service(task_definition, security_group, target_group, [task_policy, execution_policy, rule])
        self._autoscaling(service, target_group)
        self._alarms(service, target_group, self._router_error_metric(router_logs))

        self.service_name = service.name
        self.task_definition_arn = task_definition.arn
        self.app_log_group_name = app_logs.name
        self.router_log_group_name = router_logs.name
        self.security_group_id = security_group.id
        self.target_group_arn = target_group.arn
        self.target_group_arn_suffix = target_group.arn_suffix
        self.listener_rule = rule
        self.health_check = args.app.health_check
        self.route = args.route
        self.register_outputs(
            {
                "serviceName": self.service_name,
                "taskDefinitionArn": self.task_definition_arn,
                "appLogGroupName": self.app_log_group_name,
                "routerLogGroupName": self.router_log_group_name,
                "targetGroupArn": self.target_group_arn,
            }
        )

    def _child(self, label: str, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    # --- logs --------------------------------------------------------------------------------------------------

    def _log_group(self, label: str, prefix: str) -> aws.cloudwatch.LogGroup:
        """A pre-created group (nothing auto-creates groups without retention) under /ecs/<project>-<stack>/."""
        return aws.cloudwatch.LogGroup(
            f"{self._name}-{label}",
            name_prefix=f"/ecs/{pulumi.get_project()}-{pulumi.get_stack()}/{prefix}",
            retention_in_days=self._args.log_retention_days,
            opts=self._child(label, protect=self._args.protect),
        )

    # --- IAM ---------------------------------------------------------------------------------------------------

    def _role(self, kind: str, policy: dict[str, Any]) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        role = aws.iam.Role(
            f"{self._name}-{kind}-role",
            description=f"ECS {kind} role of the {self._name} service",
            permissions_boundary=self._args.role_permissions_boundary,
            assume_role_policy=pulumi.Output.json_dumps(
                ecs_tasks_trust_policy(self._partition, self._region, self._account_id)
            ),
            opts=self._child(f"{kind}-role"),
        )
        role_policy = aws.iam.RolePolicy(
            f"{self._name}-{kind}-policy",
            role=role.id,
            policy=pulumi.Output.json_dumps(policy),
            opts=self._child(f"{kind}-policy"),
        )
        return role, role_policy

    # --- task definition ---------------------------------------------------------------------------------------

    def _task_definition(
        self,
        task_role: aws.iam.Role,
        execution_role: aws.iam.Role,
        app_logs: aws.cloudwatch.LogGroup,
        router_logs: aws.cloudwatch.LogGroup,
    ) -> aws.ecs.TaskDefinition:
        app, router = self._args.app, self._args.platform.log_router
        buffers = log_router_buffers(router.memory_reservation_mib)
        environment = router_environment(
            app_log_group_name=app_logs.name,
            access_log_parser=app.access_log_parser,
            app_container_name=app.name,
            region=self._region,
            delivery_stream_name=router.delivery_stream_name,
            buffers=buffers,
        )
        memory = app_memory_reservation_mib(app.memory, router.memory_reservation_mib, buffers)
        containers = [
            app_container(
                app.name, app.image, app.port, memory, buffers, app.read_only_root_filesystem, app.writable_paths
            ),
            router_container(router.image, router.memory_reservation_mib, environment, router_logs.name, self._region),
        ]
        return aws.ecs.TaskDefinition(
            f"{self._name}-task",
            family=f"{pulumi.get_project()}-{pulumi.get_stack()}-{self._name}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(app.cpu),
            memory=str(app.memory),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=app.cpu_architecture
            ),
            task_role_arn=task_role.arn,
            execution_role_arn=execution_role.arn,
            # A bind-mount volume without a host path is task storage, private to the task and writable.
            volumes=[
                aws.ecs.TaskDefinitionVolumeArgs(name=volume)
                for volume in (STATE_VOLUME, *(writable_volume(app.name, path) for path in app.writable_paths))
            ],
            container_definitions=pulumi.Output.json_dumps(containers),
            opts=self._child("task"),
        )

    # --- network -----------------------------------------------------------------------------------------------

    def _security_group(self) -> aws.ec2.SecurityGroup:
        """No inline rules (the provider then removes AWS's default allow-all egress); rules as resources.
        The router's ports (24224 forward input, 2020 HTTP server) are never opened: only containers of the
        same task, over localhost, reach them. DNS to the VPC resolver is not subject to security groups."""
        name, port = self._name, self._args.app.port
        alb_group = self._args.platform.listener.load_balancer_security_group_id
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description=f"{name} tasks: port {port} from the ALB only, HTTPS out",
            vpc_id=self._args.platform.network.vpc_id,
            opts=self._child("sg"),
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-sg-in-{port}-from-alb",
            security_group_id=group.id,
            description=f"{name} from the load balancer",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=alb_group,
            opts=self._child(f"sg-in-{port}-from-alb"),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-sg-out-{HTTPS_PORT}",
            security_group_id=group.id,
            # No VPC endpoints: ECR, S3 (image layers), Firehose and CloudWatch Logs are public HTTPS endpoints.
            description="HTTPS to AWS endpoints (ECR, Firehose, CloudWatch Logs)",
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            cidr_ipv4="0.0.0.0/0",
            opts=self._child(f"sg-out-{HTTPS_PORT}"),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-egress",
            security_group_id=alb_group,
            description=f"port {port} (traffic and health checks) to the {name} tasks",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=group.id,
            opts=self._child("alb-egress"),
        )
        return group

    # --- load balancing ----------------------------------------------------------------------------------------

    def _target_group(self) -> aws.lb.TargetGroup:
        app, check = self._args.app, self._args.app.health_check
        return aws.lb.TargetGroup(
            f"{self._name}-tg",
            target_type="ip",  # Fargate tasks register by IP
            protocol="HTTP",
            port=app.port,
            vpc_id=self._args.platform.network.vpc_id,
            deregistration_delay=self._args.deregistration_delay_seconds,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=check.path,
                interval=check.interval_seconds,
                timeout=check.timeout_seconds,
                healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold,
                matcher=check.matcher,
            ),
            opts=self._child("tg"),
        )

    def _listener_rule(self, target_group: aws.lb.TargetGroup) -> aws.lb.ListenerRule:
        route = self._args.route
        conditions = []
        if route.path_patterns:
            conditions.append(
                aws.lb.ListenerRuleConditionArgs(
                    path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=list(route.path_patterns))
                )
            )
        if route.host_headers:
            conditions.append(
                aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=list(route.host_headers))
                )
            )
        return aws.lb.ListenerRule(
            f"{self._name}-rule",
            listener_arn=self._args.platform.listener.listener_arn,
            priority=route.priority,
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)],
            conditions=conditions,
            opts=self._child("rule"),
        )

    # --- service -----------------------------------------------------------------------------------------------

    def _service(
        self,
        task_definition: aws.ecs.TaskDefinition,
        security_group: aws.ec2.SecurityGroup,
        target_group: aws.lb.TargetGroup,
        prerequisites: list[pulumi.Resource],
    ) -> aws.ecs.Service:
        app, scaling, network = self._args.app, self._args.scaling, self._args.platform.network
        return aws.ecs.Service(
            f"{self._name}-service",
            cluster=self._args.platform.cluster_arn,
            task_definition=task_definition.arn,
            launch_type="FARGATE",
            platform_version=PLATFORM_VERSION,
            desired_count=scaling.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=network.subnet_ids,
                security_groups=[security_group.id],
                assign_public_ip=network.assign_public_ip,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=target_group.arn, container_name=app.name, container_port=app.port
                )
            ],
            health_check_grace_period_seconds=app.health_check.grace_period_seconds,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_minimum_healthy_percent=DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
            deployment_maximum_percent=DEPLOYMENT_MAXIMUM_PERCENT,  # components/network/subnet_sizing.py counts on it
            enable_ecs_managed_tags=True,
            propagate_tags="TASK_DEFINITION",
            # ECS Exec stays off: it would need SSM permissions in the task role and a shell into the task.
            enable_execute_command=False,
            # `pulumi up` fails when the deployment does not complete (the circuit breaker rolled it back) instead
            # of recording a task definition that is not running.
            wait_for_steady_state=True,
            opts=self._child(
                "service",
                # Autoscaling owns the task count after creation.
                ignore_changes=["desired_count"],
                # Tasks must find their roles' permissions in place when they start, and ECS refuses a target
                # group that no listener rule forwards to yet.
                depends_on=prerequisites,
            ),
        )

    def _autoscaling(self, service: aws.ecs.Service, target_group: aws.lb.TargetGroup) -> None:
        scaling = self._args.scaling
        target = aws.appautoscaling.Target(
            f"{self._name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.format("service/{0}/{1}", self._args.platform.cluster_name, service.name),
            min_capacity=scaling.min_count,
            max_capacity=scaling.max_count,
            opts=self._child("scaling-target"),
        )
        self._target_tracking(target, "cpu", "ECSServiceAverageCPUUtilization", scaling.cpu_target_percent)
        # "app/<lb>/<id>/targetgroup/<tg>/<id>": the ALBRequestCountPerTarget resource label
        label = pulumi.Output.format(
            "{0}/{1}", self._args.platform.listener.load_balancer_arn_suffix, target_group.arn_suffix
        )
        self._target_tracking(
            target, "requests", "ALBRequestCountPerTarget", scaling.requests_per_target, resource_label=label
        )

    def _router_error_metric(self, router_logs: aws.cloudwatch.LogGroup) -> RouterErrorMetric:
        """A metric filter on the router's own log group counting the lines of its failed puts and dropped chunks
        (components/service/log_router_errors.py), for the `router-errors` alarm."""
        metric = RouterErrorMetric(
            log_router_errors.metric_namespace(pulumi.get_project(), pulumi.get_stack()),
            log_router_errors.metric_name(self._name),
        )
        aws.cloudwatch.LogMetricFilter(
            f"{self._name}-router-errors",
            name="router-delivery-errors",  # unique within the log group, which is the service's own
            log_group_name=router_logs.name,
            pattern=log_router_errors.ROUTER_ERROR_PATTERN,
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                namespace=metric.namespace,
                name=metric.name,
                value=log_router_errors.METRIC_VALUE,
                default_value=str(log_router_errors.METRIC_DEFAULT_VALUE),
                unit=log_router_errors.METRIC_UNIT,
            ),
            opts=self._child("router-errors"),
        )
        return metric

    def _alarms(
        self, service: aws.ecs.Service, target_group: aws.lb.TargetGroup, router_errors: RouterErrorMetric
    ) -> ServiceAlarms:
        args = self._args
        return ServiceAlarms(
            f"{self._name}-{ALARMS}",
            ServiceAlarmsArgs(
                service_label=self._name,
                alert_topic_arn=args.alarms.alert_topic_arn,
                cluster_name=args.platform.cluster_name,
                service_name=service.name,
                load_balancer_arn_suffix=args.platform.listener.load_balancer_arn_suffix,
                target_group_arn_suffix=target_group.arn_suffix,
                min_task_count=args.scaling.min_count,
                container_insights=args.platform.container_insights,
                evaluation_minutes=args.alarms.evaluation_minutes,
                target_5xx_per_minute=args.alarms.target_5xx_per_minute,
                delivery_stream_name=args.platform.log_router.delivery_stream_name,
                router_errors=router_errors,
            ),
            self._child(ALARMS),
        )

    def _target_tracking(
        self,
        target: aws.appautoscaling.Target,
        label: str,
        metric: str,
        value: float,
        resource_label: pulumi.Input[str] | None = None,
    ) -> aws.appautoscaling.Policy:
        return aws.appautoscaling.Policy(
            f"{self._name}-scale-on-{label}",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=value,
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type=metric, resource_label=resource_label
                ),
                scale_out_cooldown=SCALE_OUT_COOLDOWN_SECONDS,
                scale_in_cooldown=SCALE_IN_COOLDOWN_SECONDS,
            ),
            opts=self._child(f"scale-on-{label}"),
        )
