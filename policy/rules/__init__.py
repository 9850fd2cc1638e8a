"""Policy rules as plain functions over resources (type + wire-named properties).

The CrossGuard pack (`policy/__main__.py`) and the tests run the same functions; constructing the pack
starts a policy server, so it lives only in `__main__.py` and this package stays importable. Each module holds
the rules of one domain (storage, network, iam, logs, edge, containers) over `base`'s types; this one lists them.

Two kinds of rule:
- a resource rule, `check(type, props) -> [message]`, sees one resource's inputs at a time (CrossGuard's
  `ResourceValidationPolicy`);
- a stack rule, `check_stack(resources) -> [Violation]`, sees every resource of the stack at once
  (CrossGuard's `StackValidationPolicy`). It is needed where one fact spans resources: in pulumi-aws v7 a
  bucket's encryption and public access block are separate resources, and the stack name only shows in URNs.

Properties always carry the provider's wire names (camelCase: `fromPort`, `cidrIpv4`, `retentionInDays`,
`imageScanningConfiguration.scanOnPush`), which is what both the engine and the offline harness hand over.
JSON-string inputs (policies, containerDefinitions) arrive as strings and are parsed here. A value the engine
cannot know yet (an output of a resource not yet created, during preview) arrives as `UNKNOWN`: rules never
report on it, and `pulumi up` runs them again once the value is known.
"""

from __future__ import annotations

from configuration.limits import ALB_MAX_SUBNET_PREFIX
from policy.rules.base import (
    ADVISORY,
    MANDATORY,
    UNKNOWN,
    PolicyRule,
    Rule,
    StackResource,
    StackRule,
    Violation,
    stack_of,
)
from policy.rules.containers import check_ecr_scan_on_push, check_pinned_images, check_prod_read_only_roots
from policy.rules.edge import (
    PLAIN_HTTP_TAG_TEXT,
    check_alb_drops_invalid_headers,
    check_alb_subnet_size,
    check_prod_deletion_protection,
    check_protected_albs_have_a_web_acl,
    check_protected_albs_serve_https,
)
from policy.rules.iam import check_iam_wildcards, check_service_trust
from policy.rules.logs import check_eventbridge_log_streams, check_log_retention
from policy.rules.network import check_prod_vpc_flow_logs, check_security_group_ingress
from policy.rules.storage import check_bucket_configuration_ordered, check_buckets_private, check_prod_buckets_versioned

__all__ = [
    "ADVISORY",
    "MANDATORY",
    "RULES",
    "UNKNOWN",
    "PolicyRule",
    "Rule",
    "StackResource",
    "StackRule",
    "Violation",
    "stack_of",
]

RULES: list[PolicyRule] = [
    PolicyRule(
        "s3-bucket-encrypted-and-private",
        "Every S3 bucket has default encryption (SSE-S3 or SSE-KMS) and a public access block with all four flags "
        "true.",
        MANDATORY,
        check_stack=check_buckets_private,
    ),
    PolicyRule(
        "s3-bucket-configuration-serialized",
        "The configuration resources of one S3 bucket (policy, encryption, public access block, ownership, "
        "lifecycle, versioning, ...) are ordered by their dependencies, never applied at the same time: S3 answers "
        "concurrent configuration calls on one bucket with OperationAborted.",
        MANDATORY,
        check_stack=check_bucket_configuration_ordered,
    ),
    PolicyRule(
        "security-group-ingress-restricted",
        "No ingress opens every port to 0.0.0.0/0 or ::/0, and nothing outside the task reaches the log router's "
        "ports (24224, 2020).",
        MANDATORY,
        check=check_security_group_ingress,
    ),
    PolicyRule(
        "iam-no-wildcards",
        "IAM and resource policies (role, inline, managed, bucket, topic, queue, log and key policies) allow no `*` "
        'or `service:*` actions, no NotAction/NotResource, no `Resource: "*"` except for the actions that have no '
        'resource-level permissions (listed in the rule), no unconditioned `Principal: "*"`, and no admin or '
        '*FullAccess managed policies (in a key policy `Resource: "*"` means the key itself).',
        MANDATORY,
        check=check_iam_wildcards,
    ),
    PolicyRule(
        "iam-service-trust-confused-deputy",
        "A role that an AWS service assumes names aws:SourceAccount / aws:SourceArn (or sts:ExternalId) in its "
        "trust policy.",
        MANDATORY,
        check=check_service_trust,
    ),
    PolicyRule(
        "eventbridge-log-streams-creatable",
        "A log resource policy never puts an aws:SourceArn condition on events.amazonaws.com's "
        "logs:CreateLogStream (EventBridge's call carries no rule ARN, so no stream could be created); it stays on "
        "logs:PutLogEvents.",
        MANDATORY,
        check=check_eventbridge_log_streams,
    ),
    PolicyRule(
        "log-group-retention",
        "Every CloudWatch log group has a retention.",
        MANDATORY,
        check=check_log_retention,
    ),
    PolicyRule(
        "ecr-scan-on-push",
        "ECR repositories scan images on push.",
        MANDATORY,
        check=check_ecr_scan_on_push,
    ),
    PolicyRule(
        "alb-drop-invalid-headers",
        "Application load balancers drop invalid HTTP header fields.",
        MANDATORY,
        check=check_alb_drops_invalid_headers,
    ),
    PolicyRule(
        "alb-subnets-large-enough",
        f"Application load balancers are placed in subnets of /{ALB_MAX_SUBNET_PREFIX} or larger (what ELB requires; "
        "vpcCidr is checked for the same before anything is created).",
        MANDATORY,
        check_stack=check_alb_subnet_size,
    ),
    PolicyRule(
        "task-definition-pinned-images",
        "Task definitions use images by version tag or sha256 digest, never latest, stable or untagged (the same "
        "rule refuses such a service image in the config).",
        MANDATORY,
        check=check_pinned_images,
    ),
    PolicyRule(
        "prod-deletion-protection",
        "In the prod stack, load balancers have deletion protection.",
        MANDATORY,
        check_stack=check_prod_deletion_protection,
    ),
    PolicyRule(
        "prod-vpc-flow-logs",
        "In the prod stack, every VPC has a flow log of ALL traffic (flowLogs: true).",
        MANDATORY,
        check_stack=check_prod_vpc_flow_logs,
    ),
    PolicyRule(
        "prod-buckets-versioned",
        "In the prod stack, every S3 bucket is versioned and its lifecycle expires noncurrent versions.",
        MANDATORY,
        check_stack=check_prod_buckets_versioned,
    ),
    PolicyRule(
        "prod-read-only-root-filesystems",
        "In the prod stack, every container of every task definition has a read-only root filesystem "
        "(a service's readOnlyRootFilesystem; give the app's writable paths a volume with its writablePaths).",
        MANDATORY,
        check_stack=check_prod_read_only_roots,
    ),
    PolicyRule(
        "prod-alb-https",
        "In the prod stack, an internet-facing ALB has an HTTPS listener and its HTTP listeners only redirect to "
        f"HTTPS, unless it is tagged {PLAIN_HTTP_TAG_TEXT} (allowPlainHttp, on purpose).",
        MANDATORY,
        check_stack=check_protected_albs_serve_https,
    ),
    PolicyRule(
        "prod-alb-web-acl",
        "In the prod stack, an internet-facing ALB has a WAFv2 web ACL associated with it (waf: true).",
        MANDATORY,
        check_stack=check_protected_albs_have_a_web_acl,
    ),
]
