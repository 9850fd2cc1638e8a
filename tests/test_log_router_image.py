"""components/log_router_image.py and fluentbit/Dockerfile: the ECR repository, its lifecycle policy, and the
router image built for the task's architecture, tagged by content and pushed with ECR credentials."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from components.log_router_image import (
    PLATFORMS,
    TAGGED_IMAGES_KEPT,
    VERSION_BUILD_ARG,
    content_tag,
    docker_platform,
    lifecycle_policy,
)
from components.service import ROUTER_CONFIG_FILE
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource, mask_secrets
from offline.stack_config import project_declarations
from tests.aws_api import validate_request
from tests.conftest import evaluate_stack
from tests.fluentbit_config import parse_file
from tests.test_service import IMAGE, REPOSITORY, containers, inside, task_definition

COMPONENT = "httpd-firelens:logs:LogRouterImage"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
FLUENTBIT_DIR = PROJECT_DIR / "fluentbit"
MOCK_PASSWORD = "offline-mock-password"  # what offline/mocks.py answers for ecr:GetAuthorizationToken


def ours(ev: Evaluation, type_token: str) -> RecordedResource:
    (found,) = inside(ev, COMPONENT, "log-router", type_token)
    return found


def image(ev: Evaluation) -> RecordedResource:
    return ours(ev, IMAGE)


def repository(ev: Evaluation) -> RecordedResource:
    return ours(ev, REPOSITORY)


def setting(ev: Evaluation, key: str) -> str:
    return ev.config.values[f"httpd-firelens:{key}"]


# --- the image -------------------------------------------------------------------------------------------


def test_the_image_is_pushed_to_the_repository_with_ecr_credentials(stack: Evaluation) -> None:
    pushed = image(stack)
    url = repository(stack).state["repositoryUrl"]
    # The password is a secret, so the whole registry block is encrypted in the state (Pulumi marks the
    # object that holds a secret secret).
    assert rpc.is_rpc_secret(pushed.inputs["registry"])
    registry = pushed.plain_inputs()["registry"]
    assert registry["server"] == url.split("/", 1)[0] == pushed.state["registryServer"]
    assert re.fullmatch(r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com", registry["server"])
    assert registry["username"] == "AWS"
    assert registry["password"] == MOCK_PASSWORD
    assert pushed.inputs["skipPush"] is False
    assert pushed.inputs["buildOnPreview"] is False  # previews need no Docker engine
    assert pushed.inputs["imageName"].startswith(f"{url}:")


def test_the_registry_password_never_leaves_as_plain_text(stack: Evaluation) -> None:
    assert mask_secrets(image(stack).inputs)["registry"] == "[secret]"
    assert MOCK_PASSWORD not in json.dumps(stack.outputs)
    assert MOCK_PASSWORD not in json.dumps([mask_secrets(r.inputs) for r in stack.resources])


def test_the_task_definition_runs_the_pushed_digest(stack: Evaluation) -> None:
    digest = image(stack).state["repoDigest"]
    assert containers(stack)["log_router"]["image"] == digest
    assert re.fullmatch(re.escape(repository(stack).state["repositoryUrl"]) + r"@sha256:[0-9a-f]{64}", digest)


@pytest.mark.parametrize(("architecture", "platform"), sorted(PLATFORMS.items()))
def test_the_image_is_built_for_the_task_architecture(architecture: str, platform: str) -> None:
    ev = evaluate_stack("dev", cpuArchitecture=architecture)
    assert task_definition(ev)["runtimePlatform"]["cpuArchitecture"] == architecture
    assert image(ev).inputs["build"]["platform"] == platform


def test_an_unknown_architecture_is_refused() -> None:
    with pytest.raises(ValueError, match="s390x"):
        docker_platform("s390x")


def test_the_build_uses_the_fluentbit_context_and_the_configured_version(stack: Evaluation) -> None:
    build = image(stack).inputs["build"]
    version = setting(stack, "fluentBitVersion")
    assert build["context"] == "fluentbit"
    assert build["dockerfile"] == "fluentbit/Dockerfile"
    assert build["args"] == {VERSION_BUILD_ARG: version}
    tag = content_tag(FLUENTBIT_DIR, version, build["platform"])
    assert image(stack).inputs["imageName"] == f"{repository(stack).state['repositoryUrl']}:{tag}"


def test_another_version_is_another_build_and_tag() -> None:
    ev = evaluate_stack("dev", fluentBitVersion="2.32.0")
    built = image(ev).inputs
    assert built["build"]["args"] == {VERSION_BUILD_ARG: "2.32.0"}
    assert built["imageName"].split(":")[-1].startswith("2.32.0-")


def test_the_tag_follows_the_content(tmp_path: Path) -> None:
    context = tmp_path / "fluentbit"
    shutil.copytree(FLUENTBIT_DIR, context)
    platform = PLATFORMS["X86_64"]
    original = content_tag(context, "2.34.3", platform)
    assert original == content_tag(FLUENTBIT_DIR, "2.34.3", platform)  # the copy: same content, same tag
    assert re.fullmatch(r"2\.34\.3-[0-9a-f]{12}", original)
    assert len(original) <= 128 and re.fullmatch(r"[A-Za-z0-9_.-]+", original)  # a valid image tag

    assert content_tag(context, "2.34.4", platform) != original
    assert content_tag(context, "2.34.3", PLATFORMS["ARM64"]) != original
    extra = context / "extra.conf"
    extra.write_text(extra.read_text().replace("Flush                     1", "Flush                     2"))
    changed = content_tag(context, "2.34.3", platform)
    assert changed != original
    (context / "parsers.conf").rename(context / "parsers2.conf")  # a rename changes the image too
    assert content_tag(context, "2.34.3", platform) not in (original, changed)


# --- the repository --------------------------------------------------------------------------------------


def test_the_repository_is_hardened(stack: Evaluation) -> None:
    inputs = repository(stack).inputs
    assert inputs["imageTagMutability"] == "IMMUTABLE"
    assert inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}]


def test_only_disposable_stacks_force_delete_the_repository(dev: Evaluation, prod: Evaluation) -> None:
    assert repository(dev).inputs["forceDelete"] is True
    assert repository(prod).inputs["forceDelete"] is False
    for ev in (dev, prod):
        assert repository(ev).inputs["forceDelete"] == (setting(ev, "forceDestroy") == "true")


def lifecycle_problems(policy: dict[str, Any]) -> list[str]:
    """What ECR's PutLifecyclePolicy rejects in a policy document (Amazon ECR User Guide, "Lifecycle policy
    properties"); botocore's model only knows the document is a string."""
    problems: list[str] = []
    rules = policy.get("rules", [])
    priorities = [rule.get("rulePriority") for rule in rules]
    if not rules:
        problems.append("no rules")
    if len(set(priorities)) != len(priorities) or not all(isinstance(p, int) and p >= 1 for p in priorities):
        problems.append(f"rulePriority must be unique integers >= 1: {priorities}")
    for rule in rules:
        selection = rule.get("selection", {})
        where = f"rule {rule.get('rulePriority')}"
        status = selection.get("tagStatus")
        patterns = selection.get("tagPatternList", []) + selection.get("tagPrefixList", [])
        if status not in ("tagged", "untagged", "any"):
            problems.append(f"{where}: tagStatus {status!r}")
        if status == "tagged" and not patterns:
            problems.append(f"{where}: tagged needs tagPatternList or tagPrefixList")
        if status != "tagged" and patterns:
            problems.append(f"{where}: only tagged rules take tag lists")
        if any(pattern.count("*") > 4 for pattern in selection.get("tagPatternList", [])):
            problems.append(f"{where}: at most 4 wildcards per pattern")
        if status == "any" and rule.get("rulePriority") != max(priorities):
            problems.append(f"{where}: an 'any' rule must have the highest rulePriority")
        count_type = selection.get("countType")
        if count_type == "sinceImagePushed" and selection.get("countUnit") != "days":
            problems.append(f"{where}: sinceImagePushed needs countUnit days")
        if count_type == "imageCountMoreThan" and "countUnit" in selection:
            problems.append(f"{where}: imageCountMoreThan takes no countUnit")
        if count_type not in ("sinceImagePushed", "imageCountMoreThan"):
            problems.append(f"{where}: countType {count_type!r}")
        if not (isinstance(selection.get("countNumber"), int) and selection["countNumber"] >= 1):
            problems.append(f"{where}: countNumber must be an integer >= 1")
        if rule.get("action") != {"type": "expire"}:
            problems.append(f"{where}: the only action is expire")
    return problems


def test_the_lifecycle_policy_is_valid_and_bounded(stack: Evaluation) -> None:
    recorded = ours(stack, LIFECYCLE)
    assert recorded.inputs["repository"] == repository(stack).state["name"]
    document = json.loads(recorded.inputs["policy"])
    assert document == lifecycle_policy()
    request = {"repositoryName": recorded.inputs["repository"], "lifecyclePolicyText": recorded.inputs["policy"]}
    assert validate_request("ecr", "PutLifecyclePolicy", request) == []
    assert lifecycle_problems(document) == []
    selections = {rule["selection"]["tagStatus"]: rule["selection"] for rule in document["rules"]}
    assert selections["untagged"]["countType"] == "sinceImagePushed"
    # Keeping more than one tagged image lets the circuit breaker roll back to the previous revision's image.
    assert selections["tagged"] == {
        "tagStatus": "tagged",
        "tagPatternList": ["*"],
        "countType": "imageCountMoreThan",
        "countNumber": TAGGED_IMAGES_KEPT,
    }
    assert TAGGED_IMAGES_KEPT >= 2


@pytest.mark.parametrize(
    "broken",
    [
        {"rules": []},
        {"rules": [{**lifecycle_policy()["rules"][0], "rulePriority": 2}, lifecycle_policy()["rules"][1]]},
        {"rules": [{**lifecycle_policy()["rules"][0], "action": {"type": "delete"}}]},
        {"rules": [{**lifecycle_policy()["rules"][1], "selection": {"tagStatus": "tagged", "countNumber": 3}}]},
    ],
)
def test_the_lifecycle_check_catches_what_ecr_rejects(broken: dict[str, Any]) -> None:
    assert lifecycle_problems(broken) != []


# --- the Dockerfile --------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    instructions = []
    for line in (FLUENTBIT_DIR / "Dockerfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_the_dockerfile_builds_on_the_pinned_version() -> None:
    instructions = dockerfile()
    (arg,) = [rest for keyword, rest in instructions if keyword == "ARG"]
    (base,) = [rest for keyword, rest in instructions if keyword == "FROM"]
    name, _, default = arg.partition("=")
    assert name == VERSION_BUILD_ARG
    _, declarations = project_declarations(PROJECT_DIR)
    assert default == declarations["fluentBitVersion"]["default"]
    assert base == f"public.ecr.aws/aws-observability/aws-for-fluent-bit:${{{VERSION_BUILD_ARG}}}"
    assert instructions[0][0] == "ARG"  # an ARG used in FROM must come before it


def test_the_dockerfile_puts_the_config_where_firelens_and_extra_conf_look() -> None:
    copies = {source: target for source, _, target in (r.partition(" ") for k, r in dockerfile() if k == "COPY")}
    assert copies["extra.conf"] == ROUTER_CONFIG_FILE
    (service,) = parse_file(FLUENTBIT_DIR / "extra.conf").of_kind("SERVICE")
    assert copies["parsers.conf"] == service.one("Parsers_File")
    assert all((FLUENTBIT_DIR / source).is_file() for source in copies)
    assert copies["parsers.conf"] != "/fluent-bit/etc/fluent-bit.conf" != copies["extra.conf"]  # FireLens's own
