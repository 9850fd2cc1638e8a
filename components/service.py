"""The httpd service on ECS Fargate, its logs routed by a FireLens (Fluent Bit) sidecar.

Creates:
- two log groups with retention (and `protect`): the app log group the router writes the records a person
  must see quickly to (`APP_LOG_GROUP`), and the router's own log group (awslogs driver);
- the task role (only what the router's two outputs call: Firehose on the one delivery stream, CloudWatch
  Logs on the app log group) and the execution role (pull the router image from its one ECR repository,
  write the router's own logs), both trusted only by ECS tasks of this account and region;
- the Fargate task definition: `httpd` (app, awsfirelens log driver, starts once the router is HEALTHY) and
  `log_router` (the Fluent Bit image by digest, read-only root with a writable `fluent-bit-state` volume
  for the filesystem buffer, uptime health check, stop timeout above Fluent Bit's `Grace`);
- the tasks' security group (app port from the ALB's security group only; egress 443 only);
- the service behind the target group (circuit breaker with rollback, 100/200 % deployment) and
  target-tracking autoscaling on CPU and on ALB requests per target.
Needs: the cluster (name and ARN), the task subnets, the ALB's security group, target group and scaling resource
label, the router image (ECR, by digest) and its repository ARN, the app delivery stream's name and ARN.
The Fluent Bit side of the contract (extra.conf, the environment it reads) lives in `fluentbit/`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import policy_document, service_trust_policy
from components.limits import DEPLOYMENT_MAXIMUM_PERCENT, DEPLOYMENT_MINIMUM_HEALTHY_PERCENT, LOG_ROUTER_HTTP_PORT
from components.log_router_sizing import LogRouterBuffers, log_router_buffers
from components.settings import ServiceSettings

APP_CONTAINER = "httpd"
ROUTER_CONTAINER = "log_router"
STATE_VOLUME = "fluent-bit-state"
STATE_PATH = "/var/fluent-bit/state"  # extra.conf: storage.path /var/fluent-bit/state/flb-storage/
ROUTER_CONFIG_FILE = "/fluent-bit/etc/extra.conf"  # baked into the image: config-file-type s3 fails on Fargate
APP_LOG_STREAM_PREFIX = "httpd/"
# Fluent Bit's uptime endpoint, not its output metrics: a Firehose outage must not mark every task unhealthy.
ROUTER_HEALTH_CHECK = {
    "command": ["CMD-SHELL", f"curl -sf http://127.0.0.1:{LOG_ROUTER_HTTP_PORT}/api/v1/uptime || exit 1"],
    "interval": 10,
    "timeout": 5,
    "retries": 3,
    "startPeriod": 15,
}
# extra.conf sets Grace 25: the router needs longer than that between SIGTERM and SIGKILL to flush.
ROUTER_STOP_TIMEOUT_SECONDS = 30
# 1.4.0 is the first Fargate platform with the awsfirelens `log-driver-buffer-limit` option and 20 GiB of
# task storage; pinned so that a new platform version is a reviewed change, not a surprise on redeploy.
PLATFORM_VERSION = "1.4.0"
HTTPS_PORT = 443
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300  # scale in slowly: a new task needs the grace period before it takes load
_ECR_IMAGE_RE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^@:]+)")


@dataclass(frozen=True)
class HttpdServiceArgs:
    settings: ServiceSettings
    region: str
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    assign_public_ip: bool
    alb_security_group_id: pulumi.Input[str]
    target_group_arn: pulumi.Input[str]
    scaling_resource_label: pulumi.Input[str]
    log_router_image: pulumi.Input[str]  # <account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>
    delivery_stream_name: pulumi.Input[str]
    delivery_stream_arn: pulumi.Input[str]
    log_retention_days: int
    protect: bool = False
    # The router image's ECR repository, the only one the execution role may pull from.
    # None: derived from `log_router_image`, which must then be an ECR image URI.
    log_router_repository_arn: pulumi.Input[str] | None = None
    # Resources the service must wait for: ECS rejects a target group that no listener forwards to yet,
    # so pass the load balancer (a component: the service then waits for all of its children).
    load_balancer_dependencies: Sequence[pulumi.Resource] = ()


class HttpdService(pulumi.ComponentResource):
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    app_log_group_name: pulumi.Output[str]
    router_log_group_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: HttpdServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:service:HttpdService", name, None, opts)
        self._name = name
        self._args = args
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._region = aws.get_region_output(opts=invoke).region
        self._partition = aws.get_partition_output(opts=invoke).partition

        app_logs = self._log_group("app-logs", "httpd-")
        router_logs = self._log_group("router-logs", "log-router-")
        task_role, task_policy = self._role("task", self._task_role_policy(app_logs))
        execution_role, execution_policy = self._role("execution", self._execution_role_policy(router_logs))
        task_definition = self._task_definition(task_role, execution_role, app_logs, router_logs)
        security_group = self._security_group()
        service = self._service(task_definition, security_group, [task_policy, execution_policy])
        self._autoscaling(service)

        self.service_name = service.name
        self.task_definition_arn = task_definition.arn
        self.app_log_group_name = app_logs.name
        self.router_log_group_name = router_logs.name
        self.security_group_id = security_group.id
        self.register_outputs(
            {
                "serviceName": self.service_name,
                "taskDefinitionArn": self.task_definition_arn,
                "appLogGroupName": self.app_log_group_name,
                "routerLogGroupName": self.router_log_group_name,
            }
        )

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    # --- logs ------------------------------------------------------------------------------------------

    def _log_group(self, role: str, prefix: str) -> aws.cloudwatch.LogGroup:
        """A pre-created group (nothing auto-creates groups without retention) under /ecs/<project>-<stack>/."""
        return aws.cloudwatch.LogGroup(
            f"{self._name}-{role}",
            name_prefix=f"/ecs/{pulumi.get_project()}-{pulumi.get_stack()}/{prefix}",
            retention_in_days=self._args.log_retention_days,
            opts=self._child(protect=self._args.protect),
        )

    # --- IAM -------------------------------------------------------------------------------------------

    def _role(self, kind: str, policy: pulumi.Output[str]) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        role = aws.iam.Role(
            f"{self._name}-{kind}-role",
            description=f"ECS {kind} role of the {self._name} service",
            assume_role_policy=self._trust_policy(),
            opts=self._child(),
        )
        role_policy = aws.iam.RolePolicy(f"{self._name}-{kind}-policy", role=role.id, policy=policy, opts=self._child())
        return role, role_policy

    def _trust_policy(self) -> pulumi.Output[str]:
        """ECS tasks, and only on behalf of this account's tasks in this region (confused deputy)."""
        return pulumi.Output.json_dumps(
            service_trust_policy(
                "EcsTasksOfThisAccountAndRegion",
                "ecs-tasks.amazonaws.com",
                {
                    "StringEquals": {"aws:SourceAccount": self._account_id},
                    "ArnLike": {
                        "aws:SourceArn": pulumi.Output.format(
                            "arn:{0}:ecs:{1}:{2}:*", self._partition, self._region, self._account_id
                        )
                    },
                },
            )
        )

    def _task_role_policy(self, app_logs: aws.cloudwatch.LogGroup) -> pulumi.Output[str]:
        """What the router's outputs call. The C `cloudwatch_logs` plugin with `auto_create_group off` calls
        only CreateLogStream and PutLogEvents (no DescribeLogStreams, no CreateLogGroup)."""
        return pulumi.Output.json_dumps(
            policy_document(
                {
                    "Sid": "ArchiveAppLogs",
                    "Effect": "Allow",
                    # The kinesis_firehose plugin sends PutRecordBatch only (never PutRecord).
                    "Action": ["firehose:PutRecordBatch"],
                    "Resource": [self._args.delivery_stream_arn],
                },
                _log_writer_statement("WriteAppLogs", app_logs),
            )
        )

    def _execution_role_policy(self, router_logs: aws.cloudwatch.LogGroup) -> pulumi.Output[str]:
        """Pull the router image and write the router's own logs; the httpd image is on public ECR (no auth).
        Written out instead of AmazonECSTaskExecutionRolePolicy, which grants all of this on every resource."""
        repository_arn = self._args.log_router_repository_arn
        if repository_arn is None:
            repository_arn = pulumi.Output.all(self._partition, self._args.log_router_image).apply(
                lambda values: ecr_repository_arn(values[0], values[1])
            )
        return pulumi.Output.json_dumps(
            policy_document(
                {
                    "Sid": "EcrAuthorizationToken",
                    "Effect": "Allow",
                    "Action": ["ecr:GetAuthorizationToken"],
                    # GetAuthorizationToken supports no resource-level permissions: "*" is the only form.
                    "Resource": "*",
                },
                {
                    "Sid": "PullLogRouterImage",
                    "Effect": "Allow",
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer",
                    ],
                    "Resource": [repository_arn],
                },
                _log_writer_statement("WriteLogRouterLogs", router_logs),
            )
        )

    # --- task definition -------------------------------------------------------------------------------

    def _task_definition(
        self,
        task_role: aws.iam.Role,
        execution_role: aws.iam.Role,
        app_logs: aws.cloudwatch.LogGroup,
        router_logs: aws.cloudwatch.LogGroup,
    ) -> aws.ecs.TaskDefinition:
        settings = self._args.settings
        buffers = log_router_buffers(settings.log_router_memory_mib)
        containers = [self._app_container(buffers), self._router_container(buffers, app_logs, router_logs)]
        return aws.ecs.TaskDefinition(
            f"{self._name}-task",
            family=f"{pulumi.get_project()}-{pulumi.get_stack()}-{self._name}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(settings.cpu),
            memory=str(settings.memory),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=settings.cpu_architecture
            ),
            task_role_arn=task_role.arn,
            execution_role_arn=execution_role.arn,
            # A bind-mount volume without a host path is task storage, private to the task and writable.
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=STATE_VOLUME)],
            container_definitions=pulumi.Output.json_dumps(containers),
            opts=self._child(),
        )

    def _app_container(self, buffers: LogRouterBuffers) -> dict[str, Any]:
        settings = self._args.settings
        return {
            "name": APP_CONTAINER,
            "image": settings.app_image,
            "essential": True,
            "portMappings": [{"containerPort": settings.app_port, "protocol": "tcp"}],
            "memoryReservation": app_memory_reservation_mib(settings, buffers),
            # No output options: extra.conf in the router image does all the routing.
            "logConfiguration": {
                "logDriver": "awsfirelens",
                "options": {"log-driver-buffer-limit": str(buffers.log_driver_buffer_limit)},
            },
            # Start only once the router answers its health check, so that no early line is lost (ECS
            # already starts the FireLens container first, but does not wait for it to be ready).
            "dependsOn": [{"containerName": ROUTER_CONTAINER, "condition": "HEALTHY"}],
            # The root filesystem stays writable: the stock httpd image writes its pid file under
            # /usr/local/apache2/logs.
        }

    def _router_container(
        self, buffers: LogRouterBuffers, app_logs: aws.cloudwatch.LogGroup, router_logs: aws.cloudwatch.LogGroup
    ) -> dict[str, Any]:
        environment = {
            "APP_LOG_GROUP": app_logs.name,
            "APP_LOG_STREAM_PREFIX": APP_LOG_STREAM_PREFIX,
            "AWS_REGION": self._region,
            "DELIVERY_STREAM": self._args.delivery_stream_name,
            "FLB_MEM_BUF_LIMIT": buffers.mem_buf_limit,
            "FLB_STORAGE_LIMIT": buffers.storage_limit,
        }
        return {
            "name": ROUTER_CONTAINER,
            "image": self._args.log_router_image,
            "essential": True,  # a task whose logs go nowhere is not healthy
            # FireLens creates the forward input's unix socket in a host directory owned by root; the
            # aws-for-fluent-bit image expects to run as root for it (containers-roadmap#2122).
            "user": "0",
            "memoryReservation": self._args.settings.log_router_memory_mib,
            "firelensConfiguration": {
                "type": "fluentbit",
                "options": {
                    "config-file-type": "file",
                    "config-file-value": ROUTER_CONFIG_FILE,
                    "enable-ecs-log-metadata": "true",
                },
            },
            "environment": [{"name": key, "value": value} for key, value in sorted(environment.items())],
            "readonlyRootFilesystem": True,
            "mountPoints": [{"sourceVolume": STATE_VOLUME, "containerPath": STATE_PATH, "readOnly": False}],
            "healthCheck": ROUTER_HEALTH_CHECK,
            "stopTimeout": ROUTER_STOP_TIMEOUT_SECONDS,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": router_logs.name,
                    "awslogs-region": self._region,
                    "awslogs-stream-prefix": "log-router",
                },
            },
        }

    # --- network and service ---------------------------------------------------------------------------

    def _security_group(self) -> aws.ec2.SecurityGroup:
        """No inline rules (the provider then removes AWS's default allow-all egress); rules as resources.
        The router's ports (24224 forward input, 2020 HTTP server) are never opened: only containers of the
        same task, over localhost, reach them. DNS to the VPC resolver is not subject to security groups."""
        port = self._args.settings.app_port
        group = aws.ec2.SecurityGroup(
            f"{self._name}-sg",
            description=f"httpd tasks: port {port} from the ALB only, HTTPS out",
            vpc_id=self._args.vpc_id,
            opts=self._child(),
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-sg-in-{port}-from-alb",
            security_group_id=group.id,
            description="httpd from the load balancer",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=self._args.alb_security_group_id,
            opts=self._child(),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-sg-out-{HTTPS_PORT}",
            security_group_id=group.id,
            # No VPC endpoints: ECR, S3 (image layers), Firehose and CloudWatch Logs are public HTTPS endpoints.
            description="HTTPS to AWS endpoints (ECR, Firehose, CloudWatch Logs)",
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            cidr_ipv4="0.0.0.0/0",
            opts=self._child(),
        )
        return group

    def _service(
        self,
        task_definition: aws.ecs.TaskDefinition,
        security_group: aws.ec2.SecurityGroup,
        role_policies: list[aws.iam.RolePolicy],
    ) -> aws.ecs.Service:
        settings = self._args.settings
        return aws.ecs.Service(
            f"{self._name}-service",
            cluster=self._args.cluster_arn,
            task_definition=task_definition.arn,
            launch_type="FARGATE",
            platform_version=PLATFORM_VERSION,
            desired_count=settings.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=self._args.subnet_ids,
                security_groups=[security_group.id],
                assign_public_ip=self._args.assign_public_ip,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=self._args.target_group_arn,
                    container_name=APP_CONTAINER,
                    container_port=settings.app_port,
                )
            ],
            health_check_grace_period_seconds=settings.health_check_grace_period_seconds,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_minimum_healthy_percent=DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
            deployment_maximum_percent=DEPLOYMENT_MAXIMUM_PERCENT,  # components/subnet_sizing.py counts on it
            enable_ecs_managed_tags=True,
            propagate_tags="TASK_DEFINITION",
            # ECS Exec stays off: it would need SSM permissions in the task role and a shell into the task.
            enable_execute_command=False,
            wait_for_steady_state=False,
            opts=self._child(
                # Autoscaling owns the task count after creation.
                ignore_changes=["desired_count"],
                # Tasks must find their roles' permissions in place when they start.
                depends_on=[*role_policies, *self._args.load_balancer_dependencies],
            ),
        )

    def _autoscaling(self, service: aws.ecs.Service) -> None:
        settings = self._args.settings
        target = aws.appautoscaling.Target(
            f"{self._name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.format("service/{0}/{1}", self._args.cluster_name, service.name),
            min_capacity=settings.min_count,
            max_capacity=settings.max_count,
            opts=self._child(),
        )
        self._target_tracking(target, "cpu", "ECSServiceAverageCPUUtilization", settings.cpu_target_percent)
        self._target_tracking(
            target,
            "requests",
            "ALBRequestCountPerTarget",
            settings.requests_per_target,
            resource_label=self._args.scaling_resource_label,
        )

    def _target_tracking(
        self,
        target: aws.appautoscaling.Target,
        role: str,
        metric: str,
        value: float,
        resource_label: pulumi.Input[str] | None = None,
    ) -> aws.appautoscaling.Policy:
        return aws.appautoscaling.Policy(
            f"{self._name}-scale-on-{role}",
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
            opts=self._child(),
        )


def _log_writer_statement(sid: str, group: aws.cloudwatch.LogGroup) -> dict[str, Any]:
    """Create streams in and write to one log group. CreateLogStream is authorized on the group's ARN,
    PutLogEvents on its streams' ARNs."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [group.arn, pulumi.Output.format("{0}:log-stream:*", group.arn)],
    }


def app_memory_reservation_mib(settings: ServiceSettings, buffers: LogRouterBuffers) -> int:
    """The httpd container's soft reservation: the task memory left after the router's reservation and the
    log driver's buffer (which the runtime charges to the task, not to a container)."""
    return settings.memory - settings.log_router_memory_mib - buffers.log_driver_buffer_mib


def ecr_repository_arn(partition: str, image: str) -> str:
    """The ARN of the ECR repository an image URI (`<account>.dkr.ecr.<region>.<suffix>/<repo>[:tag|@digest]`)
    comes from."""
    match = _ECR_IMAGE_RE.match(image)
    if match is None:
        raise ValueError(f"the log router image {image!r} is not an ECR image URI; pass log_router_repository_arn")
    account, region, repository = match.groups()
    return f"arn:{partition}:ecr:{region}:{account}:repository/{repository}"
