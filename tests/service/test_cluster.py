"""components/service/cluster.py: the ECS cluster, its Container Insights setting, and its place in the stack."""

from __future__ import annotations

import pytest

from components.service.cluster import EcsCluster, EcsClusterArgs
from offline.harness import Evaluation
from tests.conftest import SERVICE_VARIANT, evaluate_stack

COMPONENT = "httpd-firelens:service:EcsCluster"
CLUSTER = "aws:ecs/cluster:Cluster"


def test_the_cluster_is_the_components_only_child(stack: Evaluation) -> None:
    component = stack.one(COMPONENT, "httpd")
    (cluster,) = stack.children(component)
    assert (cluster.type, cluster.name) == (CLUSTER, "httpd-cluster")
    assert stack.outputs["clusterName"] == cluster.state["name"]


def test_container_insights_follows_the_config(stack: Evaluation) -> None:
    setting = stack.config.values["httpd-firelens:containerInsights"]
    assert stack.one(CLUSTER).inputs["settings"] == [{"name": "containerInsights", "value": setting}]
    ev = evaluate_stack("dev", secrets=None, **SERVICE_VARIANT)
    assert ev.one(CLUSTER).inputs["settings"] == [{"name": "containerInsights", "value": "enhanced"}]


def test_a_wrong_mode_is_refused_before_anything_is_created() -> None:
    with pytest.raises(ValueError, match="container_insights 'on': allowed disabled, enabled, enhanced"):
        EcsCluster("c", EcsClusterArgs(container_insights="on"))
