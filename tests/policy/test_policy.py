"""Guardrails: the policy rules (policy/rules/), the CrossGuard pack built from them (policy/__main__.py), and the
delivery workflows that run them (.github/workflows, scripts/actionlint.sh).

Every rule fires on a deliberately bad resource and stays quiet on a good one, both on synthetic resources and on
the real stacks with one property broken; both committed stacks pass every rule; `python -m offline preview`
reports findings and exits 1 on a mandatory one; and the CrossGuard pack, driven through pulumi-policy's own
analyzer with the engine's encoding (protobuf Struct: floats, unknown sentinels), reports exactly what the
offline harness reports.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE

from offline.__main__ import main
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.policy_findings import Finding, evaluate_policies, stack_resources
from policy import rules as policy_rules
from policy.rules import (
    MANDATORY,
    RULES,
    UNKNOWN,
    PolicyRule,
    StackResource,
    containers,
    edge,
    iam,
    logs,
    network,
    stack_of,
    storage,
)
from tests.conftest import evaluate_stack, services_with
from tests.support.helpers import config_value

RULES_BY_NAME = {rule.name: rule for rule in RULES}
DIGEST = "sha256:" + "ab" * 32
LOGS_ARN = "arn:aws:logs:ap-northeast-1:123456789012:log-group:app:*"


# --- synthetic resources ------------------------------------------------------------------------------------------


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = LOGS_ARN, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def trust(service: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return policy({**statement, "Condition": condition} if condition else statement)


def container_definitions(*images: str) -> str:
    return json.dumps([{"name": f"c{index}", "image": image} for index, image in enumerate(images)])


SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = network.INGRESS_RULE
LEGACY = network.LEGACY_RULE
ROLE = iam.ROLE
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALB = "aws:lb/loadBalancer:LoadBalancer"
ECR = containers.ECR_REPOSITORY
TASK = containers.TASK_DEFINITION
WORLD = "0.0.0.0/0"
# rule names, short enough for one case per line
NET, IAM, TRUST = "security-group-ingress-restricted", "iam-no-wildcards", "iam-service-trust-confused-deputy"
RETENTION, SCAN, HEADERS = "log-group-retention", "ecr-scan-on-push", "alb-drop-invalid-headers"
IMAGES = "task-definition-pinned-images"
STREAMS = "eventbridge-log-streams-creatable"
LOG_POLICY = logs.LOG_RESOURCE_POLICY
RULE_ARN = {"ArnEquals": {"aws:SourceArn": "arn:aws:events:ap-northeast-1:123456789012:rule/stopped"}}
EVENTBRIDGE = {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]}


def ingress(protocol: str, low: int | None = None, high: int | None = None, **source: Any) -> dict[str, Any]:
    """A vpc.SecurityGroupIngressRule's wire inputs."""
    ports = {} if low is None else {"fromPort": low, "toPort": low if high is None else high}
    return {"ipProtocol": protocol, **ports, **source}


def inline(protocol: str, low: int, high: int, **source: Any) -> dict[str, Any]:
    """One inline `ingress` entry of an ec2.SecurityGroup (or an ec2.SecurityGroupRule without its `type`)."""
    return {"protocol": protocol, "fromPort": low, "toPort": high, **source}


def doc(*statements: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    return {key: policy(*statements)}


def role(trust_policy: str, **more: Any) -> dict[str, Any]:
    return {"assumeRolePolicy": trust_policy, **more}


def task(*images: str) -> dict[str, Any]:
    return {"containerDefinitions": container_definitions(*images)}


ECS_TRUST = trust("ecs-tasks.amazonaws.com", SOURCE_ACCOUNT)
FLUENT_BIT = "public.ecr.aws/aws-observability/aws-for-fluent-bit"
ECR_IMAGE = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/log-router"
TOPIC_ARN = "arn:aws:sns:ap-northeast-1:123456789012:t"
EVENTS = {"Service": "events.amazonaws.com"}

# (rule, type, props, a fragment of the expected message)
BAD: list[tuple[str, str, dict[str, Any], str]] = [
    (NET, INGRESS, ingress("-1", cidrIpv4=WORLD), "every port"),
    (NET, INGRESS, ingress("tcp", 0, 65535, cidrIpv6="::/0"), "every port"),
    (NET, INGRESS, ingress("tcp", 24224, referencedSecurityGroupId="sg-1"), "24224"),
    (NET, INGRESS, ingress("tcp", 24000, 25000, cidrIpv4="10.0.0.0/16"), "24224"),
    (NET, INGRESS, ingress("-1", referencedSecurityGroupId="sg-1"), "24224"),  # all traffic includes it
    (NET, INGRESS, ingress("tcp", 2020, cidrIpv4="10.0.0.0/16"), "2020"),
    (
        NET,
        SG,
        {"ingress": [inline("tcp", 80, 80, cidrBlocks=[WORLD]), inline("all", 0, 0, cidrBlocks=[WORLD])]},
        "ingress[1]",
    ),
    (NET, LEGACY, {"type": "ingress", **inline("6", 24224, 24224, cidrBlocks=["10.0.1.0/24"])}, "24224"),
    (IAM, ROLE_POLICY, doc(allow("*")), "wildcard action *"),
    (IAM, ROLE_POLICY, doc(allow(["logs:PutLogEvents", "firehose:*"])), "firehose:*"),
    (IAM, ROLE_POLICY, doc(allow("logs:PutLogEvents", "*")), 'Resource "*" for logs:PutLogEvents'),
    (IAM, ROLE_POLICY, doc(allow(["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "*")), "for ecr:BatchGetImage;"),
    (IAM, ROLE_POLICY, doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "NotAction"),
    (
        IAM,
        ROLE_POLICY,
        doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"}),
        "NotResource",
    ),
    (IAM, ROLE_POLICY, {"policy": "{not json"}, "not valid JSON"),
    (IAM, "aws:iam/policy:Policy", doc(allow("s3:*", "arn:aws:s3:::bucket/*")), "s3:*"),
    (
        IAM,
        ROLE,
        role(ECS_TRUST, inlinePolicies=[{"name": "inline", "policy": policy(allow("sqs:*"))}]),
        "inlinePolicies[inline]",
    ),
    (
        IAM,
        ROLE,
        role(ECS_TRUST, managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]),
        "AdministratorAccess",
    ),
    (
        IAM,
        iam.ROLE_POLICY_ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
        "AmazonS3FullAccess",
    ),
    (
        IAM,
        "aws:s3/bucketPolicy:BucketPolicy",
        doc(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal="*")),
        "any principal",
    ),
    (IAM, "aws:sns/topicPolicy:TopicPolicy", doc(allow("sns:*", TOPIC_ARN, Principal=EVENTS)), "sns:*"),
    (
        IAM,
        "aws:sqs/queuePolicy:QueuePolicy",
        doc(allow("sqs:SendMessage", "*", Principal={"AWS": "*"})),
        "any principal",
    ),
    (
        IAM,
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        doc(allow("logs:*", Principal=EVENTS), key="policyDocument"),
        "logs:*",
    ),
    (IAM, "aws:kms/key:Key", doc(allow("kms:*", "*", Principal={"AWS": "arn:aws:iam::123456789012:root"})), "kms:*"),
    (TRUST, ROLE, role(trust("firehose.amazonaws.com")), "firehose.amazonaws.com"),
    (
        TRUST,
        ROLE,
        role(trust("events.amazonaws.com", {"StringEquals": {"aws:PrincipalTag/x": "y"}})),
        "confused deputy",
    ),
    (RETENTION, logs.LOG_GROUP, {"name": "/ecs/app"}, "retentionInDays"),
    (RETENTION, logs.LOG_GROUP, {"retentionInDays": 0}, "forever"),
    (SCAN, ECR, {"imageScanningConfiguration": {"scanOnPush": False}}, "scanOnPush"),
    (SCAN, ECR, {"imageTagMutability": "IMMUTABLE"}, "scanOnPush"),
    (HEADERS, ALB, {"loadBalancerType": "application"}, "dropInvalidHeaderFields"),
    (HEADERS, "aws:alb/loadBalancer:LoadBalancer", {"dropInvalidHeaderFields": False}, "dropInvalidHeaderFields"),
    (IMAGES, TASK, task("httpd:2.4.65", "httpd:latest"), "c1: httpd:latest"),
    (IMAGES, TASK, task("public.ecr.aws/docker/library/httpd"), "untagged"),
    (IMAGES, TASK, task("localhost:5000/httpd"), "untagged"),  # the port is not a tag
    (IMAGES, TASK, task(f"{FLUENT_BIT}:stable"), "moves"),
    (IMAGES, TASK, task("repo@sha256:abc"), "digest"),
    (IMAGES, TASK, {"containerDefinitions": "[{"}, "not valid JSON"),
    # One statement for both calls under the rule's ARN: EventBridge can never create its stream.
    (
        STREAMS,
        LOG_POLICY,
        doc(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], Principal=EVENTBRIDGE, Condition=RULE_ARN),
            key="policyDocument",
        ),
        "create log streams only under an aws:SourceArn condition",
    ),
    (
        STREAMS,
        LOG_POLICY,
        doc(
            allow("logs:Create*", Principal=EVENTS, Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:events:*"}}),
            key="policyDocument",
        ),
        "statement 0",
    ),
]

# (rule, type, props): nothing to report
GOOD: list[tuple[str, str, dict[str, Any]]] = [
    (NET, INGRESS, ingress("tcp", 80, cidrIpv4=WORLD)),
    (NET, INGRESS, ingress("tcp", 443, cidrIpv6="::/0")),
    (NET, INGRESS, ingress("icmp", -1, -1, cidrIpv4=WORLD)),
    (NET, SG, {"ingress": [inline("tcp", 80, 80, securityGroups=["sg-1"])]}),
    (NET, LEGACY, {"type": "egress", **inline("-1", 0, 0, cidrBlocks=[WORLD])}),
    (
        IAM,
        ROLE_POLICY,
        doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"]), allow("ecr:GetAuthorizationToken", "*")),
    ),
    (IAM, ROLE_POLICY, doc(allow("s3:Get*", "arn:aws:s3:::b/*"))),
    (
        IAM,
        "aws:s3/bucketPolicy:BucketPolicy",
        doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
    ),
    (
        IAM,
        "aws:sns/topicPolicy:TopicPolicy",
        doc(allow("sns:Publish", TOPIC_ARN, Principal="*", Condition=SOURCE_ACCOUNT)),
    ),
    (
        IAM,
        "aws:kms/key:Key",
        doc(allow(["kms:Decrypt", "kms:GenerateDataKey"], "*", Principal={"Service": "logs.amazonaws.com"})),
    ),
    (
        IAM,
        iam.ROLE_POLICY_ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
    ),
    (IAM, "aws:sqs/queue:Queue", {"name": "q"}),
    (TRUST, ROLE, role(ECS_TRUST)),
    (TRUST, ROLE, role(trust("firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": "123456789012"}}))),
    (TRUST, ROLE, role(trust("events.amazonaws.com", {"ArnEquals": {"AWS:SourceArn": "arn:aws:events:::rule/r"}}))),
    (
        TRUST,
        ROLE,
        role(
            policy(
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
            )
        ),
    ),
    (RETENTION, logs.LOG_GROUP, {"retentionInDays": 14}),
    (SCAN, ECR, {"imageScanningConfiguration": {"scanOnPush": True}}),
    (HEADERS, ALB, {"dropInvalidHeaderFields": True}),
    (HEADERS, ALB, {"loadBalancerType": "network"}),
    (IMAGES, TASK, task("public.ecr.aws/docker/library/httpd:2.4.65", f"{FLUENT_BIT}:2.34.3")),
    (IMAGES, TASK, task(f"{ECR_IMAGE}@{DIGEST}", f"localhost:5000/httpd:2.4@{DIGEST}")),
    (
        STREAMS,
        LOG_POLICY,
        doc(
            allow("logs:CreateLogStream", Principal=EVENTBRIDGE),
            allow("logs:PutLogEvents", Principal=EVENTBRIDGE, Condition=RULE_ARN),
            key="policyDocument",
        ),
    ),
    # A key that may be absent (...IfExists) or another service's statement is no concern of this rule.
    (
        STREAMS,
        LOG_POLICY,
        doc(
            allow("logs:*", Principal=EVENTS, Condition={"ArnEqualsIfExists": RULE_ARN["ArnEquals"]}),
            key="policyDocument",
        ),
    ),
    (
        STREAMS,
        LOG_POLICY,
        doc(
            allow("logs:CreateLogStream", Principal={"Service": "route53.amazonaws.com"}, Condition=RULE_ARN),
            key="policyDocument",
        ),
    ),
]


@pytest.mark.parametrize(("rule", "type_", "props", "fragment"), BAD)
def test_each_rule_fires_on_a_bad_resource(rule: str, type_: str, props: dict[str, Any], fragment: str) -> None:
    check = RULES_BY_NAME[rule].check
    assert check is not None
    messages = check(type_, props)
    assert any(fragment in message for message in messages), messages


@pytest.mark.parametrize(("rule", "type_", "props"), GOOD)
def test_each_rule_passes_a_good_resource(rule: str, type_: str, props: dict[str, Any]) -> None:
    check = RULES_BY_NAME[rule].check
    assert check is not None
    assert check(type_, props) == []


def test_resource_rules_ignore_types_they_do_not_govern() -> None:
    props = {"ingress": [{"protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}], "policy": policy(allow("*", "*"))}
    for rule in RULES:
        if rule.check is not None:
            assert rule.check("aws:ec2/vpc:Vpc", props) == [], rule.name


def test_rules_never_report_on_values_unknown_during_preview() -> None:
    unknowns: dict[str, dict[str, Any]] = {
        INGRESS: {"ipProtocol": "tcp", "fromPort": UNKNOWN, "toPort": UNKNOWN, "cidrIpv4": "0.0.0.0/0"},
        ROLE_POLICY: {"policy": UNKNOWN},
        ROLE: {"assumeRolePolicy": UNKNOWN},
        logs.LOG_GROUP: {"retentionInDays": UNKNOWN},
        containers.ECR_REPOSITORY: {"imageScanningConfiguration": {"scanOnPush": UNKNOWN}},
        ALB: {"dropInvalidHeaderFields": UNKNOWN},
        containers.TASK_DEFINITION: {"containerDefinitions": UNKNOWN},
        LOG_POLICY: {"policyDocument": UNKNOWN},
    }
    for type_, props in unknowns.items():
        for rule in RULES:
            assert rule.check is None or rule.check(type_, props) == [], (rule.name, type_)


# --- stack rules -----------------------------------------------------------------------------------------------------


def urn(type_: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::httpd-firelens::{type_}::{name}"


def bucket(name: str, stack: str = "dev") -> StackResource:
    return StackResource(storage.BUCKET, name, urn(storage.BUCKET, name, stack), {"bucket": f"{name}-0a1b2c"})


def encryption(of: StackResource, algorithm: Any = "AES256", by_name: bool = True) -> StackResource:
    props = {
        "bucket": of.props["bucket"] if by_name else UNKNOWN,
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}],
    }
    return StackResource(
        storage.BUCKET_ENCRYPTION, f"{of.name}-sse", urn(storage.BUCKET_ENCRYPTION, f"{of.name}-sse"), props, (of.urn,)
    )


def access_block(of: StackResource, by_name: bool = True, **flags: Any) -> StackResource:
    props: dict[str, Any] = {flag: flags.get(flag, True) for flag in storage.PUBLIC_ACCESS_FLAGS}
    props["bucket"] = of.props["bucket"] if by_name else UNKNOWN
    return StackResource(
        storage.BUCKET_PUBLIC_ACCESS_BLOCK,
        f"{of.name}-pab",
        urn(storage.BUCKET_PUBLIC_ACCESS_BLOCK, f"{of.name}-pab"),
        props,
        (of.urn,),
    )


def configuration(of: StackResource, type_: str, *after: StackResource, by_name: bool = True) -> StackResource:
    """A bucket configuration resource of `type_` that depends on the bucket and on `after`."""
    name = f"{of.name}-{type_.rsplit(':', 1)[-1]}"
    props = {"bucket": of.props["bucket"] if by_name else UNKNOWN}
    return StackResource(type_, name, urn(type_, name), props, (of.urn, *(r.urn for r in after)))


BUCKET_POLICY, OWNERSHIP = "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def chained(of: StackResource, by_name: bool = True) -> list[StackResource]:
    """A bucket with three configurations, each depending on the one before."""
    ownership = configuration(of, OWNERSHIP, by_name=by_name)
    lifecycle = configuration(of, LIFECYCLE, ownership, by_name=by_name)
    return [of, ownership, lifecycle, configuration(of, BUCKET_POLICY, lifecycle, by_name=by_name)]


def load_balancer(stack: str, protected: Any) -> StackResource:
    return StackResource(ALB, "web-alb", urn(ALB, "web-alb", stack), {"enableDeletionProtection": protected})


def subnet(name: str, cidr: Any) -> StackResource:
    return StackResource(edge.SUBNET, name, urn(edge.SUBNET, name), {"cidrBlock": cidr})


def alb_in(*subnets: StackResource, **props: Any) -> StackResource:
    """A load balancer whose `subnets` input depends on these subnets (as Output references make it)."""
    return StackResource(ALB, "web-alb", urn(ALB, "web-alb"), props, tuple(s.urn for s in subnets))


def vpc(stack: str = "prod", id_: Any = UNKNOWN) -> StackResource:
    return StackResource(network.VPC, "vpc", urn(network.VPC, "vpc", stack), {"id": id_})


def flow_log(of: StackResource, traffic: Any = "ALL", by_id: bool = False, **props: Any) -> StackResource:
    """A flow log on `of` (a VPC): by its known id, or through the dependency its `vpcId` input makes."""
    inputs = {"vpcId": of.props["id"] if by_id else UNKNOWN, "trafficType": traffic, **props}
    return StackResource(network.FLOW_LOG, "fl", urn(network.FLOW_LOG, "fl", stack_of(of.urn)), inputs, (of.urn,))


def versioned(of: StackResource, status: Any = "Enabled", noncurrent: Any = None) -> list[StackResource]:
    """A bucket's versioning and lifecycle configurations (noncurrent: the rule's noncurrentVersionExpiration)."""
    stack = stack_of(of.urn)
    versioning = StackResource(
        storage.BUCKET_VERSIONING,
        f"{of.name}-versioning",
        urn(storage.BUCKET_VERSIONING, f"{of.name}-versioning", stack),
        {"bucket": of.props["bucket"], "versioningConfiguration": {"status": status}},
        (of.urn,),
    )
    rule: dict[str, Any] = {"status": "Enabled", "expiration": {"days": 30}}
    if noncurrent is not None:
        rule["noncurrentVersionExpiration"] = noncurrent
    lifecycle = StackResource(
        storage.BUCKET_LIFECYCLE,
        f"{of.name}-lifecycle",
        urn(storage.BUCKET_LIFECYCLE, f"{of.name}-lifecycle", stack),
        {"bucket": of.props["bucket"], "rules": [rule]},
        (of.urn,),
    )
    return [of, versioning, lifecycle]


def task_definition(stack: str, *read_only: Any) -> StackResource:
    """A task definition with one container per `readonlyRootFilesystem` value (None: not set)."""
    definitions = [
        {"name": f"c{index}", "image": "httpd:2.4.65"} | ({} if flag is None else {"readonlyRootFilesystem": flag})
        for index, flag in enumerate(read_only)
    ]
    return StackResource(
        TASK,
        "task",
        urn(TASK, "task", stack),
        {"containerDefinitions": json.dumps(definitions)},
    )


LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ASSOCIATION = edge.WEB_ACL_ASSOCIATION
PROD_ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/web/1"
REDIRECT = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]


def prod_alb(**props: Any) -> StackResource:
    """prod's internet-facing ALB, its ARN known."""
    return StackResource(ALB, "web-alb", urn(ALB, "web-alb", "prod"), {"arn": PROD_ALB_ARN, "internal": False, **props})


def listener(name: str, protocol: Any, actions: Any, alb: StackResource | None = None) -> StackResource:
    """A listener on prod's ALB: by its ARN, or (alb given) by the dependency an unknown ARN leaves."""
    props = {"protocol": protocol, "defaultActions": actions, "arn": f"arn:listener/{name}"}
    if alb is None:
        props["loadBalancerArn"] = PROD_ALB_ARN
        return StackResource(LISTENER, name, urn(LISTENER, name, "prod"), props)
    return StackResource(LISTENER, name, urn(LISTENER, name, "prod"), {**props, "loadBalancerArn": UNKNOWN}, (alb.urn,))


def listener_rule(on: StackResource) -> StackResource:
    return StackResource(LISTENER_RULE, "r", urn(LISTENER_RULE, "r", "prod"), {"listenerArn": on.props["arn"]})


def association(alb: StackResource | None = None) -> StackResource:
    props: dict[str, Any] = {"resourceArn": PROD_ALB_ARN if alb is None else UNKNOWN, "webAclArn": "arn:acl"}
    return StackResource(
        ASSOCIATION, "waf-association", urn(ASSOCIATION, "a", "prod"), props, (alb.urn,) if alb else ()
    )


HTTPS_LISTENER = listener("https", "HTTPS", [{"type": "fixed-response"}])
HTTP_REDIRECT = listener("http", "HTTP", REDIRECT)
HTTPS_RULE, WAF_RULE = "prod-alb-https", "prod-alb-web-acl"
ARCHIVE, LOGS = bucket("archive"), bucket("logs")
S3, PROD, ALB_SUBNETS = "s3-bucket-encrypted-and-private", "prod-deletion-protection", "alb-subnets-large-enough"
FLOW_LOGS, VERSIONED, READ_ONLY = "prod-vpc-flow-logs", "prod-buckets-versioned", "prod-read-only-root-filesystems"
PROD_ARCHIVE = bucket("archive", "prod")
NONCURRENT = {"noncurrentDays": 30}
ORDER = "s3-bucket-configuration-serialized"
_OWNERSHIP = configuration(ARCHIVE, OWNERSHIP)
# Ordered through a resource that is not a bucket configuration (the engine waits for it all the same).
_ROLE = StackResource(ROLE, "r", urn(ROLE, "r"), {}, (_OWNERSHIP.urn,))
PUBLIC_A, PUBLIC_B, TINY = (
    subnet("public-0", "10.0.0.0/27"),
    subnet("public-1", "10.0.0.32/27"),
    subnet("t", "10.0.0.0/28"),
)
# (rule, resources, the offending resource, a fragment of the expected message)
STACK_BAD: list[tuple[str, list[StackResource], str, str]] = [
    (
        S3,
        [ARCHIVE, access_block(ARCHIVE)],
        "archive",
        "no BucketServerSideEncryptionConfiguration",
    ),
    (S3, [ARCHIVE, encryption(ARCHIVE)], "archive", "no BucketPublicAccessBlock"),
    (
        S3,
        [ARCHIVE, encryption(ARCHIVE), access_block(ARCHIVE, restrictPublicBuckets=False)],
        "archive",
        "restrictPublicBuckets off",
    ),
    (
        S3,
        [ARCHIVE, encryption(ARCHIVE, algorithm="none"), access_block(ARCHIVE)],
        "archive",
        "no BucketServerSideEncryptionConfiguration",
    ),
    # A block on one bucket does not cover another.
    (
        S3,
        [ARCHIVE, LOGS, encryption(ARCHIVE), access_block(ARCHIVE), encryption(LOGS)],
        "logs",
        "no BucketPublicAccessBlock",
    ),
    (
        ORDER,
        [ARCHIVE, configuration(ARCHIVE, OWNERSHIP), configuration(ARCHIVE, BUCKET_POLICY)],
        "archive",
        "archive-BucketOwnershipControls and archive-BucketPolicy",
    ),
    # Two of three ordered is not enough; the message names only the unordered pair.
    (
        ORDER,
        [
            ARCHIVE,
            _OWNERSHIP,
            configuration(ARCHIVE, LIFECYCLE, _OWNERSHIP),
            configuration(ARCHIVE, BUCKET_POLICY, _OWNERSHIP),
        ],
        "archive",
        "applied at the same time: archive-BucketLifecycleConfiguration and archive-BucketPolicy. S3",
    ),
    # One bucket's chain does not cover another bucket.
    (
        ORDER,
        [*chained(LOGS), ARCHIVE, configuration(ARCHIVE, OWNERSHIP), configuration(ARCHIVE, LIFECYCLE)],
        "archive",
        "OperationAborted",
    ),
    (PROD, [load_balancer("prod", False)], "web-alb", "enableDeletionProtection"),
    (
        PROD,
        [StackResource(ALB, "web-alb", urn(ALB, "web-alb", "prod"), {})],
        "web-alb",
        "stack prod",
    ),
    (HTTPS_RULE, [prod_alb(), listener("http", "HTTP", FORWARD)], "web-alb", "needs an HTTPS listener"),
    (HTTPS_RULE, [prod_alb(), HTTPS_LISTENER, listener("http", "HTTP", FORWARD)], "web-alb", "must only redirect"),
    # A rule on the HTTP listener forwards past the redirect.
    (
        HTTPS_RULE,
        [prod_alb(), HTTPS_LISTENER, HTTP_REDIRECT, listener_rule(HTTP_REDIRECT)],
        "web-alb",
        "rules on it: r",
    ),
    # An HTTPS listener of another load balancer does not count.
    (
        HTTPS_RULE,
        [prod_alb(), replace(HTTPS_LISTENER, props={**HTTPS_LISTENER.props, "loadBalancerArn": "arn:other"})],
        "web-alb",
        "needs an HTTPS listener",
    ),
    (HTTPS_RULE, [prod_alb(tags={"allow-plain-http": "false"})], "web-alb", "allowPlainHttp"),
    (WAF_RULE, [prod_alb(), HTTPS_LISTENER], "web-alb", "needs a WAFv2 web ACL"),
    (WAF_RULE, [prod_alb(), replace(association(), props={"resourceArn": "arn:other"})], "web-alb", "waf: true"),
    (ALB_SUBNETS, [PUBLIC_A, TINY, alb_in(PUBLIC_A, TINY)], "web-alb", "subnet t is 10.0.0.0/28"),
    (  # matched by id where the engine reports it
        ALB_SUBNETS,
        [replace(TINY, props={**TINY.props, "id": "subnet-0t"}), alb_in(subnets=["subnet-0t"])],
        "web-alb",
        "needs subnets of /27 or larger",
    ),
    (FLOW_LOGS, [vpc()], "vpc", "stack prod: no flow log of ALL traffic"),
    (FLOW_LOGS, [vpc(), flow_log(vpc(), "REJECT")], "vpc", "no flow log of ALL traffic"),  # half the traffic
    (FLOW_LOGS, [vpc(), flow_log(vpc(), vpcId=None, subnetId="subnet-1")], "vpc", "no flow log"),  # one subnet
    # A flow log on another VPC (its id known) does not cover this one.
    (FLOW_LOGS, [vpc(id_="vpc-1"), flow_log(vpc(id_="vpc-2"), by_id=True)], "vpc", "no flow log"),
    (VERSIONED, [PROD_ARCHIVE], "archive", "stack prod: no BucketVersioning with status Enabled"),
    (VERSIONED, versioned(PROD_ARCHIVE, "Suspended", NONCURRENT), "archive", "no BucketVersioning"),
    (VERSIONED, versioned(PROD_ARCHIVE), "archive", "no enabled lifecycle rule with noncurrentVersionExpiration"),
    (READ_ONLY, [task_definition("prod", True, None)], "task", "stack prod: container(s) c1 without"),
    (READ_ONLY, [task_definition("prod", False, True)], "task", "container(s) c0 without readonlyRootFilesystem"),
]
# (rule, resources): nothing to report
STACK_GOOD: list[tuple[str, list[StackResource]]] = [
    (S3, [ARCHIVE, encryption(ARCHIVE), access_block(ARCHIVE)]),
    (S3, [ARCHIVE, encryption(ARCHIVE, "aws:kms"), access_block(ARCHIVE)]),
    # During preview a new bucket's id is unknown: the sub-resources are matched by the dependency instead.
    (
        S3,
        [ARCHIVE, encryption(ARCHIVE, by_name=False), access_block(ARCHIVE, by_name=False)],
    ),
    (
        S3,
        [ARCHIVE, encryption(ARCHIVE, algorithm=UNKNOWN), access_block(ARCHIVE, blockPublicPolicy=UNKNOWN)],
    ),
    (ORDER, chained(ARCHIVE)),  # ownership -> lifecycle -> policy: ordered pairwise through the chain
    (ORDER, chained(ARCHIVE, by_name=False)),  # preview: matched to the bucket by the dependency
    (ORDER, [ARCHIVE, _OWNERSHIP, _ROLE, configuration(ARCHIVE, BUCKET_POLICY, _ROLE)]),
    (ORDER, [*chained(ARCHIVE), *chained(LOGS)]),  # two buckets configured at the same time is fine
    (PROD, [load_balancer("prod", True)]),
    (PROD, [load_balancer("dev", False)]),
    (PROD, [load_balancer("prod", UNKNOWN)]),
    (HTTPS_RULE, [prod_alb(), HTTPS_LISTENER, HTTP_REDIRECT]),
    (HTTPS_RULE, [prod_alb(), HTTPS_LISTENER]),  # no HTTP listener at all
    (HTTPS_RULE, [prod_alb(tags={"allow-plain-http": "true"}), listener("http", "HTTP", FORWARD)]),  # on purpose
    (HTTPS_RULE, [prod_alb(internal=True), listener("http", "HTTP", FORWARD)]),  # not internet-facing
    (HTTPS_RULE, [load_balancer("dev", False), listener("http", "HTTP", FORWARD)]),  # not a protected stack
    (HTTPS_RULE, [prod_alb(loadBalancerType="network")]),
    # preview: the ARN unknown, the listeners found by their dependency; an unknown protocol or action is no finding
    (HTTPS_RULE, [prod_alb(arn=UNKNOWN), listener("https", UNKNOWN, UNKNOWN, prod_alb(arn=UNKNOWN))]),
    (WAF_RULE, [prod_alb(), association()]),
    (WAF_RULE, [prod_alb(arn=UNKNOWN), association(prod_alb(arn=UNKNOWN))]),
    (WAF_RULE, [prod_alb(internal=True)]),
    (WAF_RULE, [load_balancer("dev", False)]),
    (ALB_SUBNETS, [PUBLIC_A, PUBLIC_B, alb_in(PUBLIC_A, PUBLIC_B)]),
    (ALB_SUBNETS, [PUBLIC_A, subnet("new", UNKNOWN), alb_in(PUBLIC_A, subnet("new", UNKNOWN))]),
    (ALB_SUBNETS, [TINY, alb_in(TINY, loadBalancerType="network")]),  # only application load balancers
    (ALB_SUBNETS, [TINY, alb_in()]),  # a subnet the load balancer does not use
    (FLOW_LOGS, [vpc(), flow_log(vpc())]),  # preview: matched through the dependency
    (FLOW_LOGS, [vpc(id_="vpc-1"), flow_log(vpc(id_="vpc-1"), by_id=True)]),
    (FLOW_LOGS, [vpc(), flow_log(vpc(), UNKNOWN)]),
    (FLOW_LOGS, [vpc("dev")]),  # only protected stacks
    (VERSIONED, versioned(PROD_ARCHIVE, noncurrent=NONCURRENT)),
    (VERSIONED, versioned(PROD_ARCHIVE, UNKNOWN, UNKNOWN)),
    (VERSIONED, [ARCHIVE]),  # dev
    (READ_ONLY, [task_definition("prod", True, True)]),
    (READ_ONLY, [replace(task_definition("prod"), props={"containerDefinitions": UNKNOWN})]),  # preview
    (READ_ONLY, [task_definition("dev", False, None)]),
]


@pytest.mark.parametrize(("rule", "resources", "offender", "fragment"), STACK_BAD)
def test_each_stack_rule_fires_on_a_bad_stack(
    rule: str, resources: list[StackResource], offender: str, fragment: str
) -> None:
    check = RULES_BY_NAME[rule].check_stack
    assert check is not None
    violations = check(resources)
    assert any(v.resource.name == offender and fragment in v.message for v in violations), violations


@pytest.mark.parametrize(("rule", "resources"), STACK_GOOD)
def test_each_stack_rule_passes_a_good_stack(rule: str, resources: list[StackResource]) -> None:
    check = RULES_BY_NAME[rule].check_stack
    assert check is not None
    assert check(resources) == []


def test_every_rule_has_a_case_that_makes_it_fire() -> None:
    fired = {case[0] for case in BAD} | {case[0] for case in STACK_BAD}
    assert fired == set(RULES_BY_NAME)


def test_rules_are_well_formed() -> None:
    assert len(RULES_BY_NAME) == len(RULES)
    with pytest.raises(ValueError, match="exactly one"):
        PolicyRule("both", "d", MANDATORY)
    with pytest.raises(ValueError, match="enforcement"):
        PolicyRule("level", "d", "blocking", check=lambda type_, props: [])


# --- the real stacks -------------------------------------------------------------------------------------------------


def test_both_stacks_pass_every_policy(stack: Evaluation) -> None:
    findings = evaluate_policies(stack)
    assert findings == [], "\n".join(f"{f.rule}: {f.name}: {f.message}" for f in findings)


# The types each rule governs, as the program uses them: a clean result must not come from an empty stack.
GOVERNED = {
    "s3-bucket-encrypted-and-private": {storage.BUCKET},
    "s3-bucket-configuration-serialized": {storage.BUCKET, BUCKET_POLICY, OWNERSHIP, LIFECYCLE},
    "eventbridge-log-streams-creatable": {LOG_POLICY},
    "security-group-ingress-restricted": {INGRESS},
    "iam-no-wildcards": {ROLE_POLICY},
    "iam-service-trust-confused-deputy": {ROLE},
    "log-group-retention": {logs.LOG_GROUP},
    "ecr-scan-on-push": {containers.ECR_REPOSITORY},
    "alb-drop-invalid-headers": {ALB},
    "task-definition-pinned-images": {containers.TASK_DEFINITION},
    "prod-deletion-protection": {ALB},
    "alb-subnets-large-enough": {ALB, edge.SUBNET},
    "prod-vpc-flow-logs": {network.VPC},
    "prod-buckets-versioned": {storage.BUCKET, storage.BUCKET_VERSIONING, storage.BUCKET_LIFECYCLE},
    "prod-read-only-root-filesystems": {containers.TASK_DEFINITION},
    "prod-alb-https": {ALB, LISTENER},
    "prod-alb-web-acl": {ALB},
}


def test_every_rule_governs_resources_of_both_stacks(stack: Evaluation) -> None:
    assert set(GOVERNED) == set(RULES_BY_NAME)
    present = {r.type for r in stack.resources}
    assert {rule: types - present for rule, types in GOVERNED.items() if types - present} == {}


@dataclass(frozen=True)
class Resources:
    """Just enough of an Evaluation for evaluate_policies."""

    resources: tuple[RecordedResource, ...]


def with_inputs(resource: RecordedResource, change: Callable[[dict[str, Any]], None]) -> RecordedResource:
    inputs = copy.deepcopy(resource.plain_inputs())
    change(inputs)
    return replace(resource, inputs=inputs)


def break_one(
    evaluation: Resources | Evaluation, type_: str, change: Callable[[dict[str, Any]], None]
) -> tuple[Resources, str]:
    """The stack with the first resource of `type_` changed, and that resource's URN."""
    target = next((r for r in evaluation.resources if r.type == type_), None)
    assert target is not None, f"the stack has no {type_}"
    changed = tuple(with_inputs(r, change) if r is target else r for r in evaluation.resources)
    return Resources(changed), target.urn


def _edit_json(key: str, edit: Callable[[Any], None]) -> Callable[[dict[str, Any]], None]:
    def change(inputs: dict[str, Any]) -> None:
        document = json.loads(inputs[key])
        edit(document)
        inputs[key] = json.dumps(document)

    return change


def _wildcard_first_action(document: Any) -> None:
    document["Statement"][0]["Action"] = "logs:*"


def _drop_conditions(document: Any) -> None:
    for statement in document["Statement"]:
        statement.pop("Condition", None)


def _latest_first_image(containers: Any) -> None:
    containers[0]["image"] = "httpd:latest"


def _create_streams_under_source_arn(document: Any) -> None:
    """The combined statement the task stop log group used to have."""
    create, put = document["Statement"]
    assert (create["Action"], put["Action"]) == ("logs:CreateLogStream", "logs:PutLogEvents")
    create["Condition"] = put["Condition"]


# rule -> (type, change): one real resource broken the way the rule forbids
BREAKS: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "security-group-ingress-restricted": (INGRESS, lambda p: p.update(ipProtocol="tcp", fromPort=24224, toPort=24224)),
    "iam-no-wildcards": (ROLE_POLICY, _edit_json("policy", _wildcard_first_action)),
    "iam-service-trust-confused-deputy": (ROLE, _edit_json("assumeRolePolicy", _drop_conditions)),
    "log-group-retention": (logs.LOG_GROUP, lambda p: p.pop("retentionInDays", None)),
    "ecr-scan-on-push": (
        ECR,
        lambda p: p.update(imageScanningConfiguration={"scanOnPush": False}),
    ),
    "alb-drop-invalid-headers": (ALB, lambda p: p.update(dropInvalidHeaderFields=False)),
    "task-definition-pinned-images": (
        TASK,
        _edit_json("containerDefinitions", _latest_first_image),
    ),
    "eventbridge-log-streams-creatable": (LOG_POLICY, _edit_json("policyDocument", _create_streams_under_source_arn)),
}


def without_public_access_blocks(evaluation: Resources | Evaluation) -> Resources:
    return Resources(tuple(r for r in evaluation.resources if r.type != storage.BUCKET_PUBLIC_ACCESS_BLOCK))


def with_bucket_configurations_unchained(evaluation: Resources | Evaluation) -> Resources:
    """Every bucket configuration depending on its bucket only, as the components made them before."""
    configurations = {r.urn for r in evaluation.resources if r.type in storage.BUCKET_CONFIGURATIONS}

    def unchained(resource: RecordedResource) -> RecordedResource:
        if resource.urn not in configurations:
            return resource
        return replace(resource, dependencies=tuple(d for d in resource.dependencies if d not in configurations))

    return Resources(tuple(unchained(r) for r in evaluation.resources))


def is_public_subnet(resource: RecordedResource) -> bool:
    return resource.type == edge.SUBNET and "public" in resource.name


def with_tiny_public_subnets(evaluation: Resources | Evaluation) -> Resources:
    """The stack with its public subnets (the ALB's) cut to /28, what a /24 VPC would give them."""

    def shrink(subnet: RecordedResource) -> RecordedResource:
        tiny = subnet.inputs["cidrBlock"].rsplit("/", 1)[0] + "/28"
        return replace(subnet, inputs={**subnet.inputs, "cidrBlock": tiny}, state={**subnet.state, "cidrBlock": tiny})

    return Resources(tuple(shrink(r) if is_public_subnet(r) else r for r in evaluation.resources))


# prod with every control and guard that config can turn off turned off: deletion protection, flow logs, the app's
# read-only root, the WAF and the domain (so HTTPS: plain HTTP on purpose). One evaluation for every prod-only rule's
# config-driven case, shared with the CLI test below.
PROD_CONTROLS_OFF = {
    "deletionProtection": "false",
    "flowLogs": "false",
    "services": services_with("prod", readOnlyRootFilesystem=False),
    "waf": "false",
    "domainName": "",
    "hostedZoneId": "",
    "allowPlainHttp": "true",
}


def prod_with_controls_off() -> Evaluation:
    return evaluate_stack("prod", secrets=None, **PROD_CONTROLS_OFF)


def without_versioning(evaluation: Resources | Evaluation) -> Resources:
    """The stack as it would be if a change dropped the buckets' versioning."""
    return Resources(tuple(r for r in evaluation.resources if r.type != storage.BUCKET_VERSIONING))


def without_noncurrent_expiration(evaluation: Resources | Evaluation) -> Resources:
    """The stack with every lifecycle rule's noncurrentVersionExpiration removed (inputs and reported state)."""

    def drop(lifecycle: RecordedResource) -> RecordedResource:
        rules_ = [
            {k: v for k, v in rule.items() if k != "noncurrentVersionExpiration"} for rule in lifecycle.inputs["rules"]
        ]
        return replace(
            lifecycle, inputs={**lifecycle.inputs, "rules": rules_}, state={**lifecycle.state, "rules": rules_}
        )

    return Resources(tuple(drop(r) if r.type == storage.BUCKET_LIFECYCLE else r for r in evaluation.resources))


def without_the_plain_http_tag(evaluation: Resources | Evaluation) -> Resources:
    """The stack with its ALB's allow-plain-http tag gone from inputs and state (a stack rule sees both)."""

    def untag(alb: RecordedResource) -> RecordedResource:
        inputs = {k: v for k, v in alb.inputs.items() if k != "tags"}
        return replace(alb, inputs=inputs, state={k: v for k, v in alb.state.items() if k != "tags"})

    return Resources(tuple(untag(r) if r.type == ALB else r for r in evaluation.resources))


def rule_urns(findings: list[Finding], rule: str) -> set[str]:
    return {f.urn for f in findings if f.rule == rule}


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_each_resource_rule_fires_on_the_real_stack_broken(dev: Evaluation, rule: str) -> None:
    """The rules read the properties the real components produce (names, shapes, JSON encoding)."""
    type_, change = BREAKS[rule]
    broken, target = break_one(dev, type_, change)
    assert target in rule_urns(evaluate_policies(broken), rule)


def test_bucket_rule_fires_on_the_real_stack_without_public_access_blocks(dev: Evaluation) -> None:
    buckets = {r.urn for r in dev.of_type(storage.BUCKET)}
    assert buckets
    assert rule_urns(evaluate_policies(without_public_access_blocks(dev)), "s3-bucket-encrypted-and-private") == buckets


def test_bucket_order_rule_fires_on_the_real_stack_with_configurations_unchained(dev: Evaluation) -> None:
    buckets = {r.urn for r in dev.of_type(storage.BUCKET)}
    assert buckets
    findings = evaluate_policies(with_bucket_configurations_unchained(dev))
    assert rule_urns(findings, "s3-bucket-configuration-serialized") == buckets


def test_alb_subnet_rule_fires_on_the_real_stack_with_tiny_subnets(stack: Evaluation) -> None:
    """An ALB needs subnets of /27 or larger with 8 free addresses (tests/network/test_subnet_sizing.py): the rule finds
    the ALB's subnets through the dependencies its `subnets` input makes, as the engine records them."""
    (alb,) = [r for r in stack.resources if r.type == ALB]
    findings = [f for f in evaluate_policies(with_tiny_public_subnets(stack)) if f.rule == "alb-subnets-large-enough"]
    assert {f.urn for f in findings} == {alb.urn}
    public = [r for r in stack.resources if is_public_subnet(r)]
    assert len(findings) == len(public) >= 2  # one finding per subnet that is too small


def test_prod_rule_fires_when_prod_turns_deletion_protection_off() -> None:
    evaluation = prod_with_controls_off()
    expected = {r.urn for r in evaluation.of_type(ALB)}
    assert expected
    assert rule_urns(evaluate_policies(evaluation), "prod-deletion-protection") == expected
    # The same setting is fine outside prod.
    assert rule_urns(evaluate_policies(evaluate_stack("dev")), "prod-deletion-protection") == set()


def test_the_security_baseline_rules_fire_when_prod_turns_its_controls_off(dev: Evaluation) -> None:
    """flowLogs and a service's readOnlyRootFilesystem can be turned off by config: in prod the pack then refuses the
    stack, naming the VPC and the task definition. The same settings in dev are allowed."""
    findings = evaluate_policies(prod_with_controls_off())
    evaluation = prod_with_controls_off()
    assert rule_urns(findings, FLOW_LOGS) == {r.urn for r in evaluation.of_type(network.VPC)}
    assert rule_urns(findings, READ_ONLY) == {r.urn for r in evaluation.of_type(containers.TASK_DEFINITION)}
    assert config_value(dev, "flowLogs") == "false"
    assert rule_urns(evaluate_policies(dev), FLOW_LOGS) == set()


def test_the_versioning_rule_fires_on_every_prod_bucket_that_loses_it(prod: Evaluation, dev: Evaluation) -> None:
    """Versioning cannot be turned off by config; a later change that dropped it (or the noncurrent expiration) is
    what the rule guards against, in prod only."""
    buckets = {r.urn for r in prod.of_type(storage.BUCKET)}
    assert len(buckets) >= 5  # two archives, the access logs, the flow logs, the Athena results
    assert rule_urns(evaluate_policies(without_versioning(prod)), VERSIONED) == buckets
    assert rule_urns(evaluate_policies(without_noncurrent_expiration(prod)), VERSIONED) == buckets
    assert rule_urns(evaluate_policies(without_versioning(dev)), VERSIONED) == set()


def test_prod_refuses_to_lose_its_web_acl_and_accepts_plain_http_only_on_purpose() -> None:
    """prod with `waf: false`: the web ACL rule fires (no way around it in a protected stack). prod without a
    certificate and with `allowPlainHttp: true`: its ALB carries the allow-plain-http tag and the HTTPS rule lets it
    pass; the same ALB without the tag (a code change dropping HTTPS) fails it. dev, with neither, passes both."""
    evaluation = prod_with_controls_off()
    (alb,) = evaluation.of_type(ALB)
    findings = evaluate_policies(evaluation)
    assert rule_urns(findings, WAF_RULE) == {alb.urn}
    assert rule_urns(findings, HTTPS_RULE) == set()
    assert alb.inputs["tags"] == {"allow-plain-http": "true"}
    assert rule_urns(evaluate_policies(without_the_plain_http_tag(evaluation)), HTTPS_RULE) == {alb.urn}
    dev_findings = evaluate_policies(evaluate_stack("dev"))
    assert rule_urns(dev_findings, WAF_RULE) == rule_urns(dev_findings, HTTPS_RULE) == set()


def test_the_https_and_web_acl_rules_fire_on_prod_broken(prod: Evaluation) -> None:
    """The rules read what the real components produce: prod as committed passes; without its web ACL association,
    or with its HTTP listener forwarding instead of redirecting, or without its HTTPS listener, it fails."""
    (alb,) = prod.of_type(ALB)
    no_association = Resources(tuple(r for r in prod.resources if r.type != ASSOCIATION))
    assert rule_urns(evaluate_policies(no_association), WAF_RULE) == {alb.urn}

    def forward_on_http(resource: RecordedResource) -> RecordedResource:
        if resource.type != LISTENER or resource.inputs["port"] != 80:
            return resource
        return replace(
            resource,
            inputs={**resource.inputs, "defaultActions": FORWARD},
            state={**resource.state, "defaultActions": FORWARD},
        )

    forwarding = Resources(tuple(forward_on_http(r) for r in prod.resources))
    assert rule_urns(evaluate_policies(forwarding), HTTPS_RULE) == {alb.urn}
    no_https = Resources(tuple(r for r in prod.resources if not (r.type == LISTENER and r.inputs["port"] == 443)))
    assert any("needs an HTTPS listener" in f.message for f in evaluate_policies(no_https) if f.rule == HTTPS_RULE)


# --- the offline preview -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("cached_cli")
def test_offline_preview_exits_1_on_a_mandatory_violation(capsys: pytest.CaptureFixture[str]) -> None:
    overrides = [arg for key, value in PROD_CONTROLS_OFF.items() for arg in ("--config", f"{key}={value}")]
    code = main(["preview", "--stack", "prod", *overrides])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"\[mandatory\] prod-deletion-protection: web-alb\S*: stack prod", out), out
    assert re.search(r"\[mandatory\] prod-vpc-flow-logs: network-vpc\S*: stack prod", out), out
    assert re.search(r"\[mandatory\] prod-read-only-root-filesystems: httpd-task\S*: stack prod", out), out
    assert re.search(r"\[mandatory\] prod-alb-web-acl: web-alb\S*: stack prod", out), out


@pytest.mark.usefixtures("cached_cli")
@pytest.mark.parametrize(("enforcement", "exit_code"), [("advisory", 0), ("mandatory", 1)])
def test_offline_preview_prints_findings_and_fails_only_on_mandatory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], enforcement: str, exit_code: int
) -> None:
    def no_vpc(type_: str, props: dict[str, Any]) -> list[str]:
        return ["no VPC allowed"] if type_ == "aws:ec2/vpc:Vpc" else []

    monkeypatch.setattr(policy_rules, "RULES", [PolicyRule("no-vpc", "d", enforcement, check=no_vpc)])
    assert main(["preview", "--stack", "dev"]) == exit_code
    out = capsys.readouterr().out
    assert "Policies: 1 finding(s)" in out
    assert f"[{enforcement}] no-vpc: " in out and ": no VPC allowed" in out


# --- the CrossGuard pack --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> ModuleType:
    """policy/__main__.py imported, not run: the policies are built and no server starts."""
    return importlib.import_module("policy.__main__")


@pytest.fixture(scope="module")
def analyzer(pack: ModuleType) -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(pack.PACK_NAME, "0.1.0", pack.policies(), EnforcementLevel.MANDATORY)


def struct(props: dict[str, Any]) -> struct_pb2.Struct:
    """Properties as the engine sends them: a protobuf Struct (every number a float)."""
    return json_format.ParseDict(json.loads(json.dumps(props, default=str)), struct_pb2.Struct())


def analyze(
    analyzer: _PolicyAnalyzerServicer, resource: RecordedResource, props: dict[str, Any] | None = None
) -> list[Any]:
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type, properties=struct(props or resource.plain_inputs()), urn=resource.urn, name=resource.name
    )
    return list(analyzer.Analyze(request, None).diagnostics)  # type: ignore[no-untyped-call]


def analyze_stack(analyzer: _PolicyAnalyzerServicer, resources: tuple[RecordedResource, ...]) -> list[Any]:
    request = analyzer_pb2.AnalyzeStackRequest(
        resources=[
            analyzer_pb2.AnalyzerResource(
                type=r.type,
                properties=struct(s.props),
                urn=r.urn,
                name=r.name,
                parent=r.parent or "",
                dependencies=list(r.dependencies),
            )
            for r, s in zip(resources, stack_resources(resources), strict=True)
        ]
    )
    return list(analyzer.AnalyzeStack(request, None).diagnostics)  # type: ignore[no-untyped-call]


def crossguard_findings(
    analyzer: _PolicyAnalyzerServicer, resources: tuple[RecordedResource, ...]
) -> set[tuple[str, str]]:
    found = {(d.policyName, r.urn) for r in resources for d in analyze(analyzer, r)}
    return found | {(d.policyName, d.urn) for d in analyze_stack(analyzer, resources)}


def broken_prod() -> Resources:
    """prod with a violation of every rule (its ALB serving plain HTTP without the on-purpose tag, without a WAF)."""
    broken: Resources | Evaluation = prod_with_controls_off()
    for type_, change in BREAKS.values():
        broken, _ = break_one(broken, type_, change)
    broken = without_versioning(without_the_plain_http_tag(broken))
    return with_tiny_public_subnets(with_bucket_configurations_unchained(without_public_access_blocks(broken)))


def test_pack_has_one_policy_per_rule(pack: ModuleType) -> None:
    built = {p.name: p for p in pack.policies()}
    assert set(built) == set(RULES_BY_NAME)
    for rule in RULES:
        kind = ResourceValidationPolicy if rule.check else StackValidationPolicy
        assert isinstance(built[rule.name], kind)
        assert built[rule.name].enforcement_level == pack.ENFORCEMENT[rule.enforcement]
    assert re.fullmatch(r"[a-zA-Z0-9-_.]{1,100}", pack.PACK_NAME)


def test_pack_serves_its_policies_when_started_the_way_the_cli_starts_it(tmp_path: Path) -> None:
    """`python -m pulumi.policy <engine> <pack dir>` from elsewhere: the server starts and answers over gRPC."""
    command = [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PROJECT_DIR / "policy")]
    server = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        assert port.isdigit(), server.stderr.read() if server.stderr else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
            alb = analyzer_pb2.AnalyzeRequest(type=ALB, properties=struct({"dropInvalidHeaderFields": False}), urn="u")
            diagnostics = stub.Analyze(alb, timeout=30).diagnostics
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert info.name == "httpd-firelens-guardrails"
    assert {p.name for p in info.policies} == set(RULES_BY_NAME)
    assert [d.policyName for d in diagnostics] == [HEADERS]


def test_crossguard_reports_exactly_what_the_offline_harness_reports(analyzer: _PolicyAnalyzerServicer) -> None:
    broken = broken_prod()
    offline = {(f.rule, f.urn) for f in evaluate_policies(broken)}
    assert {rule for rule, _ in offline} == set(RULES_BY_NAME)  # every rule has something to say
    assert crossguard_findings(analyzer, broken.resources) == offline


def test_crossguard_passes_the_committed_stacks(analyzer: _PolicyAnalyzerServicer, stack: Evaluation) -> None:
    assert crossguard_findings(analyzer, stack.resources) == set()


def test_crossguard_tolerates_values_unknown_during_preview(analyzer: _PolicyAnalyzerServicer, dev: Evaluation) -> None:
    unknowns: dict[str, dict[str, Any]] = {
        ALB: {"dropInvalidHeaderFields": UNKNOWN_BOOLEAN_VALUE},
        containers.TASK_DEFINITION: {"containerDefinitions": UNKNOWN_STRING_VALUE},
        ROLE_POLICY: {"policy": UNKNOWN_STRING_VALUE},
        INGRESS: {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": UNKNOWN_STRING_VALUE, "toPort": 80},
    }
    for type_, props in unknowns.items():
        resource = next(r for r in dev.resources if r.type == type_)
        assert analyze(analyzer, resource, {**resource.plain_inputs(), **props}) == [], type_


def test_plain_turns_engine_values_into_rule_values(pack: ModuleType) -> None:
    from pulumi_policy.proxy import unknown_checking_proxy

    proxied = unknown_checking_proxy({"a": [1.0, 2.5, UNKNOWN_STRING_VALUE], "b": {"c": UNKNOWN_BOOLEAN_VALUE}})
    assert pack.plain(proxied) == {"a": [1, 2.5, UNKNOWN], "b": {"c": UNKNOWN}}


# --- policy pack files ---------------------------------------------------------------------------------------------


def _pin(path: Path, package: str) -> str:
    pins = [line for line in path.read_text().splitlines() if line.startswith(f"{package}==")]
    assert len(pins) == 1, path
    return pins[0]


def test_pack_runs_in_the_project_venv_with_the_pinned_sdk() -> None:
    project = yaml.safe_load((PROJECT_DIR / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    venv = (PROJECT_DIR / "policy" / project["runtime"]["options"]["virtualenv"]).resolve()
    assert venv == PROJECT_DIR / ".venv"
    assert _pin(PROJECT_DIR / "policy" / "requirements.txt", "pulumi-policy") == _pin(
        PROJECT_DIR / "requirements-dev.txt", "pulumi-policy"
    )


def test_every_action_allowed_on_any_resource_has_no_resource_type() -> None:
    """`Resource: "*"` is accepted only for actions that have no resource-level permissions: in the Service
    Authorization Reference, as parliament's iam_definition.json carries it, none of them lists a resource type
    (athena:ListWorkGroups and athena:ListDataCatalogs, the Athena console's pickers, among them)."""
    import tests.support.iam_lint  # noqa: F401 - imports parliament without its pkg_resources warning

    parliament = sys.modules["parliament"]
    services = json.loads((Path(str(parliament.__file__)).parent / "iam_definition.json").read_text())
    resource_types = {
        f"{service['prefix']}:{privilege['privilege']}".lower(): [
            r["resource_type"] for r in privilege["resource_types"]
        ]
        for service in services
        for privilege in service["privileges"]
    }
    for action in sorted(iam.RESOURCE_STAR_ACTIONS):
        assert action in resource_types, action
        assert [t for t in resource_types[action] if t] == [], (action, resource_types[action])
    assert [t for t in resource_types["athena:startqueryexecution"] if t] == ["workgroup*"]  # the check can fail
