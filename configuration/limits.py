"""Every limit and allowed-value set that more than one part of the stack checks, in one place.

A plain module (no Pulumi import): `settings` validates config against it, the components check their args
against it, and the CrossGuard pack (`policy/rules/`) imports it without pulling in pulumi_aws. A value
here changes everywhere at once; a copy elsewhere is a bug (tests/configuration/test_limits.py looks for copies).
"""

from __future__ import annotations

import re
from typing import Final

# --- Kinesis Data Firehose (CreateDeliveryStream): (minimum, maximum) --------------------------------------
S3_BUFFER_SIZE_MIB: Final = (1, 128)  # ExtendedS3DestinationConfiguration.BufferingHints.SizeInMBs
HTTP_BUFFER_SIZE_MIB: Final = (1, 64)  # HttpEndpointDestinationConfiguration.BufferingHints.SizeInMBs
BUFFER_INTERVAL_SECONDS: Final = (0, 900)  # the same for S3 (BufferingHints) and HTTP (HttpEndpointBufferingHints)
HTTP_RETRY_SECONDS: Final = (0, 7200)  # HttpEndpointRetryOptions.DurationInSeconds
FIREHOSE_NAME_MAX_LENGTH: Final = 64  # DeliveryStreamName: 1 to 64 characters ...
FIREHOSE_NAME_PATTERN: Final = re.compile(r"[a-zA-Z0-9_.-]+")  # ... of these

# --- HTTPS and WAF -------------------------------------------------------------------------------------------
DOMAIN_NAME_MAX_LENGTH: Final = 64  # ACM RequestCertificate DomainName: the common name, at most 64 (RFC 5280)
WAF_RATE_LIMIT: Final = (10, 2_000_000_000)  # WAFv2 RateBasedStatement.Limit (RateLimit), requests per window
WAF_LOG_STREAM_PREFIX: Final = "aws-waf-logs-"  # WAF logs only to destinations whose name starts with it
# The tag of an ALB that serves plain HTTP on purpose (allowPlainHttp): the load balancer sets it, the policy pack's
# HTTPS rule accepts it.
PLAIN_HTTP_TAG: Final = {"allow-plain-http": "true"}

# --- Athena (CreateWorkGroup) -------------------------------------------------------------------------------
# WorkGroupConfiguration.BytesScannedCutoffPerQuery, in MiB: the API's minimum is 10,000,000 bytes, which 10 MiB
# (10,485,760 bytes) clears; the maximum is ours, 10 TiB (about 51 USD at Athena's 5 USD per TB scanned).
ATHENA_BYTES_SCANNED_CUTOFF_MIB: Final = (10, 10 * 1024 * 1024)

# --- task stop capture -------------------------------------------------------------------------------------
STOP_EVENT_SCOPES: Final = ("cluster", "account")  # this stack's cluster, or every cluster of the account

# --- the FireLens log router -------------------------------------------------------------------------------
LOG_ROUTER_FORWARD_PORT: Final = 24224  # the forward input FireLens generates
LOG_ROUTER_HTTP_PORT: Final = 2020  # Fluent Bit's HTTP server (fluentbit/extra.conf HTTP_Port): the health check
# Ports the router listens on inside the task: nothing outside the task may reach them, and the app may not use them.
LOG_ROUTER_PORTS: Final = {
    LOG_ROUTER_FORWARD_PORT: "Fluent Bit forward input",
    LOG_ROUTER_HTTP_PORT: "Fluent Bit monitoring API",
}
LOG_ROUTER_MIN_RESERVATION_MIB: Final = 64  # the smallest router memory reservation (logRouterMemoryMiB)

# --- ECS -----------------------------------------------------------------------------------------------------
# ECS cpuArchitecture -> the Docker platform the router image is built for; the keys are the allowed values.
CPU_ARCHITECTURE_PLATFORMS: Final = {"X86_64": "linux/amd64", "ARM64": "linux/arm64"}
# ECS Container Insights modes (the cluster setting containerInsights).
CONTAINER_INSIGHTS_MODES: Final = ("disabled", "enabled", "enhanced")
# The service's deployment ceiling: during a rolling deployment up to this percentage of the desired count runs.
DEPLOYMENT_MAXIMUM_PERCENT: Final = 200
DEPLOYMENT_MINIMUM_HEALTHY_PERCENT: Final = 100

# Fargate task sizes (Linux): cpu units -> the memory values (MiB) AWS accepts with it.
FARGATE_MEMORY_BY_CPU: Final[dict[int, tuple[int, ...]]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
# ECS services' task counts (desired, minimum, maximum): what the stack takes.
TASK_COUNTS: Final = (0, 100)
# Target tracking targets the stack takes (our bounds: outside them a service scales on noise or never).
CPU_TARGET_PERCENT: Final = (10, 90)
REQUESTS_PER_TARGET: Final = (1, 100000)

# --- CloudWatch Logs ---------------------------------------------------------------------------------------------
# The only values CloudWatch Logs accepts for retentionInDays (PutRetentionPolicy).
LOG_RETENTION_DAYS: Final[tuple[int, ...]] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# --- ALB target groups (elbv2 CreateTargetGroup) ---------------------------------------------------------------
HEALTH_CHECK_INTERVAL_SECONDS: Final = (5, 300)
HEALTH_CHECK_TIMEOUT_SECONDS: Final = (2, 120)  # and less than the interval
HEALTH_CHECK_THRESHOLDS: Final = (2, 10)  # healthy and unhealthy
HEALTH_CHECK_PATH_MAX_LENGTH: Final = 1024
HEALTH_CHECK_GRACE_PERIOD_SECONDS: Final = (0, 7200)  # ECS CreateService healthCheckGracePeriodSeconds
# Matcher.HttpCode: codes (200 to 499 for HTTP health checks), comma-separated, or ranges.
HEALTH_CHECK_MATCHER: Final = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")
HEALTH_CHECK_CODES: Final = (200, 499)

# --- ALB listener rules (elbv2 CreateRule) -------------------------------------------------------------------
LISTENER_RULE_PRIORITIES: Final = (1, 50000)  # Priority: 1 to 50000, unique per listener; the default rule is last
RULE_VALUES_PER_CONDITION: Final = 3  # comparison strings (path patterns, host names) per condition ...
RULE_VALUES_PER_RULE: Final = 5  # ... and per rule
RULE_VALUE_MAX_LENGTH: Final = 128  # characters of one path pattern or host name

# --- VPC and ALB addressing ------------------------------------------------------------------------------------
VPC_PREFIX_LENGTHS: Final = (16, 28)  # CreateVpc / CreateSubnet: a /16 netmask at most, /28 at least
SUBNET_RESERVED_ADDRESSES: Final = 5  # AWS reserves the first four and the last address of every subnet
ALB_MAX_SUBNET_PREFIX: Final = 27  # each ALB subnet: a /27 bitmask or larger ...
ALB_FREE_ADDRESSES: Final = 8  # ... with at least 8 free addresses for the load balancer's nodes
NAT_GATEWAY_ADDRESSES: Final = 1  # a NAT gateway's network interface in its public subnet

# --- container images ------------------------------------------------------------------------------------------
# Tags that move: `stable` of aws-for-fluent-bit has been rolled back before, like `latest`.
MOVING_IMAGE_TAGS: Final = frozenset({"latest", "stable"})
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
IMAGE_REFERENCE: Final = re.compile(r"^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](@sha256:[0-9a-f]{64})?$")


def image_pin_problem(image: str) -> str | None:
    """The one image-pinning rule: None for `repo:tag` with a fixed tag or `repo@sha256:<64 hex>`; otherwise
    what is wrong (untagged means latest; `latest` and `stable` move). Settings and the policy pack both use it."""
    if "@" in image:
        digest = image.rsplit("@", 1)[1]
        return None if _DIGEST.fullmatch(digest) else f"{image}: digest is not sha256:<64 hex digits>"
    # The tag follows the last ":" of the last path segment (a registry host may carry a port).
    _, sep, tag = image.rsplit("/", 1)[-1].partition(":")
    if not sep or not tag:
        return f"{image}: untagged (means latest); pin a version tag or a digest"
    if tag.lower() in MOVING_IMAGE_TAGS:
        return f"{image}: the tag {tag} moves; pin a version tag or a digest"
    return None
