"""The FireLens log router's image: an ECR repository, and the Fluent Bit image built from `fluentbit/` and
pushed to it.

Creates:
- the ECR repository: scan on push, immutable tags, AES256 encryption; force-delete only when the stack
  allows it (dev), so `pulumi destroy` of a protected stack never discards images;
- a lifecycle policy: untagged images expire after a day, and only the newest tagged images are kept (more
  than the one a rollback to the previous task definition revision needs);
- the image (pulumi-docker), built from `fluentbit/` for the task's CPU architecture on the pinned
  aws-for-fluent-bit version, tagged by content (`<version>-<hash of the build context>`): a config change is
  a new tag (tags are immutable), hence a new digest and a new task definition revision. It is pushed with
  ECR credentials fetched at deploy time; the password is a secret and never exported.
Needs: the aws-for-fluent-bit version and the task CPU architecture (settings). `pulumi up` needs a Docker
engine (with emulation to build for the other architecture); `pulumi preview` does not, pulumi-docker only
builds on preview when asked to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_docker as docker

PROJECT_DIR = Path(__file__).resolve().parent.parent
PLATFORMS = {"X86_64": "linux/amd64", "ARM64": "linux/arm64"}  # ECS cpuArchitecture -> Docker platform
VERSION_BUILD_ARG = "FLUENT_BIT_VERSION"  # the Dockerfile's ARG for the aws-for-fluent-bit tag
UNTAGGED_EXPIRY_DAYS = 1  # an untagged image is a failed or superseded push, never referenced by a task
TAGGED_IMAGES_KEPT = 10  # every config change pushes one: enough history to roll back several revisions
TAG_HASH_LENGTH = 12


@dataclass(frozen=True)
class LogRouterImageArgs:
    fluent_bit_version: str
    """aws-for-fluent-bit release the image builds on, an exact version such as 2.34.3."""
    cpu_architecture: str
    """The task's CPU architecture, X86_64 or ARM64; the image is built for it."""
    force_delete: bool = False
    """Let `pulumi destroy` delete the repository with its images. Only for disposable stacks."""
    context_dir: str = "fluentbit"
    """The build context, relative to the project directory (where Pulumi runs the program)."""


def docker_platform(cpu_architecture: str) -> str:
    if cpu_architecture not in PLATFORMS:
        raise ValueError(f"cpu architecture {cpu_architecture!r} is not one of {sorted(PLATFORMS)}")
    return PLATFORMS[cpu_architecture]


def content_tag(context_dir: Path, fluent_bit_version: str, platform: str) -> str:
    """`<version>-<first hex digits of a sha256>` over every file of the build context (path and bytes), the
    version and the platform: whatever changes the image changes the tag."""
    digest = hashlib.sha256(f"{fluent_bit_version}\0{platform}\0".encode())
    for path in sorted(p for p in context_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(context_dir).as_posix().encode()
        contents = path.read_bytes()
        # Lengths first, so that no two different contexts hash the same byte stream.
        digest.update(f"{len(relative)}:{len(contents)}:".encode() + relative + contents)
    return f"{fluent_bit_version}-{digest.hexdigest()[:TAG_HASH_LENGTH]}"


def lifecycle_policy() -> dict[str, Any]:
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {UNTAGGED_EXPIRY_DAYS} day",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": UNTAGGED_EXPIRY_DAYS,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the {TAGGED_IMAGES_KEPT} newest tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPatternList": ["*"],
                    "countType": "imageCountMoreThan",
                    "countNumber": TAGGED_IMAGES_KEPT,
                },
                "action": {"type": "expire"},
            },
        ]
    }


class LogRouterImage(pulumi.ComponentResource):
    repository_url: pulumi.Output[str]
    repository_name: pulumi.Output[str]
    repository_arn: pulumi.Output[str]
    image_ref: pulumi.Output[str]  # <repositoryUrl>@sha256:<digest>, what the task definition uses

    def __init__(self, name: str, args: LogRouterImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:logs:LogRouterImage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        platform = docker_platform(args.cpu_architecture)
        context = PROJECT_DIR / args.context_dir
        tag = content_tag(context, args.fluent_bit_version, platform)

        repository = aws.ecr.Repository(
            f"{name}-repo",
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")],
            force_delete=args.force_delete,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=repository.name,
            policy=json.dumps(lifecycle_policy()),
            opts=child,
        )
        # A token for this registry, fetched on every deployment (tokens last 12 hours).
        token = aws.ecr.get_authorization_token_output(
            registry_id=repository.registry_id, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        image = docker.Image(
            f"{name}-image",
            image_name=pulumi.Output.concat(repository.repository_url, ":", tag),
            build=docker.DockerBuildArgs(
                context=args.context_dir,
                dockerfile=f"{args.context_dir}/Dockerfile",
                platform=platform,
                args={VERSION_BUILD_ARG: args.fluent_bit_version},
            ),
            registry=docker.RegistryArgs(
                server=repository.repository_url.apply(lambda url: url.split("/", 1)[0]),
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            ),
            skip_push=False,
            opts=child,
        )

        self.repository_url = repository.repository_url
        self.repository_name = repository.name
        self.repository_arn = repository.arn
        self.image_ref = image.repo_digest
        self.register_outputs({"repositoryUrl": self.repository_url, "imageRef": self.image_ref})
