"""IAM policy documents in the tests: read them from recorded resources, and lint them with parliament (Duo
Labs' IAM linter) the way the tests need it."""

from __future__ import annotations

import json
import warnings
from fnmatch import fnmatchcase
from typing import Any

from offline.harness import RecordedResource

with warnings.catch_warnings():
    # parliament imports pkg_resources, which warns that it is deprecated; setuptools is pinned below 82, the
    # release that removed it (requirements-dev.txt). The warning is about parliament, not about our code.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated as an API", category=UserWarning)
    from parliament import analyze_policy_string, enhance_finding

# A trust (assume-role) policy names a Principal and never a Resource; parliament, written for identity
# policies, reports exactly that as MALFORMED. Only that one finding is not applicable to trust policies.
_TRUST_POLICY_NOT_APPLICABLE = "Statement contains neither Resource nor NotResource"


def lint_policy(document: str | dict[str, Any], trust: bool = False) -> list[str]:
    """parliament's findings for one policy document, as `ISSUE: detail` lines; [] when clean."""
    text = document if isinstance(document, str) else json.dumps(document)
    findings = analyze_policy_string(text).findings
    lines = [f"{f.issue}: {f.detail}" for f in findings]
    if trust:
        lines = [line for line in lines if _TRUST_POLICY_NOT_APPLICABLE not in line]
    return lines


def policy_of(resource: RecordedResource, key: str = "policy") -> dict[str, Any]:
    """The policy document a resource was registered with (a JSON string input, secrets unwrapped)."""
    document: dict[str, Any] = json.loads(resource.plain_inputs()[key])
    return document


def as_list(value: Any) -> list[Any]:
    """A statement's Action or Resource, which IAM accepts as one value or a list, as a list."""
    return value if isinstance(value, list) else [value]


def covers(statement: dict[str, Any], action: str, resource: str | None = None) -> bool:
    """Whether a statement's Action covers `action` and, when given, its Resource covers `resource`: IAM's
    wildcards (`*` any characters, `?` one; fnmatch's `[` never occurs in these actions and ARNs), action names
    case-insensitive. Effect, Principal and Condition are the caller's to check."""
    if not any(fnmatchcase(action.lower(), pattern.lower()) for pattern in as_list(statement["Action"])):
        return False
    return resource is None or any(fnmatchcase(resource, pattern) for pattern in as_list(statement["Resource"]))


# parliament's severity scale (parliament/cli.py), lowest first; each issue's severity is in its config.yaml.
SEVERITIES = ("MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")


def findings_at_least(document: str | dict[str, Any], severity: str) -> list[str]:
    """parliament's findings of `severity` or worse, as `SEVERITY ISSUE: detail` lines; [] when there are none."""
    text = document if isinstance(document, str) else json.dumps(document)
    floor = SEVERITIES.index(severity)
    enhanced = [enhance_finding(f) for f in analyze_policy_string(text).findings]
    return [f"{f.severity} {f.issue}: {f.detail}" for f in enhanced if SEVERITIES.index(f.severity) >= floor]
