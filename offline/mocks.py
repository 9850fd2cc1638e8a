"""Pulumi mocks that answer like AWS: ids, ARNs, DNS names, URLs and digests in AWS's own formats.

Each resource type the program uses has a handler that returns the id and the outputs a real deployment
reports (the inputs are echoed back, as the provider does). A resource type without a handler, or an
invoke without one, raises: a mock that silently answers `{}` hides mistakes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from offline.aws_formats import (
    ACCOUNT_ID,
    ALB_HOSTED_ZONE_IDS,
    AVAILABILITY_ZONES,
    DNS_SUFFIX,
    ELB_ACCOUNT_IDS,
    PARTITION,
    ZONE_ID_PREFIX,
    Identity,
    arn,
    global_arn,
    web_acl_rule_capacity,
)
from offline.pulumi_runtime import is_secret, unwrap_secret

Outputs = dict[str, Any]


class UnmockedCallError(Exception):
    """The program used a resource type or invoke the offline mocks do not know."""


@dataclass(frozen=True)
class ResourceContext:
    type: str
    name: str
    inputs: dict[str, Any]
    region: str
    project_dir: Path

    @property
    def ident(self) -> Identity:
        return Identity(f"{self.type}::{self.name}")

    def physical_name(self, key: str = "name", max_length: int = 255, lowercase: bool = False) -> str:
        """The name the user gave, or the one Pulumi's autonaming would invent."""
        given = self.inputs.get(key)
        if isinstance(given, str) and given:
            return given
        prefix = self.inputs.get(f"{key}Prefix")
        if isinstance(prefix, str) and prefix:
            return prefix + self.ident.digits(26, "prefix")[: max(1, max_length - len(prefix))]
        return self.ident.autoname(self.name, max_length, lowercase)

    def arn(self, service: str, resource: str) -> str:
        return arn(service, self.region, resource)


Handler = Callable[[ResourceContext], tuple[str, Outputs]]
HANDLERS: dict[str, Handler] = {}


def handles(*types: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for type_ in types:
            HANDLERS[type_] = fn
        return fn

    return register


# --- providers -----------------------------------------------------------------------------------------


@handles("pulumi:providers:aws", "pulumi:providers:docker")
def _provider(ctx: ResourceContext) -> tuple[str, Outputs]:
    return ctx.ident.uuid(), {}


# --- EC2 / VPC -----------------------------------------------------------------------------------------


@handles("aws:ec2/vpc:Vpc")
def _vpc(ctx: ResourceContext) -> tuple[str, Outputs]:
    vpc_id = ctx.ident.ec2_id("vpc")
    return vpc_id, {
        "arn": ctx.arn("ec2", f"vpc/{vpc_id}"),
        "defaultSecurityGroupId": ctx.ident.ec2_id("sg"),
        "defaultNetworkAclId": ctx.ident.ec2_id("acl"),
        "defaultRouteTableId": ctx.ident.ec2_id("rtb"),
        "mainRouteTableId": ctx.ident.ec2_id("rtb"),
        "ownerId": ACCOUNT_ID,
    }


def _ec2_simple(prefix: str, arn_kind: str | None, owner: bool = True) -> Handler:
    """EC2 resources identified as `<prefix>-` and 17 hex digits, with the ARN `arn:<partition>:ec2:<region>:
    <account>:<arn_kind>/<id>` (when they have one) and, with `owner`, an ownerId."""

    def handler(ctx: ResourceContext) -> tuple[str, Outputs]:
        resource_id = ctx.ident.ec2_id(prefix)
        outputs: Outputs = {"ownerId": ACCOUNT_ID} if owner else {}
        if arn_kind:
            outputs["arn"] = ctx.arn("ec2", f"{arn_kind}/{resource_id}")
        return resource_id, outputs

    return handler


HANDLERS["aws:ec2/internetGateway:InternetGateway"] = _ec2_simple("igw", "internet-gateway")
HANDLERS["aws:ec2/routeTable:RouteTable"] = _ec2_simple("rtb", "route-table")
HANDLERS["aws:ec2/natGateway:NatGateway"] = _ec2_simple("nat", None)
HANDLERS["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"] = _ec2_simple("sg", "security-group")
HANDLERS["aws:ec2/securityGroup:SecurityGroup"] = _ec2_simple("sg", "security-group")
HANDLERS["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] = _ec2_simple("sgr", "security-group-rule")
HANDLERS["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"] = _ec2_simple("sgr", "security-group-rule")

# The Service Authorization Reference's vpc-flow-log resource type; a flow log reports no owner.
HANDLERS["aws:ec2/flowLog:FlowLog"] = _ec2_simple("fl", "vpc-flow-log", owner=False)


@handles("aws:ec2/subnet:Subnet")
def _subnet(ctx: ResourceContext) -> tuple[str, Outputs]:
    subnet_id = ctx.ident.ec2_id("subnet")
    zone = str(ctx.inputs.get("availabilityZone", ""))
    return subnet_id, {
        "arn": ctx.arn("ec2", f"subnet/{subnet_id}"),
        "availabilityZoneId": f"{ZONE_ID_PREFIX.get(ctx.region, 'az')}-az{ord(zone[-1:] or 'a') - 96}",
        "ownerId": ACCOUNT_ID,
    }


@handles("aws:ec2/eip:Eip")
def _eip(ctx: ResourceContext) -> tuple[str, Outputs]:
    allocation = ctx.ident.ec2_id("eipalloc")
    octets = [int(ctx.ident.hex(2, f"ip{i}"), 16) for i in range(3)]
    return allocation, {
        "allocationId": allocation,
        "publicIp": f"54.{octets[0]}.{octets[1]}.{octets[2]}",
        "domain": "vpc",
    }


@handles("aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation")
def _route(ctx: ResourceContext) -> tuple[str, Outputs]:
    if ctx.type.endswith("RouteTableAssociation"):
        return ctx.ident.ec2_id("rtbassoc"), {}
    return f"r-{ctx.inputs.get('routeTableId')}1080289494", {"origin": "CreateRoute", "state": "active"}


# --- Elastic Load Balancing ----------------------------------------------------------------------------


@handles("aws:lb/loadBalancer:LoadBalancer")
def _load_balancer(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=32)
    suffix = f"app/{name}/{ctx.ident.hex(16)}"
    lb_arn = ctx.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    return lb_arn, {
        "arn": lb_arn,
        "arnSuffix": suffix,
        "name": name,
        "dnsName": f"{name}-{ctx.ident.digits(10)}.{ctx.region}.elb.{DNS_SUFFIX}",
        "zoneId": ALB_HOSTED_ZONE_IDS.get(ctx.region, "Z00000000000000"),
        "vpcId": ctx.ident.ec2_id("vpc"),
    }


@handles("aws:lb/targetGroup:TargetGroup")
def _target_group(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=32)
    suffix = f"targetgroup/{name}/{ctx.ident.hex(16)}"
    tg_arn = ctx.arn("elasticloadbalancing", suffix)
    return tg_arn, {"arn": tg_arn, "arnSuffix": suffix, "name": name}


@handles("aws:lb/listener:Listener")
def _listener(ctx: ResourceContext) -> tuple[str, Outputs]:
    lb_arn = str(ctx.inputs.get("loadBalancerArn", ""))
    lb_part = lb_arn.split(":loadbalancer/", 1)[-1]
    listener_arn = ctx.arn("elasticloadbalancing", f"listener/{lb_part}/{ctx.ident.hex(16)}")
    return listener_arn, {"arn": listener_arn}


@handles("aws:lb/listenerRule:ListenerRule")
def _listener_rule(ctx: ResourceContext) -> tuple[str, Outputs]:
    """arn:...:listener-rule/app/<lb name>/<lb id>/<listener id>/<rule id>: the listener's ARN, one more id."""
    listener_arn = str(ctx.inputs.get("listenerArn", ""))
    rule_arn = f"{listener_arn.replace(':listener/', ':listener-rule/', 1)}/{ctx.ident.hex(16, 'rule')}"
    return rule_arn, {"arn": rule_arn}


# --- ACM and Route 53 ----------------------------------------------------------------------------------


@handles("aws:acm/certificate:Certificate")
def _certificate(ctx: ResourceContext) -> tuple[str, Outputs]:
    """A DNS-validated request: ACM names one CNAME record per domain name, `_<32 hex>.<name>.` pointing at
    `_<32 hex>.<...>.acm-validations.aws.`; the certificate waits for it in PENDING_VALIDATION."""
    certificate_arn = ctx.arn("acm", f"certificate/{ctx.ident.uuid()}")
    domain = str(ctx.inputs.get("domainName", ""))
    names = [domain, *[n for n in ctx.inputs.get("subjectAlternativeNames") or [] if n != domain]]
    options = [
        {
            "domainName": name,
            "resourceRecordName": f"_{ctx.ident.hex(32, name)}.{name.removeprefix('*.')}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{ctx.ident.hex(32, 'value' + name)}.{ctx.ident.hex(10, 'zone' + name)}"
            ".acm-validations.aws.",
        }
        for name in names
    ]
    return certificate_arn, {
        "arn": certificate_arn,
        "domainName": domain,
        "subjectAlternativeNames": names,
        "domainValidationOptions": options,
        "validationMethod": ctx.inputs.get("validationMethod", "DNS"),
        "keyAlgorithm": ctx.inputs.get("keyAlgorithm", "RSA_2048"),
        "status": "PENDING_VALIDATION",
        "type": "AMAZON_ISSUED",
        "renewalEligibility": "INELIGIBLE",
    }


@handles("aws:acm/certificateValidation:CertificateValidation")
def _certificate_validation(ctx: ResourceContext) -> tuple[str, Outputs]:
    """No AWS resource: the provider waits until the certificate is ISSUED and records when it was issued."""
    return "2026-01-01 00:00:00 +0000 UTC", {"certificateArn": ctx.inputs.get("certificateArn")}


@handles("aws:route53/healthCheck:HealthCheck")
def _health_check(ctx: ResourceContext) -> tuple[str, Outputs]:
    """Route 53 identifies a health check by a UUID (`healthcheck/b3c9cbc6-cd18-43bc-93f8-9e557example` in the Route 53
    developer guide's CloudTrail example); its ARN is global and carries no account (terraform-provider-aws
    route53/health_check.go, healthCheckARN: GlobalARNNoAccount "healthcheck/<id>"). Without them, Route 53 checks
    every 30 seconds and changes its verdict after three consecutive results (CreateHealthCheck's RequestInterval and
    FailureThreshold defaults, botocore's model)."""
    check_id = ctx.ident.uuid()
    return check_id, {
        "arn": f"arn:{PARTITION}:route53:::healthcheck/{check_id}",
        "requestInterval": ctx.inputs.get("requestInterval", 30),
        "failureThreshold": ctx.inputs.get("failureThreshold", 3),
    }


@handles("aws:route53/record:Record")
def _record(ctx: ResourceContext) -> tuple[str, Outputs]:
    """Route 53 keeps names lowercase without the trailing dot; the provider's id is `<zone>_<name>_<type>`."""
    fqdn = str(ctx.inputs.get("name", "")).rstrip(".").lower()
    return f"{ctx.inputs.get('zoneId')}_{fqdn}_{ctx.inputs.get('type')}", {"fqdn": fqdn, "name": fqdn}


# --- WAFv2 ---------------------------------------------------------------------------------------------


@handles("aws:wafv2/webAcl:WebAcl")
def _web_acl(ctx: ResourceContext) -> tuple[str, Outputs]:
    """`arn:...:wafv2:<region>:<account>:regional/webacl/<name>/<id>`; the capacity AWS computes from the rules."""
    name = ctx.physical_name(max_length=128)
    acl_id = ctx.ident.uuid()
    scope = "global" if ctx.inputs.get("scope") == "CLOUDFRONT" else "regional"
    region = "us-east-1" if scope == "global" else ctx.region
    return acl_id, {
        "name": name,
        "arn": arn("wafv2", region, f"{scope}/webacl/{name}/{acl_id}"),
        "capacity": sum(web_acl_rule_capacity(rule) for rule in ctx.inputs.get("rules") or []),
        "lockToken": ctx.ident.uuid("lock"),
    }


@handles("aws:wafv2/webAclAssociation:WebAclAssociation")
def _web_acl_association(ctx: ResourceContext) -> tuple[str, Outputs]:
    return f"{ctx.inputs.get('webAclArn')},{ctx.inputs.get('resourceArn')}", {}


@handles("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
def _web_acl_logging(ctx: ResourceContext) -> tuple[str, Outputs]:
    """Identified by the web ACL's ARN; WAF reports redacted header names in lower case."""
    redacted = [
        {**field, "singleHeader": {"name": str(field["singleHeader"]["name"]).lower()}}
        if "singleHeader" in field
        else field
        for field in ctx.inputs.get("redactedFields") or []
    ]
    return str(ctx.inputs.get("resourceArn")), {"redactedFields": redacted}


# --- S3 ------------------------------------------------------------------------------------------------


@handles("aws:s3/bucket:Bucket")
def _bucket(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name("bucket", max_length=63, lowercase=True)
    return name, {
        "bucket": name,
        "arn": f"arn:{PARTITION}:s3:::{name}",
        "bucketDomainName": f"{name}.s3.{DNS_SUFFIX}",
        "bucketRegionalDomainName": f"{name}.s3.{ctx.region}.{DNS_SUFFIX}",
        "hostedZoneId": "Z2M4EHUR26P7ZW",
        "region": ctx.region,
    }


def _by_bucket(ctx: ResourceContext) -> tuple[str, Outputs]:
    """S3 bucket sub-resources are identified by their bucket name."""
    return str(ctx.inputs.get("bucket", ctx.name)), {}


for _type in (
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketVersioning:BucketVersioning",
):
    HANDLERS[_type] = _by_bucket


@handles("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
def _object_lock_configuration(ctx: ResourceContext) -> tuple[str, Outputs]:
    """Identified by the bucket name; GetObjectLockConfiguration reports `ObjectLockEnabled: Enabled` (the only
    value, and the provider's default when the program gives none) next to the rule."""
    bucket, _ = _by_bucket(ctx)
    return bucket, {"objectLockEnabled": "Enabled"}


# --- CloudWatch Logs, metrics and EventBridge ----------------------------------------------------------


@handles("aws:cloudwatch/logGroup:LogGroup")
def _log_group(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=512)
    # The provider reports the ARN without the trailing ":*" that DescribeLogGroups appends.
    return name, {"name": name, "arn": ctx.arn("logs", f"log-group:{name}")}


@handles("aws:cloudwatch/logStream:LogStream")
def _log_stream(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=512)
    group = ctx.inputs.get("logGroupName", "")
    return name, {"name": name, "arn": ctx.arn("logs", f"log-group:{group}:log-stream:{name}")}


@handles("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def _log_metric_filter(ctx: ResourceContext) -> tuple[str, Outputs]:
    # The provider's id is the filter's name (internal/service/logs/metric_filter.go: d.SetId(name)).
    name = str(ctx.inputs.get("name") or ctx.physical_name(max_length=512))
    return name, {"name": name}


@handles("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
def _log_resource_policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    return str(ctx.inputs.get("policyName", ctx.name)), {}


@handles("aws:cloudwatch/queryDefinition:QueryDefinition")
def _query_definition(ctx: ResourceContext) -> tuple[str, Outputs]:
    query_id = ctx.ident.uuid()
    return query_id, {"queryDefinitionId": query_id}


@handles("aws:cloudwatch/metricAlarm:MetricAlarm")
def _metric_alarm(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=255)
    return name, {"name": name, "arn": ctx.arn("cloudwatch", f"alarm:{name}")}


@handles("aws:cloudwatch/dashboard:Dashboard")
def _dashboard(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = str(ctx.inputs.get("dashboardName", ctx.name))
    return name, {"dashboardArn": global_arn("cloudwatch", f"dashboard/{name}")}


@handles("aws:cloudwatch/eventRule:EventRule")
def _event_rule(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=64)
    bus = str(ctx.inputs.get("eventBusName", "default"))
    rule_path = f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}"
    rule_id = name if bus == "default" else f"{bus}/{name}"
    return rule_id, {"name": name, "arn": ctx.arn("events", rule_path), "eventBusName": bus}


@handles("aws:cloudwatch/eventTarget:EventTarget")
def _event_target(ctx: ResourceContext) -> tuple[str, Outputs]:
    target_id = str(ctx.inputs.get("targetId") or ctx.ident.autoname("terraform", 64))
    return f"{ctx.inputs.get('rule')}-{target_id}", {"targetId": target_id}


# --- Kinesis Data Firehose -----------------------------------------------------------------------------


@handles("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
def _firehose(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=64)
    stream_arn = ctx.arn("firehose", f"deliverystream/{name}")
    return stream_arn, {
        "name": name,
        "arn": stream_arn,
        "versionId": "1",
        "destinationId": "destinationId-000000000001",
    }


# --- IAM -----------------------------------------------------------------------------------------------


@handles("aws:iam/role:Role")
def _role(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=64)
    path = str(ctx.inputs.get("path") or "/")
    return name, {
        "name": name,
        "arn": global_arn("iam", f"role{path}{name}"),
        "uniqueId": "AROA" + ctx.ident.hex(17).upper(),
        "createDate": "2026-01-01T00:00:00Z",
    }


@handles("aws:iam/policy:Policy")
def _policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=128)
    path = str(ctx.inputs.get("path") or "/")
    policy_arn = global_arn("iam", f"policy{path}{name}")
    return policy_arn, {"name": name, "arn": policy_arn, "policyId": "ANPA" + ctx.ident.hex(17).upper()}


@handles("aws:iam/rolePolicy:RolePolicy")
def _role_policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=128)
    return f"{ctx.inputs.get('role')}:{name}", {"name": name}


@handles("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _role_policy_attachment(ctx: ResourceContext) -> tuple[str, Outputs]:
    return f"{ctx.inputs.get('role')}/{ctx.inputs.get('policyArn')}", {}


# --- ECS and Application Auto Scaling ------------------------------------------------------------------


@handles("aws:ecs/cluster:Cluster")
def _cluster(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=255)
    cluster_arn = ctx.arn("ecs", f"cluster/{name}")
    return cluster_arn, {"name": name, "arn": cluster_arn}


@handles("aws:ecs/taskDefinition:TaskDefinition")
def _task_definition(ctx: ResourceContext) -> tuple[str, Outputs]:
    family = str(ctx.inputs.get("family", ctx.name))
    return family, {
        "arn": ctx.arn("ecs", f"task-definition/{family}:1"),
        "arnWithoutRevision": ctx.arn("ecs", f"task-definition/{family}"),
        "revision": 1,
    }


@handles("aws:ecs/service:Service")
def _service(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=255)
    cluster_name = str(ctx.inputs.get("cluster", "")).rsplit("/", 1)[-1]
    service_arn = ctx.arn("ecs", f"service/{cluster_name}/{name}")
    return service_arn, {"name": name, "arn": service_arn}


@handles("aws:appautoscaling/target:Target")
def _scaling_target(ctx: ResourceContext) -> tuple[str, Outputs]:
    resource_id = str(ctx.inputs.get("resourceId", ""))
    target_arn = ctx.arn("application-autoscaling", f"scalable-target/0ec5{ctx.ident.hex(28)}")
    return resource_id, {"arn": target_arn}


@handles("aws:appautoscaling/policy:Policy")
def _scaling_policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = str(ctx.inputs.get("name", ctx.name))
    resource = f"resource/{ctx.inputs.get('resourceId')}:policyName/{name}"
    return name, {"name": name, "arn": ctx.arn("autoscaling", f"scalingPolicy:{ctx.ident.uuid()}:{resource}")}


# --- ECR and the docker image --------------------------------------------------------------------------


def _registry_host(region: str) -> str:
    return f"{ACCOUNT_ID}.dkr.ecr.{region}.{DNS_SUFFIX}"


@handles("aws:ecr/repository:Repository")
def _repository(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=256, lowercase=True)
    return name, {
        "name": name,
        "arn": ctx.arn("ecr", f"repository/{name}"),
        "registryId": ACCOUNT_ID,
        "repositoryUrl": f"{_registry_host(ctx.region)}/{name}",
    }


@handles("aws:ecr/lifecyclePolicy:LifecyclePolicy")
def _ecr_lifecycle(ctx: ResourceContext) -> tuple[str, Outputs]:
    return str(ctx.inputs.get("repository", ctx.name)), {"registryId": ACCOUNT_ID}


def _context_digest(ctx: ResourceContext) -> str:
    """sha256 over the build context's files and the build settings: what a real build's digest tracks."""
    build = ctx.inputs.get("build") or {}
    context_dir = (ctx.project_dir / str(build.get("context", "."))).resolve()
    digest = hashlib.sha256(json.dumps({k: v for k, v in build.items() if k != "context"}, sort_keys=True).encode())
    if context_dir.is_dir():
        for path in sorted(p for p in context_dir.rglob("*") if p.is_file()):
            digest.update(path.relative_to(context_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@handles("docker:index/image:Image")
def _docker_image(ctx: ResourceContext) -> tuple[str, Outputs]:
    image_name = str(ctx.inputs.get("imageName", ""))
    repository = image_name.rsplit(":", 1)[0] if ":" in image_name.rsplit("/", 1)[-1] else image_name
    repo_digest = f"{repository}@sha256:{_context_digest(ctx)}"
    return repo_digest, {
        "imageName": image_name,
        "baseImageName": image_name,
        "repoDigest": repo_digest,
        "registryServer": repository.split("/", 1)[0],
    }


# --- pulumi-random -------------------------------------------------------------------------------------


@handles("random:index/randomId:RandomId")
def _random_id(ctx: ResourceContext) -> tuple[str, Outputs]:
    """The bytes a real RandomId draws, in its four encodings; the id is the URL-safe base64 form. New keepers
    replace the resource and draw anew, so the mock derives the bytes from the keepers too."""
    keepers = json.dumps(ctx.inputs.get("keepers") or {}, sort_keys=True)
    length = int(ctx.inputs.get("byteLength", 8))
    raw = bytes.fromhex(ctx.ident.hex(2 * length, keepers))
    b64_url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return b64_url, {
        "b64Url": b64_url,
        "b64Std": base64.b64encode(raw).decode(),
        "hex": raw.hex(),
        "dec": str(int.from_bytes(raw, "big")),
    }


# --- Glue Data Catalog and Athena ----------------------------------------------------------------------


@handles("aws:glue/catalogDatabase:CatalogDatabase")
def _glue_database(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=255, lowercase=True)
    return f"{ACCOUNT_ID}:{name}", {"name": name, "catalogId": ACCOUNT_ID, "arn": ctx.arn("glue", f"database/{name}")}


@handles("aws:glue/catalogTable:CatalogTable")
def _glue_table(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=255, lowercase=True)
    database = str(ctx.inputs.get("databaseName", ""))
    return f"{ACCOUNT_ID}:{database}:{name}", {
        "name": name,
        "catalogId": ACCOUNT_ID,
        "arn": ctx.arn("glue", f"table/{database}/{name}"),
    }


@handles("aws:athena/workgroup:Workgroup")
def _workgroup(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=128)
    return name, {"name": name, "arn": ctx.arn("athena", f"workgroup/{name}")}


@handles("aws:athena/namedQuery:NamedQuery")
def _named_query(ctx: ResourceContext) -> tuple[str, Outputs]:
    return ctx.ident.uuid(), {}


# --- SNS, SQS, KMS -------------------------------------------------------------------------------------


@handles("aws:sns/topic:Topic")
def _topic(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=256)
    topic_arn = ctx.arn("sns", name)
    return topic_arn, {"name": name, "arn": topic_arn, "owner": ACCOUNT_ID}


@handles("aws:sns/topicSubscription:TopicSubscription")
def _subscription(ctx: ResourceContext) -> tuple[str, Outputs]:
    # Email subscriptions stay "PendingConfirmation" until the recipient clicks the link.
    sub_arn = f"{ctx.inputs.get('topic')}:{ctx.ident.uuid()}"
    return sub_arn, {"arn": sub_arn, "pendingConfirmation": ctx.inputs.get("protocol") == "email"}


@handles("aws:sns/topicPolicy:TopicPolicy")
def _topic_policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    return str(ctx.inputs.get("arn", ctx.name)), {"owner": ACCOUNT_ID}


@handles("aws:sqs/queue:Queue")
def _queue(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = ctx.physical_name(max_length=80)
    url = f"https://sqs.{ctx.region}.{DNS_SUFFIX}/{ACCOUNT_ID}/{name}"
    return url, {"name": name, "arn": ctx.arn("sqs", name), "url": url}


@handles("aws:sqs/queuePolicy:QueuePolicy")
def _queue_policy(ctx: ResourceContext) -> tuple[str, Outputs]:
    return str(ctx.inputs.get("queueUrl", ctx.name)), {}


@handles("aws:kms/key:Key")
def _kms_key(ctx: ResourceContext) -> tuple[str, Outputs]:
    key_id = ctx.ident.uuid()
    return key_id, {"keyId": key_id, "arn": ctx.arn("kms", f"key/{key_id}")}


@handles("aws:kms/alias:Alias")
def _kms_alias(ctx: ResourceContext) -> tuple[str, Outputs]:
    name = str(ctx.inputs.get("name", f"alias/{ctx.name}"))
    return name, {"arn": ctx.arn("kms", name)}


# --- invokes -------------------------------------------------------------------------------------------


def _existing_boundary_policy(args: dict[str, Any]) -> Outputs:
    """The roles' permissions boundary exists in the mocked account (an administrator created it); any other policy
    does not, as IAM's GetPolicy answers (NoSuchEntity)."""
    arn = str(args.get("arn", ""))
    name = arn.rsplit("/", 1)[-1]
    if not arn.startswith(global_arn("iam", "policy/")) or not name.endswith("-role-boundary"):
        raise UnmockedCallError(f"NoSuchEntity: Policy {arn} does not exist or is not attachable.")
    return {"arn": arn, "name": name, "path": "/", "policyId": "ANPA" + "0" * 17, "id": arn, "description": ""}


def _invoke_results(region: str) -> dict[str, Callable[[dict[str, Any]], Outputs]]:
    zones = AVAILABILITY_ZONES.get(region, ())
    prefix = ZONE_ID_PREFIX.get(region, "az")
    token = base64.b64encode(b"AWS:offline-mock-password").decode()
    return {
        "aws:index/getCallerIdentity:getCallerIdentity": lambda _: {
            "accountId": ACCOUNT_ID,
            "arn": global_arn("iam", "user/offline-preview"),
            "userId": "AIDA" + "0" * 17,
            "id": ACCOUNT_ID,
        },
        "aws:index/getRegion:getRegion": lambda _: {
            "region": region,
            "name": region,
            "endpoint": f"ec2.{region}.{DNS_SUFFIX}",
            "description": region,
            "id": region,
        },
        "aws:index/getPartition:getPartition": lambda _: {
            "partition": PARTITION,
            "dnsSuffix": DNS_SUFFIX,
            "reverseDnsPrefix": "com.amazonaws",
            "id": PARTITION,
        },
        "aws:index/getAvailabilityZones:getAvailabilityZones": lambda _: {
            "names": list(zones),
            "zoneIds": [f"{prefix}-az{i + 1}" for i in range(len(zones))],
            "groupNames": [region] * len(zones),
            "id": region,
        },
        "aws:ecr/getAuthorizationToken:getAuthorizationToken": lambda _: {
            "authorizationToken": token,
            "userName": "AWS",
            "password": "offline-mock-password",
            "proxyEndpoint": f"https://{_registry_host(region)}",
            "expiresAt": "2026-01-01T12:00:00Z",
            "id": region,
        },
        "aws:iam/getPolicy:getPolicy": _existing_boundary_policy,
        "aws:elb/getServiceAccount:getServiceAccount": lambda _: {
            "arn": global_arn("iam", "root", ELB_ACCOUNT_IDS.get(region, "000000000000")),
            "id": ELB_ACCOUNT_IDS.get(region, "000000000000"),
        },
    }


class AwsMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes the way AWS does, for one region."""

    def __init__(self, region: str, project_dir: Path) -> None:
        self.region = region
        self.project_dir = project_dir
        self.invoked: list[str] = []  # the tokens of the invokes the program made, in order
        self._provider_regions: dict[str, str] = {}  # an aws provider's id -> its `region`
        self._invokes: dict[str, dict[str, Callable[[dict[str, Any]], Outputs]]] = {}  # by region

    def region_of(self, provider: str | None) -> str:
        """Where a resource or an invoke of this provider reference (`<urn>::<id>`) acts: the `region` its aws provider
        was given (a second provider, e.g. us-east-1 for Route 53's metrics), else the stack's."""
        if not provider:
            return self.region
        return self._provider_regions.get(provider.rsplit("::", 1)[-1], self.region)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.custom:
            return None, {}  # component resources: the engine gives them no id and no outputs
        handler = HANDLERS.get(args.typ)
        if handler is None:
            raise UnmockedCallError(
                f"no offline mock for resource type {args.typ} ({args.name}); add a handler in offline/mocks.py"
            )
        inputs = {k: v for k, v in args.inputs.items()}
        plain_inputs = {k: unwrap_secret(v) if is_secret(v) else v for k, v in inputs.items()}
        region = self.region_of(args.provider)
        ctx = ResourceContext(args.typ, args.name, plain_inputs, region, self.project_dir)
        resource_id, outputs = handler(ctx)
        if args.typ == "pulumi:providers:aws" and resource_id is not None:
            self._provider_regions[resource_id] = str(plain_inputs.get("region") or self.region)
        return resource_id, {**inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]]]:
        region = self.region_of(args.provider)
        if region not in self._invokes:
            self._invokes[region] = _invoke_results(region)
        answer = self._invokes[region].get(args.token)
        self.invoked.append(args.token)
        if answer is None:
            raise UnmockedCallError(f"no offline mock for invoke {args.token}; add one in offline/mocks.py")
        return answer(dict(args.args)), []
