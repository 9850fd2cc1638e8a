"""A private S3 bucket with the hardening every bucket of this project gets, in one place.

Creates:
- the bucket (autonamed from the component's name; `force_destroy` and Pulumi `protect` as given);
- default encryption: SSE-S3, or SSE-KMS with an S3 Bucket Key when `kms_key_arn` is given (the Bucket Key
  cuts the KMS requests, and so their cost and throttling, from one per object to one per bucket and period);
- a public access block with all four flags on, and `BucketOwnerEnforced` object ownership (ACLs off);
- versioning: a deleted or overwritten object stays recoverable as a noncurrent version;
- with `object_lock_days`, S3 Object Lock in governance mode as the bucket's default retention: every new object
  version is locked for that many days (it cannot be deleted or overwritten by anyone without
  `s3:BypassGovernanceRetention`). Enabled through PutObjectLockConfiguration on the versioned bucket, never through
  the bucket's own `object_lock_enabled` (which replaces an existing bucket), so it can be turned on for a bucket
  that already holds data;
- a lifecycle rule expiring every object after `expiration_days` (in a versioned bucket: a delete marker, the data
  becomes noncurrent), deleting noncurrent versions `noncurrent_version_expiration_days` after that (never before
  their lock ends) and aborting multipart uploads left incomplete, which otherwise keep costing storage without
  ever showing up as objects;
- the bucket policy: the caller's statements (built from the bucket ARN) followed by a Deny of every
  request made without TLS and a Deny of every request by a role of another stack of the project (a principal
  tagged with the project and another stack, as the roles each stack creates are and its deploy role is:
  docs/ADOPTING.md). S3 evaluates no resource tags in the deploy role's policies unless a bucket has ABAC
  enabled, which would stop the provider's tagging calls, so the bucket itself keeps the other stacks out.
S3 rejects concurrent configuration calls on one bucket (OperationAborted), so these are created one after
another: ownership, public access block, encryption, versioning, object lock, lifecycle, policy.
Needs: nothing but its args. Exposes the bucket name, its ARN and the bucket policy resource, so that a
service which checks the policy when it is configured (ALB access logs) can depend on it; depending on the
policy also waits for the rest of the bucket's configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import another_stacks, policy_document
from components.problems import Problem, raise_problems

# Statements to put in the bucket policy besides the TLS-only Deny, built from the bucket ARN.
PolicyStatements = Callable[[pulumi.Output[str]], Sequence[Mapping[str, Any]]]


VERSIONING_STATUS = "Enabled"
OBJECT_LOCK_ENABLED = "Enabled"  # the only value PutObjectLockConfiguration takes
# Governance, not compliance: an operator with s3:BypassGovernanceRetention can still remove a version locked by
# mistake; in compliance mode nobody, not even the root user, can before its date.
OBJECT_LOCK_MODE = "GOVERNANCE"


def no_statements(_bucket_arn: pulumi.Output[str]) -> Sequence[Mapping[str, Any]]:
    return ()


@dataclass(frozen=True)
class BucketChoices:
    """What a stack chooses for every bucket it keeps logs in: how long objects and their replaced versions live,
    whether `pulumi destroy` may empty it, whether Pulumi protects it."""

    expiration_days: int
    """Days after which every object expires."""
    noncurrent_version_expiration_days: int = 30
    """Days a deleted, overwritten or expired object stays recoverable (the buckets are versioned)."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete the bucket with its objects. Only for disposable stacks."""
    protect: bool = False
    """Pulumi `protect` on the bucket."""


@dataclass(frozen=True)
class PrivateBucketArgs:
    expiration_days: int
    """Days after which every object expires (the lifecycle rule covers the whole bucket)."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete the bucket with objects in it. Only for disposable stacks."""
    protect: bool = False
    """Pulumi `protect` on the bucket."""
    kms_key_arn: str | None = None
    """A KMS key ARN: SSE-KMS with that key and an S3 Bucket Key. Default None: SSE-S3, the only encryption some
    log-delivery services (ALB) can write to."""
    policy_statements: PolicyStatements = no_statements
    """Extra bucket policy statements, given the bucket ARN. Default: none, only the TLS-only Deny."""
    abort_incomplete_upload_days: int = 1
    """Days before an incomplete multipart upload is aborted."""
    lifecycle_rule_id: str = "expire-objects"
    """Id of the lifecycle rule, as shown in the S3 console."""
    noncurrent_version_expiration_days: int = 30
    """Days an object version is kept once it is no longer the current one (deleted, overwritten or expired) before
    it is deleted for good: how long a deletion can be undone."""
    object_lock_days: int = 0
    """Days each new object version is locked in governance mode (the bucket's default retention), at most
    `expiration_days`, never with `force_destroy`. Default 0: no Object Lock."""

    def problems(self) -> list[Problem]:
        """What S3 or the lifecycle would refuse or make meaningless."""
        found = [
            Problem(key, getattr(self, key), "at least 1")
            for key in ("expiration_days", "abort_incomplete_upload_days", "noncurrent_version_expiration_days")
            if getattr(self, key) < 1
        ]
        if not 0 <= self.object_lock_days <= self.expiration_days:
            # A lock longer than the objects' lifetime keeps every version past its expiration.
            found.append(
                Problem("object_lock_days", self.object_lock_days, f"0 to the expiration, {self.expiration_days}")
            )
        elif self.object_lock_days and self.force_destroy:
            # Emptying a locked bucket needs s3:BypassGovernanceRetention, which no role this stack generates has
            # (the deploy role included): `pulumi destroy` could not delete the locked objects.
            found.append(Problem("object_lock_days", self.object_lock_days, "0 while force_destroy is on"))
        return found


class PrivateBucket(pulumi.ComponentResource):
    bucket: pulumi.Output[str]  # the bucket name
    arn: pulumi.Output[str]
    policy: aws.s3.BucketPolicy

    def __init__(self, name: str, args: PrivateBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:storage:PrivateBucket", name, None, opts)
        raise_problems(f"PrivateBucket {name!r}", args.problems())
        self._name = name
        self._args = args

        # The bucket carries the component's own name: its autonamed physical name stays readable.
        bucket = aws.s3.Bucket(name, force_destroy=args.force_destroy, opts=self._child(protect=args.protect))
        # S3 answers concurrent configuration calls on one bucket with OperationAborted ("A conflicting
        # conditional operation is currently in progress"), so each configuration waits for the previous one.
        # Order: object ownership (ACLs off) and the public access block lock the bucket down first, then the
        # encryption, versioning (Object Lock needs it), Object Lock and lifecycle rules; the policy comes last,
        # after the public access block (which then checks it) and after everything else, so whatever depends on
        # `policy` finds the bucket fully set up.
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.bucket,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=self._child(),
        )
        public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=self._child(depends_on=[ownership]),
        )
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.bucket,
            rules=[self._encryption_rule()],
            opts=self._child(depends_on=[public_access_block]),
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.bucket,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status=VERSIONING_STATUS),
            opts=self._child(depends_on=[encryption]),
        )
        # Object Lock needs versioning enabled first.
        last: pulumi.Resource = self._object_lock(bucket, versioning) if args.object_lock_days else versioning
        lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.bucket,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=args.lifecycle_rule_id,
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),  # the whole bucket
                    # In a versioned bucket this adds a delete marker; S3 removes the marker once it is the only
                    # version left.
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expiration_days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.noncurrent_version_expiration_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=args.abort_incomplete_upload_days
                    ),
                )
            ],
            opts=self._child(depends_on=[last]),
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.bucket,
            policy=self._policy_document(bucket.arn),
            opts=self._child(depends_on=[lifecycle]),
        )

        self.bucket = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket": self.bucket, "arn": self.arn})

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _object_lock(
        self, bucket: aws.s3.Bucket, versioning: aws.s3.BucketVersioning
    ) -> aws.s3.BucketObjectLockConfiguration:
        """PutObjectLockConfiguration with ObjectLockEnabled and a default retention: it enables Object Lock on a
        new or an existing versioned bucket. Object Lock cannot be turned off again; removing this resource only
        removes the default retention (versions already locked stay locked until their date)."""
        return aws.s3.BucketObjectLockConfiguration(
            f"{self._name}-object-lock",
            bucket=bucket.bucket,
            object_lock_enabled=OBJECT_LOCK_ENABLED,
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                    mode=OBJECT_LOCK_MODE, days=self._args.object_lock_days
                )
            ),
            opts=self._child(depends_on=[versioning]),
        )

    def _encryption_rule(self) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
        key = self._args.kms_key_arn
        if key is None:
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256"
            )
            return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=default
            )
        default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms", kms_master_key_id=key
        )
        return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=default, bucket_key_enabled=True
        )

    def _policy_document(self, bucket_arn: pulumi.Output[str]) -> pulumi.Output[str]:
        bucket_and_objects = [bucket_arn, pulumi.Output.format("{0}/*", bucket_arn)]
        deny_insecure_transport = {
            # A Deny on every S3 action is the point here: no request without TLS, whatever it is.
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": bucket_and_objects,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        statements = [
            *self._args.policy_statements(bucket_arn),
            deny_insecure_transport,
            self._deny_other_stacks(bucket_and_objects),
        ]
        return pulumi.Output.json_dumps(policy_document(*statements))

    @staticmethod
    def _deny_other_stacks(bucket_and_objects: list[pulumi.Output[str]]) -> dict[str, Any]:
        """Nothing for a principal that carries the project's tag and another stack's: the roles of the project's
        other stacks ("aws:PrincipalTag/tag-key", IAM user guide, "AWS global condition context keys"; a bucket
        policy that denies by principal tag: AWS re:Post knowledge center, "iam-tag-based-restriction-policies").
        A principal without these tags (an administrator, a service delivering logs) is not concerned."""
        return {
            "Sid": "DenyOtherStacksOfTheProject",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": bucket_and_objects,
            "Condition": another_stacks("PrincipalTag", pulumi.get_project(), pulumi.get_stack()),
        }
