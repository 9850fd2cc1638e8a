"""STUB (to be replaced): ECR repository and the Fluent Bit log router image built from fluentbit/."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class LogRouterImageArgs:
    fluent_bit_version: str
    cpu_architecture: str  # X86_64 | ARM64
    force_delete: bool = False
    context_dir: str = "fluentbit"


class LogRouterImage(pulumi.ComponentResource):
    repository_url: pulumi.Output[str]
    repository_name: pulumi.Output[str]
    repository_arn: pulumi.Output[str]
    image_ref: pulumi.Output[str]  # <repositoryUrl>@sha256:<digest>, what the task definition uses

    def __init__(self, name: str, args: LogRouterImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:logs:LogRouterImage", name, None, opts)
        stub = pulumi.Output.from_input("stub")
        self.repository_url = stub
        self.repository_name = stub
        self.repository_arn = stub
        self.image_ref = stub
        self.register_outputs({"imageRef": self.image_ref})
