"""An existing stack's `pulumi up` takes over every resource it already has: each URN of today's dev and prod
deployments (tests/data/urns-<stack>.txt, recorded from the program before the FirelensService refactoring)
resolves to a resource of the program, by its URN or through an alias, and nothing else is new but the
resources listed here.

How the engine decides, and so how offline/aliases.py decides (sources):
- a resource whose URN changed (name, type or parent path) keeps its identity when its `aliases` name the old
  URN; otherwise `pulumi up` deletes the old resource and creates a new one (Pulumi docs, "Resource option:
  aliases", https://www.pulumi.com/docs/concepts/options/aliases/, and "Refactoring with aliases",
  https://www.pulumi.com/docs/iac/operations/stack-management/refactoring-with-aliases/);
- the lookup, the alias URNs computed from alias specs, and the aliases a child inherits from its parent's matched
  alias (with the parent's name prefix of the child's name replaced) are pulumi/pulumi
  pkg/resource/deploy/step_generator.go: generateSteps, generateAliases, collapseAliasToUrn, inheritedChildAlias;
- the old inputs found through an alias are what the provider's Check compares with: an auto-named physical name
  (name + random suffix) is kept from the old state ("If we already have a default value from a previous version
  of this resource, use that instead", pulumi/pulumi-terraform-bridge pkg/tfbridge/schema.go), so renaming a
  logical name under an alias does not rename, and so does not replace, the cloud resource.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from offline.aliases import AliasSpec, Registration, match_previous
from offline.harness import Evaluation, RecordedResource

DATA = Path(__file__).parent / "data"
STACK = "pulumi:pulumi:Stack"
PREFIX = "urn:pulumi:dev::proj::"

# What the program creates that today's stacks do not have (URNs without the `urn:pulumi:<stack>::<project>::`).
ADDITIONS_IN_EVERY_STACK = {
    # the cluster's new component (the cluster itself moved into it)
    "httpd-firelens:service:EcsCluster::httpd",
    # the httpd service's rule on the listener, whose default action is now a fixed 404
    "httpd-firelens:service:FirelensService$aws:lb/listenerRule:ListenerRule::httpd-rule",
    # the service's alarms' new component (the alarms themselves moved into it from the pipeline alarms)
    "httpd-firelens:service:FirelensService$httpd-firelens:monitoring:ServiceAlarms::httpd-alarms",
}
_ARCHIVE = "httpd-firelens:logs:LogArchive$httpd-firelens:storage:PrivateBucket$"
_ACCESS_LOGS = "httpd-firelens:loadbalancer:LoadBalancer$httpd-firelens:storage:PrivateBucket$"
_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
# Issue 15: every existing bucket gets versioning, prod's archives Object Lock: configuration resources of the same
# buckets, which are updated in place, never replaced (tests/test_log_archive.py).
VERSIONING = {
    f"{_ARCHIVE}{_VERSIONING}::app-log-archive-bucket-versioning",
    f"{_ARCHIVE}{_VERSIONING}::task-stop-archive-bucket-versioning",
    f"{_ACCESS_LOGS}{_VERSIONING}::web-access-logs-versioning",
}
OBJECT_LOCK = {
    f"{_ARCHIVE}{_OBJECT_LOCK}::app-log-archive-bucket-object-lock",
    f"{_ARCHIVE}{_OBJECT_LOCK}::task-stop-archive-bucket-object-lock",
}
# prod's new VPC flow logs: a component of their own, with their own bucket.
_FLOW_LOGS = "httpd-firelens:network:VpcFlowLogs"
_FLOW_LOG_BUCKET = f"{_FLOW_LOGS}$httpd-firelens:storage:PrivateBucket"
FLOW_LOGS = {
    f"{_FLOW_LOGS}::network-flow-logs",
    f"{_FLOW_LOGS}$aws:ec2/flowLog:FlowLog::network-flow-logs-vpc",
    f"{_FLOW_LOGS}$httpd-firelens:storage:PrivateBucket::network-flow-logs-bucket",
    *(
        f"{_FLOW_LOG_BUCKET}${type_}::network-flow-logs-bucket{suffix}"
        for type_, suffix in (
            ("aws:s3/bucket:Bucket", ""),
            ("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "-ownership"),
            ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "-public-access"),
            (
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "-encryption",
            ),
            (_VERSIONING, "-versioning"),
            ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "-lifecycle"),
            ("aws:s3/bucketPolicy:BucketPolicy", "-policy"),
        )
    ),
}
# Components new since the URNs were taken, created with everything in them (issue 13: Athena over the archives).
NEW_COMPONENTS = ("httpd-firelens:logs:ArchiveQueries", "httpd-firelens:monitoring:OutsideCheck")


def in_new_component(short_urn: str) -> bool:
    """The short URN is a new component's, or a resource's anywhere inside one (its type chain starts with it)."""
    return any(short_urn.startswith((f"{component}::", f"{component}$")) for component in NEW_COMPONENTS)


# prod now serves HTTPS for its domain (issue 15): the certificate, its validation record and validation, the HTTPS
# listener and its security group rule, and the domain's alias record.
HTTPS_ADDITIONS = {
    "httpd-firelens:https:DnsValidatedCertificate::web-cert",
    "httpd-firelens:https:DnsValidatedCertificate$aws:acm/certificate:Certificate::web-cert-request",
    "httpd-firelens:https:DnsValidatedCertificate$aws:route53/record:Record::web-cert-validation-record",
    "httpd-firelens:https:DnsValidatedCertificate$aws:acm/certificateValidation:CertificateValidation::"
    "web-cert-validation",
    "httpd-firelens:loadbalancer:LoadBalancer$aws:lb/listener:Listener::web-https-listener",
    "httpd-firelens:loadbalancer:LoadBalancer$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::"
    "web-sg-in-443-0",
    "httpd-firelens:loadbalancer:LoadBalancer$aws:route53/record:Record::web-alias",
}
# ... and the WAF (issue 15): the web ACL with its association and logging, its log archive (the LogArchive
# component's children as every archive has them) and the alarms on its stream.
WAF_ARCHIVE = "httpd-firelens:logs:LogArchive"
WAF_BUCKET = f"{WAF_ARCHIVE}$httpd-firelens:storage:PrivateBucket"
WAF_ADDITIONS = {
    "httpd-firelens:security:WebFirewall::waf",
    "httpd-firelens:security:WebFirewall$aws:wafv2/webAcl:WebAcl::waf-acl",
    "httpd-firelens:security:WebFirewall$aws:wafv2/webAclAssociation:WebAclAssociation::waf-association",
    "httpd-firelens:security:WebFirewall$aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration::waf-logging",
    f"{WAF_ARCHIVE}::waf-log-archive",
    f"{WAF_ARCHIVE}$aws:cloudwatch/logGroup:LogGroup::waf-log-archive-delivery-errors",
    f"{WAF_ARCHIVE}$aws:cloudwatch/logStream:LogStream::waf-log-archive-delivery-errors-stream",
    f"{WAF_ARCHIVE}$aws:iam/role:Role::waf-log-archive-role",
    f"{WAF_ARCHIVE}$aws:iam/rolePolicy:RolePolicy::waf-log-archive-role-policy",
    f"{WAF_ARCHIVE}$aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::waf-log-archive-stream",
    f"{WAF_ARCHIVE}$httpd-firelens:storage:PrivateBucket::waf-log-archive-bucket",
    *(
        f"{WAF_BUCKET}$aws:s3/{kind}::waf-log-archive-bucket{suffix}"
        for kind, suffix in (
            ("bucket:Bucket", ""),
            ("bucketLifecycleConfiguration:BucketLifecycleConfiguration", "-lifecycle"),
            ("bucketOwnershipControls:BucketOwnershipControls", "-ownership"),
            ("bucketPolicy:BucketPolicy", "-policy"),
            ("bucketPublicAccessBlock:BucketPublicAccessBlock", "-public-access"),
            ("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "-encryption"),
            ("bucketVersioning:BucketVersioning", "-versioning"),
            ("bucketObjectLockConfiguration:BucketObjectLockConfiguration", "-object-lock"),
        )
    ),
    *(
        f"httpd-firelens:monitoring:PipelineAlarms$aws:cloudwatch/metricAlarm:MetricAlarm::pipeline-alarms-waf-logs-{kind}"
        for kind in ("delivery-failing", "delivery-stale", "throttled")
    ),
}
# Silence is an alarm: the router's error filter and the two alarms on silence.
_SERVICE = "httpd-firelens:service:FirelensService"
_SERVICE_ALARM = f"{_SERVICE}$httpd-firelens:monitoring:ServiceAlarms$aws:cloudwatch/metricAlarm:MetricAlarm"
SILENCE_ADDITIONS = {
    f"{_SERVICE}$aws:cloudwatch/logMetricFilter:LogMetricFilter::httpd-router-errors",
    f"{_SERVICE_ALARM}::httpd-alarms-traffic-without-archive",
    f"{_SERVICE_ALARM}::httpd-alarms-router-errors",
}
ADDITIONS_IN_EVERY_STACK |= SILENCE_ADDITIONS
ADDITIONS: dict[str, set[str]] = {
    "dev": ADDITIONS_IN_EVERY_STACK | VERSIONING,
    "prod": ADDITIONS_IN_EVERY_STACK
    | VERSIONING
    | OBJECT_LOCK
    | FLOW_LOGS
    | HTTPS_ADDITIONS
    | WAF_ADDITIONS
    | {"pulumi:providers:aws::aws-us-east-1"},  # the outside check's alarm and topic live in us-east-1
}


def previous_urns(stack: str) -> list[str]:
    return (DATA / f"urns-{stack}.txt").read_text().split()


def short(urn: str) -> str:
    return urn.split("::", 2)[2]


# --- the engine's rules, on synthetic registrations -------------------------------------------------------


def stack_root() -> Registration:
    return Registration(PREFIX + f"{STACK}::proj-dev", "proj-dev", STACK, None)


def test_a_resource_is_found_by_its_own_urn_first() -> None:
    root = stack_root()
    bucket = Registration(PREFIX + "aws:s3/bucket:Bucket::logs", "logs", "aws:s3/bucket:Bucket", root.urn)
    match = match_previous([root, bucket], [root.urn, bucket.urn])
    assert match.previous_of == {root.urn: root.urn, bucket.urn: bucket.urn}
    assert (match.added, match.unclaimed, match.problems) == ((), (), ())


def test_a_renamed_resource_without_an_alias_is_a_delete_and_a_create() -> None:
    """The check can fail: what the engine would delete and create is reported."""
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    renamed = Registration(PREFIX + "aws:s3/bucket:Bucket::archive", "archive", "aws:s3/bucket:Bucket", root.urn)
    match = match_previous([root, renamed], [root.urn, old])
    assert match.added == (renamed.urn,)
    assert match.unclaimed == (old,)


def test_an_alias_spec_fills_in_what_it_leaves_out() -> None:
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    renamed = Registration(
        PREFIX + "aws:s3/bucket:Bucket::archive", "archive", "aws:s3/bucket:Bucket", root.urn, (AliasSpec(name="logs"),)
    )
    match = match_previous([root, renamed], [root.urn, old])
    assert match.previous_of[renamed.urn] == old
    assert (match.added, match.unclaimed) == ((), ())


def test_children_inherit_the_parent_alias_with_the_parent_name_prefix_replaced() -> None:
    """The engine's own example (inheritedChildAlias): `newapp-function` under `newapp`, once `app` of type
    awsx:ec2:Vpc, is found as `app-function` under the old parent."""
    root = stack_root()
    parent = Registration(
        PREFIX + "my:index:App::newapp",
        "newapp",
        "my:index:App",
        root.urn,
        (AliasSpec(name="app", type="awsx:ec2:Vpc"),),
    )
    child = Registration(
        PREFIX + "my:index:App$aws:lambda/function:Function::newapp-function",
        "newapp-function",
        "aws:lambda/function:Function",
        parent.urn,
    )
    old_parent = PREFIX + "awsx:ec2:Vpc::app"
    old_child = PREFIX + "awsx:ec2:Vpc$aws:lambda/function:Function::app-function"
    match = match_previous([root, parent, child], [root.urn, old_parent, old_child])
    assert match.previous_of == {root.urn: root.urn, parent.urn: old_parent, child.urn: old_child}


def test_a_child_moved_to_another_parent_needs_its_own_alias() -> None:
    root = stack_root()
    component = Registration(PREFIX + "my:index:Cluster::c", "c", "my:index:Cluster", root.urn)
    old_parent = PREFIX + "my:index:Service::svc"
    old = PREFIX + "my:index:Service$aws:ecs/cluster:Cluster::svc-cluster"
    moved = Registration(
        PREFIX + "my:index:Cluster$aws:ecs/cluster:Cluster::svc-cluster",
        "svc-cluster",
        "aws:ecs/cluster:Cluster",
        component.urn,
    )
    without = match_previous([root, component, moved], [root.urn, old])
    assert without.unclaimed == (old,)
    with_alias = match_previous(
        [
            root,
            component,
            Registration(moved.urn, moved.name, moved.type, moved.parent, (AliasSpec(parent_urn=old_parent),)),
        ],
        [root.urn, old],
    )
    assert with_alias.previous_of[moved.urn] == old
    assert with_alias.added == (component.urn,)


def test_two_resources_claiming_one_old_urn_is_a_problem() -> None:
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    first, second = (
        Registration(
            PREFIX + f"aws:s3/bucket:Bucket::{n}", n, "aws:s3/bucket:Bucket", root.urn, (AliasSpec(name="logs"),)
        )
        for n in ("a", "b")
    )
    match = match_previous([root, first, second], [root.urn, old])
    assert len(match.problems) == 1 and old in match.problems[0]


# --- today's stacks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_every_resource_of_todays_stack_is_taken_over(name: str, dev: Evaluation, prod: Evaluation) -> None:
    ev = {"dev": dev, "prod": prod}[name]
    previous = previous_urns(name)
    assert len(previous) > 100  # the committed list is the whole stack
    match = ev.match_previous(previous)
    assert match.problems == ()
    assert match.unclaimed == ()  # nothing deleted
    added = {short(urn) for urn in match.added}
    assert any(in_new_component(urn) for urn in added)  # the new components are in the stack ...
    # ... and nothing else is created but the listed additions
    assert {urn for urn in added if not in_new_component(urn)} == ADDITIONS[name]


# --- what the first `pulumi up` after the refactoring changes -----------------------------------------------------


def taken_over(ev: Evaluation, old_name: str) -> RecordedResource:
    """The resource of the program that takes over today's resource named `old_name`."""
    previous = previous_urns(ev.config.stack)
    match = ev.match_previous(previous)
    (old,) = [urn for urn in previous if urn.endswith(f"::{old_name}")]
    (new,) = [new for new, was in match.previous_of.items() if was == old]
    return ev.by_urn(new)


def test_the_one_replacement_is_the_albs_egress_rule_created_before_the_old_one_goes(stack: Evaluation) -> None:
    """Today's ALB egress rule allows the app port to the VPC's CIDR; the service's rule that takes it over allows
    it to the service's security group. The provider cannot change a rule's source type in place ("When you
    modify a rule, you cannot change the rule's source type" -> RequiresReplace, hashicorp/terraform-provider-aws
    internal/service/ec2/vpc_security_group_ingress_rule.go, securityGroupRuleResource.ModifyPlan), so the first
    `pulumi up` replaces it. Pulumi creates a replacement before deleting the original unless deleteBeforeReplace
    is set (https://www.pulumi.com/docs/concepts/options/deletebeforereplace/), and the two rules differ in
    source, so both exist for a moment and the ALB never loses its way to the tasks."""
    rule = taken_over(stack, "web-sg-out-app")
    assert rule.type == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    assert "referencedSecurityGroupId" in rule.inputs and "cidrIpv4" not in rule.inputs  # today: cidrIpv4
    assert rule.delete_before_replace is False


def test_the_listener_cut_over(stack: Evaluation) -> None:
    """Today the traffic listener's default action forwards to the target group; from now on it answers 404 and
    the httpd rule forwards every path (`/*`) to the same target group, which keeps its identity (alias).

    The default action changes in place (ModifyListener: "To modify the default action ... use the
    modify-listener command", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-rule.html).
    The rule needs the listener's ARN, so the engine updates the listener before it creates the rule (inputs
    from another resource's outputs order the operations, https://www.pulumi.com/docs/concepts/inputs-outputs/
    and https://www.pulumi.com/docs/concepts/options/dependson/), and a rule takes effect "not immediately"
    (same edit-rule page): between the two, requests get the 404, for the seconds the rule needs. The README's
    upgrade note gives the way around it: create the rule first with `pulumi up --target <rule URN>` (an
    untargeted resource keeps its old state, pulumi/pulumi pkg/resource/deploy/step_generator.go: "If not
    targeted, stub out the provider check and use the old inputs directly"), then run the full `pulumi up`.

    A stack that now serves HTTPS (prod, with its domain) gets a new HTTPS listener as the traffic listener and the
    rule on it; its HTTP listener, taken over, redirects to HTTPS instead. A rule cannot move to another listener
    in place (aws_lb_listener_rule's listener_arn is ForceNew, hashicorp/terraform-provider-aws
    aws/resource_aws_lb_listener_rule.go): the rule is replaced, the new one created on the HTTPS listener before
    the old one goes (no deleteBeforeReplace), so the two never compete for priority 50000 on one listener."""
    listener = taken_over(stack, "web-http-listener")
    https = [r for r in stack.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 443]
    assert bool(https) == (stack.config.stack == "prod")
    traffic = https[0] if https else listener
    if https:
        assert listener.inputs["defaultActions"][0]["type"] == "redirect"
    assert traffic.inputs["defaultActions"][0]["type"] == "fixed-response"
    target_group = taken_over(stack, "web-tg")
    (rule,) = stack.of_type("aws:lb/listenerRule:ListenerRule")
    assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": target_group.state["arn"]}]
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
    assert traffic.urn in rule.dependencies  # the listener first, then the rule
    assert rule.delete_before_replace is False
    assert rule.urn in stack.one("aws:ecs/service:Service").dependencies
