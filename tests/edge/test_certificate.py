"""components/edge/certificate.py: the ACM certificate the stack requests for domainName, validated through Route 53.

Evaluated on prod as committed (its example domain) and on dev with every option on (tests/conftest.py ALL_OPTIONS);
dev as committed has no domain and none of these resources.
"""

from __future__ import annotations

import re

import pytest

from components.edge.certificate import (
    VALIDATION_TIMEOUT_MINUTES,
    DnsValidatedCertificate,
    DnsValidatedCertificateArgs,
    validation_hint,
)
from offline.aws_formats import ACCOUNT_ID
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.mocks import AwsMocks
from offline.pulumi_runtime import start_mock_runtime
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, evaluate_stack
from tests.support.aws_api import validate_request
from tests.support.helpers import change_resource_record_sets_request, config_value, inside, only

COMPONENT = "httpd-firelens:https:DnsValidatedCertificate"
CERTIFICATE = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"
LISTENER = "aws:lb/listener:Listener"
REGION = "ap-northeast-1"


@pytest.fixture(scope="module", params=["prod", "dev-all-options"])
def with_domain(request: pytest.FixtureRequest) -> Evaluation:
    if request.param == "prod":
        return evaluate_stack("prod")
    return evaluate_stack("dev", secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)


def of(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(inside(ev, COMPONENT, "web-cert", type_token))


def test_the_certificate_is_requested_for_the_domain_with_dns_validation(with_domain: Evaluation) -> None:
    """ACM DNS validation: RequestCertificate with ValidationMethod DNS, then a CNAME record ACM names in the domain's
    zone. The request is a valid RequestCertificate (botocore's model: the DomainName pattern, 1 to 253 characters,
    ValidationMethod and KeyAlgorithm enums); the name, as the certificate's common name, is at most 64 characters
    (RequestCertificate's DomainName: "In compliance with RFC 5280, the length of the domain name (technically, the
    Common Name) that you provide cannot exceed 64 octets", AWS SDK for Rust aws-sdk-acm RequestCertificateInput,
    from the ACM API model), which settings check (tests/configuration/test_settings.py)."""
    certificate = of(with_domain, CERTIFICATE)
    domain = config_value(with_domain, "domainName")
    assert certificate.inputs["domainName"] == domain and len(domain) <= 64
    assert certificate.inputs["validationMethod"] == "DNS"
    assert "subjectAlternativeNames" not in certificate.inputs  # one name: one validation record
    request = {
        "DomainName": certificate.inputs["domainName"],
        "ValidationMethod": certificate.inputs["validationMethod"],
        "KeyAlgorithm": certificate.state["keyAlgorithm"],
    }
    assert validate_request("acm", "RequestCertificate", request) == []
    assert re.fullmatch(rf"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/[0-9a-f-]{{36}}", certificate.state["arn"]), (
        certificate.state["arn"]
    )


def test_the_validation_record_is_the_cname_acm_asks_for_in_the_domains_zone(with_domain: Evaluation) -> None:
    """The record ACM asks for (the certificate's domainValidationOptions: name, type, value) goes in the hosted zone
    of hostedZoneId, as pulumi-aws's CertificateValidation example does ("DNS Validation with Route 53", pulumi
    registry aws.acm.CertificateValidation). It stays after issuance: ACM renews DNS-validated certificates in use
    with ELB automatically ("ELIGIBLE if associated with another AWS service, such as ELB",
    https://docs.aws.amazon.com/acm/latest/userguide/acm-renewal.html) because "the CNAME delegates ongoing domain
    validation to ACM ... This is what lets ACM renew certificates automatically"
    (https://docs.aws.amazon.com/acm/latest/userguide/acm-acme-domain-validation.md). ACM gives identical requests for
    the same name the same record (dflook/cloudformation-dns-certificate issue 7), hence allowOverwrite. The change is
    a valid Route 53 ChangeResourceRecordSets.

    Taking the record over is safe only because the stack never deletes it: the provider deletes whatever record it
    finds on delete, whoever created it (terraform-provider-aws internal/service/route53/record.go,
    resourceRecordDelete), while ACM's record is "created specifically for your domain and your account" and serves
    every later certificate for the name "for as long as the CNAME record remains in place"
    (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html), and "the most common reason for automatic
    validation to fail is that the required CNAME has been inadvertently changed or removed" (ACM user guide, "Renewal
    for domains validated by DNS"). So the record is retained on delete: destroying this stack never breaks the
    renewal of another certificate for the same name."""
    certificate, record = of(with_domain, CERTIFICATE), of(with_domain, RECORD).inputs
    (option,) = certificate.state["domainValidationOptions"]
    assert option["domainName"] == config_value(with_domain, "domainName")
    assert (record["name"], record["type"], record["records"]) == (
        option["resourceRecordName"],
        option["resourceRecordType"],
        [option["resourceRecordValue"]],
    )
    assert record["type"] == "CNAME"
    assert record["zoneId"] == config_value(with_domain, "hostedZoneId")
    assert record["allowOverwrite"] is True
    assert of(with_domain, RECORD).retain_on_delete is True
    change = change_resource_record_sets_request(of(with_domain, RECORD))
    assert validate_request("route53", "ChangeResourceRecordSets", change) == []


def test_the_https_listener_waits_for_the_issued_certificate(with_domain: Evaluation) -> None:
    """aws.acm.CertificateValidation "represents a successful validation of an ACM certificate": it waits until the
    certificate is issued, given the validation records' FQDNs, and creates nothing in AWS (pulumi registry,
    aws.acm.CertificateValidation). The HTTPS listener takes the certificate ARN from it, not from the request, so
    it is created only once ACM has issued the certificate."""
    certificate, validation, record = (of(with_domain, t) for t in (CERTIFICATE, VALIDATION, RECORD))
    assert validation.inputs["certificateArn"] == certificate.state["arn"]
    assert validation.inputs["validationRecordFqdns"] == [record.state["fqdn"]]
    (https_listener,) = [r for r in with_domain.of_type(LISTENER) if r.inputs["port"] == 443]
    assert https_listener.inputs["certificateArn"] == validation.state["certificateArn"]
    assert validation.urn in https_listener.dependencies


def test_the_wait_for_the_certificate_ends_well_inside_a_deploy(with_domain: Evaluation) -> None:
    """The provider waits 75 minutes for ACM by default (terraform-provider-aws
    internal/service/acm/certificate_validation.go: `Create: schema.DefaultTimeout(75 * time.Minute)`), longer than
    the deploy job may run (tests/project/test_workflows.py checks the budget): a job killed mid-update leaves the stack
    locked with pending operations. Pulumi's customTimeouts replace the provider's default for that operation (the
    bridge: "If a custom timeout has been set for this method, overwrite the default timeout")."""
    validation = of(with_domain, VALIDATION)
    assert validation.custom_timeouts == {"create": f"{VALIDATION_TIMEOUT_MINUTES}m"}
    assert VALIDATION_TIMEOUT_MINUTES < 75


def test_up_says_which_zone_acm_reads_and_what_to_check_when_the_wait_times_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A timeout reads "waiting for ACM Certificate (<arn>) to be issued: timeout while waiting for state to become
    'ISSUED' (last state: 'PENDING_VALIDATION', timeout: 30m0s)" (certificate_validation.go and
    terraform-plugin-sdk's retry.TimeoutError): it names neither the zone nor what to check. So `pulumi up` logs, on
    the certificate request (whose URN is known once it is created; a message on the validation itself would wait
    for a URN that a failed create never resolves), the zone, its config key, the wait and the delegation to check.
    ACM keeps trying for 72 hours (ACM user guide, DNS validation), so the cause is DNS, not patience."""
    logged: list[tuple[str, object]] = []
    monkeypatch.setattr("pulumi.log.info", lambda message, resource=None, **_: logged.append((message, resource)))
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    DnsValidatedCertificate("web-cert", DnsValidatedCertificateArgs("app.example.com", "Z0EXAMPLE0123456789AB"))
    ((message, resource),) = logged
    assert message == validation_hint("app.example.com", "Z0EXAMPLE0123456789AB")
    assert type(resource).__name__ == "Certificate"
    for fragment in ("Z0EXAMPLE0123456789AB", "hostedZoneId", f"{VALIDATION_TIMEOUT_MINUTES} minutes", "name servers"):
        assert fragment in message


def test_dev_as_committed_requests_no_certificate(dev: Evaluation) -> None:
    assert [r for r in dev.resources if r.type in (CERTIFICATE, VALIDATION, RECORD)] == []


@pytest.mark.parametrize(
    ("domain", "zone", "fragment"),
    [
        ("*.example.com", "Z0EXAMPLE0123456789AB", "no wildcard"),
        ("a" * 61 + ".com", "Z0EXAMPLE0123456789AB", "at most 64"),
        ("app.example.com", "", "hosted_zone_id '': allowed the id of the public hosted zone"),
    ],
)
def test_the_component_refuses_what_acm_or_route53_would(domain: str, zone: str, fragment: str) -> None:
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    with pytest.raises(ValueError, match=re.escape(fragment)):
        DnsValidatedCertificate("web-cert", DnsValidatedCertificateArgs(domain, zone))
