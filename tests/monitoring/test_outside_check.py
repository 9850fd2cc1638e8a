"""components/monitoring/outside_check.py: the Route 53 health check of the stack's URL, its alarm in us-east-1 on a
topic there, the certificate-expiry alarm in the stack's region, and the deploy role's grants for resources in two
regions.

The component is evaluated as `__main__.py` would wire it in prod (`program()` below: the stack's provider and alert
topic, a provider for us-east-1 with the same default tags, HTTPS on prod's example domain, the same e-mail, the
certificate watched), through the offline harness: this file is also that program (`__name__ == "__main__"` at the
bottom), so the test evaluates exactly what it reads. Sources of the AWS facts (each test's docstring cites its own):
- Route 53 developer guide (awsdocs/amazon-route53-docs @ 2c31968, doc_source/): monitoring-cloudwatch.md ("Metrics
  and dimensions for Route 53 health checks"), monitoring-health-checks.md ("Change the current region to US East
  (N. Virginia). Route 53 metrics are not available if you select any other region as the current region"),
  dns-failover-determining-health-of-endpoints.md ("HTTPS health checks don't validate SSL/TLS certificates"),
  health-checks-creating-values.md;
- CloudWatch user guide (awsdocs/amazon-cloudwatch-user-guide @ cc40332, doc_source/): Cross-Account-Cross-Region.md
  ("Cross-Region functionality is not supported for alarms, so you can't create an alarm in one Region that watches
  a metric in a different Region"), AlarmThatSendsEmail.md (evaluation periods, missing data);
- ACM user guide (awsdocs/aws-certificate-user-guide @ 36ba373, doc_source/): cloudwatch-metrics.md (DaysToExpiry),
  dns-renewal-validation.md (renewal at 60 days, notices from 45);
- botocore's models (tests/support/aws_api.py) for every request.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.edge.load_balancer import TLS_POLICY
from components.events.alerts import Alerts, AlertsArgs
from components.iam import stack_tags
from components.monitoring.outside_check import CertificateExpiry, OutsideCheck, OutsideCheckArgs
from components.problems import Problem
from offline.aws_formats import ACCOUNT_ID
from offline.deploy_policy import NOT_AWS, calls_of, deploy_policies, privilege
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource, RecordingMonitor, evaluate
from offline.mocks import AwsMocks
from offline.pulumi_runtime import run_program, start_mock_runtime
from offline.stack_config import load_stack_config
from tests.conftest import CERTIFICATE_ARN, DOMAIN
from tests.support.aws_api import operation_model, validate_request
from tests.support.deploy_requests import ACCOUNT, concrete_arns, context, request_arns, resource_region
from tests.support.helpers import inside, only, put_metric_alarm_request
from tests.support.iam_eval import ALLOW, Request, decide
from tests.support.iam_lint import as_list, policy_of

COMPONENT = "httpd-firelens:monitoring:OutsideCheck"
ALERTS = "httpd-firelens:alerts:Alerts"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
EAST = "us-east-1"
DOMAIN_NAME = DOMAIN["domainName"]
EMAIL = "oncall@example.com"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def program() -> None:
    """The component wired as `__main__.py` is to wire it in prod: the stack's provider and alert topic, a provider for
    us-east-1 with the same default tags, HTTPS on the domain, the stack's address, the certificate watched."""
    region = pulumi.Config("aws").require("region")
    tags = aws.ProviderDefaultTagsArgs(tags=stack_tags(pulumi.get_project(), pulumi.get_stack()))
    provider = aws.Provider("aws", region=region, default_tags=tags)
    us_east_1 = aws.Provider("aws-us-east-1", region=EAST, default_tags=tags)
    opts = pulumi.ResourceOptions(provider=provider)
    alerts = Alerts("alerts", AlertsArgs(email=EMAIL), opts)
    args = OutsideCheckArgs(
        fqdn=DOMAIN_NAME,
        us_east_1=us_east_1,
        path="/",
        alert_email=EMAIL,
        certificate=CertificateExpiry(CERTIFICATE_ARN, alerts.topic_arn),
    )
    check = OutsideCheck("outside-check", args, opts)
    pulumi.export("outsideCheckUrl", check.url)


@functools.cache
def wired() -> Evaluation:
    """`program()` evaluated under the mocks with prod's configuration (its region, ap-northeast-1)."""
    return evaluate(load_stack_config(PROJECT_DIR, "prod"), program=Path(__file__))


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    return wired()


def ours(ev: Evaluation, type_token: str) -> list[RecordedResource]:
    return inside(ev, COMPONENT, "outside-check", type_token)


def alarms(ev: Evaluation) -> dict[str, RecordedResource]:
    return {r.name.removeprefix("outside-check-"): r for r in ours(ev, ALARM)}


def region_of_arn(arn: str) -> str:
    return arn.split(":")[3]


# --- the health check ---------------------------------------------------------------------------------------------


def create_health_check_request(check: RecordedResource) -> dict[str, Any]:
    """Route 53 CreateHealthCheck as the provider sends it (health_check.go, resourceHealthCheckCreate): the caller
    reference is the provider's unique id, `terraform-` and 26 digits."""
    inputs = check.inputs
    config: dict[str, Any] = {
        "Type": inputs["type"],
        "FullyQualifiedDomainName": inputs["fqdn"],
        "Port": int(inputs["port"]),
        "ResourcePath": inputs["resourcePath"],
        "RequestInterval": int(inputs["requestInterval"]),
        "FailureThreshold": int(inputs["failureThreshold"]),
        "MeasureLatency": inputs["measureLatency"],
    }
    if "enableSni" in inputs:
        config["EnableSNI"] = inputs["enableSni"]
    return {"CallerReference": "terraform-20260101000000000000000001", "HealthCheckConfig": config}


def test_the_check_requests_the_domain_over_https_from_outside(ev: Evaluation) -> None:
    """An HTTPS check of the domain by name, with no IP address: Route 53 "sends a DNS request to the domain that you
    specify for FullyQualifiedDomainName at the interval that you specify for RequestInterval" (CreateHealthCheck's
    model), so a DNS change is seen; it wants "an HTTP status code of 2xx or 3xx within two seconds after connecting"
    (dns-failover-determining-health-of-endpoints.md). SNI on, so the listener answers with the domain's certificate
    (the model's EnableSNI: without it "the status of the health check will be SSL alert handshake_failure"). Every
    30 seconds (standard; 10 is billed as an optional feature, health-checks-creating-values.md), three consecutive
    results to change its verdict, no latency graphs (also billed). The request passes botocore's model."""
    check = only(ours(ev, HEALTH_CHECK))
    request = create_health_check_request(check)
    assert request["HealthCheckConfig"] == {
        "Type": "HTTPS",
        "FullyQualifiedDomainName": DOMAIN_NAME,
        "Port": 443,
        "ResourcePath": "/",
        "RequestInterval": 30,
        "FailureThreshold": 3,
        "MeasureLatency": False,
        "EnableSNI": True,
    }
    assert "ipAddress" not in check.inputs
    assert validate_request("route53", "CreateHealthCheck", request) == []
    assert ev.outputs["outsideCheckUrl"] == f"https://{DOMAIN_NAME}/"


def test_the_health_check_is_named_and_tagged_like_the_stack(ev: Evaluation) -> None:
    """The console lists health checks by their Name tag ("If you specify a value for Name, Route 53 adds a tag ...
    The value of the Name tag appears in the list of health checks", health-checks-creating-values.md); the provider
    writes the tags with ChangeTagsForResource (tags_gen.go), valid for the model (a value at most 256 characters)."""
    check = only(ours(ev, HEALTH_CHECK))
    assert check.inputs["tags"] == {"Name": f"outside-check: https://{DOMAIN_NAME}/"}
    tags = {**check.inputs["tags"], "project": "httpd-firelens", "stack": "prod", "managed-by": "pulumi"}
    change = {
        "ResourceType": "healthcheck",
        "ResourceId": check.id,
        "AddTags": [{"Key": key, "Value": value} for key, value in tags.items()],
    }
    assert validate_request("route53", "ChangeTagsForResource", change) == []


def test_the_listeners_tls_policy_speaks_what_the_health_checkers_speak() -> None:
    """ "If you specify HTTPS for the value of Type, the endpoint must support TLS v1.0, v1.1, or v1.2"
    (CreateHealthCheck's model, HealthCheckConfig.Type): the HTTPS listener's policy offers TLS 1.2 besides 1.3
    (ELBSecurityPolicy-TLS13-1-2-...). A TLS 1.3-only policy would make every check fail."""
    assert TLS_POLICY.startswith("ELBSecurityPolicy-TLS13-1-2-")
    model = operation_model("route53", "CreateHealthCheck").input_shape
    assert model is not None
    documentation = model.members["HealthCheckConfig"].members["Type"].documentation
    assert "TLS v1.0, v1.1, or v1.2" in documentation


def test_the_mocks_answer_like_route_53(ev: Evaluation) -> None:
    """A health check's id is a UUID (`healthcheck/b3c9cbc6-cd18-43bc-93f8-9e557example` in logging-using-cloudtrail.md)
    and its ARN is global, without region or account (health_check.go: GlobalARNNoAccount "healthcheck/<id>")."""
    check = only(ours(ev, HEALTH_CHECK))
    assert check.id is not None and UUID.fullmatch(check.id)
    assert check.state["arn"] == f"arn:aws:route53:::healthcheck/{check.id}"


# --- the alarm, in us-east-1 --------------------------------------------------------------------------------------


def test_the_alarm_watches_the_health_check_status_where_route_53_publishes_it(ev: Evaluation) -> None:
    """`AWS/Route53` `HealthCheckStatus` ("1 indicates healthy, and 0 indicates unhealthy. Valid statistics: Minimum")
    with the `HealthCheckId` dimension ("When retrieving metrics, you must supply the HealthCheckId dimension"), sent
    "once a minute" (monitoring-cloudwatch.md). The metrics exist in US East (N. Virginia) only
    (monitoring-health-checks.md) and "you can't create an alarm in one Region that watches a metric in a different
    Region" (Cross-Account-Cross-Region.md): the alarm is in us-east-1 whatever the stack's region."""
    alarm = alarms(ev)["unreachable"]
    check = only(ours(ev, HEALTH_CHECK))
    inputs = alarm.inputs
    assert (inputs["namespace"], inputs["metricName"], inputs["dimensions"]) == (
        "AWS/Route53",
        "HealthCheckStatus",
        {"HealthCheckId": check.id},
    )
    assert (inputs["statistic"], inputs["period"]) == ("Minimum", 60)
    assert (inputs["comparisonOperator"], inputs["threshold"], inputs["evaluationPeriods"]) == (
        "LessThanThreshold",
        1,
        2,
    )
    assert region_of_arn(alarm.state["arn"]) == EAST != ev.config.region


def test_a_health_check_that_stops_reporting_alarms(ev: Evaluation) -> None:
    """Missing data breaches: "breaching - Missing data points are treated as 'bad'" (AlarmThatSendsEmail.md); a
    deleted or broken health check sends nothing, and silence must not read as health."""
    assert alarms(ev)["unreachable"].inputs["treatMissingData"] == "breaching"


def test_the_alarm_notifies_a_topic_of_its_own_region_when_it_fires_and_recovers(ev: Evaluation) -> None:
    """Alarm and OK actions on the us-east-1 topic: an alarm's SNS action must be in the alarm's region (PutMetricAlarm
    refuses another: "ValidationError: Invalid region ca-central-1 specified. Only us-west-2 is supported", quoted in
    cds-snc/notification-terraform pull request 128, which moved its topics for that reason). Valid for the model."""
    alarm = alarms(ev)["unreachable"]
    topic = only(ours(ev, TOPIC))
    assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [topic.state["arn"]]
    assert region_of_arn(topic.state["arn"]) == region_of_arn(alarm.state["arn"]) == EAST
    assert "unreachable from the internet" in alarm.inputs["alarmDescription"]
    assert validate_request("cloudwatch", "PutMetricAlarm", put_metric_alarm_request(alarm)) == []


def test_the_us_east_1_topic_is_an_alerts_topic_with_the_stacks_address(ev: Evaluation) -> None:
    """The same Alerts component as the stack's topic, created through the us-east-1 provider: its own rotating key
    whose use is through SNS of us-east-1 (kms:ViaService), a policy letting this account's alarms of us-east-1
    publish, and the stack's e-mail address subscribed (one more confirmation for the recipient). CreateKey,
    CreateTopic, SetTopicAttributes and Subscribe pass the models."""
    east = inside(ev, COMPONENT, "outside-check", ALERTS)
    assert [a.name for a in east] == ["outside-check-alerts"]
    key, topic = only(ours(ev, KEY)), only(ours(ev, TOPIC))
    assert region_of_arn(key.state["arn"]) == EAST and topic.inputs["kmsMasterKeyId"] == key.state["arn"]
    (via,) = [s for s in policy_of(key)["Statement"] if s.get("Sid") == "AccountUsesKeyThroughSns"]
    assert via["Condition"]["StringEquals"]["kms:ViaService"] == f"sns.{EAST}.amazonaws.com"
    (publish,) = [
        s for s in policy_of(only(ours(ev, TOPIC_POLICY)))["Statement"] if s["Sid"] == "CloudWatchAlarmsPublish"
    ]
    assert publish["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:cloudwatch:{EAST}:{ACCOUNT_ID}:alarm:*"
    subscriptions = {s.inputs["topic"]: s.inputs["endpoint"] for s in ev.of_type(SUBSCRIPTION)}
    assert subscriptions == {topic.state["arn"]: EMAIL, ev.one(TOPIC, "alerts-topic").state["arn"]: EMAIL}
    assert (
        validate_request("kms", "CreateKey", {"Policy": key.inputs["policy"], "Description": key.inputs["description"]})
        == []
    )
    create_topic = {"Name": topic.state["name"], "Attributes": {"DisplayName": topic.inputs["displayName"]}}
    assert validate_request("sns", "CreateTopic", create_topic) == []
    encrypt = {"TopicArn": topic.state["arn"], "AttributeName": "KmsMasterKeyId", "AttributeValue": key.state["arn"]}
    assert validate_request("sns", "SetTopicAttributes", encrypt) == []
    subscribe = {"TopicArn": topic.state["arn"], "Protocol": "email", "Endpoint": EMAIL}
    assert validate_request("sns", "Subscribe", subscribe) == []


# --- how the alarms behave ----------------------------------------------------------------------------------------


def alarm_state(alarm: RecordedResource, datapoints: Sequence[float | None]) -> str:
    """The state CloudWatch gives a LessThanThreshold alarm over one value a period, oldest first (None: no datapoint),
    as AlarmThatSendsEmail.md describes it: the last `EvaluationPeriods` datapoints, all of which must breach
    (DatapointsToAlarm defaults to EvaluationPeriods); a missing one counts as `TreatMissingData` says (breaching: bad;
    notBreaching: good; missing with none present: INSUFFICIENT_DATA). Only windows that are wholly present or wholly
    missing are used below: CloudWatch's wider "evaluation range" matters only between the two."""
    inputs = alarm.inputs
    periods, threshold, missing = int(inputs["evaluationPeriods"]), inputs["threshold"], inputs["treatMissingData"]
    window = list(datapoints)[-periods:]
    present = [value for value in window if value is not None]
    if not present and missing == "missing":
        return "INSUFFICIENT_DATA"
    breaching = sum(value < threshold for value in present)
    breaching += (len(window) - len(present)) if missing == "breaching" else 0
    return "ALARM" if breaching >= periods else "OK"


HEALTHY, UNHEALTHY = 1.0, 0.0  # HealthCheckStatus's Minimum over a minute


@pytest.mark.parametrize(
    ("minutes", "state"),
    [
        pytest.param([HEALTHY] * 5, "OK", id="healthy"),
        pytest.param([HEALTHY] * 4 + [UNHEALTHY], "OK", id="one-unhealthy-minute"),
        pytest.param([HEALTHY] * 3 + [UNHEALTHY] * 2, "ALARM", id="unhealthy-for-the-evaluation-period"),
        pytest.param([HEALTHY] * 3 + [None] * 2, "ALARM", id="stopped-reporting"),
        pytest.param([UNHEALTHY] * 3 + [HEALTHY] * 2, "OK", id="recovered"),
    ],
)
def test_the_unreachable_alarm_on_synthetic_minutes(ev: Evaluation, minutes: list[float | None], state: str) -> None:
    """Route 53 reports 1 (healthy) or 0 (unhealthy) a minute (monitoring-cloudwatch.md): one bad minute is no alarm,
    two are, and so are two minutes without a datapoint."""
    assert alarm_state(alarms(ev)["unreachable"], minutes) == state


def test_the_certificate_alarm_watches_days_to_expiry_in_the_stacks_region(ev: Evaluation) -> None:
    """Route 53's HTTPS checks "don't validate SSL/TLS certificates, so checks don't fail if a certificate is invalid or
    expired" (dns-failover-determining-health-of-endpoints.md), so the certificate has its own alarm: `AWS/
    CertificateManager` `DaysToExpiry`, dimension `CertificateArn` (cloudwatch-metrics.md), the day's minimum, below
    45 days: ACM renews a DNS-validated certificate 60 days before expiry and notifies at 45, 30, 7 and 1 days when it
    could not (dns-renewal-validation.md). ACM's metric and the certificate are in the stack's region, and so is the
    alarm, on the stack's topic."""
    alarm = alarms(ev)["certificate-expiring"]
    inputs = alarm.inputs
    assert (inputs["namespace"], inputs["metricName"], inputs["dimensions"]) == (
        "AWS/CertificateManager",
        "DaysToExpiry",
        {"CertificateArn": CERTIFICATE_ARN},
    )
    assert (inputs["statistic"], inputs["period"], inputs["evaluationPeriods"]) == ("Minimum", 86400, 1)
    assert (inputs["comparisonOperator"], inputs["threshold"]) == ("LessThanThreshold", 45)
    stack_topic = ev.one(TOPIC, "alerts-topic").state["arn"]
    assert inputs["alarmActions"] == inputs["okActions"] == [stack_topic]
    assert region_of_arn(alarm.state["arn"]) == region_of_arn(stack_topic) == ev.config.region
    assert validate_request("cloudwatch", "PutMetricAlarm", put_metric_alarm_request(alarm)) == []


@pytest.mark.parametrize(
    ("days", "state"),
    [
        pytest.param([395.0], "OK", id="renewed"),
        pytest.param([45.0], "OK", id="45-days-left"),
        pytest.param([44.0], "ALARM", id="renewal-failed"),
        pytest.param([None], "ALARM", id="expired"),
    ],
)
def test_the_certificate_alarm_on_synthetic_days(ev: Evaluation, days: list[float | None], state: str) -> None:
    """ "ACM stops publishing this metric after a certificate expires" (cloudwatch-metrics.md): missing data breaches,
    so an expired certificate keeps the alarm firing."""
    alarm = alarms(ev)["certificate-expiring"]
    assert alarm.inputs["treatMissingData"] == "breaching"
    assert alarm_state(alarm, days) == state


# --- other wirings ------------------------------------------------------------------------------------------------


def built(
    make_args: Callable[[aws.Provider], OutsideCheckArgs], stack_region: str = "ap-northeast-1"
) -> list[RecordedResource]:
    """The records of an OutsideCheck built alone under the mocks, the stack's provider in `stack_region`; in
    us-east-1, one provider serves both."""
    mocks = AwsMocks(stack_region, PROJECT_DIR)
    monitor = RecordingMonitor(mocks)
    start_mock_runtime(mocks, "httpd-firelens", "unit", monitor=monitor)

    def build() -> None:
        provider = aws.Provider("aws", region=stack_region)
        us_east_1 = provider if stack_region == EAST else aws.Provider("aws-us-east-1", region=EAST)
        OutsideCheck("outside-check", make_args(us_east_1), pulumi.ResourceOptions(provider=provider))

    run_program(build)
    return monitor.records


def test_a_stack_in_us_east_1_notifies_its_own_topic() -> None:
    """With the stack in us-east-1 its alert topic is already where the alarm is: no second topic, key or
    subscription."""
    topic = f"arn:aws:sns:{EAST}:{ACCOUNT_ID}:alerts-topic-0123abc"
    records = built(lambda east: OutsideCheckArgs(fqdn=DOMAIN_NAME, us_east_1=east, alert_topic_arn=topic), EAST)
    types = [r.type for r in records]
    assert ALERTS not in types and TOPIC not in types and KEY not in types
    (alarm,) = [r for r in records if r.type == ALARM]
    assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [topic]


def test_plain_http_on_another_port_without_sni() -> None:
    """HTTP: no SNI (an HTTPS-only setting), the port given; the request still passes the model."""
    records = built(
        lambda east: OutsideCheckArgs(
            fqdn="web-123.ap-northeast-1.elb.amazonaws.com", us_east_1=east, https=False, port=8080, path="/healthz"
        )
    )
    (check,) = [r for r in records if r.type == HEALTH_CHECK]
    request = create_health_check_request(check)
    assert request["HealthCheckConfig"]["Type"] == "HTTP" and request["HealthCheckConfig"]["Port"] == 8080
    assert "EnableSNI" not in request["HealthCheckConfig"]
    assert check.inputs["tags"]["Name"] == "outside-check: http://web-123.ap-northeast-1.elb.amazonaws.com:8080/healthz"
    assert validate_request("route53", "CreateHealthCheck", request) == []


def test_a_provider_of_another_region_fails_before_anything_is_created() -> None:
    """The alarm would sit in a region with no HealthCheckStatus and never see a datapoint: the health check's name
    waits for the provider's region (an invoke, answered in a preview too) and refuses any but us-east-1."""
    mocks = AwsMocks("ap-northeast-1", PROJECT_DIR)
    monitor = RecordingMonitor(mocks)
    start_mock_runtime(mocks, "httpd-firelens", "unit", monitor=monitor)

    def build() -> None:
        wrong = aws.Provider("aws-eu-west-1", region="eu-west-1")
        OutsideCheck("outside-check", OutsideCheckArgs(fqdn=DOMAIN_NAME, us_east_1=wrong))

    with pytest.raises(ValueError, match="us_east_1 is a provider for eu-west-1"):
        run_program(build)
    assert HEALTH_CHECK not in [r.type for r in monitor.records]


# --- what AWS would refuse ----------------------------------------------------------------------------------------


def args_with(**changes: Any) -> OutsideCheckArgs:
    """Valid arguments but `changes`; the provider is never used (problems() needs no runtime)."""
    values: dict[str, Any] = {"fqdn": DOMAIN_NAME, "us_east_1": None, **changes}
    return OutsideCheckArgs(**values)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"fqdn": "https://app.example.com"},
            Problem("fqdn", "https://app.example.com", "a host name of at most 255 characters, no scheme"),
        ),
        ({"fqdn": "a" * 256}, Problem("fqdn", "a" * 256, "a host name of at most 255 characters, no scheme")),
        ({"path": "healthz"}, Problem("path", "healthz", "a path starting with /, at most 255 characters")),
        ({"path": "/" + "a" * 255}, Problem("path", "/" + "a" * 255, "a path starting with /, at most 255 characters")),
        ({"port": 0}, Problem("port", 0, "1 to 65535")),
        ({"request_interval_seconds": 60}, Problem("request_interval_seconds", 60, "10 or 30")),
        ({"failure_threshold": 11}, Problem("failure_threshold", 11, "1 to 10")),
        ({"unhealthy_minutes": 0}, Problem("unhealthy_minutes", 0, "1 to 1440")),
        ({"unhealthy_minutes": 1441}, Problem("unhealthy_minutes", 1441, "1 to 1440")),
        (
            {"alert_email": EMAIL, "alert_topic_arn": "arn:aws:sns:us-east-1:123456789012:t"},
            Problem(
                "alert_email", EMAIL, "None when alert_topic_arn is given (that topic's subscriptions are its owner's)"
            ),
        ),
        (
            {"certificate": CertificateExpiry(CERTIFICATE_ARN, "arn:t", days=61)},
            Problem("certificate.days", 61, "1 to 60"),
        ),
    ],
)
def test_problems_name_what_aws_would_refuse(changes: dict[str, Any], problem: Problem) -> None:
    """CreateHealthCheck's model: FullyQualifiedDomainName and ResourcePath at most 255, Port 1 to 65535,
    RequestInterval 10 or 30 ("you can't change" it later either, health-checks-creating-values.md), FailureThreshold
    1 to 10; PutMetricAlarm: "The number of evaluation periods for an alarm multiplied by the length of each evaluation
    period can't exceed one day" (AlarmThatSendsEmail.md), so at most 1,440 one-minute periods."""
    assert args_with(**changes).problems() == [problem]


def test_the_defaults_are_valid_and_the_model_agrees_on_the_limits() -> None:
    assert args_with().problems() == []
    config = {"Type": "HTTPS", "FullyQualifiedDomainName": "a" * 256, "ResourcePath": "/" + "a" * 255, "Port": 0}
    config |= {"RequestInterval": 60, "FailureThreshold": 11}
    problems = validate_request("route53", "CreateHealthCheck", {"CallerReference": "x", "HealthCheckConfig": config})
    for member in ("FullyQualifiedDomainName", "ResourcePath", "Port", "RequestInterval", "FailureThreshold"):
        assert any(member in p for p in problems), member


def test_the_component_refuses_bad_arguments_before_creating_anything() -> None:
    with pytest.raises(ValueError, match=r"OutsideCheck 'x': path 'healthz'"):
        OutsideCheck("x", args_with(path="healthz"))


# --- the deploy role ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def policies(ev: Evaluation) -> dict[str, dict[str, Any]]:
    return deploy_policies(ev, ACCOUNT)


def aws_resources_of_the_check(ev: Evaluation) -> list[RecordedResource]:
    component = ev.one(COMPONENT, "outside-check")
    return [r for r in ev.descendants(component) if r.custom and not r.type.startswith(NOT_AWS)]


def test_every_call_for_the_check_is_allowed_in_its_resources_region(
    ev: Evaluation, policies: dict[str, dict[str, Any]]
) -> None:
    """Each action of each resource's provider-calls entry (the health check's: health_check.go), on its ARNs, with
    aws:RequestedRegion the resource's region (us-east-1 for the alarm, topic and key; the stack's for the certificate
    alarm; Route 53 is global): allowed."""
    denied, checked = [], 0
    for resource in aws_resources_of_the_check(ev):
        for action in calls_of(resource).actions_for(resource.plain_inputs()):
            for arn in request_arns(action, concrete_arns(resource, ev, ACCOUNT), resource_region(resource, ev)):
                checked += 1
                if decide(policies.values(), Request(action, arn, context(action, resource, ev))) != ALLOW:
                    denied.append(f"{resource.name}: {action} on {arn}")
    assert checked > 40
    assert denied == []


def test_the_us_east_1_grants_hold_in_us_east_1_only(ev: Evaluation, policies: dict[str, dict[str, Any]]) -> None:
    """The alarm's, topic's and key's calls are allowed with aws:RequestedRegion us-east-1 and refused with the
    stack's region or any other; the stack's own topic stays limited to the stack's region."""
    alarm = alarms(ev)["unreachable"]
    arn = alarm.state["arn"].replace(ACCOUNT_ID, ACCOUNT)
    for region, verdict in ((EAST, True), (ev.config.region, False), ("us-west-2", False)):
        request = Request("cloudwatch:PutMetricAlarm", arn, {"aws:RequestedRegion": region})
        assert (decide(policies.values(), request) == ALLOW) is verdict, region
    stack_topic = ev.one(TOPIC, "alerts-topic").state["arn"].replace(ACCOUNT_ID, ACCOUNT)
    assert decide(policies.values(), Request("sns:CreateTopic", stack_topic, {"aws:RequestedRegion": EAST})) != ALLOW
    key_request = Request("kms:CreateKey", "*", {"aws:RequestedRegion": EAST})
    assert decide(policies.values(), key_request) == ALLOW


def test_route_53_calls_carry_no_region_condition_and_name_their_health_check(
    ev: Evaluation, policies: dict[str, dict[str, Any]]
) -> None:
    """Route 53 is global ("a single endpoint that is physically located in the us-east-1 Region", IAM user guide,
    aws_deny-requested-region): no aws:RequestedRegion. CreateHealthCheck acts on no resource type, so `*`; the other
    calls act on `healthcheck/<id>` (Service Authorization Reference), a generated id: `healthcheck/*`."""
    statements = [s for d in policies.values() for s in d["Statement"] if s["Sid"].endswith("Route53")]
    actions = {a: s for s in statements for a in as_list(s["Action"])}
    assert "aws:RequestedRegion" not in json.dumps(statements)
    assert actions["route53:CreateHealthCheck"]["Resource"] == "*"
    assert privilege("route53:CreateHealthCheck")["resource_types"].keys() == {""}
    assert actions["route53:DeleteHealthCheck"]["Resource"] == "arn:aws:route53:::healthcheck/*"
    # ChangeTagsForResource lists a health check or a hosted zone: the health check only, no zone of the account.
    assert actions["route53:ChangeTagsForResource"]["Resource"] == "arn:aws:route53:::healthcheck/*"


def test_the_policies_hold_nothing_cloudsplaining_flags(policies: dict[str, dict[str, Any]]) -> None:
    from cloudsplaining.command.scan_policy_file import scan_policy

    for name, document in policies.items():
        results = scan_policy(document)
        findings = {risk: r["findings"] for risk, r in results.items() if isinstance(r, dict) and r["findings"]}
        assert findings == {} and not results["ServicesAffected"], name


if __name__ == "__main__":
    program()
