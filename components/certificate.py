"""A public ACM certificate for one domain name, validated through Route 53 (DNS validation).

Creates:
- the certificate request (`aws.acm.Certificate`, validation method DNS, one name, no wildcard);
- the CNAME record ACM asks for in the domain's public hosted zone. It stays in place after issuance: ACM
  re-validates through it when it renews the certificate (automatically, while the certificate is in use by the
  ALB). ACM gives identical requests for the same name the same record, so the record may overwrite one that is
  already there (another stack's certificate for the same name keeps validating through it);
- the validation (`aws.acm.CertificateValidation`): no AWS resource of its own, it waits until ACM has issued the
  certificate. `certificate_arn` comes from it, so whatever uses the certificate (the HTTPS listener) is created
  only once the certificate is issued.
Needs: the domain name and the id of the public hosted zone that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.limits import DOMAIN_NAME_MAX_LENGTH

VALIDATION_METHOD = "DNS"
VALIDATION_RECORD_TTL = 300  # seconds; the record never changes while the certificate exists


@dataclass(frozen=True)
class DnsValidatedCertificateArgs:
    domain_name: str
    """The name the certificate is for, e.g. app.example.com: no wildcard, at most 64 characters (its common name)."""
    hosted_zone_id: str
    """The Route 53 public hosted zone that holds the domain: the validation record goes there."""


def check_args(name: str, args: DnsValidatedCertificateArgs) -> None:
    """Raise ValueError naming every argument RequestCertificate or Route 53 would reject."""
    problems = []
    if not args.domain_name or args.domain_name.startswith("*") or len(args.domain_name) > DOMAIN_NAME_MAX_LENGTH:
        problems.append(
            f"domain_name {args.domain_name!r}: allowed a DNS name of at most {DOMAIN_NAME_MAX_LENGTH} characters, "
            "no wildcard"
        )
    if not args.hosted_zone_id:
        problems.append("hosted_zone_id: required (the public hosted zone of the domain)")
    if problems:
        raise ValueError(f"DnsValidatedCertificate {name}: " + "; ".join(problems))


class DnsValidatedCertificate(pulumi.ComponentResource):
    certificate_arn: pulumi.Output[str]  # known once ACM has issued the certificate

    def __init__(
        self, name: str, args: DnsValidatedCertificateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_args(name, args)
        super().__init__("httpd-firelens:https:DnsValidatedCertificate", name, None, opts)
        certificate = aws.acm.Certificate(
            f"{name}-request",
            domain_name=args.domain_name,
            validation_method=VALIDATION_METHOD,
            opts=self._child(),
        )
        # One name, so ACM asks for exactly one record.
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-validation-record",
            zone_id=args.hosted_zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=VALIDATION_RECORD_TTL,
            allow_overwrite=True,
            opts=self._child(),
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=self._child(),
        )
        self.certificate_arn = validation.certificate_arn
        self.register_outputs({"certificateArn": self.certificate_arn})

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)
