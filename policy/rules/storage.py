"""S3: every bucket encrypted and fully private, its configuration serialized; in protected stacks
versioned, with noncurrent versions expiring."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Final

from policy.rules.base import UNKNOWN, StackResource, Unknown, Violation, as_list, known, off, protected, stack_of

BUCKET = "aws:s3/bucket:Bucket"


BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


SSE_ALGORITHMS = frozenset({"AES256", "aws:kms", "aws:kms:dsse"})


PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _bucket_of(sub: StackResource, buckets: Sequence[StackResource]) -> StackResource | None:
    """The bucket a sub-resource configures: by name when known, else by the dependency its `bucket` makes."""
    name = sub.props.get("bucket")
    if isinstance(name, str):
        for bucket in buckets:
            if name == bucket.props.get("bucket"):
                return bucket
    referenced = [bucket for bucket in buckets if bucket.urn in sub.dependencies]
    return referenced[0] if len(referenced) == 1 else None


def _algorithm(rule: Any) -> Any:
    """A default-encryption rule's sseAlgorithm: a string, UNKNOWN, or None when it sets none."""
    default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else rule
    if isinstance(default, dict):
        return default.get("sseAlgorithm")
    return None if known(default) else UNKNOWN


def _encrypts(props: dict[str, Any]) -> bool:
    rules = props.get("rules")
    algorithms = [_algorithm(rule) for rule in as_list(rules)] if known(rules) else [UNKNOWN]
    return any(not known(algorithm) or algorithm in SSE_ALGORITHMS for algorithm in algorithms)


def check_buckets_private(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    encrypted: set[str] = set()
    flags_off: dict[str, list[str]] = {}
    for sub in (r for r in resources if r.type in (BUCKET_ENCRYPTION, BUCKET_PUBLIC_ACCESS_BLOCK)):
        bucket = _bucket_of(sub, buckets)
        if bucket is None:
            continue
        if sub.type == BUCKET_ENCRYPTION and _encrypts(sub.props):
            encrypted.add(bucket.urn)
        if sub.type == BUCKET_PUBLIC_ACCESS_BLOCK:
            unset = [flag for flag in PUBLIC_ACCESS_FLAGS if off(sub.props.get(flag))]
            # Several blocks on one bucket: AWS keeps one configuration, so the most permissive one counts.
            flags_off[bucket.urn] = sorted(set(flags_off.get(bucket.urn, [])) | set(unset))
    violations: list[Violation] = []
    for bucket in buckets:
        if bucket.urn not in encrypted:
            violations.append(
                Violation(
                    bucket, "no BucketServerSideEncryptionConfiguration with SSE-S3 or SSE-KMS default encryption"
                )
            )
        if bucket.urn not in flags_off:
            violations.append(Violation(bucket, "no BucketPublicAccessBlock: all four flags must be true"))
        elif flags_off[bucket.urn]:
            violations.append(Violation(bucket, f"public access block leaves {', '.join(flags_off[bucket.urn])} off"))
    return violations


# Configuration calls on the bucket itself (Put<configuration> on `?<subresource>`), one resource type each.
# S3 answers concurrent ones on one bucket with OperationAborted ("A conflicting conditional operation is
# currently in progress against this resource"), so a stack must order them by dependencies.
BUCKET_CONFIGURATIONS: Final = frozenset(
    {
        BUCKET_ENCRYPTION,
        BUCKET_PUBLIC_ACCESS_BLOCK,
        "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        BUCKET_LIFECYCLE,
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketNotification:BucketNotification",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration",
        BUCKET_VERSIONING,
        "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    }
)


def _depends_on(resources: Sequence[StackResource]) -> Callable[[str], set[str]]:
    """URN -> every URN it depends on, directly or through other resources of the stack."""
    direct = {r.urn: r.dependencies for r in resources}
    closure: dict[str, set[str]] = {}

    def upstream(urn: str) -> set[str]:
        if urn not in closure:
            seen: set[str] = set()
            pending = list(direct.get(urn, ()))
            while pending:
                current = pending.pop()
                if current not in seen:
                    seen.add(current)
                    pending.extend(direct.get(current, ()))
            closure[urn] = seen
        return closure[urn]

    return upstream


def _configurations(
    resources: Sequence[StackResource], types: Collection[str], buckets: Sequence[StackResource]
) -> dict[str, list[StackResource]]:
    """Bucket URN -> its configuration resources of these types."""
    found: dict[str, list[StackResource]] = {}
    for sub in (r for r in resources if r.type in types):
        bucket = _bucket_of(sub, buckets)
        if bucket is not None:
            found.setdefault(bucket.urn, []).append(sub)
    return found


def check_bucket_configuration_ordered(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    configurations = _configurations(resources, BUCKET_CONFIGURATIONS, buckets)
    upstream = _depends_on(resources)
    violations: list[Violation] = []
    for bucket in buckets:
        subs = sorted(configurations.get(bucket.urn, []), key=lambda r: r.name)
        concurrent = [
            f"{a.name} and {b.name}"
            for index, a in enumerate(subs)
            for b in subs[index + 1 :]
            if a.urn not in upstream(b.urn) and b.urn not in upstream(a.urn)
        ]
        if concurrent:
            violations.append(
                Violation(
                    bucket,
                    f"configurations that may be applied at the same time: {'; '.join(concurrent)}. S3 answers "
                    "concurrent configuration calls on one bucket with OperationAborted: chain them with depends_on",
                )
            )
    return violations


def _versioning_enabled(versioning: StackResource) -> bool:
    configuration = versioning.props.get("versioningConfiguration")
    if not known(configuration):
        return True
    status = configuration.get("status") if isinstance(configuration, dict) else None
    return bool(status == "Enabled" or not known(status))


def _expires_noncurrent_versions(lifecycle: StackResource) -> bool:
    rules = lifecycle.props.get("rules")
    if not known(rules):
        return True
    return any(
        isinstance(rule, dict)
        and rule.get("status") in ("Enabled", UNKNOWN)
        and isinstance(rule.get("noncurrentVersionExpiration"), dict | Unknown)
        for rule in as_list(rules)
    )


def check_prod_buckets_versioned(resources: Sequence[StackResource]) -> list[Violation]:
    buckets = [r for r in resources if r.type == BUCKET]
    versionings = _configurations(resources, {BUCKET_VERSIONING}, buckets)
    lifecycles = _configurations(resources, {BUCKET_LIFECYCLE}, buckets)
    violations: list[Violation] = []
    for bucket in (b for b in buckets if protected(b)):
        if not any(_versioning_enabled(v) for v in versionings.get(bucket.urn, [])):
            violations.append(
                Violation(
                    bucket,
                    f"stack {stack_of(bucket.urn)}: no BucketVersioning with status Enabled: a deleted or "
                    "overwritten archive object would be gone for good",
                )
            )
        elif not any(_expires_noncurrent_versions(lc) for lc in lifecycles.get(bucket.urn, [])):
            violations.append(
                Violation(
                    bucket,
                    f"stack {stack_of(bucket.urn)}: versioned, but no enabled lifecycle rule with "
                    "noncurrentVersionExpiration: noncurrent versions would be kept (and billed) forever",
                )
            )
    return violations
