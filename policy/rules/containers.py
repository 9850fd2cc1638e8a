"""Container images and tasks: ECR scans on push, images pinned, and in protected stacks read-only root filesystems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from configuration.limits import image_pin_problem
from policy.rules.base import StackResource, Violation, as_list, json_input, known, off, protected, stack_of

ECR_REPOSITORY = "aws:ecr/repository:Repository"


def check_ecr_scan_on_push(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != ECR_REPOSITORY:
        return []
    scanning = props.get("imageScanningConfiguration")
    if not known(scanning) or (isinstance(scanning, dict) and not off(scanning.get("scanOnPush"))):
        return []
    return ["imageScanningConfiguration.scanOnPush must be true"]


TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


def _containers(props: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """A task definition's container definitions (those that are objects), and why its JSON cannot be read."""
    containers, problems = json_input(props.get("containerDefinitions"), "containerDefinitions")
    return [c for c in as_list(containers) if isinstance(c, dict)], problems


def check_pinned_images(type_: str, props: dict[str, Any]) -> list[str]:
    if type_ != TASK_DEFINITION:
        return []
    containers, problems = _containers(props)
    for container in containers:
        image = container.get("image")
        if isinstance(image, str) and (problem := image_pin_problem(image)):
            problems.append(f"container {container.get('name')}: {problem}")
    return problems


def check_prod_read_only_roots(resources: Sequence[StackResource]) -> list[Violation]:
    violations: list[Violation] = []
    for task in (r for r in resources if r.type == TASK_DEFINITION and protected(r)):
        # An unparsable document is task-definition-pinned-images' finding already.
        containers, _ = _containers(task.props)
        writable = [str(c.get("name")) for c in containers if off(c.get("readonlyRootFilesystem"))]
        if writable:
            violations.append(
                Violation(
                    task,
                    f"stack {stack_of(task.urn)}: container(s) {', '.join(writable)} without readonlyRootFilesystem "
                    "true: give the paths the app writes to a volume (writable_paths) instead",
                )
            )
    return violations
