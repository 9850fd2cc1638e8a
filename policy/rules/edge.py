"""The load balancer: subnets with room for it, invalid headers dropped; in protected stacks deletion
protection, HTTPS and a web ACL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from configuration.limits import ALB_MAX_SUBNET_PREFIX, PLAIN_HTTP_TAG
from policy.rules.base import UNKNOWN, StackResource, Violation, as_list, known, off, protected, refers_to, stack_of
from policy.rules.network import prefix_length

LOAD_BALANCERS = frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"})


def _is_alb(type_: str, props: dict[str, Any]) -> bool:
    """An application load balancer (the provider's default type)."""
    return type_ in LOAD_BALANCERS and props.get("loadBalancerType", "application") == "application"


def check_alb_drops_invalid_headers(type_: str, props: dict[str, Any]) -> list[str]:
    if not _is_alb(type_, props):
        return []
    if off(props.get("dropInvalidHeaderFields")):
        return ["dropInvalidHeaderFields must be true (header-smuggling protection)"]
    return []


SUBNET = "aws:ec2/subnet:Subnet"


def _subnets_of(load_balancer: StackResource, subnets: Sequence[StackResource]) -> list[StackResource]:
    """The subnets a load balancer is placed in: those its `subnets` input depends on, or names by id."""
    mappings = [m.get("subnetId") for m in as_list(load_balancer.props.get("subnetMappings")) if isinstance(m, dict)]
    ids = {i for i in as_list(load_balancer.props.get("subnets")) + mappings if isinstance(i, str)}
    return [s for s in subnets if s.urn in load_balancer.dependencies or s.props.get("id") in ids]


def check_alb_subnet_size(resources: Sequence[StackResource]) -> list[Violation]:
    subnets = [r for r in resources if r.type == SUBNET]
    violations: list[Violation] = []
    for load_balancer in resources:
        if not _is_alb(load_balancer.type, load_balancer.props):
            continue
        for subnet in _subnets_of(load_balancer, subnets):
            cidr = subnet.props.get("cidrBlock")
            prefix = prefix_length(cidr)
            if prefix is not None and prefix > ALB_MAX_SUBNET_PREFIX:
                violations.append(
                    Violation(
                        load_balancer,
                        f"subnet {subnet.name} is {cidr}: an application load balancer needs subnets of "
                        f"/{ALB_MAX_SUBNET_PREFIX} or larger",
                    )
                )
    return violations


def check_prod_deletion_protection(resources: Sequence[StackResource]) -> list[Violation]:
    return [
        Violation(r, f"stack {stack_of(r.urn)}: enableDeletionProtection must be true")
        for r in resources
        if r.type in LOAD_BALANCERS and protected(r) and off(r.props.get("enableDeletionProtection"))
    ]


LISTENERS = frozenset({"aws:lb/listener:Listener", "aws:alb/listener:Listener"})


LISTENER_RULES = frozenset({"aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"})


WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


def _internet_facing_albs(resources: Sequence[StackResource]) -> list[StackResource]:
    """The application load balancers of protected stacks that are (or may be, while unknown) internet-facing."""
    return [r for r in resources if _is_alb(r.type, r.props) and protected(r) and r.props.get("internal") is not True]


def _redirects_to_https(listener: StackResource) -> bool:
    actions = listener.props.get("defaultActions")
    if not known(actions):
        return True
    return bool(actions) and all(
        isinstance(a, dict)
        and a.get("type") == "redirect"
        and isinstance(a.get("redirect"), dict)
        and a["redirect"].get("protocol") in ("HTTPS", UNKNOWN)
        for a in as_list(actions)
    )


PLAIN_HTTP_TAG_TEXT = ", ".join(f"{key}={value}" for key, value in PLAIN_HTTP_TAG.items())


def _plain_http_on_purpose(alb: StackResource) -> bool:
    """Tagged PLAIN_HTTP_TAG (configuration/limits.py), as the load balancer is with allowPlainHttp."""
    tags = alb.props.get("tags")
    return isinstance(tags, dict) and all(tags.get(key) == value for key, value in PLAIN_HTTP_TAG.items())


def check_protected_albs_serve_https(resources: Sequence[StackResource]) -> list[Violation]:
    listeners = [r for r in resources if r.type in LISTENERS]
    rules = [r for r in resources if r.type in LISTENER_RULES]
    violations: list[Violation] = []
    for alb in (a for a in _internet_facing_albs(resources) if not _plain_http_on_purpose(a)):
        own = [listener for listener in listeners if refers_to(listener, "loadBalancerArn", alb)]
        https = [listener for listener in own if listener.props.get("protocol") in ("HTTPS", UNKNOWN)]
        plain = [listener for listener in own if listener.props.get("protocol") == "HTTP"]
        if not https:
            violations.append(
                Violation(
                    alb,
                    f"stack {stack_of(alb.urn)}: an internet-facing ALB needs an HTTPS listener (set domainName and "
                    f"hostedZoneId, or certificateArn; or tag it {PLAIN_HTTP_TAG_TEXT} on purpose with allowPlainHttp)",
                )
            )
        for listener in plain:
            forwarding = [rule.name for rule in rules if refers_to(rule, "listenerArn", listener)]
            if not _redirects_to_https(listener) or forwarding:
                violations.append(
                    Violation(
                        alb,
                        f"stack {stack_of(alb.urn)}: HTTP listener {listener.name} must only redirect to HTTPS"
                        + (f" (rules on it: {', '.join(sorted(forwarding))})" if forwarding else ""),
                    )
                )
    return violations


def check_protected_albs_have_a_web_acl(resources: Sequence[StackResource]) -> list[Violation]:
    associations = [r for r in resources if r.type == WEB_ACL_ASSOCIATION]
    return [
        Violation(
            alb,
            f"stack {stack_of(alb.urn)}: an internet-facing ALB needs a WAFv2 web ACL associated with it (waf: true)",
        )
        for alb in _internet_facing_albs(resources)
        if not any(refers_to(association, "resourceArn", alb) for association in associations)
    ]
