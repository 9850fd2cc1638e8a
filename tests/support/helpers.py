"""What the test modules share to read an evaluation: a component's resources, a task definition's containers,
a policy's statements, a stack's config values. One home, so that no test file keeps its own copy."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import pulumi

from configuration.service_entries import ServiceSpec, read_services
from offline.harness import Evaluation, RecordedResource
from offline.pulumi_runtime import resolve

T = TypeVar("T")

FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
LOG_ARCHIVE = "httpd-firelens:logs:LogArchive"
LOAD_BALANCER = "httpd-firelens:loadbalancer:LoadBalancer"
SERVICE_ALARMS = "httpd-firelens:monitoring:ServiceAlarms"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def inside(ev: Evaluation, component_type: str, component_name: str, type_token: str) -> list[RecordedResource]:
    """The resources of one type a component created, however deeply nested."""
    return [r for r in ev.descendants(ev.one(component_type, component_name)) if r.type == type_token]


def only(resources: list[RecordedResource]) -> RecordedResource:
    """The one resource of a list that must hold exactly one."""
    assert len(resources) == 1, [r.name for r in resources]
    return resources[0]


def alb_security_group(ev: Evaluation) -> RecordedResource:
    """The shared ALB's security group (the LoadBalancer component `web`)."""
    return only(inside(ev, LOAD_BALANCER, "web", SECURITY_GROUP))


def service_alarms(ev: Evaluation, service: str = "httpd") -> dict[str, RecordedResource]:
    """A service's alarms by label (the part of the name after `<service>-alarms-`)."""
    prefix = f"{service}-alarms-"
    return {r.name.removeprefix(prefix): r for r in inside(ev, SERVICE_ALARMS, f"{service}-alarms", ALARM)}


def task_containers(task_definition: RecordedResource) -> dict[str, dict[str, Any]]:
    """A recorded task definition's container definitions, by container name."""
    return {c["name"]: c for c in json.loads(task_definition.plain_inputs()["containerDefinitions"])}


def environment(container: dict[str, Any]) -> dict[str, str]:
    """A container definition's environment as a mapping."""
    return {e["name"]: e["value"] for e in container["environment"]}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """An IAM policy document's statements."""
    return list(document["Statement"])


def allow_statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements that grant: a Deny (the deploy role's Denies of other stacks' resources) only takes away."""
    return [s for s in statements(document) if s["Effect"] == "Allow"]


def delivery_stream(ev: Evaluation, archive: str) -> RecordedResource:
    """The Firehose stream of a LogArchive component (`app-log-archive`, `task-stop-archive`)."""
    return only(inside(ev, LOG_ARCHIVE, archive, FIREHOSE))


def value_of(output: pulumi.Output[T]) -> T:
    """The value of a component's output built outside a program (under start_mock_runtime)."""
    value, _ = resolve(output)
    assert value is not None
    return value


def config_value(ev: Evaluation, key: str) -> str:
    """A project config value as the program read it (the key without the project namespace)."""
    return ev.config.values[ev.config.full_key(key)]


def config_int(ev: Evaluation, key: str) -> int:
    return int(config_value(ev, key))


def service_spec(ev: Evaluation, name: str = "httpd") -> ServiceSpec:
    """A service as the stack was evaluated with it: its `services` entry over the components' defaults, read the way
    settings read it."""
    specs, problems = read_services(json.loads(config_value(ev, "services")), config_value(ev, "cpuArchitecture"))
    assert problems == []
    return only_one([spec for spec in specs if spec.name == name])


def only_one(items: list[T]) -> T:
    assert len(items) == 1, items
    return items[0]


# --- recorded inputs in the shape of the AWS API call the provider makes (for tests/support/aws_api.py)
# -----------------


def register_task_definition_request(task_definition: RecordedResource) -> dict[str, Any]:
    """ECS RegisterTaskDefinition."""
    inputs = task_definition.plain_inputs()
    platform = inputs["runtimePlatform"]
    return {
        "family": inputs["family"],
        "taskRoleArn": inputs["taskRoleArn"],
        "executionRoleArn": inputs["executionRoleArn"],
        "networkMode": inputs["networkMode"],
        "containerDefinitions": json.loads(inputs["containerDefinitions"]),
        "volumes": [{"name": v["name"]} for v in inputs["volumes"]],
        "requiresCompatibilities": inputs["requiresCompatibilities"],
        "cpu": inputs["cpu"],
        "memory": inputs["memory"],
        "runtimePlatform": {
            "cpuArchitecture": platform["cpuArchitecture"],
            "operatingSystemFamily": platform["operatingSystemFamily"],
        },
    }


def create_service_request(service: RecordedResource) -> dict[str, Any]:
    """ECS CreateService. Numbers cross the wire as floats; the provider sends the integer fields as integers."""
    inputs = service.inputs
    network = inputs["networkConfiguration"]
    breaker = inputs["deploymentCircuitBreaker"]
    return {
        "cluster": inputs["cluster"],
        "serviceName": service.state["name"],
        "taskDefinition": inputs["taskDefinition"],
        "loadBalancers": [
            {
                "targetGroupArn": lb["targetGroupArn"],
                "containerName": lb["containerName"],
                "containerPort": int(lb["containerPort"]),
            }
            for lb in inputs["loadBalancers"]
        ],
        "desiredCount": int(inputs["desiredCount"]),
        "launchType": inputs["launchType"],
        "platformVersion": inputs["platformVersion"],
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": breaker["enable"], "rollback": breaker["rollback"]},
            "maximumPercent": int(inputs["deploymentMaximumPercent"]),
            "minimumHealthyPercent": int(inputs["deploymentMinimumHealthyPercent"]),
        },
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": network["subnets"],
                "securityGroups": network["securityGroups"],
                "assignPublicIp": "ENABLED" if network["assignPublicIp"] else "DISABLED",
            }
        },
        "healthCheckGracePeriodSeconds": int(inputs["healthCheckGracePeriodSeconds"]),
        "enableECSManagedTags": inputs["enableEcsManagedTags"],
        "propagateTags": inputs["propagateTags"],
        "enableExecuteCommand": inputs["enableExecuteCommand"],
    }


def create_rule_request(rule: RecordedResource) -> dict[str, Any]:
    """Elastic Load Balancing v2 CreateRule (a forward action to one target group)."""
    inputs = rule.inputs
    conditions = []
    for condition in inputs["conditions"]:
        if "pathPattern" in condition:
            conditions.append(
                {"Field": "path-pattern", "PathPatternConfig": {"Values": condition["pathPattern"]["values"]}}
            )
        if "hostHeader" in condition:
            conditions.append(
                {"Field": "host-header", "HostHeaderConfig": {"Values": condition["hostHeader"]["values"]}}
            )
    return {
        "ListenerArn": inputs["listenerArn"],
        "Priority": int(inputs["priority"]),
        "Conditions": conditions,
        "Actions": [{"Type": a["type"], "TargetGroupArn": a["targetGroupArn"]} for a in inputs["actions"]],
    }


def create_target_group_request(target_group: RecordedResource) -> dict[str, Any]:
    """Elastic Load Balancing v2 CreateTargetGroup."""
    inputs, check = target_group.inputs, target_group.inputs["healthCheck"]
    return {
        "Name": target_group.state["name"],
        "Protocol": inputs["protocol"],
        "Port": int(inputs["port"]),
        "VpcId": inputs["vpcId"],
        "TargetType": inputs["targetType"],
        "HealthCheckProtocol": check["protocol"],
        "HealthCheckPort": check["port"],
        "HealthCheckEnabled": check["enabled"],
        "HealthCheckPath": check["path"],
        "HealthCheckIntervalSeconds": int(check["interval"]),
        "HealthCheckTimeoutSeconds": int(check["timeout"]),
        "HealthyThresholdCount": int(check["healthyThreshold"]),
        "UnhealthyThresholdCount": int(check["unhealthyThreshold"]),
        "Matcher": {"HttpCode": check["matcher"]},
    }


def put_metric_alarm_request(alarm: RecordedResource) -> dict[str, Any]:
    """The recorded wire inputs as a PutMetricAlarm request (API names and shapes). Numbers cross the wire
    as floats (protobuf Struct); the provider sends the integer fields as integers."""
    inputs = alarm.inputs

    def dimensions(values: dict[str, str] | None) -> list[dict[str, str]]:
        return [{"Name": k, "Value": v} for k, v in (values or {}).items()]

    request: dict[str, Any] = {
        "AlarmName": alarm.state["name"],
        "AlarmDescription": inputs["alarmDescription"],
        "AlarmActions": inputs["alarmActions"],
        "OKActions": inputs["okActions"],
        "EvaluationPeriods": int(inputs["evaluationPeriods"]),
        "Threshold": inputs["threshold"],
        "ComparisonOperator": inputs["comparisonOperator"],
        "TreatMissingData": inputs["treatMissingData"],
    }
    if "metricName" in inputs:
        request |= {
            "Namespace": inputs["namespace"],
            "MetricName": inputs["metricName"],
            "Dimensions": dimensions(inputs.get("dimensions")),
            "Statistic": inputs["statistic"],
            "Period": int(inputs["period"]),
        }
    else:
        request["Metrics"] = [
            {
                "Id": query["id"],
                "ReturnData": query.get("returnData", False),
                **({"Expression": query["expression"], "Label": query["label"]} if "expression" in query else {}),
                **(
                    {
                        "MetricStat": {
                            "Metric": {
                                "Namespace": query["metric"]["namespace"],
                                "MetricName": query["metric"]["metricName"],
                                "Dimensions": dimensions(query["metric"]["dimensions"]),
                            },
                            "Period": int(query["metric"]["period"]),
                            "Stat": query["metric"]["stat"],
                        }
                    }
                    if "metric" in query
                    else {}
                ),
            }
            for query in inputs["metricQueries"]
        ]
    return request


def metric_of(alarm: RecordedResource) -> tuple[str, str, dict[str, str]]:
    """A single-metric alarm's namespace, metric name and dimensions."""
    return alarm.inputs["namespace"], alarm.inputs["metricName"], alarm.inputs["dimensions"]


# --- S3 bucket configurations ------------------------------------------------------------------------------


def put_bucket_versioning_request(versioning: RecordedResource) -> dict[str, Any]:
    """S3 PutBucketVersioning."""
    inputs = versioning.inputs
    return {
        "Bucket": inputs["bucket"],
        "VersioningConfiguration": {"Status": inputs["versioningConfiguration"]["status"]},
    }


def put_object_lock_configuration_request(lock: RecordedResource) -> dict[str, Any]:
    """S3 PutObjectLockConfiguration. Numbers cross the wire as floats; the provider sends days as an integer."""
    inputs = lock.inputs
    retention = inputs["rule"]["defaultRetention"]
    return {
        "Bucket": inputs["bucket"],
        "ObjectLockConfiguration": {
            "ObjectLockEnabled": inputs["objectLockEnabled"],
            "Rule": {"DefaultRetention": {"Mode": retention["mode"], "Days": int(retention["days"])}},
        },
    }


def put_bucket_lifecycle_configuration_request(lifecycle: RecordedResource) -> dict[str, Any]:
    """S3 PutBucketLifecycleConfiguration (rules over the whole bucket: an empty filter)."""

    def rule(wire: dict[str, Any]) -> dict[str, Any]:
        api: dict[str, Any] = {"ID": wire["id"], "Status": wire["status"], "Filter": {}}
        if "expiration" in wire:
            api["Expiration"] = {"Days": int(wire["expiration"]["days"])}
        if "noncurrentVersionExpiration" in wire:
            api["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(wire["noncurrentVersionExpiration"]["noncurrentDays"])
            }
        if "abortIncompleteMultipartUpload" in wire:
            days = int(wire["abortIncompleteMultipartUpload"]["daysAfterInitiation"])
            api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
        return api

    inputs = lifecycle.inputs
    return {"Bucket": inputs["bucket"], "LifecycleConfiguration": {"Rules": [rule(r) for r in inputs["rules"]]}}


# The AWS API spells a few members differently from the provider's camelCase wire names.
_API_MEMBER_NAMES = {"cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled"}


def api_names(value: Any) -> Any:
    """Recorded wire inputs (camelCase, numbers as floats) in the AWS API's shape (PascalCase members, whole numbers
    as integers), for APIs whose members mirror the provider's arguments one to one (WAFv2)."""
    if isinstance(value, dict):
        return {_API_MEMBER_NAMES.get(k, k[:1].upper() + k[1:]): api_names(v) for k, v in value.items()}
    if isinstance(value, list):
        return [api_names(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def create_web_acl_request(web_acl: RecordedResource) -> dict[str, Any]:
    """WAFv2 CreateWebACL."""
    inputs = web_acl.inputs
    return {
        "Name": web_acl.state["name"],
        "Scope": inputs["scope"],
        "Description": inputs["description"],
        "DefaultAction": api_names(inputs["defaultAction"]),
        "Rules": api_names(inputs["rules"]),
        "VisibilityConfig": api_names(inputs["visibilityConfig"]),
    }


def change_resource_record_sets_request(record: RecordedResource) -> dict[str, Any]:
    """Route 53 ChangeResourceRecordSets creating (UPSERT) one record: an alias, or values with a TTL."""
    inputs = record.inputs
    record_set: dict[str, Any] = {"Name": inputs["name"], "Type": inputs["type"]}
    if inputs.get("aliases"):
        (alias,) = inputs["aliases"]
        record_set["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": alias["evaluateTargetHealth"],
        }
    else:
        record_set |= {"TTL": int(inputs["ttl"]), "ResourceRecords": [{"Value": v} for v in inputs["records"]]}
    return {
        "HostedZoneId": inputs["zoneId"],
        "ChangeBatch": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record_set}]},
    }
