"""components/edge/load_balancer.py: ALB, its security group, listeners and access-log bucket."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.archive.private_bucket import BucketChoices
from components.edge.load_balancer import (
    SECURITY_GROUP_DESCRIPTION,
    TLS_POLICY,
    DomainAlias,
    LoadBalancer,
    LoadBalancerArgs,
)
from configuration.limits import LOG_ROUTER_PORTS, PLAIN_HTTP_TAG
from offline.aws_formats import ACCOUNT_ID, ALB_HOSTED_ZONE_IDS, ELB_ACCOUNT_IDS
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.mocks import AwsMocks
from offline.pulumi_runtime import start_mock_runtime
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, CERTIFICATE_ARN, SERVICE_VARIANT, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import change_resource_record_sets_request, config_value, inside, only, value_of
from tests.support.iam_lint import lint_policy

REGION = "ap-northeast-1"
CERT = CERTIFICATE_ARN
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"
COMPONENT = "httpd-firelens:loadbalancer:LoadBalancer"
ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
LISTENER = "aws:lb/listener:Listener"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


@pytest.fixture(scope="module")
def https() -> Evaluation:
    """Every optional path on: HTTPS with a domain (a certificate the stack requests), two ingress CIDRs."""
    return evaluate_stack("dev", secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)


@pytest.fixture(scope="module")
def managed_certificate() -> Evaluation:
    """HTTPS with a certificate the user manages (certificateArn), no domain."""
    return evaluate_stack("dev", secrets=None, **SERVICE_VARIANT)


def of(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    """Resources of one type inside the LoadBalancer component (the access-log bucket is a PrivateBucket in it)."""
    return inside(ev, COMPONENT, "web", type_token)


def one(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(of(ev, type_token))


def listeners(ev: Evaluation) -> dict[int, dict[str, Any]]:
    return {int(r.inputs["port"]): r.inputs for r in of(ev, LISTENER)}


def rule_ports(ev: Evaluation, type_token: str) -> list[tuple[int, int, str, str]]:
    return sorted(
        (int(r.inputs["fromPort"]), int(r.inputs["toPort"]), r.inputs["ipProtocol"], r.inputs["cidrIpv4"])
        for r in of(ev, type_token)
    )


def bucket_policy(ev: Evaluation) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(one(ev, BUCKET_POLICY).inputs["policy"])
    return policy


# --- the load balancer -------------------------------------------------------------------------------------


def test_alb_is_internet_facing_in_the_public_subnets(stack: Evaluation) -> None:
    alb = one(stack, ALB).inputs
    public_subnets = sorted(str(s.id) for s in stack.of_type("aws:ec2/subnet:Subnet") if "-public-" in s.name)
    assert alb["loadBalancerType"] == "application"
    assert alb["internal"] is False
    assert sorted(alb["subnets"]) == public_subnets
    assert alb["securityGroups"] == [one(stack, SECURITY_GROUP).id]
    assert alb["dropInvalidHeaderFields"] is True


def test_deletion_protection_follows_the_config(dev: Evaluation, prod: Evaluation) -> None:
    assert one(dev, ALB).inputs["enableDeletionProtection"] is False
    assert one(prod, ALB).inputs["enableDeletionProtection"] is True


def test_alb_logs_to_its_bucket_after_the_bucket_policy_exists(stack: Evaluation) -> None:
    alb = one(stack, ALB)
    assert alb.inputs["accessLogs"] == {"enabled": True, "bucket": one(stack, BUCKET).id, "prefix": "alb"}
    assert one(stack, BUCKET_POLICY).urn in alb.dependencies


# --- listeners ---------------------------------------------------------------------------------------------


NO_SERVICE_MATCHED = [
    {
        "type": "fixed-response",
        "fixedResponse": {"statusCode": "404", "contentType": "text/plain", "messageBody": "no service matched"},
    }
]


def test_without_certificate_http_is_the_traffic_listener_and_answers_404_by_default(dev: Evaluation) -> None:
    """A listener's default action is what a request gets when no rule matches ("If none of the conditions for
    any other rules are met, then the action for the default rule is performed", https://docs.aws.amazon.com/
    elasticloadbalancing/latest/application/listener-rules.html): services attach with rules, the rest is a 404."""
    assert set(listeners(dev)) == {80}
    http = listeners(dev)[80]
    assert http["protocol"] == "HTTP"
    assert http["loadBalancerArn"] == one(dev, ALB).id
    assert http["defaultActions"] == NO_SERVICE_MATCHED
    (traffic,) = of(dev, LISTENER)
    assert {rule.inputs["listenerArn"] for rule in dev.of_type(LISTENER_RULE)} == {traffic.state["arn"]}
    assert dev.outputs["serviceUrl"] == f"http://{one(dev, ALB).state['dnsName']}"


def issued_certificate(ev: Evaluation) -> str:
    """The ARN of the certificate the stack requested, as its validation reports it once issued."""
    return str(only(ev.of_type(VALIDATION)).state["certificateArn"])


@pytest.mark.parametrize("variant", ["domain", "certificateArn"])
def test_with_certificate_https_is_the_traffic_listener_and_http_redirects(
    variant: str, https: Evaluation, managed_certificate: Evaluation
) -> None:
    """Both ways to a certificate end the same: an HTTPS listener with it (a certificate the user manages as given, one
    the stack requests as its validation reports it), every rule on it, and HTTP answering 301 to HTTPS."""
    ev, certificate = (https, issued_certificate(https)) if variant == "domain" else (managed_certificate, CERT)
    assert set(listeners(ev)) == {80, 443}
    tls = listeners(ev)[443]
    assert (tls["protocol"], tls["sslPolicy"], tls["certificateArn"]) == ("HTTPS", TLS_POLICY, certificate)
    assert tls["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert tls["defaultActions"] == NO_SERVICE_MATCHED
    (traffic,) = [r for r in of(ev, LISTENER) if r.inputs["port"] == 443]
    assert {rule.inputs["listenerArn"] for rule in ev.of_type(LISTENER_RULE)} == {traffic.state["arn"]}
    http = listeners(ev)[80]
    assert http["protocol"] == "HTTP"
    assert "sslPolicy" not in http and "certificateArn" not in http
    assert http["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]
    assert "tags" not in one(ev, ALB).inputs  # no plain-HTTP marker


@pytest.mark.parametrize("variant", ["domain", "certificateArn"])
def test_http_redirects_only_after_the_https_listener_and_every_rule_on_it(
    variant: str, https: Evaluation, managed_certificate: Evaluation
) -> None:
    """ELB changes a listener's default action in place (ModifyListener: terraform-provider-aws
    internal/service/elbv2/listener.go, only load_balancer_arn is ForceNew), and `pulumi up` makes that change as
    soon as the listener's dependencies are done. Where HTTP still serves (a stack turning HTTPS on), a redirect with
    no dependencies would point every request at port 443 while the certificate validates (up to its timeout) and
    for good if validation failed. So the HTTP listener depends on the HTTPS listener (which waits for the issued
    certificate) and on every listener rule on it: those rules are new resources (a rule's listener_arn is ForceNew,
    listener_rule.go), created before the rules they replace are deleted."""
    ev = https if variant == "domain" else managed_certificate
    (http,) = [r for r in of(ev, LISTENER) if r.inputs["port"] == 80]
    (tls,) = [r for r in of(ev, LISTENER) if r.inputs["port"] == 443]
    rules = ev.of_type(LISTENER_RULE)
    assert rules and all(rule.inputs["listenerArn"] == tls.state["arn"] for rule in rules)
    assert {tls.urn, *(rule.urn for rule in rules)} <= set(http.dependencies)
    if variant == "domain":
        assert only(ev.of_type(VALIDATION)).urn in tls.dependencies


def test_a_redirect_needs_a_certificate() -> None:
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    load_balancer = LoadBalancer(
        "web",
        LoadBalancerArgs(vpc_id="vpc-1", subnet_ids=["subnet-1"], access_logs=BucketChoices(7), allow_plain_http=True),
    )
    with pytest.raises(ValueError, match="no certificate_arn, so nothing to redirect HTTP to"):
        load_balancer.redirect_http_to_https(after=[])


def test_with_a_managed_certificate_the_url_is_the_albs_https_url(managed_certificate: Evaluation) -> None:
    assert managed_certificate.outputs["serviceUrl"] == f"https://{one(managed_certificate, ALB).state['dnsName']}"
    assert of(managed_certificate, RECORD) == [] and managed_certificate.of_type(VALIDATION) == []


def test_plain_http_is_marked_on_the_alb_as_on_purpose(dev: Evaluation) -> None:
    """dev serves plain HTTP because its stack file says allowPlainHttp: the ALB says so in a tag the policy pack's
    HTTPS rule reads (tests/policy/test_policy.py)."""
    assert config_value(dev, "allowPlainHttp") == "true"
    assert one(dev, ALB).inputs["tags"] == PLAIN_HTTP_TAG == {"allow-plain-http": "true"}


def test_plain_http_needs_the_allowance() -> None:
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    with pytest.raises(ValueError, match="allow_plain_http"):
        LoadBalancer("web", LoadBalancerArgs(vpc_id="vpc-0", subnet_ids=["subnet-0"], access_logs=BucketChoices(30)))


# --- the domain's alias record -----------------------------------------------------------------------------


def test_the_domain_points_at_the_alb_with_an_alias_a_record(https: Evaluation) -> None:
    """An alias record answers with the load balancer's current addresses; its AliasTarget names the ALB's DNS name
    and the ALB's own hosted zone (not the domain's), as CDK's ApplicationLoadBalancedFargateService does with
    `RecordTarget.fromAlias(new LoadBalancerTarget(loadBalancer))` (aws/aws-cdk, aws-ecs-patterns
    lib/base/application-load-balanced-service-base.ts, ServiceURL `https://<domainName>`). The ALB is IPv4 only
    (no ipAddressType, the default `ipv4`), so there is an A record and no AAAA record. The request is a valid
    Route 53 ChangeResourceRecordSets (botocore's model, enums and limits)."""
    alb = one(https, ALB)
    assert "ipAddressType" not in alb.inputs
    record = one(https, RECORD).inputs
    assert (record["zoneId"], record["name"], record["type"]) == (
        ALL_OPTIONS["hostedZoneId"],
        ALL_OPTIONS["domainName"],
        "A",
    )
    (alias,) = record["aliases"]
    assert (alias["name"], alias["zoneId"]) == (alb.state["dnsName"], alb.state["zoneId"])
    assert alias["zoneId"] == ALB_HOSTED_ZONE_IDS[REGION]
    assert "records" not in record and "ttl" not in record  # an alias has neither
    change = change_resource_record_sets_request(one(https, RECORD))
    assert validate_request("route53", "ChangeResourceRecordSets", change) == []
    assert https.outputs["serviceUrl"] == f"https://{ALL_OPTIONS['domainName']}"


# --- security group ----------------------------------------------------------------------------------------


def test_security_group_admits_only_listener_ports_from_each_ingress_cidr(https: Evaluation) -> None:
    ev, cidrs = https, json.loads(config_value(https, "ingressCidrs"))
    assert len(cidrs) == 2
    expected = sorted((port, port, "tcp", cidr) for port in (80, 443) for cidr in cidrs)
    assert rule_ports(ev, INGRESS) == expected
    group_id = one(ev, SECURITY_GROUP).id
    assert all(r.inputs["securityGroupId"] == group_id for r in of(ev, INGRESS) + of(ev, EGRESS))


def test_security_group_default_stack_opens_port_80_to_the_default_cidr(dev: Evaluation) -> None:
    assert rule_ports(dev, INGRESS) == [(80, 80, "tcp", "0.0.0.0/0")]


def test_security_group_has_no_egress_of_its_own(stack: Evaluation) -> None:
    """Each service adds the ALB's egress to its own tasks (tests/service/test_service.py); the component adds none."""
    assert of(stack, EGRESS) == []
    assert "egress" not in one(stack, SECURITY_GROUP).inputs  # no inline allow-all rule either


def test_security_group_keeps_the_description_it_was_created_with(stack: Evaluation) -> None:
    """A security group's description cannot be changed: the provider replaces the group instead ("Changing AWS
    Security Group description forces new resource", hashicorp/terraform#14330; the attribute "maps to the AWS
    GroupDescription attribute, for which there is no Update API", pulumi-awsx SecurityGroup docs). Replacing the
    ALB's group would replace every rule in it, so the text stays as released."""
    assert one(stack, SECURITY_GROUP).inputs["description"] == SECURITY_GROUP_DESCRIPTION
    assert SECURITY_GROUP_DESCRIPTION == "ALB: listener ports from the ingress CIDRs, the app port to the VPC"


def test_security_group_never_opens_the_log_router_or_all_ports(stack: Evaluation, https: Evaluation) -> None:
    for ev in (stack, https):
        for from_port, to_port, protocol, _ in rule_ports(ev, INGRESS) + rule_ports(ev, EGRESS):
            assert protocol == "tcp"
            assert from_port == to_port  # one port per rule, never a range
            assert from_port not in LOG_ROUTER_PORTS
        assert all(cidr != "0.0.0.0/0" for *_, cidr in rule_ports(ev, EGRESS))


# --- listeners as requests ----------------------------------------------------------------------------------


def test_listeners_are_valid_elbv2_requests(https: Evaluation) -> None:
    for port, listener in listeners(https).items():
        actions = [
            {
                "Type": a["type"],
                **({"RedirectConfig": {_pascal(k): v for k, v in a["redirect"].items()}} if "redirect" in a else {}),
                **(
                    {"FixedResponseConfig": {_pascal(k): v for k, v in a["fixedResponse"].items()}}
                    if "fixedResponse" in a
                    else {}
                ),
            }
            for a in listener["defaultActions"]
        ]
        create_listener: dict[str, Any] = {
            "LoadBalancerArn": listener["loadBalancerArn"],
            "Protocol": listener["protocol"],
            "Port": port,
            "DefaultActions": actions,
        }
        if "certificateArn" in listener:
            create_listener["SslPolicy"] = listener["sslPolicy"]
            create_listener["Certificates"] = [{"CertificateArn": listener["certificateArn"]}]
        assert validate_request("elbv2", "CreateListener", create_listener) == []
        modify_listener = {"ListenerArn": "arn", **{k: v for k, v in create_listener.items() if k != "LoadBalancerArn"}}
        assert validate_request("elbv2", "ModifyListener", modify_listener) == []


def _pascal(wire_name: str) -> str:
    return wire_name[0].upper() + wire_name[1:]


# --- access-log bucket -------------------------------------------------------------------------------------


def test_bucket_policy_lets_only_the_regional_elb_account_write_this_accounts_logs(stack: Evaluation) -> None:
    bucket = one(stack, BUCKET)
    allow, _, _ = bucket_policy(stack)["Statement"]
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"AWS": f"arn:aws:iam::{ELB_ACCOUNT_IDS[REGION]}:root"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Resource"] == f"{bucket.state['arn']}/alb/AWSLogs/{ACCOUNT_ID}/*"
    assert "Condition" not in allow


def test_bucket_policy_denies_requests_without_tls(stack: Evaluation) -> None:
    bucket_arn = one(stack, BUCKET).state["arn"]
    _, deny, _ = bucket_policy(stack)["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Resource"] == [bucket_arn, f"{bucket_arn}/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_bucket_policy_passes_the_iam_linter(dev: Evaluation) -> None:
    assert lint_policy(one(dev, BUCKET_POLICY).inputs["policy"]) == []


def test_bucket_is_sse_s3_private_and_owner_enforced(stack: Evaluation) -> None:
    name = one(stack, BUCKET).id
    encryption = one(stack, ENCRYPTION).inputs
    assert encryption["bucket"] == name
    assert encryption["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    block = one(stack, PUBLIC_ACCESS).inputs
    assert block["bucket"] == name
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert all(block[flag] is True for flag in flags)
    assert one(stack, OWNERSHIP).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


@pytest.mark.parametrize(("name", "days", "force_destroy"), [("dev", 30, True), ("prod", 365, False)])
def test_bucket_expires_logs_and_abandoned_uploads(name: str, days: int, force_destroy: bool) -> None:
    ev = evaluate_stack(name)
    (rule,) = one(ev, LIFECYCLE).inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {}
    assert rule["expiration"] == {"days": days}
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] >= 1
    assert one(ev, BUCKET).inputs.get("forceDestroy", False) is force_destroy
    assert ev.outputs["albAccessLogBucket"] == one(ev, BUCKET).id


# --- outputs other components consume ----------------------------------------------------------------------


def load_balancer_outputs(certificate_arn: str | None, domain: DomainAlias | None = None) -> dict[str, str]:
    """Build a LoadBalancer alone under the mocks and resolve its string outputs."""
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    lb = LoadBalancer(
        "web",
        LoadBalancerArgs(
            vpc_id="vpc-0123456789abcdef0",
            subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            access_logs=BucketChoices(30),
            certificate_arn=certificate_arn,
            allow_plain_http=certificate_arn is None,
            domain=domain,
        ),
    )
    names = ("url", "dns_name", "load_balancer_arn", "load_balancer_arn_suffix", "listener_arn", "security_group_id")

    return {n: value_of(getattr(lb, n)) for n in names}


@pytest.mark.parametrize(("certificate_arn", "scheme"), [(None, "http"), (CERT, "https")])
def test_outputs_a_service_attaches_with(certificate_arn: str | None, scheme: str) -> None:
    out = load_balancer_outputs(certificate_arn)
    assert out["url"] == f"{scheme}://{out['dns_name']}"
    assert out["load_balancer_arn_suffix"].startswith("app/")
    assert out["load_balancer_arn"] == (
        f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:loadbalancer/{out['load_balancer_arn_suffix']}"
    )
    assert out["listener_arn"].startswith(
        f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:listener/{out['load_balancer_arn_suffix']}/"
    )
    assert out["security_group_id"].startswith("sg-")


def test_with_a_domain_the_url_names_the_domain() -> None:
    """Route 53 reports the record's name lowercase without the trailing dot (the URL is built from it)."""
    out = load_balancer_outputs(CERT, DomainAlias("App.Example.com.", "Z0EXAMPLE0123456789AB"))
    assert out["url"] == "https://app.example.com"
