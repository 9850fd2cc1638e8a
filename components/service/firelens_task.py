"""The FireLens task of a service, as plain data: its two container definitions and its roles' policy documents.

Creates no resource. `components/service/firelens_service.py` builds the task definition and the roles from these:
- the app container (any name, image and port; awsfirelens log driver; starts once the router is HEALTHY; by
  default a read-only root filesystem with a writable task-storage volume at each path the app writes to) and
  the `log_router` container (our Fluent Bit image by digest, read-only root with a writable `fluent-bit-state`
  volume for the filesystem buffer, uptime health check, stop timeout above Fluent Bit's `Grace`);
- the router's environment, the contract with `fluentbit/extra.conf`: APP_LOG_GROUP, APP_LOG_STREAM_PREFIX
  (`<app container>/`), APP_LOG_PARSER (the service's access-log parser), AWS_REGION, DELIVERY_STREAM,
  FLB_MEM_BUF_LIMIT, FLB_STORAGE_LIMIT;
- the task role policy (only what the router's two outputs call: Firehose on the one delivery stream, CloudWatch
  Logs on the app log group), the execution role policy (pull the router image, and the app image when it is in
  ECR, from their repositories only; write the router's own logs) and the trust policy both roles share (ECS
  tasks of this account and region).
Values may be Pulumi inputs (ARNs, names); the component serializes them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from components.iam import policy_document, service_trust_policy
from components.service.log_router_sizing import LogRouterBuffers
from configuration.limits import LOG_ROUTER_HTTP_PORT

ROUTER_CONTAINER = "log_router"
STATE_VOLUME = "fluent-bit-state"
STATE_PATH = "/var/fluent-bit/state"  # extra.conf: storage.path /var/fluent-bit/state/flb-storage/
ROUTER_CONFIG_FILE = "/fluent-bit/etc/extra.conf"  # baked into the image: config-file-type s3 fails on Fargate
ROUTER_LOG_STREAM_PREFIX = "log-router"  # the awslogs stream prefix of the router's own logs
# The access-log parsers fluentbit/parsers.conf defines (a [PARSER] Name each): the values APP_LOG_PARSER takes.
ACCESS_LOG_PARSERS = ("httpd_access", "app_json")
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


def app_log_stream_prefix(container_name: str) -> str:
    """The CloudWatch stream prefix of an app container's records: `<container>/`, so two containers (or two
    services) writing to log groups never share a stream name."""
    return f"{container_name}/"


def app_memory_reservation_mib(task_memory_mib: int, router_memory_mib: int, buffers: LogRouterBuffers) -> int:
    """The app container's soft reservation: the task memory left after the router's reservation and the log
    driver's buffer (which the runtime charges to the task, not to a container)."""
    return task_memory_mib - router_memory_mib - buffers.log_driver_buffer_mib


# ECS volume names: letters, digits, hyphens and underscores, up to 255 (RegisterTaskDefinition, Volume.name).
_VOLUME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def writable_path_problem(path: str) -> str | None:
    """What is wrong with a container path to mount a writable volume at, or None."""
    normalized = posixpath.normpath(path) if path.startswith("/") else ""
    if normalized != path or path == "/" or path.startswith("//") or len(path) > 4096:
        return "absolute paths in normal form other than / (e.g. /usr/local/apache2/logs), no trailing /"
    return None


def writable_volume(container_name: str, path: str) -> str:
    """The task-storage volume mounted writable at `path` of a container: `<container>-<path with - for />`, e.g.
    httpd-usr-local-apache2-logs."""
    return container_name + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def writable_volume_problems(container_name: str, paths: Sequence[str]) -> list[str]:
    """What RegisterTaskDefinition would refuse in the volumes (writable_volume) a container's paths get, one
    line each: two paths that give one volume name, a name ECS does not take, the router's state volume."""
    volumes = [writable_volume(container_name, p) for p in paths]
    problems = []
    if len(set(volumes)) != len(volumes):
        problems.append(f"each path once (volume names {volumes} must differ)")
    problems += [
        f"volume name {v!r}: letters, digits, - and _, up to 255" for v in volumes if not _VOLUME_NAME.match(v)
    ]
    if STATE_VOLUME in volumes:
        problems.append(f"volume name {STATE_VOLUME!r} is the log router's")
    return problems


def app_container(
    name: str,
    image: str,
    port: int,
    memory_reservation_mib: int,
    buffers: LogRouterBuffers,
    read_only_root: bool = True,
    writable_paths: Sequence[str] = (),
) -> dict[str, Any]:
    """The app container: its stdout/stderr go to the router through the awsfirelens log driver; its root filesystem
    read-only (unless `read_only_root` is False), with one writable volume (writable_volume) per writable path."""
    return {
        "name": name,
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": port, "protocol": "tcp"}],
        "memoryReservation": memory_reservation_mib,
        # No output options: extra.conf in the router image does all the routing.
        "logConfiguration": {
            "logDriver": "awsfirelens",
            "options": {"log-driver-buffer-limit": str(buffers.log_driver_buffer_limit)},
        },
        # Start only once the router answers its health check, so that no early line is lost (ECS already starts
        # the FireLens container first, but does not wait for it to be ready).
        "dependsOn": [{"containerName": ROUTER_CONTAINER, "condition": "HEALTHY"}],
        "readonlyRootFilesystem": read_only_root,
        "mountPoints": [
            {"sourceVolume": writable_volume(name, path), "containerPath": path, "readOnly": False}
            for path in writable_paths
        ],
    }


def router_environment(
    *,
    app_log_group_name: pulumi.Input[str],
    access_log_parser: str,
    app_container_name: str,
    region: pulumi.Input[str],
    delivery_stream_name: pulumi.Input[str],
    buffers: LogRouterBuffers,
) -> dict[str, pulumi.Input[str]]:
    """What extra.conf reads from the environment."""
    if access_log_parser not in ACCESS_LOG_PARSERS:
        raise ValueError(f"access log parser {access_log_parser!r} is not one of {ACCESS_LOG_PARSERS}")
    return {
        "APP_LOG_GROUP": app_log_group_name,
        "APP_LOG_PARSER": access_log_parser,
        "APP_LOG_STREAM_PREFIX": app_log_stream_prefix(app_container_name),
        "AWS_REGION": region,
        "DELIVERY_STREAM": delivery_stream_name,
        "FLB_MEM_BUF_LIMIT": buffers.mem_buf_limit,
        "FLB_STORAGE_LIMIT": buffers.storage_limit,
    }


def router_container(
    image: pulumi.Input[str],
    memory_reservation_mib: int,
    environment: Mapping[str, pulumi.Input[str]],
    own_log_group_name: pulumi.Input[str],
    region: pulumi.Input[str],
) -> dict[str, Any]:
    """The FireLens log router: our Fluent Bit image, its config baked in, its own logs through awslogs."""
    return {
        "name": ROUTER_CONTAINER,
        "image": image,
        "essential": True,  # a task whose logs go nowhere is not healthy
        # FireLens creates the forward input's unix socket in a host directory owned by root; the
        # aws-for-fluent-bit image expects to run as root for it (containers-roadmap#2122).
        "user": "0",
        "memoryReservation": memory_reservation_mib,
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
                "awslogs-group": own_log_group_name,
                "awslogs-region": region,
                "awslogs-stream-prefix": ROUTER_LOG_STREAM_PREFIX,
            },
        },
    }


# --- IAM ---------------------------------------------------------------------------------------------------


def ecs_tasks_trust_policy(
    partition: pulumi.Input[str], region: pulumi.Input[str], account_id: pulumi.Input[str]
) -> dict[str, Any]:
    """ECS tasks, and only on behalf of this account's tasks in this region (confused deputy)."""
    return service_trust_policy(
        "EcsTasksOfThisAccountAndRegion",
        "ecs-tasks.amazonaws.com",
        {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": pulumi.Output.format("arn:{0}:ecs:{1}:{2}:*", partition, region, account_id)},
        },
    )


def log_writer_statement(sid: str, group_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Create streams in and write to one log group. CreateLogStream is authorized on the group's ARN,
    PutLogEvents on its streams' ARNs."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [group_arn, pulumi.Output.format("{0}:log-stream:*", group_arn)],
    }


def task_role_policy(delivery_stream_arn: pulumi.Input[str], app_log_group_arn: pulumi.Input[str]) -> dict[str, Any]:
    """What the router's outputs call. The C `cloudwatch_logs` plugin with `auto_create_group off` calls only
    CreateLogStream and PutLogEvents (no DescribeLogStreams, no CreateLogGroup)."""
    return policy_document(
        {
            "Sid": "ArchiveAppLogs",
            "Effect": "Allow",
            # The kinesis_firehose plugin sends PutRecordBatch only (never PutRecord).
            "Action": ["firehose:PutRecordBatch"],
            "Resource": [delivery_stream_arn],
        },
        log_writer_statement("WriteAppLogs", app_log_group_arn),
    )


def execution_role_policy(
    router_repository_arn: pulumi.Input[str],
    router_log_group_arn: pulumi.Input[str],
    app_repository_arn: pulumi.Input[str] | None = None,
) -> dict[str, Any]:
    """Pull the router image (and the app image, when it is in an ECR repository of the account: a public image
    needs no credentials) and write the router's own logs. Written out instead of
    AmazonECSTaskExecutionRolePolicy, which grants all of this on every resource."""
    statements = [
        {
            "Sid": "EcrAuthorizationToken",
            "Effect": "Allow",
            "Action": ["ecr:GetAuthorizationToken"],
            # GetAuthorizationToken supports no resource-level permissions: "*" is the only form.
            "Resource": "*",
        },
        _pull_statement("PullLogRouterImage", router_repository_arn),
    ]
    if app_repository_arn is not None:
        statements.append(_pull_statement("PullAppImage", app_repository_arn))
    statements.append(log_writer_statement("WriteLogRouterLogs", router_log_group_arn))
    return policy_document(*statements)


def _pull_statement(sid: str, repository_arn: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Resource": [repository_arn],
    }
