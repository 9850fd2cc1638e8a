"""IAM policy documents as plain data: the document wrapper and the trust policy of a service role.

Every role, key, bucket, topic, queue and log group policy of the stack is built with these, so the policy
language version and the shape of a service trust statement live in one place. Creates no resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

POLICY_VERSION = "2012-10-17"


def policy_document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    """An IAM policy document holding `statements`, in order."""
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def service_trust_policy(sid: str, service: str, condition: Mapping[str, Any]) -> dict[str, Any]:
    """A role trust policy: only `service` (e.g. "firehose.amazonaws.com") may assume the role, and only when
    `condition` holds (the confused-deputy keys `aws:SourceAccount` / `aws:SourceArn`)."""
    return policy_document(
        {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": dict(condition),
        }
    )
