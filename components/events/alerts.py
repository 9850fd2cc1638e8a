"""The SNS topic every alert goes to, encrypted with its own KMS key, with an optional e-mail subscription.

Creates:
- a customer-managed KMS key (rotation on) for the topic. The AWS-managed `alias/aws/sns` key cannot be
  used: its policy cannot be changed, and EventBridge rules and CloudWatch alarms need `kms:GenerateDataKey*`
  and `kms:Decrypt` on the topic's key to publish to an encrypted topic;
- the topic, encrypted with that key, and a topic policy that lets EventBridge rules and CloudWatch alarms
  of this account and region publish to it (confused-deputy conditions on both);
- an e-mail subscription when an address is given (it stays "pending confirmation" until the recipient
  clicks the link AWS sends).
Needs: nothing but the caller's account, region and partition (looked up, never hard-coded). The task stop
alerts (TaskStopCapture) and the pipeline alarms (PipelineAlarms) publish to `topic_arn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import policy_document

# What an account administrator may do with the key: manage it, never use it directly (use goes through SNS).
_KEY_ADMIN_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]
# What SNS needs from the publisher's side to encrypt a message and, for deliveries, to decrypt it.
_KEY_USE_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"]


@dataclass(frozen=True)
class AlertsArgs:
    email: str | None = None
    """Address subscribed to the topic; None means no subscription."""
    display_name: str = "ECS alerts"
    """The topic's display name, shown as the sender of e-mail notifications."""
    key_deletion_window_days: int = 30
    """Days KMS waits before deleting the key after `pulumi destroy` (7 to 30); the longest by default."""


@dataclass(frozen=True)
class _Caller:
    account_id: pulumi.Output[str]
    region: pulumi.Output[str]
    partition: pulumi.Output[str]


def key_policy(account_id: str, region: str, partition: str) -> dict[str, Any]:
    """The topic key's policy: the account administers it; SNS uses it for the account and the two services."""
    root = f"arn:{partition}:iam::{account_id}:root"
    return policy_document(
        {
            # Delegates administration to IAM policies of this account (and keeps the key manageable:
            # KMS refuses a policy that would lock out the principal setting it).
            "Sid": "AccountAdministersKey",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": _KEY_ADMIN_ACTIONS,
            "Resource": "*",  # in a key policy "*" means this key and nothing else
        },
        {
            # Principals of this account may publish/read through SNS only, not use the key directly.
            "Sid": "AccountUsesKeyThroughSns",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": _KEY_USE_ACTIONS,
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"sns.{region}.amazonaws.com",
                    "kms:CallerAccount": account_id,
                }
            },
        },
        {
            # No aws:SourceAccount/aws:SourceArn here: the KMS request EventBridge makes while publishing to
            # an encrypted topic carries neither key (SNS documents them as unsupported for this case), so a
            # condition would drop every alert. The topic policy holds the confused-deputy conditions.
            "Sid": "EventBridgePublishesToTopic",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": _KEY_USE_ACTIONS,
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchAlarmsPublishToTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": _KEY_USE_ACTIONS,
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    )


def topic_policy(topic_arn: str, account_id: str, region: str, partition: str) -> dict[str, Any]:
    """Who may publish: this account's EventBridge rules and CloudWatch alarms, in this region."""

    def publisher(sid: str, service: str, source_arn_pattern: str) -> dict[str, Any]:
        return {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": source_arn_pattern},
            },
        }

    return policy_document(
        publisher(
            "EventBridgeRulesPublish",
            "events.amazonaws.com",
            f"arn:{partition}:events:{region}:{account_id}:rule/*",
        ),
        publisher(
            "CloudWatchAlarmsPublish",
            "cloudwatch.amazonaws.com",
            f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*",
        ),
    )


class Alerts(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    """The topic's ARN; resolves only once the topic policy is in place, so publishers wait for it."""

    def __init__(self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:alerts:Alerts", name, None, opts)
        caller = self._caller()
        key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts the alert topic {name} (SNS); usable by EventBridge and CloudWatch alarms",
            enable_key_rotation=True,
            deletion_window_in_days=args.key_deletion_window_days,
            policy=pulumi.Output.json_dumps(
                pulumi.Output.all(caller.account_id, caller.region, caller.partition).apply(lambda c: key_policy(*c))
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        topic = aws.sns.Topic(
            f"{name}-topic",
            display_name=args.display_name,
            kms_master_key_id=key.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        policy = aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=pulumi.Output.json_dumps(
                pulumi.Output.all(topic.arn, caller.account_id, caller.region, caller.partition).apply(
                    lambda values: topic_policy(*values)
                )
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if args.email:
            aws.sns.TopicSubscription(
                f"{name}-email",
                topic=topic.arn,
                protocol="email",
                endpoint=args.email,
                opts=pulumi.ResourceOptions(parent=self),
            )

        # Carrying the policy's id makes every consumer of topic_arn (rule targets, alarms) depend on the policy:
        # a target created before it would have its first deliveries refused.
        self.topic_arn = pulumi.Output.all(topic.arn, policy.id).apply(lambda values: str(values[0]))
        self.register_outputs({"topicArn": self.topic_arn})

    def _caller(self) -> _Caller:
        invoke = pulumi.InvokeOutputOptions(parent=self)
        return _Caller(
            account_id=aws.get_caller_identity_output(opts=invoke).account_id,
            region=aws.get_region_output(opts=invoke).region,
            partition=aws.get_partition_output(opts=invoke).partition,
        )
