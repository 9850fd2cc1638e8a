"""Where stacks deployed by earlier versions of this program hold resources that have since moved: the aliases that
let `pulumi up` take them over instead of replacing them (components/moved.py explains the mechanism).

The ECS cluster was the HttpdService's child and is now an EcsCluster's; the httpd service was an HttpdService, its
target group and the ALB's egress rule to its tasks the load balancer's, and its alarms the pipeline alarms'. Only
the service named `httpd` has that past. Creates nothing; called from the program (URNs need its project and
stack). tests/test_aliases.py checks every committed stack's resources against tests/data/urns-<stack>.txt.
"""

from __future__ import annotations

import pulumi

from components.moved import MovedFrom
from components.service import APP_CONTAINER as HTTPD

HTTPD_SERVICE_TYPE = "httpd-firelens:service:HttpdService"
HTTPD_ROUTER_LOG_GROUP_PREFIX = "log-router-"  # the name httpd's router log group was created with
# The alarms httpd had as the pipeline alarms' children.
HTTPD_PIPELINE_ALARMS = ("tasks-below-floor", "tasks-below-desired", "unhealthy-hosts", "target-5xx")


def cluster_moved_from() -> MovedFrom:
    return {"cluster": pulumi.Alias(parent=pulumi.create_urn(HTTPD, HTTPD_SERVICE_TYPE))}


def service_moved_from(name: str) -> MovedFrom:
    """Former identities of a service's children: httpd's, or none."""
    if name != HTTPD:
        return {}
    load_balancer = pulumi.create_urn("web", "httpd-firelens:loadbalancer:LoadBalancer")
    pipeline_alarms = pulumi.create_urn("pipeline-alarms", "httpd-firelens:monitoring:PipelineAlarms")
    return {
        "tg": pulumi.Alias(name="web-tg", parent=load_balancer),
        "alb-egress": pulumi.Alias(name="web-sg-out-app", parent=load_balancer),
        **{
            f"alarms-{label}": pulumi.Alias(name=f"pipeline-alarms-{label}", parent=pipeline_alarms)
            for label in HTTPD_PIPELINE_ALARMS
        },
    }


def service_aliases(name: str) -> list[pulumi.Alias]:
    """The service component's own former type: httpd was an HttpdService."""
    return [pulumi.Alias(type_=HTTPD_SERVICE_TYPE)] if name == HTTPD else []


def router_log_group_prefix(name: str) -> str | None:
    """The router log group's name prefix a service's group was created with (a new one would replace it)."""
    return HTTPD_ROUTER_LOG_GROUP_PREFIX if name == HTTPD else None
