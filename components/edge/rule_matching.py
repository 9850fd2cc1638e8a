"""Which service's listener rule an ALB request reaches: the rules in priority order, the first whose conditions
match (Application Load Balancers guide, "Listener rules": "evaluated in priority order, from the lowest value to the
highest value"). A path pattern "is compared only to the path of the URL, not to its query string", case
sensitively; host names are compared case-insensitively; both take `*` (0 or more characters) and `?` (exactly one)
(ELB API reference, PathPatternConditionConfig and HostHeaderConditionConfig).

A plain module (no Pulumi): the outside check asks which path to request, and `python -m ops verify`, which needs
only boto3, which service its marker request reaches.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleOfService:
    name: str  # the service
    priority: int
    paths: tuple[str, ...]  # empty: any path
    hosts: tuple[str, ...]  # empty: any host
    health_check_path: str

    def matches(self, host: str, path: str) -> bool:
        path_ok = not self.paths or any(_wildcard(p).fullmatch(path) for p in self.paths)
        host_ok = not self.hosts or any(_wildcard(h.lower()).fullmatch(host.lower()) for h in self.hosts)
        return path_ok and host_ok


def self_answering(rules: Sequence[RuleOfService], host: str) -> RuleOfService | None:
    """The first service, in rule priority, whose own rule gets a request for its health check path on `host`:
    the one path known to answer 2xx/3xx at the stack's URL. None when every such request lands on another rule."""
    by_priority = sorted(rules, key=lambda rule: rule.priority)
    for rule in by_priority:
        path = urllib.parse.urlsplit(rule.health_check_path).path
        if next((r for r in by_priority if r.matches(host, path)), None) is rule:
            return rule
    return None


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S)
