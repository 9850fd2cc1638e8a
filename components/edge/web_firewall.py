"""A web application firewall on the ALB: a WAFv2 web ACL, its association and its logging.

Creates:
- the web ACL (scope REGIONAL, the scope of an Application Load Balancer), allowing by default, with four rules in
  this order, cheapest first:
  1. `ip-reputation`: the AWS managed Amazon IP reputation list (sources of bots, reconnaissance, DDoS);
  2. `rate-limit`: a rate-based rule blocking a client IP above `rate_limit` requests per 5 minutes, while it stays
     above (requests it blocks never reach the rule groups after it);
  3. `common-rules`: the AWS managed core rule set (OWASP Top 10 style exploits, oversized requests, bad bots);
  4. `known-bad-inputs`: the AWS managed known bad inputs (Log4j, Java deserialization, ...).
  The managed groups act as AWS defines them (override "none"); every rule and the ACL report CloudWatch metrics
  (`<metric_prefix>-<rule>`) and sampled requests;
- the association of the web ACL with the load balancer;
- the logging configuration: every request WAF inspects goes to a Firehose stream (a LogArchive named
  `aws-waf-logs-...`, as WAF requires), with the `authorization` and `cookie` headers redacted: credentials and
  session tokens do not belong in a long-lived archive.
Needs: the load balancer's ARN, the rate limit, the log stream's name and ARN and a metric name prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.problems import Problem, out_of, raise_problems
from configuration.limits import WAF_LOG_STREAM_PREFIX, WAF_RATE_LIMIT

SCOPE = "REGIONAL"  # an Application Load Balancer's web ACL (CLOUDFRONT is for distributions)
RATE_WINDOW_SECONDS = 300  # the rate-based rule's evaluation window: 60, 120, 300 (the default) or 600
# (rule name, AWS managed rule group) in priority order; the rate-based rule goes after the first.
REPUTATION_RULE = ("ip-reputation", "AWSManagedRulesAmazonIpReputationList")
RATE_RULE = "rate-limit"
INSPECTION_RULES = (
    ("common-rules", "AWSManagedRulesCommonRuleSet"),
    ("known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
)
REDACTED_HEADERS = ("authorization", "cookie")  # lower case, as WAF reports them
_METRIC_NAME = re.compile(r"[\w#:.\-/]{1,200}")  # VisibilityConfig.MetricName: 1 to 255 of these; rule suffixes fit


@dataclass(frozen=True)
class WebFirewallArgs:
    load_balancer_arn: pulumi.Input[str]
    """The Application Load Balancer the web ACL protects."""
    log_delivery_stream_name: str
    """The Firehose stream WAF logs to: its name must start with `aws-waf-logs-`."""
    log_delivery_stream_arn: pulumi.Input[str]
    """That stream's ARN."""
    metric_prefix: str
    """Prefix of the CloudWatch metric names of the ACL and its rules, e.g. `httpd-firelens-prod`."""
    rate_limit: int = 2000
    """Requests one client IP may send per 5 minutes before it is blocked, 10 to 2,000,000,000."""
    redacted_headers: Sequence[str] = REDACTED_HEADERS
    """Request headers whose values the logs replace with REDACTED."""

    def problems(self) -> list[Problem]:
        """What WAF would refuse."""
        found = out_of("rate_limit", self.rate_limit, *WAF_RATE_LIMIT)
        if not self.log_delivery_stream_name.startswith(WAF_LOG_STREAM_PREFIX):
            # WAF logs only to a Firehose stream whose name starts with the prefix.
            allowed = f"a Firehose stream whose name starts with {WAF_LOG_STREAM_PREFIX}"
            found.append(Problem("log_delivery_stream_name", self.log_delivery_stream_name, allowed))
        if not _METRIC_NAME.fullmatch(self.metric_prefix):
            found.append(Problem("metric_prefix", self.metric_prefix, "letters, digits and _ # : . - /"))
        return found


def _visibility(metric_name: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "sampled_requests_enabled": True, "metric_name": metric_name}


class WebFirewall(pulumi.ComponentResource):
    web_acl_arn: pulumi.Output[str]

    def __init__(self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise_problems(f"WebFirewall {name!r}", args.problems())
        super().__init__("httpd-firelens:security:WebFirewall", name, None, opts)
        self._args = args
        acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            scope=SCOPE,
            description="Managed rule groups and a per-IP rate limit in front of the ALB",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=self._rules(),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(**_visibility(f"{args.metric_prefix}-web-acl")),
            opts=self._child(),
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-association", resource_arn=args.load_balancer_arn, web_acl_arn=acl.arn, opts=self._child()
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=acl.arn,
            log_destination_configs=[args.log_delivery_stream_arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in args.redacted_headers
            ],
            opts=self._child(),
        )
        self.web_acl_arn = acl.arn
        self.register_outputs({"webAclArn": self.web_acl_arn})

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _rules(self) -> list[aws.wafv2.WebAclRuleArgs]:
        reputation_name, reputation_group = REPUTATION_RULE
        rules = [self._managed(0, reputation_name, reputation_group), self._rate_limit(1)]
        rules += [self._managed(2 + index, rule, group) for index, (rule, group) in enumerate(INSPECTION_RULES)]
        return rules

    def _managed(self, priority: int, rule: str, group: str) -> aws.wafv2.WebAclRuleArgs:
        return aws.wafv2.WebAclRuleArgs(
            name=rule,
            priority=priority,
            # "none": the group's rules keep their own actions (the SDK's empty Args class is unannotated)
            override_action=aws.wafv2.WebAclRuleOverrideActionArgs(
                none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]
            ),
            statement=aws.wafv2.WebAclRuleStatementArgs(
                managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                    vendor_name="AWS", name=group
                )
            ),
            visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(**_visibility(self._metric(rule))),
        )

    def _rate_limit(self, priority: int) -> aws.wafv2.WebAclRuleArgs:
        return aws.wafv2.WebAclRuleArgs(
            name=RATE_RULE,
            priority=priority,
            action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
            statement=aws.wafv2.WebAclRuleStatementArgs(
                rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                    limit=self._args.rate_limit, aggregate_key_type="IP", evaluation_window_sec=RATE_WINDOW_SECONDS
                )
            ),
            visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(**_visibility(self._metric(RATE_RULE))),
        )

    def _metric(self, rule: str) -> str:
        return f"{self._args.metric_prefix}-{rule}"
