"""The stack's httpd service as recorded: its FirelensService and the EcsCluster it runs in, and the task
definition's containers (tests of the service, its router image and the router's config read them)."""

from __future__ import annotations

from typing import Any

from offline.harness import Evaluation, RecordedResource
from tests.support.helpers import (
    inside,
    only,
    task_containers,
)

COMPONENT = "httpd-firelens:service:FirelensService"


CLUSTER_COMPONENT = "httpd-firelens:service:EcsCluster"


TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


REPOSITORY = "aws:ecr/repository:Repository"


IMAGE = "docker:index/image:Image"


FLUENT_BIT_GRACE_SECONDS = 25  # extra.conf's Grace; the router's stopTimeout must exceed it


def ours(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    """Resources of one type of the httpd service: its FirelensService and the EcsCluster it runs in (both named
    `httpd`, so the cluster is `httpd-cluster`)."""
    return inside(ev, COMPONENT, "httpd", type_token) + inside(ev, CLUSTER_COMPONENT, "httpd", type_token)


def one(ev: Evaluation, type_token: str, label: str | None = None) -> RecordedResource:
    """The httpd service's one resource of a type (named `httpd-<label>` when given)."""
    return only([r for r in ours(ev, type_token) if label is None or r.name == f"httpd-{label}"])


def task_definition(ev: Evaluation) -> dict[str, Any]:
    return one(ev, TASK_DEFINITION).plain_inputs()


def containers(ev: Evaluation) -> dict[str, dict[str, Any]]:
    return task_containers(one(ev, TASK_DEFINITION))
