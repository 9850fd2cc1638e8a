"""The internet-facing Application Load Balancer in front of the httpd tasks, with its access-log bucket.

Creates:
- a security group admitting only the listener ports (80, plus 443 with a certificate) from each ingress
  CIDR (one rule per CIDR and port), and letting the ALB reach only the app port inside the VPC;
- a target group of type `ip` (Fargate tasks register by IP) with the configured health check and a short
  deregistration delay, so deployments do not wait the default five minutes per task;
- an HTTP listener forwarding to the target group or, with a certificate, an HTTPS listener (TLS 1.2/1.3
  policy) forwarding and the HTTP listener answering 301 to HTTPS;
- the ALB itself (invalid header fields dropped, deletion protection as configured, access logs on);
- the access-log bucket (a PrivateBucket: public access blocked, bucket owner enforced, TLS-only, expiring
  objects and abandoned multipart uploads) with SSE-S3, the only encryption ALB log delivery supports, and
  a policy statement that lets the region's Elastic Load Balancing account write
  `<prefix>/AWSLogs/<account id>/*`.
Needs: the VPC id and CIDR, the public subnet ids, `LoadBalancerSettings`, the app port, and the archive's
expiration/force-destroy/protect choices. The ELB account comes from `aws.elb.get_service_account`, which
knows only the regions opened before August 2022 (newer ones need the log-delivery service principal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.private_bucket import PrivateBucket, PrivateBucketArgs
from components.settings import LoadBalancerSettings

HTTP_PORT = 80
HTTPS_PORT = 443
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 with forward-secret ciphers only


@dataclass(frozen=True)
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    settings: LoadBalancerSettings
    app_port: int
    access_log_expiration_days: int
    force_destroy: bool = False
    protect: bool = False
    # The only destination the ALB may send to (app port). Default None: looked up from vpc_id.
    vpc_cidr: pulumi.Input[str] | None = None
    # Seconds a deregistering target keeps its in-flight requests (AWS default 300 slows every deploy).
    deregistration_delay_seconds: int = 30
    # Key prefix of the access logs in the bucket (objects land under <prefix>/AWSLogs/<account id>/).
    access_log_prefix: str = "alb"


class LoadBalancer(pulumi.ComponentResource):
    security_group_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    # "app/<lb>/<id>/targetgroup/<tg>/<id>": the ALBRequestCountPerTarget resource label
    scaling_resource_label: pulumi.Output[str]
    load_balancer_arn: pulumi.Output[str]
    load_balancer_arn_suffix: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]  # the ALB's Route 53 hosted zone, for alias records
    url: pulumi.Output[str]
    access_log_bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:loadbalancer:LoadBalancer", name, None, opts)
        self._name = name
        self._args = args
        https = args.settings.certificate_arn is not None

        access_logs = self._access_log_bucket()
        security_group = self._security_group([HTTP_PORT, HTTPS_PORT] if https else [HTTP_PORT])
        target_group = self._target_group()
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[security_group.id],
            subnets=args.subnet_ids,
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.settings.deletion_protection,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=access_logs.bucket, prefix=args.access_log_prefix, enabled=True
            ),
            # ELB writes a test object when access logs are enabled: the policy must be in place first.
            opts=self._child(depends_on=[access_logs.policy]),
        )
        self._listeners(alb, target_group)

        self.security_group_id = security_group.id
        self.target_group_arn = target_group.arn
        self.load_balancer_arn = alb.arn
        self.load_balancer_arn_suffix = alb.arn_suffix
        self.target_group_arn_suffix = target_group.arn_suffix
        self.scaling_resource_label = pulumi.Output.format("{0}/{1}", alb.arn_suffix, target_group.arn_suffix)
        self.dns_name = alb.dns_name
        self.zone_id = alb.zone_id
        self.url = pulumi.Output.format("{0}://{1}", "https" if https else "http", alb.dns_name)
        self.access_log_bucket_name = access_logs.bucket
        self.register_outputs(
            {
                "url": self.url,
                "dnsName": self.dns_name,
                "securityGroupId": self.security_group_id,
                "targetGroupArn": self.target_group_arn,
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
                expiration_days=args.access_log_expiration_days,
                force_destroy=args.force_destroy,
                protect=args.protect,
                kms_key_arn=None,  # SSE-S3: ALB log delivery cannot write to a bucket whose default is SSE-KMS.
                policy_statements=self._elb_log_delivery_statements,
                lifecycle_rule_id="expire-access-logs",
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

    # --- traffic ---------------------------------------------------------------------------------------

    def _security_group(self, listener_ports: list[int]) -> aws.ec2.SecurityGroup:
        name, args = self._name, self._args
        # No inline rules: the provider then removes AWS's default allow-all egress rule.
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="ALB: listener ports from the ingress CIDRs, the app port to the VPC",
            opts=self._child(),
        )
        for port in listener_ports:
            for index, cidr in enumerate(args.settings.ingress_cidrs):
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
        vpc_cidr = args.vpc_cidr
        if vpc_cidr is None:
            vpc_cidr = aws.ec2.get_vpc_output(id=args.vpc_id, opts=pulumi.InvokeOutputOptions(parent=self)).cidr_block
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-sg-out-app",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=args.app_port,
            to_port=args.app_port,
            cidr_ipv4=vpc_cidr,
            description=f"app port {args.app_port} (traffic and health checks) to tasks in the VPC",
            opts=self._child(),
        )
        return group

    def _target_group(self) -> aws.lb.TargetGroup:
        args = self._args
        check = args.settings.health_check
        return aws.lb.TargetGroup(
            f"{self._name}-tg",
            target_type="ip",
            protocol="HTTP",
            port=args.app_port,
            vpc_id=args.vpc_id,
            deregistration_delay=args.deregistration_delay_seconds,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=check.path,
                interval=check.interval_seconds,
                timeout=check.timeout_seconds,
                healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold,
                matcher=check.matcher,
            ),
            opts=self._child(),
        )

    def _listeners(self, alb: aws.lb.LoadBalancer, target_group: aws.lb.TargetGroup) -> None:
        certificate_arn = self._args.settings.certificate_arn
        forward = aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
        if certificate_arn is None:
            self._listener("http", alb, HTTP_PORT, "HTTP", forward)
            return
        self._listener(
            "https", alb, HTTPS_PORT, "HTTPS", forward, ssl_policy=TLS_POLICY, certificate_arn=certificate_arn
        )
        redirect = aws.lb.ListenerDefaultActionArgs(
            type="redirect",
            redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"
            ),
        )
        self._listener("http", alb, HTTP_PORT, "HTTP", redirect)

    def _listener(
        self,
        role: str,
        alb: aws.lb.LoadBalancer,
        port: int,
        protocol: str,
        action: aws.lb.ListenerDefaultActionArgs,
        ssl_policy: str | None = None,
        certificate_arn: str | None = None,
    ) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-{role}-listener",
            load_balancer_arn=alb.arn,
            port=port,
            protocol=protocol,
            default_actions=[action],
            ssl_policy=ssl_policy,
            certificate_arn=certificate_arn,
            opts=self._child(),
        )
