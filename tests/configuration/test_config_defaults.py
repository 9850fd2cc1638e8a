"""Pulumi.yaml's defaults and the components' defaults are one fact: where a config key sets an Args field that has a
default, the two are equal, so a stack that sets nothing gets what a component built in code gets. Every declared
key is tied to its fields here, or named as one no component default exists for, with the reason."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from components.archive.log_archive import LogArchiveArgs
from components.archive.private_bucket import BucketChoices, PrivateBucketArgs
from components.archive.queries import ArchiveQueriesArgs
from components.edge.load_balancer import LoadBalancerArgs
from components.edge.web_firewall import WebFirewallArgs
from components.events.alerts import AlertsArgs
from components.events.task_stop_capture import TaskStopCaptureArgs
from components.monitoring.pipeline_alarms import PipelineAlarmsArgs
from components.monitoring.service_alarms import ServiceAlarmsArgs
from components.network.vpc import NetworkArgs
from components.service.cluster import EcsClusterArgs
from components.service.firelens_service import AlarmThresholds, AppContainer, FirelensServiceArgs, LogRouter
from components.service.log_router_image import LogRouterImageArgs
from offline.harness import PROJECT_DIR

# Config key -> the Args fields (class, field) whose default it must equal.
TIED: dict[str, tuple[tuple[type[Any], str], ...]] = {
    "natGateways": ((NetworkArgs, "nat_gateways"),),
    "ingressCidrs": ((LoadBalancerArgs, "ingress_cidrs"),),
    "certificateArn": ((LoadBalancerArgs, "certificate_arn"),),
    "domainName": ((LoadBalancerArgs, "domain"),),
    "hostedZoneId": ((LoadBalancerArgs, "domain"),),
    "allowPlainHttp": ((LoadBalancerArgs, "allow_plain_http"),),
    "wafRateLimit": ((WebFirewallArgs, "rate_limit"),),
    "deletionProtection": (
        (LoadBalancerArgs, "deletion_protection"),
        (BucketChoices, "protect"),
        (PrivateBucketArgs, "protect"),
        (LogArchiveArgs, "protect"),
        (FirelensServiceArgs, "protect"),
        (TaskStopCaptureArgs, "protect"),
    ),
    "cpuArchitecture": ((AppContainer, "cpu_architecture"),),
    "logRouterMemoryMiB": ((LogRouter, "memory_reservation_mib"),),
    "containerInsights": ((EcsClusterArgs, "container_insights"),),
    "logRetentionDays": ((FirelensServiceArgs, "log_retention_days"),),
    "archiveNoncurrentVersionDays": (
        (BucketChoices, "noncurrent_version_expiration_days"),
        (PrivateBucketArgs, "noncurrent_version_expiration_days"),
        (LogArchiveArgs, "noncurrent_version_expiration_days"),
    ),
    "archiveObjectLockDays": ((LogArchiveArgs, "object_lock_days"), (PrivateBucketArgs, "object_lock_days")),
    "archiveKmsKeyArn": ((LogArchiveArgs, "kms_key_arn"), (ArchiveQueriesArgs, "kms_key_arn")),
    "firehoseBufferSizeMiB": ((LogArchiveArgs, "buffer_size_mib"),),
    "firehoseBufferIntervalSeconds": ((LogArchiveArgs, "buffer_interval_seconds"),),
    "forceDestroy": (
        (BucketChoices, "force_destroy"),
        (PrivateBucketArgs, "force_destroy"),
        (LogArchiveArgs, "force_destroy"),
        (LogRouterImageArgs, "force_destroy"),
    ),
    "alertEmail": ((AlertsArgs, "email"),),
    "partnerEndpointUrl": ((LogArchiveArgs, "partner"),),
    "partnerEndpointName": ((LogArchiveArgs, "partner"),),
    "partnerApiKey": ((LogArchiveArgs, "partner"),),
    "alarmEvaluationMinutes": ((AlarmThresholds, "evaluation_minutes"), (ServiceAlarmsArgs, "evaluation_minutes")),
    "alarmTarget5xxPerMinute": (
        (AlarmThresholds, "target_5xx_per_minute"),
        (ServiceAlarmsArgs, "target_5xx_per_minute"),
    ),
    "alarmDeliveryFreshnessSeconds": ((PipelineAlarmsArgs, "delivery_freshness_seconds"),),
}

# Keys no component default exists for, and why.
NO_COMPONENT_DEFAULT = {
    "vpcCidr": "the network takes the CIDR it is given (NetworkArgs.vpc_cidr): a component never guesses addresses",
    "azCount": "settings choose that many of the region's zones; NetworkArgs takes the zones themselves",
    "flowLogs": "whether the program creates VpcFlowLogs at all",
    "waf": "whether the program creates the WebFirewall and its archive at all",
    "dashboard": "whether the program creates the PipelineDashboard at all",
    "outsideCheck": "whether the program creates the OutsideCheck at all",
    "services": "the services themselves; an empty entry is every Args default "
    "(tests/configuration/test_service_entries.py)",
    "fluentBitVersion": "the stack's pin of the router's base image; LogRouterImageArgs takes the version it is given",
    "archiveExpirationDays": "how long the stack keeps its logs: every bucket takes the expiration it is given",
    "athenaBytesScannedCutoffMiB": "ArchiveQueriesArgs takes the cutoff it is given (limits.py has its range)",
    "stopEventScope": "TaskStopCaptureArgs takes the scope it is given (cluster or account)",
    "captureAllTaskStates": "TaskStopCaptureArgs takes the choice it is given",
}


def declared_defaults() -> dict[str, Any]:
    declarations = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    return {key: declaration.get("default") for key, declaration in declarations.items()}


def field_default(cls: type[Any], name: str) -> Any:
    (found,) = [f for f in dataclasses.fields(cls) if f.name == name]
    assert found.default is not dataclasses.MISSING, f"{cls.__name__}.{name} has no default"
    return found.default


def as_config(value: Any) -> Any:
    """An Args default as Pulumi.yaml writes it: None is the empty string, a tuple a list."""
    if value is None:
        return ""
    return list(value) if isinstance(value, tuple) else value


def test_every_declared_key_is_tied_to_its_component_defaults_or_has_none() -> None:
    declared = declared_defaults()
    assert set(TIED) | set(NO_COMPONENT_DEFAULT) == set(declared)
    assert not set(TIED) & set(NO_COMPONENT_DEFAULT)


def test_pulumi_yaml_defaults_are_the_components_defaults() -> None:
    declared = declared_defaults()
    for key, fields in TIED.items():
        for cls, name in fields:
            assert as_config(field_default(cls, name)) == declared[key], f"{key} vs {cls.__name__}.{name}"
