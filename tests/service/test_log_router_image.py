"""components/service/log_router_image.py and fluentbit/Dockerfile: the ECR repository, its lifecycle policy, and the
router image built for the task's architecture, tagged by content and pushed with ECR credentials."""

from __future__ import annotations

import json
import random
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from components.service.httpd import ROUTER_CONFIG_FILE
from components.service.log_router_image import (
    PLATFORMS,
    TAG_SUFFIX_BYTES,
    TAGGED_IMAGES_KEPT,
    VERSION_BUILD_ARG,
    RouterBuild,
    context_digest,
    docker_platform,
    go_file_mode,
    image_tag,
    lifecycle_policy,
    router_build,
)
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource, mask_secrets
from offline.pulumi_runtime import is_secret
from offline.stack_config import project_declarations
from tests.conftest import PIPELINE_VARIANT, SERVICE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.fluentbit_config import parse_file
from tests.support.helpers import config_value, inside, only
from tests.support.httpd_service import IMAGE, REPOSITORY, containers, task_definition

COMPONENT = "httpd-firelens:logs:LogRouterImage"
RANDOM_ID = "random:index/randomId:RandomId"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
FLUENTBIT_DIR = PROJECT_DIR / "fluentbit"
MOCK_PASSWORD = "offline-mock-password"  # what offline/mocks.py answers for ecr:GetAuthorizationToken


def ours(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(inside(ev, COMPONENT, "log-router", type_token))


def image(ev: Evaluation) -> RecordedResource:
    return ours(ev, IMAGE)


def repository(ev: Evaluation) -> RecordedResource:
    return ours(ev, REPOSITORY)


def tag_suffix(ev: Evaluation) -> RecordedResource:
    return ours(ev, RANDOM_ID)


# --- the image -------------------------------------------------------------------------------------------


def test_the_image_is_pushed_to_the_repository_with_ecr_credentials(stack: Evaluation) -> None:
    pushed = image(stack)
    url = repository(stack).state["repositoryUrl"]
    # The password is a secret, so the whole registry block is encrypted in the state (Pulumi marks the
    # object that holds a secret secret).
    assert is_secret(pushed.inputs["registry"])
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


@pytest.mark.parametrize("variant", [{}, SERVICE_VARIANT], ids=["X86_64", "ARM64"])
def test_the_image_is_built_for_the_task_architecture(variant: dict[str, str]) -> None:
    ev = evaluate_stack("dev", secrets=None, **variant)
    architecture = config_value(ev, "cpuArchitecture")
    assert task_definition(ev)["runtimePlatform"]["cpuArchitecture"] == architecture
    assert image(ev).inputs["build"]["platform"] == PLATFORMS[architecture]


def test_both_architectures_are_built() -> None:
    assert {
        config_value(evaluate_stack("dev", secrets=None, **v), "cpuArchitecture") for v in ({}, SERVICE_VARIANT)
    } == set(PLATFORMS)


def test_an_unknown_architecture_is_refused() -> None:
    with pytest.raises(ValueError, match="s390x"):
        docker_platform("s390x")


def test_the_build_uses_the_fluentbit_context_and_the_configured_version(stack: Evaluation) -> None:
    build = image(stack).inputs["build"]
    version = config_value(stack, "fluentBitVersion")
    assert build["context"] == "fluentbit"
    assert build["dockerfile"] == "fluentbit/Dockerfile"
    assert build["args"] == {VERSION_BUILD_ARG: version}
    tag = image_tag(router_build("fluentbit", version, build["platform"]), tag_suffix(stack).state["hex"])
    assert image(stack).inputs["imageName"] == f"{repository(stack).state['repositoryUrl']}:{tag}"
    assert re.fullmatch(re.escape(version) + r"-[0-9a-f]{12}-[0-9a-f]{8}", tag)
    assert len(tag) <= 128 and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", tag)  # a valid image tag


def test_another_version_is_another_build_and_tag(dev: Evaluation) -> None:
    ev = evaluate_stack("dev", secrets=None, **PIPELINE_VARIANT)
    version = config_value(ev, "fluentBitVersion")
    assert version != config_value(dev, "fluentBitVersion")
    built = image(ev).inputs
    assert built["build"]["args"] == {VERSION_BUILD_ARG: version}
    assert built["imageName"].split(":")[-1].startswith(f"{version}-")


# --- the tag: never repeated, new exactly when pulumi-docker builds ------------------------------------------


def test_the_tag_suffix_keeps_every_input_pulumi_docker_rebuilds_on(stack: Evaluation) -> None:
    """pulumi-docker 5.2.0 (pulumi/pulumi-docker provider/provider.go, `Diff` and `diffUpdates`) rebuilds and
    pushes when any input of the Image differs from the last deployment's, except the registry's username and
    password; its `Check` adds `build.contextDigest`. So the tag suffix must be kept by exactly those inputs:
    every build input, contextDigest included, skipPush, buildOnPreview and the repository (registry server).
    pulumi-random's RandomId regenerates its value when a keeper changes and keeps it otherwise ("keepers:
    Arbitrary map of values that, when changed, will trigger recreation of resource", pulumi_random
    RandomId docs; "Resource Keepers" in https://www.pulumi.com/registry/packages/random/)."""
    keepers = tag_suffix(stack).inputs["keepers"]
    inputs = image(stack).inputs
    for key, value in inputs["build"].items():
        assert keepers[key] == (json.dumps(value, sort_keys=True) if isinstance(value, dict) else value), key
    build = router_build("fluentbit", config_value(stack, "fluentBitVersion"), inputs["build"]["platform"])
    assert keepers["contextDigest"] == build.context_digest
    assert build.context_digest == context_digest(FLUENTBIT_DIR, FLUENTBIT_DIR / "Dockerfile")
    for key in set(inputs) - {"build", "imageName", "registry"}:
        assert keepers[key] == json.dumps(inputs[key]), key
    assert keepers["repository"] == repository(stack).state["repositoryUrl"]
    assert tag_suffix(stack).inputs["byteLength"] == TAG_SUFFIX_BYTES
    assert re.fullmatch(f"[0-9a-f]{{{2 * TAG_SUFFIX_BYTES}}}", tag_suffix(stack).state["hex"])


@pytest.mark.parametrize(
    ("mode", "text"),
    [
        (stat.S_IFREG | 0o644, "-rw-r--r--"),
        (stat.S_IFREG | 0o664, "-rw-rw-r--"),
        (stat.S_IFREG | 0o755, "-rwxr-xr-x"),
        (0, "----------"),
        (stat.S_IFDIR | 0o755, "drwxr-xr-x"),
        (stat.S_IFLNK | 0o777, "Lrwxrwxrwx"),
        (stat.S_IFREG | stat.S_ISUID | 0o755, "urwxr-xr-x"),
        (stat.S_IFCHR | 0o666, "Dcrw-rw-rw-"),
    ],
)
def test_file_modes_are_written_as_go_writes_them(mode: int, text: str) -> None:
    """pulumi-docker hashes `fileMode.String()` of Go's io/fs (letters from "dalTLDpSugct?" for the type and
    special bits, then rwx), so the digest changes with the permission bits a umask leaves."""
    assert go_file_mode(mode) == text


def copy_context(tmp_path: Path, name: str = "fluentbit") -> Path:
    context = tmp_path / name
    shutil.copytree(FLUENTBIT_DIR, context)
    for path in context.iterdir():
        path.chmod(0o644)
    return context


def digest(context: Path) -> str:
    return context_digest(context, context / "Dockerfile")


def test_the_context_digest_tracks_what_pulumi_docker_hashes(tmp_path: Path) -> None:
    """What pulumi-docker's hashContext hashes (provider/provider.go; its own tests in provider_test.go:
    TestHashFilemodeMatters, TestHashRenamingMatters, TestHashIgnoresDockerfileOutsideDirMove): content, names
    and file modes of the context, and the Dockerfile's content whatever its name."""
    context = copy_context(tmp_path)
    original = digest(context)
    assert original == digest(copy_context(tmp_path, "elsewhere"))  # the same files elsewhere: the same digest
    extra = context / "extra.conf"
    extra.write_text(extra.read_text() + "\n")
    assert digest(context) != original
    changed = digest(context)
    extra.chmod(0o664)  # another umask
    assert digest(context) not in (original, changed)
    extra.chmod(0o644)
    assert digest(context) == changed
    (context / "parsers.conf").rename(context / "parsers2.conf")
    assert digest(context) != changed
    # The Dockerfile is hashed under the name "Dockerfile" first: outside the context only its content counts.
    outside = tmp_path / "one.Dockerfile"
    shutil.copy(context / "Dockerfile", outside)
    renamed = tmp_path / "two.Dockerfile"
    shutil.copy(outside, renamed)
    assert context_digest(context, outside) == context_digest(context, renamed)


class ImageTagAlreadyExistsError(Exception):
    """What ECR answers a push of a tag that an immutable repository already holds."""


@dataclass
class FakeEcrRepository:
    """An ECR repository with image tag immutability on: "After tag immutability is turned on, the
    ImageTagAlreadyExistsException error is returned if you push an image with a tag that is already in the
    repository. Tag immutability affects all tags." (Amazon ECR User Guide, "Preventing image tags from being
    overwritten", https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-edit.html). The lifecycle
    policy keeps the newest TAGGED_IMAGES_KEPT tagged images, so a recent tag is still there."""

    url: str = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/log-router"
    tags: list[str] = field(default_factory=list)

    def push(self, tag: str) -> None:
        if tag in self.tags:
            raise ImageTagAlreadyExistsError(f"The image tag '{tag}' already exists in the repository")
        self.tags = [*self.tags, tag][-TAGGED_IMAGES_KEPT:]


def context_snapshot(context: Path) -> tuple[tuple[str, int, bytes], ...]:
    """What pulumi-docker compares of the build context, stated independently of any hash: every file's path,
    permission bits and content."""
    return tuple(
        (path.relative_to(context).as_posix(), stat.S_IMODE(path.stat().st_mode), path.read_bytes())
        for path in sorted(context.rglob("*"))
        if path.is_file()
    )


@dataclass
class Deployments:
    """What the Pulumi engine does with the two resources across `pulumi up` runs, reduced to the behaviour
    relied on: a RandomId keeps its outputs while its keepers are unchanged and draws a new value when they
    change (pulumi-random keepers); the Image builds and pushes when one of its inputs differs from the last
    deployment's (pulumi-docker's Diff) and does nothing otherwise. The tag comes from the component's own code
    (`router_build`, `RouterBuild.keepers`, `image_tag`); `tag_of` lets a test plug in another tag scheme."""

    repository: FakeEcrRepository = field(default_factory=FakeEcrRepository)
    tag_of: Callable[[RouterBuild, str], str] = image_tag
    draws: random.Random = field(default_factory=lambda: random.Random(11))
    keepers: dict[str, str] | None = None
    suffix: str = ""
    image_inputs: dict[str, Any] | None = None
    builds: int = 0

    def up(self, context: Path, version: str = "2.34.3", architecture: str = "X86_64") -> str:
        build = router_build(str(context), version, PLATFORMS[architecture])
        keepers = {**build.keepers(), "repository": self.repository.url}
        if keepers != self.keepers:  # replaced: a new random value
            self.keepers, self.suffix = keepers, self.draws.randbytes(TAG_SUFFIX_BYTES).hex()
        tag = self.tag_of(build, self.suffix)
        inputs = {
            "imageName": f"{self.repository.url}:{tag}",
            "build": {"platform": build.platform, "args": build.args, "context": context_snapshot(context)},
        }
        if inputs != self.image_inputs:  # pulumi-docker: build and push
            self.repository.push(tag)
            self.image_inputs, self.builds = inputs, self.builds + 1
        return tag


def revert_sequence(deploy: Deployments, context: Path) -> list[str]:
    """A -> B -> A for the context, the version and the architecture, then a checkout with another umask."""
    extra = context / "extra.conf"
    original = extra.read_text()
    tags = [deploy.up(context)]
    extra.write_text(original.replace("Flush                     1", "Flush                     2"))
    tags.append(deploy.up(context))
    extra.write_text(original)  # the revert
    tags.append(deploy.up(context))
    tags.append(deploy.up(context, version="2.32.0"))
    tags.append(deploy.up(context))
    tags.append(deploy.up(context, architecture="ARM64"))
    tags.append(deploy.up(context))
    for path in context.iterdir():  # the same files, checked out with umask 002
        path.chmod(0o664)
    tags.append(deploy.up(context))
    return tags


def test_any_sequence_of_changes_and_reverts_deploys(tmp_path: Path) -> None:
    """Reverting fluentbit/, switching fluentBitVersion or cpuArchitecture back, or a checkout whose umask
    changes the file modes pulumi-docker hashes: every change builds, and every build pushes a tag the
    immutable repository has never held (see FakeEcrRepository and Deployments for the documented behaviour)."""
    deploy = Deployments()
    context = copy_context(tmp_path)
    tags = revert_sequence(deploy, context)
    assert deploy.builds == len(tags) == len(set(tags)) == 8
    assert deploy.up(context) == tags[-1] and deploy.builds == 8  # nothing changed: no build, no push
    assert tags[0].startswith("2.34.3-") and tags[3].startswith("2.32.0-")


def test_a_tag_from_the_content_alone_is_refused_on_a_revert(tmp_path: Path) -> None:
    """The control: with a tag derived from the build inputs alone (no random suffix, the scheme this
    component used before), the same sequence fails with ImageTagAlreadyExistsException on the revert."""
    deploy = Deployments(tag_of=lambda build, _suffix: build.tag_prefix())
    with pytest.raises(ImageTagAlreadyExistsError):
        revert_sequence(deploy, copy_context(tmp_path))
    assert deploy.builds == 2  # A, then B; the revert to A is refused


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
        assert repository(ev).inputs["forceDelete"] == (config_value(ev, "forceDestroy") == "true")


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
