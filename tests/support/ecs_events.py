"""ECS `Task State Change` events in AWS's documented format, for the tests that feed them to EventBridge patterns,
the alert template and the task stop archive.

The shape follows "Amazon ECS task state change events" in the ECS developer guide
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html: the envelope with `detail-type`
"ECS Task State Change", `detail` the task as DescribeTasks shows it, ISO 8601 timestamps, `stopCode` and
`stoppedReason` on a stopped task); the seed article 001 records a real one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from offline.aws_formats import ACCOUNT_ID

REGION = "ap-northeast-1"
TASK_ID = "0d8a1b2c3d4e5f60718293a4b5c6d7e8"
CREATED = datetime(2026, 1, 15, 10, 20, 2, 450000, tzinfo=UTC)


# --- events ---------------------------------------------------------------------------------


def at(seconds: float, created: datetime = CREATED) -> str:
    """ECS's ISO 8601 timestamps (hundredths of a second shown), `seconds` after the task was created."""
    when = created + timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 10000:02d}Z"


def task_event(
    cluster_arn: str, last_status: str, task_id: str = TASK_ID, created: datetime = CREATED, **detail: Any
) -> dict[str, Any]:
    """An `ECS Task State Change` event of a Fargate service task with an app and a log_router container, created
    at `created`; the event itself is emitted 158.55 s later."""
    cluster_name = cluster_arn.rsplit("/", 1)[-1]
    task_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task/{cluster_name}/{task_id}"

    def container(name: str, image: str, suffix: str) -> dict[str, Any]:
        return {
            "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:container/{cluster_name}/{task_id}/{suffix}",
            "lastStatus": last_status if last_status in ("PENDING", "RUNNING", "STOPPED") else "PENDING",
            "name": name,
            "image": image,
            "taskArn": task_arn,
            "networkInterfaces": [
                {"attachmentId": "663cfa45-2caa-42df-ac53-26ea91c20a54", "privateIpv4Address": "10.0.1.23"}
            ],
            "cpu": "0",
        }

    body: dict[str, Any] = {
        "attachments": [
            {
                "id": "663cfa45-2caa-42df-ac53-26ea91c20a54",
                "type": "eni",
                "status": "ATTACHED",
                "details": [{"name": "subnetId", "value": "subnet-0a1b2c3d4e5f67890"}],
            }
        ],
        "availabilityZone": f"{REGION}a",
        "clusterArn": cluster_arn,
        "containers": [
            container("app", "public.ecr.aws/docker/library/httpd:2.4.65", "036b4462-e0c1-467b-9103-dec662299434"),
            container("log_router", f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/log-router:2.34.3", "9f3c1e2a-77aa"),
        ],
        "cpu": "256",
        "createdAt": at(0, created),
        "desiredStatus": "RUNNING",
        "enableExecuteCommand": False,
        "ephemeralStorage": {"sizeInGiB": 20},
        "group": "service:httpd-service-4c1d2e3",
        "launchType": "FARGATE",
        "lastStatus": last_status,
        "memory": "512",
        "overrides": {"containerOverrides": [{"name": "app"}, {"name": "log_router"}]},
        "platformVersion": "1.4.0",
        "startedBy": "ecs-svc/1234567890123456789",
        "taskArn": task_arn,
        "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/httpd:7",
        "updatedAt": at(158.67, created),
        "version": 3,
    }
    body.update(detail)
    return {
        "version": "0",
        "id": "44f7e6da-de4d-7a11-e35c-c0155c8be065",
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": ACCOUNT_ID,
        "time": (created + timedelta(seconds=158.55)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [task_arn],
        "detail": body,
    }


def stopped(
    cluster_arn: str,
    stop_code: str,
    reason: str,
    exit_codes: tuple[int, int] | None,
    task_id: str = TASK_ID,
    created: datetime = CREATED,
) -> dict[str, Any]:
    """The final event of a task: lastStatus STOPPED with the stop code and reason, exit codes if it ran."""
    event = task_event(
        cluster_arn,
        "STOPPED",
        task_id,
        created,
        desiredStatus="STOPPED",
        stopCode=stop_code,
        stoppedReason=reason,
        stoppingAt=at(127.56, created),
        stoppedAt=at(158.32, created),
        executionStoppedAt=at(157.05, created),
        pullStartedAt=at(2.65, created),
        version=6,
    )
    if exit_codes is not None:  # the task reached RUNNING: its containers have exit codes
        event["detail"].update(
            connectivity="CONNECTED",
            connectivityAt=at(2.45, created),
            pullStoppedAt=at(9.86, created),
            startedAt=at(13.35, created),
        )
        for container, code in zip(event["detail"]["containers"], exit_codes, strict=True):
            container["exitCode"] = code
    return event


def failed_pull(cluster: str) -> dict[str, Any]:
    reason = (
        "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "
        "public.ecr.aws/docker/library/httpd:2.4.99: not found"
    )
    return stopped(cluster, "TaskFailedToStart", reason, None)


def failed_secrets(cluster: str) -> dict[str, Any]:
    reason = (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve secret from asm: service call has been retried 1 time(s)"
    )
    return stopped(cluster, "TaskFailedToStart", reason, None)


def crashed(cluster: str) -> dict[str, Any]:
    return stopped(cluster, "EssentialContainerExited", "Essential container in task exited", (139, 0))


def failed_health_checks(cluster: str) -> dict[str, Any]:
    target_group = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/web-tg-1a2b3c4/0123456789abcdef"
    reason = f"Task failed ELB health checks in (target-group {target_group})"
    return stopped(cluster, "ServiceSchedulerInitiated", reason, (143, 0))


def deployment(cluster: str) -> dict[str, Any]:
    reason = "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)"
    return stopped(cluster, "ServiceSchedulerInitiated", reason, (0, 0))


def scale_in(cluster: str) -> dict[str, Any]:
    return stopped(cluster, "ServiceSchedulerInitiated", "Scaling activity initiated by (service httpd)", (0, 0))


def user_stop(cluster: str) -> dict[str, Any]:
    return stopped(cluster, "UserInitiated", "Task stopped by user", (0, 0))


def spot_interruption(cluster: str) -> dict[str, Any]:
    return stopped(cluster, "SpotInterruption", "Your Spot Task was interrupted.", (0, 0))


def stopping(cluster: str) -> dict[str, Any]:
    """The intermediate event: ECS decided to stop the task (stopCode set) but it has not stopped yet."""
    event = crashed(cluster)
    event["detail"]["lastStatus"] = "DEPROVISIONING"
    return event
