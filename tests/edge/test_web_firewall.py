"""components/edge/web_firewall.py and the WAF's log archive: the web ACL on the ALB, its rules, association and
logging.

On in prod (its stack file), off in dev (its stack file says waf: false); dev with every option on
(tests/conftest.py ALL_OPTIONS) turns it on with another rate limit.
"""

from __future__ import annotations

import re

import pytest

from components.edge.web_firewall import WebFirewall, WebFirewallArgs
from offline.aws_formats import ACCOUNT_ID
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource
from offline.mocks import AwsMocks
from offline.pulumi_runtime import start_mock_runtime
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, evaluate_stack
from tests.support.aws_api import operation_model, validate_request
from tests.support.helpers import config_int, config_value, create_web_acl_request, delivery_stream, inside, only

COMPONENT = "httpd-firelens:security:WebFirewall"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
ALB = "aws:lb/loadBalancer:LoadBalancer"
REGION = "ap-northeast-1"
WAF_TYPES = (WEB_ACL, ASSOCIATION, LOGGING)


@pytest.fixture(scope="module", params=["prod", "dev-all-options"])
def with_waf(request: pytest.FixtureRequest) -> Evaluation:
    if request.param == "prod":
        return evaluate_stack("prod")
    return evaluate_stack("dev", secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS)


def of(ev: Evaluation, type_token: str) -> RecordedResource:
    return only(inside(ev, COMPONENT, "waf", type_token))


def rules_by_name(ev: Evaluation) -> dict[str, dict[str, object]]:
    return {rule["name"]: rule for rule in of(ev, WEB_ACL).inputs["rules"]}


# --- on where configured, off where not -------------------------------------------------------------------------


def test_the_waf_is_on_in_prod_and_off_in_dev(dev: Evaluation, prod: Evaluation) -> None:
    """The stack files decide: prod `waf: true`, dev `waf: false` (no web ACL, no WAF log archive, no WAF outputs)."""
    assert (config_value(prod, "waf"), config_value(dev, "waf")) == ("true", "false")
    assert [r.type for r in prod.resources if r.type in WAF_TYPES] == list(WAF_TYPES)
    assert [r for r in dev.resources if r.type in WAF_TYPES or r.name.startswith("waf-")] == []
    assert "webAclArn" in prod.outputs and "wafLogs" in prod.outputs["archives"]
    assert "webAclArn" not in dev.outputs and "wafLogs" not in dev.outputs["archives"]


# --- the web ACL --------------------------------------------------------------------------------------------------


def test_the_web_acl_is_regional_and_allows_what_no_rule_blocks(with_waf: Evaluation) -> None:
    """An Application Load Balancer's web ACL has scope REGIONAL: CLOUDFRONT is "for a global resource type, such as
    a Amazon CloudFront distribution ... To work with CloudFront, you must also specify the Region US East (N.
    Virginia)" (botocore's wafv2 model, CreateWebACL Scope, enum CLOUDFRONT | REGIONAL). Its ARN says so:
    `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>` (a real one in panther-labs/panther issue
    2341)."""
    acl = of(with_waf, WEB_ACL)
    assert acl.inputs["scope"] == "REGIONAL"
    assert acl.inputs["defaultAction"] == {"allow": {}}
    assert re.fullmatch(
        rf"arn:aws:wafv2:{REGION}:{ACCOUNT_ID}:regional/webacl/{acl.state['name']}/[0-9a-f-]{{36}}", acl.state["arn"]
    )


def test_the_rules_are_the_aws_managed_groups_and_the_rate_limit_cheapest_first(with_waf: Evaluation) -> None:
    """The AWS managed rule groups by their documented names (vendor AWS): core rule set
    `AWSManagedRulesCommonRuleSet` and known bad inputs `AWSManagedRulesKnownBadInputsRuleSet`
    (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html), Amazon IP reputation
    list `AWSManagedRulesAmazonIpReputationList` (.../aws-managed-rule-groups-ip-rep.html). A managed group's rules
    keep their own actions with override action `none` (a `count` override would only count). The IP reputation list
    and the rate limit come first: a request they block is not inspected further."""
    rules = of(with_waf, WEB_ACL).inputs["rules"]
    assert [(rule["priority"], rule["name"]) for rule in rules] == [
        (0, "ip-reputation"),
        (1, "rate-limit"),
        (2, "common-rules"),
        (3, "known-bad-inputs"),
    ]
    managed = {
        rule["name"]: rule["statement"]["managedRuleGroupStatement"]
        for rule in rules
        if "managedRuleGroupStatement" in rule["statement"]
    }
    assert managed == {
        "ip-reputation": {"vendorName": "AWS", "name": "AWSManagedRulesAmazonIpReputationList"},
        "common-rules": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"},
        "known-bad-inputs": {"vendorName": "AWS", "name": "AWSManagedRulesKnownBadInputsRuleSet"},
    }
    assert all(rules_by_name(with_waf)[name]["overrideAction"] == {"none": {}} for name in managed)
    metrics = [rule["visibilityConfig"] for rule in rules] + [of(with_waf, WEB_ACL).inputs["visibilityConfig"]]
    prefix = f"{with_waf.config.project}-{with_waf.config.stack}-"
    assert all(m["cloudwatchMetricsEnabled"] and m["sampledRequestsEnabled"] for m in metrics)
    assert all(m["metricName"].startswith(prefix) for m in metrics)  # one stack's metrics apart from another's


def test_the_rate_limit_blocks_per_ip_over_five_minutes_as_configured(with_waf: Evaluation, prod: Evaluation) -> None:
    """A rate-based rule counts requests per aggregation instance (here the client IP) over its evaluation window,
    "60 (1 minute), 120 (2 minutes), 300 (5 minutes), and 600 (10 minutes), and 300 (5 minutes) is the default",
    and applies its action above the limit, "The lowest limit setting allowed is 10"
    (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html).
    The limit is `wafRateLimit`: 2000 in prod (the default), 500 in the all-options variant."""
    rule = rules_by_name(with_waf)["rate-limit"]
    assert rule["action"] == {"block": {}}
    assert rule["statement"] == {
        "rateBasedStatement": {
            "limit": config_int(with_waf, "wafRateLimit"),
            "aggregateKeyType": "IP",
            "evaluationWindowSec": 300,
        }
    }
    assert config_int(prod, "wafRateLimit") == 2000 and ALL_OPTIONS["wafRateLimit"] == "500"


def test_the_web_acl_is_a_valid_create_web_acl_request(with_waf: Evaluation) -> None:
    """botocore's wafv2 model: structure, enums (Scope, AggregateKeyType), limits (RateLimit 10 to 2,000,000,000,
    name lengths) and the name patterns its validator skips (EntityName `^[\\w\\-]+$`, MetricName
    `^[\\w#:\\.\\-/]+$`), checked here as full matches."""
    request = create_web_acl_request(of(with_waf, WEB_ACL))
    assert validate_request("wafv2", "CreateWebACL", request) == []
    shapes = operation_model("wafv2", "CreateWebACL").input_shape.members
    names = [request["Name"]] + [rule["Name"] for rule in request["Rules"]]
    metrics = [request["VisibilityConfig"]["MetricName"]] + [
        r["VisibilityConfig"]["MetricName"] for r in request["Rules"]
    ]
    name_pattern = shapes["Name"].metadata["pattern"]
    metric_pattern = shapes["VisibilityConfig"].members["MetricName"].metadata["pattern"]
    assert all(re.fullmatch(name_pattern, name) for name in names), names
    assert all(re.fullmatch(metric_pattern, metric) for metric in metrics), metrics


def test_the_api_model_catches_a_wrong_web_acl(prod: Evaluation) -> None:
    request = create_web_acl_request(of(prod, WEB_ACL))
    wrong_scope = request | {"Scope": "GLOBAL"}
    assert any("Scope" in problem for problem in validate_request("wafv2", "CreateWebACL", wrong_scope))
    rate = request["Rules"][1]
    too_low = rate | {"Statement": {"RateBasedStatement": rate["Statement"]["RateBasedStatement"] | {"Limit": 9}}}
    rules = [request["Rules"][0], too_low, *request["Rules"][2:]]
    assert any("Limit" in problem for problem in validate_request("wafv2", "CreateWebACL", request | {"Rules": rules}))


def test_the_rules_fit_the_capacity_the_base_price_covers(with_waf: Evaluation) -> None:
    """WAF prices a web ACL of up to 1,500 web ACL capacity units (WCU) at its base price ("The WCU limit for web
    ACLs is 1,500", AWS SDK for Ruby DescribeManagedRuleGroupResponse#capacity; "the basic price covers up to 1,500
    WCUs", aws/agent-toolkit-for-aws WAF reference "adding managed rules and tuning with count mode"). The mocks
    report the capacity AWS computes (offline/aws_formats.py): core rule set 700, known bad inputs 200
    (aws-managed-rule-groups-baseline.html), IP reputation 25 (aws-managed-rule-groups-ip-rep.html), a rate-based
    rule without custom keys 2 ("2, as a base cost", waf-rule-statement-type-rate-based.html, quoted in
    cds-snc/notification-terraform aws/eks/waf.tf): 927."""
    assert of(with_waf, WEB_ACL).state["capacity"] == 700 + 200 + 25 + 2 <= 1500


# --- the association --------------------------------------------------------------------------------------------


def test_the_web_acl_protects_the_alb(with_waf: Evaluation) -> None:
    """AssociateWebACL takes the web ACL's ARN and the resource's, for an Application Load Balancer
    `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>` (AWS WAF Classic Regional
    AssociateWebACL documents the format; WAFv2 takes the same ARN). A valid AssociateWebACL request."""
    association = of(with_waf, ASSOCIATION).inputs
    alb = only(with_waf.of_type(ALB))
    assert association["resourceArn"] == alb.state["arn"]
    assert re.fullmatch(rf"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:loadbalancer/app/.+/.+", alb.state["arn"])
    assert association["webAclArn"] == of(with_waf, WEB_ACL).state["arn"]
    request = {"WebACLArn": association["webAclArn"], "ResourceArn": association["resourceArn"]}
    assert validate_request("wafv2", "AssociateWebACL", request) == []
    assert with_waf.outputs["webAclArn"] == of(with_waf, WEB_ACL).state["arn"]


# --- logging -------------------------------------------------------------------------------------------------------


def test_the_web_acl_logs_to_its_archives_stream_with_credentials_redacted(with_waf: Evaluation) -> None:
    """WAF logs to one destination ("You can define one logging destination per web ACL"), whose name "must start
    with aws-waf-logs-" (botocore's wafv2 model, PutLoggingConfiguration documentation); a Firehose stream "with a
    PUT source and in the region that you are operating" (AWS WAF API reference, PutLoggingConfiguration,
    https://docs.aws.amazon.com/waf/latest/APIReference/API_waf_PutLoggingConfiguration.md). The
    `authorization` and `cookie` headers carry credentials and session tokens: redacting sensitive fields before
    logging is enabled is AWS's guidance (aws/agent-toolkit-for-aws WAF reference "setting up logging and request
    sampling"; the logging configuration's RedactedFields takes UriPath, QueryString, SingleHeader and Method,
    WAFv2 API reference, LoggingConfiguration). Header names in lower case, as the API returns them
    (hashicorp/terraform-provider-aws internal/service/wafv2/web_acl_logging_configuration.go: "The value is
    returned in lower case by the API"). A valid PutLoggingConfiguration request."""
    logging = of(with_waf, LOGGING).inputs
    stream = delivery_stream(with_waf, "waf-log-archive")
    assert logging["resourceArn"] == of(with_waf, WEB_ACL).state["arn"]
    assert logging["logDestinationConfigs"] == [stream.state["arn"]]
    assert logging["redactedFields"] == [
        {"singleHeader": {"name": "authorization"}},
        {"singleHeader": {"name": "cookie"}},
    ]
    request = {
        "LoggingConfiguration": {
            "ResourceArn": logging["resourceArn"],
            "LogDestinationConfigs": logging["logDestinationConfigs"],
            "RedactedFields": [
                {"SingleHeader": {"Name": f["singleHeader"]["name"]}} for f in logging["redactedFields"]
            ],
        }
    }
    assert validate_request("wafv2", "PutLoggingConfiguration", request) == []


def test_the_waf_log_stream_is_what_waf_requires(with_waf: Evaluation) -> None:
    """Direct PUT ("Do not create the data firehose using a Kinesis stream as your source",
    API_waf_PutLoggingConfiguration above), in the web ACL's region, named `aws-waf-logs-<project>-<stack>` (a
    fixed name: WAF finds its destination by it; 1 to 64 of [a-zA-Z0-9_.-], botocore's firehose model). WAF writes
    to it through its service-linked role AWSServiceRoleForWAFV2Logging, allowed firehose:PutRecord and
    PutRecordBatch on streams whose name starts with aws-waf-logs-
    (https://docs.aws.amazon.com/waf/latest/developerguide/using-service-linked-roles.html): the stream needs no
    policy of ours."""
    stream = delivery_stream(with_waf, "waf-log-archive")
    name = f"aws-waf-logs-{with_waf.config.project}-{with_waf.config.stack}"
    assert stream.inputs["name"] == stream.state["name"] == name and len(name) <= 64
    assert "kinesisSourceConfiguration" not in stream.inputs
    assert stream.state["arn"] == f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/{name}"
    assert with_waf.outputs["archives"]["wafLogs"]["deliveryStream"] == name


def test_waf_records_are_archived_one_per_line_without_a_second_newline(with_waf: Evaluation) -> None:
    """The WAF archive holds one JSON record per line, like every archive, and WAF ends each record it writes to
    Firehose with a newline itself, so the stream adds none (a second newline would leave blank lines). Evidence,
    not a direct statement (none found): Athena's documented table for WAF logs delivered by Firehose (partitions
    `yyyy/MM/dd`, Firehose's default prefix, from when Firehose was WAF's only way to S3) reads them with the OpenX
    JSON SerDe, which "expects each JSON document to be on a single line of text", with no delimiter step in
    between (awsdocs/amazon-athena-user-guide doc_source/waf-logs.md; awsdocs/amazon-athena-user-guide issue 70:
    Firehose is how WAF logs reach S3). If WAF logs ever arrive on one line, set records_end_with_newline=False."""
    configuration = delivery_stream(with_waf, "waf-log-archive").inputs["extendedS3Configuration"]
    assert "processingConfiguration" not in configuration
    assert configuration["prefix"].startswith("waf-logs/year=")


# --- the component's own checks ------------------------------------------------------------------------------------


def firewall(**changes: object) -> WebFirewall:
    start_mock_runtime(AwsMocks(REGION, PROJECT_DIR), "httpd-firelens", "unit")
    args = {
        "load_balancer_arn": "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/web/0",
        "log_delivery_stream_name": "aws-waf-logs-unit",
        "log_delivery_stream_arn": "arn:aws:firehose:ap-northeast-1:123456789012:deliverystream/aws-waf-logs-unit",
        "metric_prefix": "unit",
    } | changes
    return WebFirewall("waf", WebFirewallArgs(**args))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"rate_limit": 9}, "WebFirewall 'waf': rate_limit 9: allowed 10 to 2000000000"),
        ({"rate_limit": 2_000_000_001}, "allowed 10 to 2000000000"),
        ({"log_delivery_stream_name": "waf-logs-unit"}, "whose name starts with aws-waf-logs-"),
        ({"metric_prefix": "a b"}, "metric_prefix 'a b'"),
    ],
)
def test_the_component_refuses_what_waf_would(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        firewall(**changes)
