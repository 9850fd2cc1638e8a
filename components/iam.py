"""IAM policy documents as plain data: the document wrapper, the trust policy of a service role, the use of a
KMS key through S3, and the name of the roles' permissions boundary.

Every role, key, bucket, topic, queue and log group policy of the stack is built with these, so the policy
language version and the shape of a service trust statement live in one place. Creates no resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

POLICY_VERSION = "2012-10-17"
POLICY_NAME_MAX_LENGTH = 128  # CreatePolicy's PolicyName
# The tags that say which stack of which project a resource or a role belongs to.
PROJECT_TAG_KEY, STACK_TAG_KEY = "project", "stack"


def stack_tags(project: str, stack: str) -> dict[str, str]:
    """The tags the stack's providers put on every resource they create (their default tags)."""
    return {PROJECT_TAG_KEY: project, STACK_TAG_KEY: stack, "managed-by": "pulumi"}


def another_stacks(tags: str, project: str, stack: str) -> dict[str, dict[str, str]]:
    """A condition that holds when the tags a request names (`aws:<tags>/<key>`: PrincipalTag, ResourceTag or
    RequestTag) are those of another stack of the project: the project's tag, and a stack tag with another value.
    Something untagged, or another project's, does not meet it: the stack key must be there (`Null: false`), for
    StringNotEquals alone holds without it ("If the policy condition requires that the key is not matched ... and
    the right key is not present, the condition is true", IAM user guide, "Condition operators"). So a Deny on it
    (the deploy role's, every bucket's) can only refuse the project's other stacks, never a shared resource."""
    project_key, stack_key = f"aws:{tags}/{PROJECT_TAG_KEY}", f"aws:{tags}/{STACK_TAG_KEY}"
    return {"StringEquals": {project_key: project}, "Null": {stack_key: "false"}, "StringNotEquals": {stack_key: stack}}


def role_boundary_policy_name(project: str, stack: str) -> str:
    """The managed policy every role of the stack carries as its permissions boundary. An administrator creates it
    (docs/ADOPTING.md, section 3; `python -m offline deploy-policy --role boundary` prints it), never the stack: the
    deploy role may create and change roles only with this boundary, and cannot change the boundary itself."""
    return f"{project}-{stack}-role-boundary"


def policy_document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    """An IAM policy document holding `statements`, in order."""
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def service_trust_policy(sid: str, service: str, condition: Mapping[str, Any]) -> dict[str, Any]:
    """A role trust policy: only `service` (e.g. "firehose.amazonaws.com") may assume the role, and only when
    `condition` holds (the confused-deputy keys `aws:SourceAccount` / `aws:SourceArn`)."""
    return policy_document(
        {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": dict(condition),
        }
    )


def kms_key_through_s3_statement(
    sid: str,
    key_arn: pulumi.Input[str],
    region: pulumi.Input[str],
    dns_suffix: pulumi.Input[str],
    bucket_arns: Sequence[pulumi.Input[str]],
) -> dict[str, Any]:
    """Use a KMS key for S3 objects (encrypt and decrypt), only through S3 in `region` and only for these buckets.
    With an S3 Bucket Key the encryption context is the bucket's ARN, without one the object's: both are allowed."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": key_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": pulumi.Output.format("s3.{0}.{1}", region, dns_suffix)},
            "StringLike": {
                "kms:EncryptionContext:aws:s3:arn": [
                    arn for bucket in bucket_arns for arn in (bucket, pulumi.Output.format("{0}/*", bucket))
                ]
            },
        },
    }
