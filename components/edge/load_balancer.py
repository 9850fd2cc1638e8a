"""The internet-facing Application Load Balancer the FireLens services attach to, with its access-log bucket.

Creates:
- a security group admitting only the listener ports (80, plus 443 with a certificate) from each ingress
  CIDR (one rule per CIDR and port). It has no egress rule of its own: each service that attaches adds one
  to its own tasks' security group on its port, so the ALB reaches exactly the services behind it;
- the traffic listener: HTTP, or with a certificate HTTPS (TLS 1.2/1.3 policy). Its default action answers a
  fixed 404 ("no service matched"): services attach with listener rules (priority and path/host conditions)
  forwarding to their own target groups;
- with a certificate, the HTTP listener answering 301 to HTTPS, once the caller has attached its services:
  `redirect_http_to_https(after=<their listener rules>)` creates it (or switches an HTTP listener that still serves
  to the redirect) only after the HTTPS listener, which waits for the certificate, and those rules exist. Created in
  the constructor, the redirect would send every request to a port with no listener while the certificate
  validates, and for good if validation failed;
- the ALB itself (invalid header fields dropped, deletion protection as asked, access logs on; tagged
  `allow-plain-http=true` when it serves plain HTTP on purpose, which the policy pack's HTTPS rule accepts);
- with a domain: the alias A record that points the domain at the ALB, in the domain's Route 53 hosted zone (the
  ALB is IPv4 only, so no AAAA record); the URL is then https://<domain>;
- the access-log bucket (a PrivateBucket: public access blocked, bucket owner enforced, TLS-only, expiring
  objects and abandoned multipart uploads) with SSE-S3, the only encryption ALB log delivery supports, and
  a policy statement that lets the region's Elastic Load Balancing account write
  `<prefix>/AWSLogs/<account id>/*`.
Exports what a service attaches with: the traffic listener's ARN, the security group id and the ALB's ARN
suffix (for metrics); the ALB's ARN (for a web ACL); and for people: the DNS name, its hosted zone, the URL and the
access-log bucket.
Needs: the VPC id, the public subnet ids, the ingress CIDRs, the certificate and the domain (both optional; a
certificate or plain HTTP on purpose) and the access logs' expiration/force-destroy/protect choices. The ELB
account comes from `aws.elb.get_service_account`, which knows only the regions opened before August 2022 (newer
ones need the log-delivery service principal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.private_bucket import BucketChoices, PrivateBucket, PrivateBucketArgs
from components.problems import Problem, raise_problems
from configuration.limits import PLAIN_HTTP_TAG

HTTP_PORT = 80
HTTPS_PORT = 443
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 with forward-secret ciphers only
# What a request no service's rule matches gets.
NO_SERVICE_MATCHED = aws.lb.ListenerDefaultActionArgs(
    type="fixed-response",
    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
        status_code="404", content_type="text/plain", message_body="no service matched"
    ),
)
SECURITY_GROUP_DESCRIPTION = "ALB: listener ports from the ingress CIDRs, the app port to the VPC"


@dataclass(frozen=True)
class ListenerAttachment:
    """The shared traffic listener every service's rule goes on (LoadBalancer)."""

    listener_arn: pulumi.Input[str]
    """The shared traffic listener (LoadBalancer.listener_arn) the service's rule goes on."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The ALB's security group: the only source the tasks admit, and where the service adds its egress rule."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """The ALB's ARN suffix (`app/<name>/<id>`), for the request-count scaling label and the alarms."""


@dataclass(frozen=True)
class DomainAlias:
    """A DNS name for the ALB: an alias A record in the domain's public hosted zone."""

    domain_name: str
    """e.g. app.example.com."""
    hosted_zone_id: str
    """The Route 53 hosted zone that holds the domain."""


@dataclass(frozen=True)
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    """The VPC of the ALB and its security group."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Public subnets, in at least two availability zones."""
    access_logs: BucketChoices
    """The access-log bucket's lifetimes, force-destroy and protect (always SSE-S3: the only encryption ALB access
    logging writes to)."""
    ingress_cidrs: Sequence[str] = ("0.0.0.0/0",)
    """IPv4 CIDRs allowed to reach the listener ports. Default: anywhere."""
    certificate_arn: pulumi.Input[str] | None = None
    """ACM certificate for an HTTPS listener (HTTP then redirects to it). Default None: HTTP only, which must be
    `allow_plain_http`."""
    allow_plain_http: bool = False
    """Serve plain HTTP without a certificate, on purpose: the ALB carries the PLAIN_HTTP_TAG. Required when
    certificate_arn is None."""
    domain: DomainAlias | None = None
    """A DNS name pointed at the ALB (alias record), which the URL then uses. Default None: the ALB's own name."""
    deletion_protection: bool = False
    """ALB deletion protection."""
    access_log_prefix: str = "alb"
    """Key prefix of the access logs in the bucket (objects land under <prefix>/AWSLogs/<account id>/)."""

    def problems(self) -> list[Problem]:
        if self.certificate_arn is None and not self.allow_plain_http:
            return [Problem("allow_plain_http", False, "True without a certificate_arn (plain HTTP on purpose)")]
        return []


class LoadBalancer(pulumi.ComponentResource):
    listener_arn: pulumi.Output[str]  # the traffic listener (HTTPS with a certificate, else HTTP): rules attach here
    security_group_id: pulumi.Output[str]
    load_balancer_arn: pulumi.Output[str]  # what a web ACL is associated with
    load_balancer_arn_suffix: pulumi.Output[str]  # "app/<name>/<id>": the LoadBalancer metric dimension
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]  # the ALB's Route 53 hosted zone, for alias records
    url: pulumi.Output[str]
    access_log_bucket_name: pulumi.Output[str]

    @property
    def listener_attachment(self) -> ListenerAttachment:
        """What a service attaches to: the traffic listener, the ALB's security group and its ARN suffix."""
        return ListenerAttachment(self.listener_arn, self.security_group_id, self.load_balancer_arn_suffix)

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"LoadBalancer {name!r}", args.problems())
        https = args.certificate_arn is not None
        super().__init__("httpd-firelens:loadbalancer:LoadBalancer", name, None, opts)
        self._name = name
        self._args = args

        access_logs = self._access_log_bucket()
        security_group = self._security_group([HTTP_PORT, HTTPS_PORT] if https else [HTTP_PORT])
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[security_group.id],
            subnets=args.subnet_ids,
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=access_logs.bucket, prefix=args.access_log_prefix, enabled=True
            ),
            tags=None if https else dict(PLAIN_HTTP_TAG),
            # ELB writes a test object when access logs are enabled: the policy must be in place first.
            opts=self._child(depends_on=[access_logs.policy]),
        )
        self._alb = alb
        self._https = https
        listener = self._traffic_listener(alb)
        self._traffic = listener
        host = alb.dns_name if args.domain is None else self._alias(alb, args.domain).fqdn

        self.listener_arn = listener.arn
        self.security_group_id = security_group.id
        self.load_balancer_arn = alb.arn
        self.load_balancer_arn_suffix = alb.arn_suffix
        self.dns_name = alb.dns_name
        self.zone_id = alb.zone_id
        self.url = pulumi.Output.format("{0}://{1}", "https" if https else "http", host)
        self.access_log_bucket_name = access_logs.bucket
        self.register_outputs(
            {
                "url": self.url,
                "dnsName": self.dns_name,
                "listenerArn": self.listener_arn,
                "securityGroupId": self.security_group_id,
                "loadBalancerArn": self.load_balancer_arn,
                "accessLogBucketName": self.access_log_bucket_name,
            }
        )

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    # --- access logs -----------------------------------------------------------------------------------

    def _access_log_bucket(self) -> PrivateBucket:
        args = self._args
        return PrivateBucket(
            f"{self._name}-access-logs",
            PrivateBucketArgs(
                expiration_days=args.access_logs.expiration_days,
                force_destroy=args.access_logs.force_destroy,
                protect=args.access_logs.protect,
                kms_key_arn=None,  # SSE-S3: ALB log delivery cannot write to a bucket whose default is SSE-KMS.
                policy_statements=self._elb_log_delivery_statements,
                lifecycle_rule_id="expire-access-logs",
                noncurrent_version_expiration_days=args.access_logs.noncurrent_version_expiration_days,
            ),
            opts=self._child(),
        )

    def _elb_log_delivery_statements(self, bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
        """The region's Elastic Load Balancing account may write this account's logs under the prefix."""
        invoke_opts = pulumi.InvokeOutputOptions(parent=self)
        elb_account = aws.elb.get_service_account_output(opts=invoke_opts)
        account_id = aws.get_caller_identity_output(opts=invoke_opts).account_id
        return [
            {
                "Sid": "AllowElbLogDelivery",
                "Effect": "Allow",
                "Principal": {"AWS": elb_account.arn},
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.format(
                    "{0}/{1}/AWSLogs/{2}/*", bucket_arn, self._args.access_log_prefix, account_id
                ),
            }
        ]

    # --- DNS -------------------------------------------------------------------------------------------

    def _alias(self, alb: aws.lb.LoadBalancer, domain: DomainAlias) -> aws.route53.Record:
        """An alias A record: Route 53 answers with the ALB's current addresses (an alias, unlike a CNAME, may
        also be a zone apex). The ALB is IPv4 only (no ip_address_type), so there is no AAAA record."""
        return aws.route53.Record(
            f"{self._name}-alias",
            zone_id=domain.hosted_zone_id,
            name=domain.domain_name,
            type="A",
            aliases=[aws.route53.RecordAliasArgs(name=alb.dns_name, zone_id=alb.zone_id, evaluate_target_health=True)],
            opts=self._child(),
        )

    # --- traffic ---------------------------------------------------------------------------------------

    def _security_group(self, listener_ports: list[int]) -> aws.ec2.SecurityGroup:
        name, args = self._name, self._args
        # No inline rules: the provider then removes AWS's default allow-all egress rule. The description stays
        # as released: AWS has no call that changes a group's description, so another text would replace the group
        # (and every rule in it).
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=SECURITY_GROUP_DESCRIPTION,
            opts=self._child(),
        )
        for port in listener_ports:
            for index, cidr in enumerate(args.ingress_cidrs):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-sg-in-{port}-{index}",
                    security_group_id=group.id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=cidr,
                    description=f"listener port {port} from {cidr}",
                    opts=self._child(),
                )
        return group

    def _traffic_listener(self, alb: aws.lb.LoadBalancer) -> aws.lb.Listener:
        """The listener services attach their rules to, answering 404 until a rule matches: HTTPS with a
        certificate, else HTTP."""
        certificate_arn = self._args.certificate_arn
        if certificate_arn is None:
            return self._listener("http", alb, HTTP_PORT, "HTTP", NO_SERVICE_MATCHED)
        return self._listener(
            "https",
            alb,
            HTTPS_PORT,
            "HTTPS",
            NO_SERVICE_MATCHED,
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
        )

    def redirect_http_to_https(self, after: Sequence[pulumi.Resource]) -> None:
        """The HTTP listener answering 301 to HTTPS, with a certificate only. `after`: the listener rules of every
        service on the HTTPS listener. The redirect waits for them and for the HTTPS listener (and so for the
        certificate): ELB changes a listener's default action in place (ModifyListener), at the moment the update
        reaches it, so an HTTP listener that still serves keeps serving until HTTPS does."""
        if not self._https:
            raise ValueError(f"LoadBalancer {self._name}: no certificate_arn, so nothing to redirect HTTP to")
        redirect = aws.lb.ListenerDefaultActionArgs(
            type="redirect",
            redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"
            ),
        )
        self._listener("http", self._alb, HTTP_PORT, "HTTP", redirect, depends_on=[self._traffic, *after])

    def _listener(
        self,
        label: str,
        alb: aws.lb.LoadBalancer,
        port: int,
        protocol: str,
        action: aws.lb.ListenerDefaultActionArgs,
        ssl_policy: str | None = None,
        certificate_arn: pulumi.Input[str] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-{label}-listener",
            load_balancer_arn=alb.arn,
            port=port,
            protocol=protocol,
            default_actions=[action],
            ssl_policy=ssl_policy,
            certificate_arn=certificate_arn,
            opts=self._child(depends_on=list(depends_on)),
        )
