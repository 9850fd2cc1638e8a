"""A public ACM certificate for one domain name, validated through Route 53 (DNS validation).

Creates:
- the certificate request (`aws.acm.Certificate`, validation method DNS, one name, no wildcard);
- the CNAME record ACM asks for in the domain's public hosted zone. ACM gives every certificate for the same name in
  one account the same record, so the record may already be there (another certificate, or another stack, for the
  same name): the stack then writes the same value over it. It stays in place after issuance, ACM re-validates
  through it at every renewal, and it is kept when the stack is destroyed (`retain_on_delete`): another certificate
  for the name may still renew through it;
- the validation (`aws.acm.CertificateValidation`): no AWS resource of its own, it waits until ACM has issued the
  certificate, at most `VALIDATION_TIMEOUT_MINUTES` (the provider waits 75 by default, longer than a deploy job
  runs); when the wait begins, `pulumi up` says which zone ACM reads and what to check if the wait times out.
  `certificate_arn` comes from it, so whatever uses the certificate (the HTTPS listener) is created only once the
  certificate is issued.
Needs: the domain name and the id of the public hosted zone that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.problems import Problem, raise_problems
from configuration.limits import DOMAIN_NAME_MAX_LENGTH

VALIDATION_METHOD = "DNS"
VALIDATION_RECORD_TTL = 300  # seconds; the record never changes while the certificate exists
# How long `pulumi up` waits for ACM to issue the certificate: well inside the deploy job's timeout-minutes, so that a
# wrong zone fails the update with an error instead of the job being killed mid-update with the stack locked.
VALIDATION_TIMEOUT_MINUTES = 30


def validation_hint(domain_name: str, hosted_zone_id: str) -> str:
    """What `pulumi up` shows when the wait for the certificate begins: where ACM looks and what to check."""
    return (
        f"ACM issues the certificate for {domain_name} once public DNS answers its validation record, which this "
        f"stack writes into Route 53 hosted zone {hosted_zone_id} (hostedZoneId); the update waits at most "
        f"{VALIDATION_TIMEOUT_MINUTES} minutes. If the validation times out, public DNS does not delegate the domain "
        f"to that zone: the name servers of `aws route53 get-hosted-zone --id {hosted_zone_id}` must be the ones "
        f"the registrar (or the parent zone) lists for the zone's name; `dig +trace {domain_name}` shows who answers"
    )


@dataclass(frozen=True)
class DnsValidatedCertificateArgs:
    domain_name: str
    """The name the certificate is for, e.g. app.example.com: no wildcard, at most 64 characters (its common name)."""
    hosted_zone_id: str
    """The Route 53 public hosted zone that holds the domain: the validation record goes there."""

    def problems(self) -> list[Problem]:
        """What RequestCertificate or Route 53 would refuse."""
        found = []
        name = self.domain_name
        if not name or name.startswith("*") or len(name) > DOMAIN_NAME_MAX_LENGTH:
            allowed = f"a DNS name of at most {DOMAIN_NAME_MAX_LENGTH} characters, no wildcard"
            found.append(Problem("domain_name", name, allowed))
        if not self.hosted_zone_id:
            found.append(Problem("hosted_zone_id", "", "the id of the public hosted zone of the domain"))
        return found


class DnsValidatedCertificate(pulumi.ComponentResource):
    certificate_arn: pulumi.Output[str]  # known once ACM has issued the certificate

    def __init__(
        self, name: str, args: DnsValidatedCertificateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        raise_problems(f"DnsValidatedCertificate {name!r}", args.problems())
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
            allow_overwrite=True,  # the same value ACM gives every certificate for this name in the account
            opts=self._child(retain_on_delete=True),
        )
        if not pulumi.runtime.is_dry_run():
            pulumi.log.info(validation_hint(args.domain_name, args.hosted_zone_id), resource=certificate)
        validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=self._child(custom_timeouts=pulumi.CustomTimeouts(create=f"{VALIDATION_TIMEOUT_MINUTES}m")),
        )
        self.certificate_arn = validation.certificate_arn
        self.register_outputs({"certificateArn": self.certificate_arn})

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)
