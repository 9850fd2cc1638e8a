"""Printouts of an evaluation: the `pulumi preview`-like tree, the JSON document and the Mermaid diagram."""

from __future__ import annotations

import json
import re
from typing import Any

from offline.aws_formats import ACCOUNT_ID
from offline.harness import Evaluation, RecordedResource, mask_secrets


def short_type(type_token: str) -> str:
    """`aws:ec2/vpc:Vpc` -> `aws:ec2:Vpc`, as `pulumi preview` prints types."""
    parts = type_token.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        return f"{parts[0]}:{parts[1].split('/')[0]}:{parts[2]}"
    return type_token


def tree(evaluation: Evaluation) -> str:
    config = evaluation.config
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in evaluation.resources:
        children.setdefault(resource.parent, []).append(resource)
    rows: list[tuple[str, str]] = []

    def walk(resource: RecordedResource, prefix: str, last: bool, depth: int) -> None:
        branch = "" if depth == 0 else prefix + ("└─ " if last else "├─ ")
        rows.append((branch + short_type(resource.type), resource.name))
        kids = children.get(resource.urn, [])
        child_prefix = "" if depth == 0 else prefix + ("   " if last else "│  ")
        for index, child in enumerate(kids):
            walk(child, child_prefix, index == len(kids) - 1, depth + 1)

    for root in children.get(None, []):
        walk(root, "", True, 0)
    width = max(len(t) for t, _ in rows) + 2
    name_width = max(len(n) for _, n in rows) + 2
    lines = [
        f"Previewing update ({config.stack}) offline: mocked AWS account {ACCOUNT_ID}, region {config.region}",
        "",
        f"     {'Type':<{width}}{'Name':<{name_width}}Plan",
    ]
    lines += [f" +   {t:<{width}}{n:<{name_width}}create" for t, n in rows]
    lines += ["", "Outputs:"]
    for key, value in sorted(evaluation.outputs.items()):
        lines.append(f"    {key + ':':<28}{json.dumps(value)}")
    lines += ["", "Resources:", f"    + {len(evaluation.resources)} to create"]
    return "\n".join(lines)


def as_json(evaluation: Evaluation) -> dict[str, Any]:
    """The documented offline JSON shape; every secret replaced by "[secret]"."""
    return {
        "project": evaluation.config.project,
        "stack": evaluation.config.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "inputs": mask_secrets(r.inputs),
                "id": r.id,
                "state": mask_secrets(r.state),
            }
            for r in evaluation.resources
        ],
        "outputs": evaluation.outputs,
    }


# --- diagram ---------------------------------------------------------------------------------------------

# Resource types that appear as boxes in the architecture diagram.
DIAGRAM_TYPES: dict[str, str] = {
    "aws:lb/loadBalancer:LoadBalancer": "ALB",
    "aws:lb/listener:Listener": "listener",
    "aws:lb/listenerRule:ListenerRule": "listener rule",
    "aws:lb/targetGroup:TargetGroup": "target group",
    "aws:ecs/cluster:Cluster": "ECS cluster",
    "aws:ecs/service:Service": "ECS service",
    "aws:ecs/taskDefinition:TaskDefinition": "task definition",
    "aws:ecr/repository:Repository": "ECR repository",
    "docker:index/image:Image": "log router image",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "Firehose",
    "aws:s3/bucket:Bucket": "S3",
    "aws:cloudwatch/logGroup:LogGroup": "log group",
    "aws:cloudwatch/eventRule:EventRule": "EventBridge rule",
    "aws:sns/topic:Topic": "SNS topic",
    "aws:sqs/queue:Queue": "SQS DLQ",
    "aws:wafv2/webAcl:WebAcl": "WAF web ACL",
}
# A dependent writes into these (the arrow points at them); otherwise data flows dependency -> dependent.
SINK_TYPES = {
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:s3/bucket:Bucket",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
}
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
# Resources that are edges, not nodes: from the resources of the first types they reference to those of the second.
# An EventBridge target goes from its rule to its destination (and to the DLQ it falls back to); the web ACL's
# association and logging configuration go from the ACL to the load balancer it inspects and the stream it logs to.
_FROM_WEB_ACL = (frozenset({WEB_ACL}), frozenset(DIAGRAM_TYPES) - {WEB_ACL})
EDGE_TYPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    EVENT_TARGET: (frozenset({"aws:cloudwatch/eventRule:EventRule"}), frozenset(SINK_TYPES)),
    "aws:wafv2/webAclAssociation:WebAclAssociation": _FROM_WEB_ACL,
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": _FROM_WEB_ACL,
}


def _node_id(resource: RecordedResource) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", resource.name)


def _identifiers(resource: RecordedResource) -> set[str]:
    """What another resource's inputs would hold to point at this one: its id, ARN, name, URL, digest."""
    values = [resource.id, *(resource.state.get(key) for key in ("arn", "name", "bucket", "url", "repoDigest"))]
    return {v for v in values if isinstance(v, str) and v}


def _references(inputs_json: str, dependency: RecordedResource) -> bool:
    """True when a resource's inputs (as JSON) name `dependency`. A dependency can also come from `depends_on`
    on a whole component (ordering, not data); only a reference in the inputs is a flow worth drawing."""
    return any(identifier in inputs_json for identifier in _identifiers(dependency))


def _flows(evaluation: Evaluation) -> set[tuple[str, str]]:
    """Data-flow edges between diagram resources, derived from the dependency graph."""
    by_urn = {r.urn: r for r in evaluation.resources}
    edges: set[tuple[str, str]] = set()
    for resource in evaluation.resources:
        if resource.type not in EDGE_TYPES and resource.type not in DIAGRAM_TYPES:
            continue
        inputs_json = json.dumps(resource.inputs)
        deps = [by_urn[d] for d in resource.dependencies if d in by_urn and _references(inputs_json, by_urn[d])]
        if resource.type in EDGE_TYPES:
            sources, targets = EDGE_TYPES[resource.type]
            edges |= {(a.urn, b.urn) for a in deps if a.type in sources for b in deps if b.type in targets}
            continue
        for dep in deps:
            if dep.type not in DIAGRAM_TYPES:
                continue
            # A listener or listener rule forwards into the target group it names.
            forwards = resource.type in (LISTENER, LISTENER_RULE) and dep.type == TARGET_GROUP
            writes_into = dep.type in SINK_TYPES or forwards
            edges.add((resource.urn, dep.urn) if writes_into else (dep.urn, resource.urn))
    return edges


def diagram(evaluation: Evaluation) -> str:
    by_urn = {r.urn: r for r in evaluation.resources}
    edges = _flows(evaluation)
    used = {urn for edge in edges for urn in edge}
    lines = ["flowchart LR", "  internet((internet))"]
    for resource in evaluation.resources:
        if resource.type in DIAGRAM_TYPES and resource.urn in used:
            lines.append(f'  {_node_id(resource)}["{DIAGRAM_TYPES[resource.type]}<br/>{resource.name}"]')
    for resource in evaluation.of_type("aws:lb/loadBalancer:LoadBalancer"):
        lines.append(f"  internet --> {_node_id(resource)}")
    for source, target in sorted(edges):
        lines.append(f"  {_node_id(by_urn[source])} --> {_node_id(by_urn[target])}")
    return "\n".join(lines)
