"""What AWS really answers: identifier, ARN and DNS formats, and per-region facts, for the mocks.

Every format here is the one the AWS API (and so the Pulumi AWS provider) reports, for the fixed account
`123456789012`. Identifiers are derived from a hash of the resource's URN so that every run of the
offline preview prints the same values.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
DNS_SUFFIX = "amazonaws.com"

# Available AZs (no opt-in) per region, as `DescribeAvailabilityZones` lists them for a typical account.
AVAILABILITY_ZONES: dict[str, tuple[str, ...]] = {
    "ap-northeast-1": ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"),
    "ap-northeast-3": ("ap-northeast-3a", "ap-northeast-3b", "ap-northeast-3c"),
    "ap-southeast-1": ("ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"),
    "eu-central-1": ("eu-central-1a", "eu-central-1b", "eu-central-1c"),
    "eu-west-1": ("eu-west-1a", "eu-west-1b", "eu-west-1c"),
    "us-east-1": ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"),
    "us-east-2": ("us-east-2a", "us-east-2b", "us-east-2c"),
    "us-west-2": ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
}

# Zone IDs are account-independent names for the physical zones (the a/b/c letters are shuffled per account).
ZONE_ID_PREFIX: dict[str, str] = {
    "ap-northeast-1": "apne1",
    "ap-northeast-3": "apne3",
    "ap-southeast-1": "apse1",
    "eu-central-1": "euc1",
    "eu-west-1": "euw1",
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
}

# The Elastic Load Balancing account that writes access logs in regions opened before August 2022.
ELB_ACCOUNT_IDS: dict[str, str] = {
    "ap-northeast-1": "582318560864",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-2": "797873946194",
}

# Route 53 hosted zone of ALBs per region (what `LoadBalancer.zoneId` reports).
ALB_HOSTED_ZONE_IDS: dict[str, str] = {
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-3": "Z5LXEXXYW11ES",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-2": "Z1H1FL5HABSF5",
}


@dataclass(frozen=True)
class Identity:
    """Stable pseudo-random material for one resource, derived from its type and logical name."""

    seed: str

    def hex(self, length: int, salt: str = "") -> str:
        digest = hashlib.sha256(f"{self.seed}|{salt}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return digest[:length]

    def digits(self, length: int, salt: str = "") -> str:
        return "".join(str(int(c, 16) % 10) for c in self.hex(length, salt))

    def uuid(self, salt: str = "") -> str:
        return str(uuid.UUID(self.hex(32, salt)))

    def ec2_id(self, prefix: str) -> str:
        """EC2 ids: `vpc-`, `subnet-`, `sg-`, ... followed by 17 hex digits."""
        return f"{prefix}-{self.hex(17, prefix)}"

    def autoname(self, logical_name: str, max_length: int = 255, lowercase: bool = False) -> str:
        """Pulumi autonaming: the logical name, a dash and 7 random hex digits, prefix cut to fit."""
        suffix = "-" + self.hex(7, "autoname")
        base = logical_name.lower() if lowercase else logical_name
        return base[: max_length - len(suffix)] + suffix


def arn(service: str, region: str, resource: str, account: str = ACCOUNT_ID) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account}:{resource}"


def global_arn(service: str, resource: str, account: str = ACCOUNT_ID) -> str:
    """ARNs of global services (IAM) carry no region; S3 bucket ARNs carry neither region nor account."""
    return f"arn:{PARTITION}:{service}::{account}:{resource}"


# Web ACL capacity units (WCU) of AWS managed rule groups, as the AWS WAF Developer Guide lists them
# (aws-managed-rule-groups-baseline.html, aws-managed-rule-groups-ip-rep.html), and of a rate-based rule without a
# scope-down statement.
MANAGED_RULE_GROUP_WCU: dict[str, int] = {
    "AWSManagedRulesCommonRuleSet": 700,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesAmazonIpReputationList": 25,
}
RATE_BASED_RULE_WCU = 2


def web_acl_rule_capacity(rule: dict[str, Any]) -> int:
    """The WCUs one web ACL rule (wire inputs) uses: what WAF reports as the ACL's `capacity` is their sum."""
    statement = rule.get("statement") or {}
    managed = statement.get("managedRuleGroupStatement")
    if managed is not None:
        return MANAGED_RULE_GROUP_WCU[str(managed.get("name"))]
    if "rateBasedStatement" in statement:
        return RATE_BASED_RULE_WCU
    raise ValueError(f"no capacity known for web ACL rule {rule.get('name')}: add it to offline/aws_formats.py")
