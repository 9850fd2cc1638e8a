"""The FireLens log router's image: an ECR repository, and the Fluent Bit image built from `fluentbit/` and
pushed to it.

Creates:
- the ECR repository: scan on push, immutable tags, AES256 encryption; force-delete only when the stack
  allows it (dev), so `pulumi destroy` of a protected stack never discards images;
- a lifecycle policy: untagged images expire after a day, and only the newest tagged images are kept (more
  than the one a rollback to the previous task definition revision needs);
- a tag suffix (pulumi-random `RandomId`) whose keepers are everything pulumi-docker rebuilds on (the build
  context's digest computed the way pulumi-docker computes it, file modes included; the Dockerfile, the
  platform, the build args, the repository): a new random value exactly when a build happens;
- the image (pulumi-docker), built from `fluentbit/` for the task's CPU architecture on the pinned
  aws-for-fluent-bit version, tagged `<version>-<hash of the keepers>-<random suffix>`. Tags are immutable,
  so a tag must never repeat: a revert (A -> B -> A), a version or architecture switched back, or a checkout
  with another umask (pulumi-docker hashes file modes) all rebuild, and each build gets a tag the repository
  has never held. A new tag is a new digest and a new task definition revision. The image is pushed with
  ECR credentials fetched at deploy time; the password is a secret and never exported.
Needs: the aws-for-fluent-bit version and the task CPU architecture (settings). `pulumi up` needs a Docker
engine (with emulation to build for the other architecture); `pulumi preview` does not, pulumi-docker only
builds on preview when asked to.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_docker as docker
import pulumi_random as random

from components.archive.log_archive import LogArchive
from components.service.firelens_service import LogRouter
from configuration.limits import CPU_ARCHITECTURE_PLATFORMS

PROJECT_DIR = Path(__file__).resolve().parents[2]
PLATFORMS = CPU_ARCHITECTURE_PLATFORMS  # ECS cpuArchitecture -> Docker platform
VERSION_BUILD_ARG = "FLUENT_BIT_VERSION"  # the Dockerfile's ARG for the aws-for-fluent-bit tag
UNTAGGED_EXPIRY_DAYS = 1  # an untagged image is a failed or superseded push, never referenced by a task
TAGGED_IMAGES_KEPT = 10  # every config change pushes one: enough history to roll back several revisions
TAG_HASH_LENGTH = 12
TAG_SUFFIX_BYTES = 4  # 8 hex digits: new on every build, so a tag never repeats
SKIP_PUSH = False
BUILD_ON_PREVIEW = False  # `pulumi preview` needs no Docker engine
DOCKERFILE_NAME = "Dockerfile"  # pulumi-docker hashes the Dockerfile under this name, wherever it is


@dataclass(frozen=True)
class LogRouterImageArgs:
    fluent_bit_version: str
    """aws-for-fluent-bit release the image builds on, an exact version such as 2.34.3."""
    cpu_architecture: str
    """The task's CPU architecture, X86_64 or ARM64; the image is built for it."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete the repository with its images. Only for disposable stacks."""
    context_dir: str = "fluentbit"
    """The build context, relative to the project directory (where Pulumi runs the program)."""


def docker_platform(cpu_architecture: str) -> str:
    if cpu_architecture not in PLATFORMS:
        raise ValueError(f"cpu architecture {cpu_architecture!r} is not one of {sorted(PLATFORMS)}")
    return PLATFORMS[cpu_architecture]


# Go's fs.FileMode.String(): one letter per type/special bit set, in this order, then rwx for the permissions.
_GO_MODE_LETTERS = "dalTLDpSugct?"


def go_file_mode(st_mode: int) -> str:
    """An lstat mode as Go's `os.Lstat(...).Mode().String()` prints it, e.g. `-rw-r--r--`, `Lrwxrwxrwx`."""
    kind = stat.S_IFMT(st_mode)
    letters = {
        "d": kind == stat.S_IFDIR,
        "L": kind == stat.S_IFLNK,
        "D": kind in (stat.S_IFBLK, stat.S_IFCHR),
        "p": kind == stat.S_IFIFO,
        "S": kind == stat.S_IFSOCK,
        "u": bool(st_mode & stat.S_ISUID),
        "g": bool(st_mode & stat.S_ISGID),
        "c": kind == stat.S_IFCHR,
        "t": bool(st_mode & stat.S_ISVTX),
    }
    prefix = "".join(letter for letter in _GO_MODE_LETTERS if letters.get(letter)) or "-"
    permissions = "".join(c if st_mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))
    return prefix + permissions


def _walk(directory: Path, relative: str = "") -> list[tuple[Path, str]]:
    """Every non-directory entry under `directory`, in Go's filepath.Walk order (names in byte order per
    directory, symbolic links not followed), as (path, path relative to the root with "/")."""
    found: list[tuple[Path, str]] = []
    for name in sorted(os.listdir(directory), key=os.fsencode):
        path = directory / name
        rel = f"{relative}{name}"
        if stat.S_ISDIR(os.lstat(path).st_mode):
            found += _walk(path, f"{rel}/")
        else:
            found.append((path, rel))
    return found


def _entry_digest(path: Path, st_mode: int) -> bytes:
    """What pulumi-docker hashes for one entry: a regular file's bytes; a symbolic link's resolved path."""
    if stat.S_ISLNK(st_mode):
        return hashlib.sha256(os.path.relpath(os.path.realpath(path), PROJECT_DIR).encode()).digest()
    if stat.S_ISREG(st_mode):
        return hashlib.sha256(path.read_bytes()).digest()
    return hashlib.sha256(b"").digest()


def context_digest(context_dir: Path, dockerfile: Path) -> str:
    """The build context's digest, computed the way pulumi-docker 5.2.0 computes its `contextDigest`
    (provider/provider.go, `hashContext`/`hashPath`): the Dockerfile under the name "Dockerfile" with mode 0,
    then every non-directory entry of the context in walk order, each as its relative path, its Go mode string
    (file modes included: a different umask is a different digest) and the sha256 of its content, then NUL;
    the sha256 of all that in hex. Unlike pulumi-docker it does not apply a .dockerignore: an ignored file's
    change then gives a new tag and a build pulumi-docker would have skipped, never the reverse."""
    accumulator = bytearray()

    def add(relative: str, mode_string: str, content_digest: bytes) -> None:
        accumulator.extend(relative.encode() + mode_string.encode() + content_digest + b"\0")

    add(DOCKERFILE_NAME, go_file_mode(0), hashlib.sha256(dockerfile.read_bytes()).digest())
    for path, relative in _walk(context_dir):
        st_mode = os.lstat(path).st_mode
        add(relative, go_file_mode(st_mode), _entry_digest(path, st_mode))
    return hashlib.sha256(bytes(accumulator)).hexdigest()


@dataclass(frozen=True)
class RouterBuild:
    """The image build: one description that both the docker.Image inputs and the tag keepers come from."""

    context: str  # relative to the project directory, as pulumi-docker receives it
    dockerfile: str
    platform: str
    args: dict[str, str]
    context_digest: str

    @property
    def version(self) -> str:
        return self.args[VERSION_BUILD_ARG]

    def keepers(self) -> dict[str, str]:
        """Every build input pulumi-docker compares to decide on a rebuild (besides the image name and the
        registry, which the component adds): a change to any of them replaces the tag suffix."""
        return {
            "context": self.context,
            "dockerfile": self.dockerfile,
            "platform": self.platform,
            "args": json.dumps(self.args, sort_keys=True),
            "contextDigest": self.context_digest,
            "skipPush": json.dumps(SKIP_PUSH),
            "buildOnPreview": json.dumps(BUILD_ON_PREVIEW),
        }

    def tag_prefix(self) -> str:
        """`<version>-<first hex digits of a sha256 over the keepers>`: names what the image was built from."""
        digest = hashlib.sha256(json.dumps(self.keepers(), sort_keys=True).encode()).hexdigest()
        return f"{self.version}-{digest[:TAG_HASH_LENGTH]}"


def router_build(context_dir: str, fluent_bit_version: str, platform: str) -> RouterBuild:
    dockerfile = f"{context_dir}/{DOCKERFILE_NAME}"
    return RouterBuild(
        context=context_dir,
        dockerfile=dockerfile,
        platform=platform,
        args={VERSION_BUILD_ARG: fluent_bit_version},
        context_digest=context_digest(PROJECT_DIR / context_dir, PROJECT_DIR / dockerfile),
    )


def image_tag(build: RouterBuild, suffix_hex: str) -> str:
    """The pushed tag: `<version>-<keepers hash>-<random suffix>`; the suffix is new whenever a keeper changes."""
    return f"{build.tag_prefix()}-{suffix_hex}"


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
    repository_arn: pulumi.Output[str]
    image_ref: pulumi.Output[str]  # <repositoryUrl>@sha256:<digest>, what the task definition uses

    def __init__(self, name: str, args: LogRouterImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:logs:LogRouterImage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        build = router_build(args.context_dir, args.fluent_bit_version, docker_platform(args.cpu_architecture))

        repository = aws.ecr.Repository(
            f"{name}-repo",
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")],
            force_delete=args.force_destroy,  # the provider's name for it
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=repository.name,
            policy=json.dumps(lifecycle_policy()),
            opts=child,
        )
        # Kept while the build inputs stay the same, regenerated when any changes (a revert included): the
        # pushed tag is new exactly when pulumi-docker builds, so an immutable repository never refuses it.
        suffix = random.RandomId(
            f"{name}-tag-suffix",
            byte_length=TAG_SUFFIX_BYTES,
            keepers={**build.keepers(), "repository": repository.repository_url},
            opts=child,
        )
        # A token for this registry, fetched on every deployment (tokens last 12 hours).
        token = aws.ecr.get_authorization_token_output(
            registry_id=repository.registry_id, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        image = docker.Image(
            f"{name}-image",
            image_name=pulumi.Output.concat(
                repository.repository_url, ":", suffix.hex.apply(lambda hex_: image_tag(build, hex_))
            ),
            build=docker.DockerBuildArgs(
                context=build.context, dockerfile=build.dockerfile, platform=build.platform, args=build.args
            ),
            registry=docker.RegistryArgs(
                server=repository.repository_url.apply(lambda url: url.split("/", 1)[0]),
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            ),
            skip_push=SKIP_PUSH,
            build_on_preview=BUILD_ON_PREVIEW,
            opts=child,
        )

        self.repository_url = repository.repository_url
        self.repository_arn = repository.arn
        self.image_ref = image.repo_digest
        self.register_outputs({"repositoryUrl": self.repository_url, "imageRef": self.image_ref})

    def router(self, archive: LogArchive, memory_reservation_mib: int) -> LogRouter:
        """The FireLens sidecar of every service: this image, delivering to `archive`'s stream."""
        return LogRouter(
            self.image_ref,
            self.repository_arn,
            archive.delivery_stream_name,
            archive.delivery_stream_arn,
            memory_reservation_mib,
        )
