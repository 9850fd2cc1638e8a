"""An outside check of the stack's URL: Route 53 health checkers on the internet request it every 30 seconds, and an
alarm notifies when they cannot get an answer (a DNS change, a listener or security group that lets nobody in, a WAF
rule that blocks everyone, a target group whose targets are all healthy but unreachable from outside).

Creates:
- a Route 53 health check of `<scheme>://<fqdn>:<port><path>` (HTTPS with SNI on the stack's domain; Route 53 resolves
  the name at every interval, so a DNS change is seen, and wants a 2xx or 3xx within two seconds of connecting);
- in us-east-1, an alarm on the health check's `AWS/Route53` `HealthCheckStatus` that fires when the check is
  unhealthy for `unhealthy_minutes` minutes, and also when the metric stops coming (missing data breaches: a check
  that stopped reporting is no check), and notifies when it fires and when it recovers. Route 53 publishes its
  health-check metrics in US East (N. Virginia) only and an alarm cannot watch a metric of another region, so the
  alarm is there, whatever the stack's region;
- unless a topic in us-east-1 is given, an alert topic there for that alarm (an `Alerts`: its own KMS key, the same
  publisher policy, the same e-mail subscription as the stack's topic, which the recipient confirms once more): an
  alarm notifies topics of its own region only;
- with `certificate`, in the stack's region, an alarm on the certificate's ACM `DaysToExpiry`, notifying the stack's
  alert topic: Route 53's HTTPS checks do not validate certificates, so an expired one would pass them. It fires when
  fewer than `days` remain (ACM renews DNS-validated certificates 60 days before expiry and starts warning at 45)
  and when the metric stops (ACM stops publishing it once the certificate has expired). A certificate issued in the
  same update may have no datapoint yet: the alarm may then fire once and recover within the day.
Needs: the name to request and a path a service answers with 2xx/3xx (the ALB answers 404 where no rule matches); an
`aws.Provider` for us-east-1 (`us_east_1`, with the stack's default tags); the component's own `opts` carry the
stack's provider, which the certificate alarm uses. The ALB must admit Route 53's health checkers (the
ROUTE53_HEALTHCHECKS ranges of ip-ranges.json; the default ingress CIDR 0.0.0.0/0 does).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.edge.load_balancer import HTTP_PORT, HTTPS_PORT
from components.events.alerts import Alerts, AlertsArgs
from components.monitoring.metric_alarms import MINUTE, metric_alarm
from components.problems import Problem, out_of, raise_problems, within

# Route 53 publishes health-check metrics in US East (N. Virginia) only (Route 53 developer guide, "Monitoring health
# checks using CloudWatch": "Route 53 metrics are not available if you select any other region").
METRICS_REGION = "us-east-1"
HEALTH_CHECK_METRIC = ("AWS/Route53", "HealthCheckStatus")  # 1 healthy, 0 unhealthy; valid statistic: Minimum
REQUEST_INTERVAL_SECONDS = (10, 30)  # CreateHealthCheck RequestInterval: 30 (standard) or 10 (fast, billed extra)
FAILURE_THRESHOLD = (1, 10)  # CreateHealthCheck FailureThreshold
PORT = (1, 65535)  # CreateHealthCheck Port
NAME_MAX_LENGTH = 255  # CreateHealthCheck FullyQualifiedDomainName, ResourcePath
# An alarm's evaluation periods times its period can't exceed one day (CloudWatch user guide, "Using Amazon
# CloudWatch alarms"): with one-minute periods, 1,440 minutes.
UNHEALTHY_MINUTES = (1, 24 * 60)
CERTIFICATE_METRIC = ("AWS/CertificateManager", "DaysToExpiry")  # dimension CertificateArn (ACM user guide)
DAY = 24 * 60 * MINUTE  # the period: CDK's metricDaysToExpiry is "the minimum value over 1 day" too
# Above 60 the alarm would fire before ACM even tries to renew (60 days before expiry).
DAYS_TO_EXPIRY = (1, 60)
TAG_VALUE_MAX_LENGTH = 256  # a Route 53 tag value (the health check's Name tag)


@dataclass(frozen=True)
class CertificateExpiry:
    """An alarm on the HTTPS certificate's days to expiry, in the stack's region, on the stack's alert topic."""

    certificate_arn: pulumi.Input[str]
    """The ACM certificate the listener serves (the stack's own, or certificateArn)."""
    alert_topic_arn: pulumi.Input[str]
    """The stack's alert topic (Alerts.topic_arn): the certificate's region, which is the stack's."""
    days: int = 45
    """Fire when fewer days remain, 1 to 60. Default 45: ACM renews 60 days before expiry and sends its first notice
    that it could not at 45 ("Renewal for domains validated by DNS", ACM user guide)."""

    def problems(self) -> list[Problem]:
        return out_of("days", self.days, *DAYS_TO_EXPIRY)


@dataclass(frozen=True)
class OutsideCheckArgs:
    fqdn: pulumi.Input[str]
    """The host name to request: the stack's domain (DomainAlias.domain_name), else the ALB's DNS name. A name only:
    no scheme, port or path."""
    us_east_1: aws.Provider
    """An aws.Provider for us-east-1 (with the stack's default tags): the health check, its alarm and its topic."""
    path: str = "/"
    """The path requested: one a service's listener rule forwards and answers with 2xx or 3xx (the service's health
    check path), at most 255 characters."""
    https: bool = True
    """HTTPS (with SNI) or plain HTTP. With a certificate, HTTPS: the HTTP listener then answers every request with a
    301, which Route 53 counts healthy (3xx)."""
    port: int | None = None
    """Default: 443 with HTTPS, 80 without."""
    request_interval_seconds: int = 30
    """Seconds between one health checker's requests: 30, or 10 ("fast", billed as an optional feature)."""
    failure_threshold: int = 3
    """Consecutive failures (and successes) before a checker changes its verdict, 1 to 10 (Route 53's default 3)."""
    unhealthy_minutes: int = 2
    """Minutes the health check must be unhealthy (or silent) before the alarm fires, 1 to 1,440."""
    alert_email: str | None = None
    """Subscribed to the us-east-1 topic this component creates (the stack's alertEmail); None: no subscription."""
    alert_topic_arn: pulumi.Input[str] | None = None
    """An alert topic in us-east-1 to notify instead of creating one (the stack's own when the stack is there)."""
    certificate: CertificateExpiry | None = None
    """Also watch the certificate's expiry (Route 53 does not validate certificates). None: no certificate alarm."""

    @property
    def scheme(self) -> str:
        return "https" if self.https else "http"

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return HTTPS_PORT if self.https else HTTP_PORT

    def problems(self) -> list[Problem]:
        """What CreateHealthCheck and PutMetricAlarm would refuse, and what would make the check mean nothing."""
        found: list[Problem] = []
        if isinstance(self.fqdn, str) and (
            not 0 < len(self.fqdn) <= NAME_MAX_LENGTH or any(c in self.fqdn for c in ":/ ")
        ):
            found.append(Problem("fqdn", self.fqdn, f"a host name of at most {NAME_MAX_LENGTH} characters, no scheme"))
        if not self.path.startswith("/") or len(self.path) > NAME_MAX_LENGTH:
            found.append(Problem("path", self.path, f"a path starting with /, at most {NAME_MAX_LENGTH} characters"))
        if self.port is not None:
            found += out_of("port", self.port, *PORT)
        if self.request_interval_seconds not in REQUEST_INTERVAL_SECONDS:
            allowed = " or ".join(map(str, REQUEST_INTERVAL_SECONDS))
            found.append(Problem("request_interval_seconds", self.request_interval_seconds, allowed))
        found += out_of("failure_threshold", self.failure_threshold, *FAILURE_THRESHOLD)
        found += out_of("unhealthy_minutes", self.unhealthy_minutes, *UNHEALTHY_MINUTES)
        if self.alert_email is not None and self.alert_topic_arn is not None:
            allowed = "None when alert_topic_arn is given (that topic's subscriptions are its owner's)"
            found.append(Problem("alert_email", self.alert_email, allowed))
        if self.certificate is not None:
            found += within("certificate", self.certificate.problems())
        return found


def _name_tag(name: str, region: str, url: str) -> str:
    """The health check's Name tag (the console lists health checks by it); refuses a `us_east_1` provider of another
    region, whose alarm would never see a datapoint."""
    if region != METRICS_REGION:
        raise ValueError(
            f"OutsideCheck {name!r}: us_east_1 is a provider for {region}; Route 53 publishes health-check metrics in "
            f"{METRICS_REGION} only, so the alarm must be there (an alarm cannot watch another region's metric)"
        )
    return f"{name}: {url}"[:TAG_VALUE_MAX_LENGTH]


class OutsideCheck(pulumi.ComponentResource):
    health_check_id: pulumi.Output[str]
    alarm_arn: pulumi.Output[str]  # the unreachable alarm, in us-east-1
    topic_arn: pulumi.Output[str]  # what that alarm notifies, in us-east-1
    certificate_alarm_arn: pulumi.Output[str] | None  # in the stack's region, with `certificate`
    url: pulumi.Output[str]  # what the health checkers request

    def __init__(self, name: str, args: OutsideCheckArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"OutsideCheck {name!r}", args.problems())
        super().__init__("httpd-firelens:monitoring:OutsideCheck", name, None, opts)
        east = pulumi.ResourceOptions(parent=self, provider=args.us_east_1)
        port = args.effective_port
        default_port = port == (HTTPS_PORT if args.https else HTTP_PORT)
        self.url = pulumi.Output.concat(args.scheme, "://", args.fqdn, "" if default_port else f":{port}", args.path)

        # Fails `pulumi preview` already when the provider given is not us-east-1's: the invoke resolves in a preview,
        # and the health check's name waits for the check.
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self, provider=args.us_east_1)).region
        check = aws.route53.HealthCheck(
            f"{name}-health-check",
            type="HTTPS" if args.https else "HTTP",
            fqdn=args.fqdn,
            port=port,
            resource_path=args.path,
            request_interval=args.request_interval_seconds,
            failure_threshold=args.failure_threshold,
            # SNI: the listener answers with the certificate for the name (the API's own advice for HTTPS checks).
            enable_sni=True if args.https else None,
            measure_latency=False,  # an optional feature billed monthly; the alarm needs only the status
            tags={"Name": pulumi.Output.all(region, self.url).apply(lambda values: _name_tag(name, *values))},
            opts=east,
        )

        if args.alert_topic_arn is not None:
            topic_arn: pulumi.Input[str] = args.alert_topic_arn
        else:
            alerts_args = AlertsArgs(email=args.alert_email, display_name="ECS alerts (outside check)")
            topic_arn = Alerts(f"{name}-alerts", alerts_args, east).topic_arn
        self.topic_arn = pulumi.Output.from_input(topic_arn)

        namespace, metric = HEALTH_CHECK_METRIC
        alarm = metric_alarm(
            f"{name}-unreachable",
            _unreachable_description(name, args),
            topic_arn,
            east,
            namespace=namespace,
            metric_name=metric,
            dimensions={"HealthCheckId": check.id},
            statistic="Minimum",  # the only statistic Route 53 documents for HealthCheckStatus
            period=MINUTE,  # Route 53 sends its health-check metrics once a minute
            evaluation_periods=args.unhealthy_minutes,
            comparison_operator="LessThanThreshold",
            threshold=1,
            # A health check that stops reporting (deleted, or Route 53 not measuring) is no check: alarm.
            treat_missing_data="breaching",
        )

        self.certificate_alarm_arn = None
        if args.certificate is not None:
            self.certificate_alarm_arn = self._certificate_alarm(name, args.certificate).arn

        self.health_check_id = check.id
        self.alarm_arn = alarm.arn
        outputs: dict[str, pulumi.Input[str]] = {
            "healthCheckId": self.health_check_id,
            "alarmArn": self.alarm_arn,
            "topicArn": self.topic_arn,
            "url": self.url,
        }
        if self.certificate_alarm_arn is not None:
            outputs["certificateAlarmArn"] = self.certificate_alarm_arn
        self.register_outputs(outputs)

    def _certificate_alarm(self, name: str, certificate: CertificateExpiry) -> aws.cloudwatch.MetricAlarm:
        namespace, metric = CERTIFICATE_METRIC
        description = (
            f"The HTTPS certificate expires in fewer than {certificate.days} days, or has expired (ACM stopped "
            "publishing its DaysToExpiry): ACM did not renew it. Check first: `aws acm describe-certificate` "
            "(RenewalSummary says why; DNS validation needs its CNAME record in the hosted zone and the certificate "
            "in use by the ALB); a certificate you imported (certificateArn) you renew and re-import yourself"
        )
        return metric_alarm(
            f"{name}-certificate-expiring",
            description,
            certificate.alert_topic_arn,
            pulumi.ResourceOptions(parent=self),  # the component's provider: the stack's region
            namespace=namespace,
            metric_name=metric,
            dimensions={"CertificateArn": certificate.certificate_arn},
            statistic="Minimum",
            period=DAY,
            evaluation_periods=1,
            comparison_operator="LessThanThreshold",
            threshold=certificate.days,
            # ACM stops publishing the metric once the certificate has expired: silence is the worst case.
            treat_missing_data="breaching",
        )


def _unreachable_description(name: str, args: OutsideCheckArgs) -> str:
    where = f"{args.scheme.upper()} port {args.effective_port}, path {args.path}"
    return (
        f"The stack's URL ({where}) is unreachable from the internet: Route 53 health checkers ({name}) got no 2xx/3xx "
        f"for {args.unhealthy_minutes} min, or "
        "stopped reporting. Check first: `dig` the name (alias record), the ALB listener and security group (Route "
        "53's ROUTE53_HEALTHCHECKS ranges must be admitted), the WAF's blocked requests, then the targets; "
        "`aws route53 get-health-check-last-failure-reason` names the failure each checker saw"
    )
