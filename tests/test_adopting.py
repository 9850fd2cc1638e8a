"""docs/ADOPTING.md's AWS roles, made concrete: docs/deploy-role-policies/*.json (what `pulumi up` and
`pulumi destroy` need, HTTPS and WAF included, as managed policies attached together) and
docs/preview-role-policy.json (what `pulumi preview` needs), checked against what the program really creates and
calls, in both stacks with every optional path on.

The action table below lists, per resource type, the API calls the Terraform-bridged pulumi-aws provider makes to
create, read, update and delete it. It was read from the per-resource permission mappings of the pike project
(JamesWoolfenden/pike, src/mapping/aws/resource/<service>/<terraform resource>.json), and for the alert topic's KMS
key from the provider's own source (hashicorp/terraform-provider-aws, internal/service/kms/key.go: CreateKey,
DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags, Enable/DisableKey, Enable/DisableKeyRotation,
UpdateKeyDescription, PutKeyPolicy, Tag/UntagResource, ScheduleKeyDeletion). The log router image push is AWS's
documented push set (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html). The archive's
Athena resources: pike's aws_glue_catalog_database, aws_glue_catalog_table, aws_athena_workgroup and
aws_athena_named_query mappings; tags of a Glue database and an Athena workgroup go through the service's tagging
actions (the provider's `@Tags(identifierAttribute="arn")` on resourceCatalogDatabase,
internal/service/glue/catalog_database.go); the reader's managed policy from the provider's source
(internal/service/iam/policy.go: CreatePolicy, GetPolicy, GetPolicyVersion, ListPolicyVersions on read and delete,
CreatePolicyVersion + SetDefaultPolicyVersion on update, DeletePolicyVersion to prune, DeletePolicy,
ListPolicyTags). A type the table does not know fails the test: add its actions to the table and to the policy
together.
"""

from __future__ import annotations

import ast
import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from offline.harness import PROJECT_DIR, Evaluation
from offline.mocks import _invoke_results
from offline.stack_config import load_stack_config
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, evaluate_stack
from tests.helpers import statements
from tests.iam_lint import as_list, covers, findings_at_least

DOCS = PROJECT_DIR / "docs"
DEPLOY_POLICIES = sorted((DOCS / "deploy-role-policies").glob("*.json"))
PREVIEW_POLICY = DOCS / "preview-role-policy.json"
ADOPTING = DOCS / "ADOPTING.md"

STACKS = ("dev", "prod")

TAGS_EC2 = ("ec2:CreateTags", "ec2:DeleteTags")
TAGS_ELB = ("elasticloadbalancing:DescribeTags", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
TAGS_ECS = ("ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource")
ECR_PUSH = (
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
)
KMS_KEY_LIFECYCLE = (
    "kms:CreateKey",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:DisableKey",
    "kms:UpdateKeyDescription",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
)

# What the provider calls to create, read, update and delete each resource type (see the module docstring).
# pike's mapping of aws_glue_catalog_table lists four actions; the provider's Read also calls GetPartitionIndexes
# right after GetTable, and Create and Update return through Read (internal/service/glue/catalog_table.go,
# resourceCatalogTableRead: findTableByThreePartKey, then findPartitionIndexes; resourceCatalogTableCreate ends with
# `return append(diags, resourceCatalogTableRead(ctx, d, meta)...)`). Without it every table fails its first
# `pulumi up` with AccessDenied.
CATALOG_TABLE_LIFECYCLE = (
    "glue:CreateTable",
    "glue:GetTable",
    "glue:GetPartitionIndexes",
    "glue:UpdateTable",
    "glue:DeleteTable",
)

# With wait_for_steady_state, Create and Update wait for the new deployment's outcome: the provider finds it with
# ListServiceDeployments and reads its status with DescribeServiceDeployments (terraform-provider-aws
# internal/service/ecs/service.go, statusServiceWaitForStable: findPrimaryDeploymentARN, findDeploymentStatus).
ECS_SERVICE_LIFECYCLE = (
    "ecs:CreateService",
    "ecs:UpdateService",
    "ecs:DeleteService",
    "ecs:DescribeServices",
    "ecs:ListServiceDeployments",
    "ecs:DescribeServiceDeployments",
    *TAGS_ECS,
)
REQUIRED_ACTIONS: dict[str, tuple[str, ...]] = {
    "pulumi:providers:aws": (),  # sts:GetCallerIdentity needs no permission (see INVOKE_ACTIONS)
    "aws:ec2/vpc:Vpc": (
        "ec2:CreateVpc",
        "ec2:DeleteVpc",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:ModifyVpcAttribute",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        *TAGS_EC2,
    ),
    "aws:ec2/subnet:Subnet": (
        "ec2:CreateSubnet",
        "ec2:DeleteSubnet",
        "ec2:DescribeSubnets",
        "ec2:ModifySubnetAttribute",
        "ec2:DescribeNetworkInterfaces",
        *TAGS_EC2,
    ),
    "aws:ec2/internetGateway:InternetGateway": (
        "ec2:CreateInternetGateway",
        "ec2:DeleteInternetGateway",
        "ec2:AttachInternetGateway",
        "ec2:DetachInternetGateway",
        "ec2:DescribeInternetGateways",
        *TAGS_EC2,
    ),
    "aws:ec2/eip:Eip": (
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:DisassociateAddress",
        "ec2:DescribeAddresses",
        *TAGS_EC2,
    ),
    "aws:ec2/natGateway:NatGateway": (
        "ec2:CreateNatGateway",
        "ec2:DeleteNatGateway",
        "ec2:DescribeNatGateways",
        *TAGS_EC2,
    ),
    "aws:ec2/routeTable:RouteTable": (
        "ec2:CreateRouteTable",
        "ec2:DeleteRouteTable",
        "ec2:DescribeRouteTables",
        *TAGS_EC2,
    ),
    # pike's aws_flow_log.json; an S3 destination needs no role (no iam:PassRole) but logs:CreateLogDelivery and
    # logs:DeleteLogDelivery ("Create a flow log that publishes to Amazon S3", Prerequisite,
    # https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-create-flow-log.html).
    "aws:ec2/flowLog:FlowLog": (
        "ec2:CreateFlowLogs",
        "ec2:DescribeFlowLogs",
        "ec2:DeleteFlowLogs",
        "ec2:DescribeAccountAttributes",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        *TAGS_EC2,
    ),
    "aws:ec2/route:Route": ("ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:DescribeRouteTables"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (
        "ec2:AssociateRouteTable",
        "ec2:DisassociateRouteTable",
        "ec2:ReplaceRouteTableAssociation",
        "ec2:DescribeRouteTables",
    ),
    "aws:ec2/securityGroup:SecurityGroup": (
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupEgress",  # the provider removes AWS's default allow-all egress rule
        "ec2:DescribeNetworkInterfaces",
        *TAGS_EC2,
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (
        "ec2:DescribeSecurityGroups",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        *TAGS_EC2,
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:ModifySecurityGroupRules",
        "ec2:DescribeSecurityGroupRules",
        *TAGS_EC2,
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules",
        "ec2:DescribeSecurityGroupRules",
        *TAGS_EC2,
    ),
    "aws:lb/loadBalancer:LoadBalancer": (
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "iam:CreateServiceLinkedRole",
        *TAGS_ELB,
    ),
    "aws:lb/targetGroup:TargetGroup": (
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        *TAGS_ELB,
    ),
    "aws:lb/listener:Listener": (
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        *TAGS_ELB,
    ),
    # pike src/mapping/aws/resource/elasticloadbalancing/aws_lb_listener_rule.json
    "aws:lb/listenerRule:ListenerRule": (
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:DescribeRules",
        *TAGS_ELB,
    ),
    "aws:ecs/cluster:Cluster": (
        "ecs:CreateCluster",
        "ecs:DeleteCluster",
        "ecs:DescribeClusters",
        "ecs:UpdateCluster",
        "ecs:UpdateClusterSettings",
        "ecs:PutClusterCapacityProviders",
        "iam:CreateServiceLinkedRole",
        *TAGS_ECS,
    ),
    "aws:ecs/taskDefinition:TaskDefinition": (
        "ecs:RegisterTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "iam:PassRole",
        "iam:GetRole",
        *TAGS_ECS,
    ),
    "aws:ecs/service:Service": ECS_SERVICE_LIFECYCLE,
    "aws:appautoscaling/target:Target": (
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScheduledActions",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
        "application-autoscaling:ListTagsForResource",
        "iam:CreateServiceLinkedRole",
    ),
    "aws:appautoscaling/policy:Policy": (
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:DescribeScalingPolicies",
        "cloudwatch:GetMetricData",
    ),
    "aws:ecr/repository:Repository": (
        "ecr:CreateRepository",
        "ecr:DeleteRepository",
        "ecr:DescribeRepositories",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:TagResource",
        "ecr:UntagResource",
        "ecr:ListTagsForResource",
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": (
        "ecr:PutLifecyclePolicy",
        "ecr:GetLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy",
    ),
    "docker:index/image:Image": ECR_PUSH,
    "random:index/randomId:RandomId": (),  # computed by the pulumi-random provider itself: no AWS call
    "aws:iam/role:Role": (
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ),
    "aws:iam/rolePolicy:RolePolicy": ("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"),
    "aws:cloudwatch/logGroup:LogGroup": (
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:DescribeLogGroups",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
        "logs:ListTagsLogGroup",
    ),
    "aws:cloudwatch/logStream:LogStream": ("logs:CreateLogStream", "logs:DeleteLogStream", "logs:DescribeLogStreams"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
        "logs:DescribeResourcePolicies",
    ),
    "aws:cloudwatch/queryDefinition:QueryDefinition": (
        "logs:PutQueryDefinition",
        "logs:DeleteQueryDefinition",
        "logs:DescribeQueryDefinitions",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:ListTagsForResource",
    ),
    "aws:cloudwatch/dashboard:Dashboard": (
        "cloudwatch:PutDashboard",
        "cloudwatch:GetDashboard",
        "cloudwatch:DeleteDashboards",
    ),
    "aws:cloudwatch/eventRule:EventRule": (
        "events:PutRule",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:EnableRule",
        "events:DisableRule",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
    ),
    "aws:cloudwatch/eventTarget:EventTarget": (
        "events:PutTargets",
        "events:RemoveTargets",
        "events:ListTargetsByRule",
        "iam:PassRole",
    ),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        "firehose:CreateDeliveryStream",
        "firehose:DeleteDeliveryStream",
        "firehose:DescribeDeliveryStream",
        "firehose:UpdateDestination",
        "firehose:StartDeliveryStreamEncryption",
        "firehose:StopDeliveryStreamEncryption",
        "firehose:TagDeliveryStream",
        "firehose:UntagDeliveryStream",
        "firehose:ListTagsForDeliveryStream",
        "iam:PassRole",
    ),
    "aws:s3/bucket:Bucket": (
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketTagging",
        "s3:GetBucketPolicy",
        "s3:GetAccelerateConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:PutBucketTagging",
        # forceDestroy (dev) empties the bucket first
        "s3:ListBucketVersions",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (
        "s3:GetBucketOwnershipControls",
        "s3:PutBucketOwnershipControls",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "s3:GetEncryptionConfiguration",
        "s3:PutEncryptionConfiguration",
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
    # pike's aws_s3_bucket_versioning.json and aws_s3_bucket_object_lock_configuration.json (the latter also lists
    # ec2:DescribeAccountAttributes, the provider's partition check).
    "aws:s3/bucketVersioning:BucketVersioning": ("s3:GetBucketVersioning", "s3:PutBucketVersioning"),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": (
        "s3:GetBucketObjectLockConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "ec2:DescribeAccountAttributes",
    ),
    "aws:sns/topic:Topic": (
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:TagResource",
        "sns:UntagResource",
        "sns:ListTagsForResource",
    ),
    "aws:sns/topicPolicy:TopicPolicy": ("sns:GetTopicAttributes", "sns:SetTopicAttributes"),
    "aws:sns/topicSubscription:TopicSubscription": (
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
    ),
    "aws:sqs/queue:Queue": (
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
    ),
    "aws:sqs/queuePolicy:QueuePolicy": ("sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ListQueueTags"),
    "aws:kms/key:Key": KMS_KEY_LIFECYCLE,
    "aws:glue/catalogDatabase:CatalogDatabase": (
        "glue:CreateDatabase",
        "glue:GetDatabase",
        "glue:UpdateDatabase",
        "glue:DeleteDatabase",
        "glue:GetTags",
        "glue:TagResource",
        "glue:UntagResource",
    ),
    "aws:glue/catalogTable:CatalogTable": CATALOG_TABLE_LIFECYCLE,
    "aws:athena/workgroup:Workgroup": (
        "athena:CreateWorkGroup",
        "athena:GetWorkGroup",
        "athena:UpdateWorkGroup",
        "athena:DeleteWorkGroup",
        "athena:ListTagsForResource",
        "athena:TagResource",
        "athena:UntagResource",
    ),
    "aws:athena/namedQuery:NamedQuery": ("athena:CreateNamedQuery", "athena:GetNamedQuery", "athena:DeleteNamedQuery"),
    "aws:iam/policy:Policy": (
        "iam:CreatePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:DeletePolicy",
        "iam:ListPolicyTags",
        "iam:TagPolicy",
        "iam:UntagPolicy",
    ),
    # pike src/mapping/aws/resource/acm/aws_acm_certificate.json
    "aws:acm/certificate:Certificate": (
        "acm:RequestCertificate",
        "acm:DescribeCertificate",
        "acm:ListTagsForCertificate",
        "acm:DeleteCertificate",
        "acm:AddTagsToCertificate",
        "acm:RemoveTagsFromCertificate",
    ),
    # pike .../acm/aws_acm_certificate_validation.json; the provider waits for ISSUED with DescribeCertificate
    # (hashicorp/terraform-provider-aws internal/service/acm, waitCertificateIssued -> statusCertificate)
    "aws:acm/certificateValidation:CertificateValidation": ("acm:GetCertificate", "acm:DescribeCertificate"),
    # pike .../wafv2/aws_wafv2_web_acl.json; updates call UpdateWebACL (terraform-provider-aws
    # internal/service/wafv2/web_acl.go, resourceWebACLUpdate)
    "aws:wafv2/webAcl:WebAcl": (
        "wafv2:CreateWebACL",
        "wafv2:GetWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:ListTagsForResource",
        "wafv2:DeleteWebACL",
        "wafv2:TagResource",
        "wafv2:UntagResource",
    ),
    # pike .../wafv2/aws_wafv2_web_acl_association.json (the ALB's part: elasticloadbalancing:SetWebAcl)
    "aws:wafv2/webAclAssociation:WebAclAssociation": (
        "wafv2:AssociateWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:DisassociateWebACL",
        "elasticloadbalancing:SetWebAcl",
    ),
    # pike .../wafv2/aws_wafv2_web_acl_logging_configuration.json, Delete from terraform-provider-aws
    # internal/service/wafv2/web_acl_logging_configuration.go; enabling logging to a Firehose stream needs
    # "iam:CreateServiceLinkedRole, firehose:ListDeliveryStreams, wafv2:PutLoggingConfiguration" (AWS WAF
    # Developer Guide, Firehose logging destination; WAF creates its service-linked role on the first
    # PutLoggingConfiguration, https://docs.aws.amazon.com/waf/latest/developerguide/using-service-linked-roles.html)
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (
        "wafv2:PutLoggingConfiguration",
        "wafv2:GetLoggingConfiguration",
        "wafv2:DeleteLoggingConfiguration",
        "firehose:ListDeliveryStreams",
        "iam:CreateServiceLinkedRole",
    ),
    # pike .../route53/aws_route53_record.json
    "aws:route53/record:Record": (
        "route53:GetHostedZone",
        "route53:ChangeResourceRecordSets",
        "route53:GetChange",
        "route53:ListResourceRecordSets",
    ),
}

# What each invoke (data source) the program may call needs. The offline mocks raise on any invoke they do not
# answer, so their invokes are every invoke the program can make. Sources: pike's data-source mappings
# (src/mapping/aws/data/...: aws_region, aws_partition, aws_caller_identity and aws_elb_service_account call no
# API that needs a permission; aws_availability_zones calls ec2:DescribeAvailabilityZones; aws_ecr_authorization_token
# ecr:GetAuthorizationToken) and STS's GetCallerIdentity reference ("No permissions are required to perform this
# operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
INVOKE_ACTIONS: dict[str, tuple[str, ...]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": (),
    "aws:index/getRegion:getRegion": (),
    "aws:index/getPartition:getPartition": (),
    "aws:elb/getServiceAccount:getServiceAccount": (),
    "aws:index/getAvailabilityZones:getAvailabilityZones": ("ec2:DescribeAvailabilityZones",),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": ("ecr:GetAuthorizationToken",),
}

# Where aws:RequestedRegion cannot hold: IAM and Route 53 are global services whose single endpoint is in us-east-1.
GLOBAL_SERVICES = {"iam", "route53"}


def load_policy(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def granting(policy: dict[str, Any], action: str, resource: str | None = None) -> list[dict[str, Any]]:
    """The Allow statements whose Action covers `action` and, when given, whose Resource covers `resource` (IAM
    wildcards: `*` matches any characters, `?` one; action names are case-insensitive). Conditions are not
    evaluated."""
    return [s for s in statements(policy) if s["Effect"] == "Allow" and covers(s, action, resource)]


def service_of(statement: dict[str, Any]) -> set[str]:
    return {action.split(":")[0] for action in as_list(statement["Action"])}


@pytest.fixture(scope="module")
def deploy_policy() -> dict[str, Any]:
    """Every deploy policy's statements in one document: the role holds them all."""
    documents = [load_policy(path) for path in DEPLOY_POLICIES]
    return {"Version": documents[0]["Version"], "Statement": [s for d in documents for s in statements(d)]}


@pytest.fixture(scope="module")
def preview_policy() -> dict[str, Any]:
    return load_policy(PREVIEW_POLICY)


@pytest.fixture(scope="module")
def everything() -> list[Evaluation]:
    """Both stacks with every optional path on."""
    return [evaluate_stack(stack, secrets=ALL_OPTION_SECRETS, **ALL_OPTIONS) for stack in STACKS]


def created(evaluations: list[Evaluation], type_token: str) -> list[Any]:
    return [r for ev in evaluations for r in ev.of_type(type_token)]


def test_deploy_role_grants_what_every_resource_type_of_the_program_needs(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """`pulumi up` creates, reads, updates and deletes each of these resources through the provider's API calls
    (table and sources in the module docstring); a missing action fails the first deploy with AccessDenied."""
    types = {r.type for ev in everything for r in ev.resources if r.custom}
    assert sorted(types - REQUIRED_ACTIONS.keys()) == [], "resource types without an action list"
    missing = sorted(
        f"{type_token}: {action}"
        for type_token in types
        for action in REQUIRED_ACTIONS[type_token]
        if not granting(deploy_policy, action)
    )
    assert missing == []


def test_deploy_role_manages_the_alert_topic_key(deploy_policy: dict[str, Any], everything: list[Evaluation]) -> None:
    """The alert topic's customer-managed key is created, read, rotated, tagged and scheduled for deletion by the
    deploy role: hashicorp/terraform-provider-aws internal/service/kms/key.go (create, findKey, update*, delete).
    Tags given to CreateKey need kms:TagResource "in an IAM policy that isn't restricted to particular KMS keys"
    (https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html), so TagResource must be granted
    on Resource "*" as well."""
    keys = created(everything, "aws:kms/key:Key")
    assert keys
    for key in keys:
        for action in KMS_KEY_LIFECYCLE:
            assert granting(deploy_policy, action, key.state["arn"]), (action, key.state["arn"])
    for action in ("kms:CreateKey", "kms:TagResource"):
        assert any(as_list(s["Resource"]) == ["*"] for s in granting(deploy_policy, action)), action


def test_deploy_role_creates_exactly_the_service_linked_roles_a_fresh_account_lacks(
    deploy_policy: dict[str, Any],
) -> None:
    """In a fresh account the first CreateCluster, CreateLoadBalancer/CreateTargetGroup and RegisterScalableTarget
    create their service's service-linked role with the caller's permissions; without
    iam:CreateServiceLinkedRole the role is not created and the deploy fails ("Unable to assume the service linked
    role. Please verify that the ECS service linked role exists", aws-samples/baseline-environment-on-aws issue
    238). Sources: ECS CreateCluster API reference ("Amazon ECS attempts to create the Amazon ECS service-linked
    role ... if the user that makes the call doesn't have permissions to create the service-linked role, it isn't
    created", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html), ELB
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html: created "when
    you create a load balancer or a target group"; trusts elasticloadbalancing.amazonaws.com), Application Auto
    Scaling (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html
    and services-that-can-integrate-ecs.html: AWSServiceRoleForApplicationAutoScaling_ECSService, principal
    ecs.application-autoscaling.amazonaws.com), and WAF's logging ("When you successfully enable logging using a
    PutLoggingConfiguration request, AWS WAF will create a service linked role", WAFv2 API reference,
    PutLoggingConfiguration; AWSServiceRoleForWAFV2Logging "trusts the service to assume the role
    wafv2.amazonaws.com", https://docs.aws.amazon.com/waf/latest/developerguide/using-service-linked-roles.html).
    Each grant is conditioned on iam:AWSServiceName, exactly these."""
    grants = granting(deploy_policy, "iam:CreateServiceLinkedRole")
    assert grants
    for statement in grants:
        assert statement["Condition"] == {
            "StringEquals": {
                "iam:AWSServiceName": [
                    "ecs.amazonaws.com",
                    "elasticloadbalancing.amazonaws.com",
                    "ecs.application-autoscaling.amazonaws.com",
                    "wafv2.amazonaws.com",
                ]
            }
        }
        assert as_list(statement["Resource"]) == ["arn:aws:iam::*:role/aws-service-role/*"]


def test_deploy_role_reaches_exactly_the_stack_roles_and_passes_them_only_to_their_services(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """IAM is the privilege-escalation path: role management and iam:PassRole are limited to the roles the program
    creates, one pattern per role (Pulumi autonames a role `<logical name>-<random suffix>`), and PassRole to the
    services those roles trust (their trust policies' principals), via iam:PassedToService."""
    roles = created(everything, "aws:iam/role:Role")
    arns = {role.state["arn"] for role in roles}
    expected = {f"arn:aws:iam::*:role/{role.name}-*" for role in roles}
    role_statements = [s for s in statements(deploy_policy) if "iam:CreateRole" in as_list(s["Action"])]
    pass_statements = granting(deploy_policy, "iam:PassRole")
    assert len(role_statements) == 1 and len(pass_statements) == 1
    for statement in (*role_statements, *pass_statements):
        patterns = as_list(statement["Resource"])
        assert set(patterns) == expected
        assert all(any(fnmatchcase(arn, p) for p in patterns) for arn in arns), (arns, patterns)
    for arn in arns:
        for action in (*REQUIRED_ACTIONS["aws:iam/role:Role"], *REQUIRED_ACTIONS["aws:iam/rolePolicy:RolePolicy"]):
            assert granting(deploy_policy, action, arn), (action, arn)
    trusted = {
        service
        for role in roles
        for statement in json.loads(role.plain_inputs()["assumeRolePolicy"])["Statement"]
        for service in as_list(statement["Principal"]["Service"])
    }
    (passing,) = pass_statements
    assert set(passing["Condition"]["StringEquals"]["iam:PassedToService"]) == trusted


def test_no_role_may_bypass_the_archives_object_lock(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """Governance mode keeps a locked version from being deleted or overwritten except with
    s3:BypassGovernanceRetention ("To use this header, you must have the s3:BypassGovernanceRetention permission",
    DeleteObject's BypassGovernanceRetention in botocore's model). Neither the deploy role nor any role the stack
    creates is granted it, so a leaked CI credential cannot erase what is locked."""
    assert granting(deploy_policy, "s3:BypassGovernanceRetention") == []
    for ev in everything:
        for resource in ev.of_type("aws:iam/rolePolicy:RolePolicy"):
            document = json.loads(resource.plain_inputs()["policy"])
            actions = [a.lower() for s in statements(document) for a in as_list(s["Action"])]
            assert not any(fnmatchcase("s3:bypassgovernanceretention", a) for a in actions), resource.name


def test_deploy_role_reaches_exactly_the_stack_buckets(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """A bucket policy grants whatever it says: the deploy role may write bucket policies only on the program's
    buckets (one pattern per bucket, `<logical name>-*` as Pulumi autonames it), never on the state bucket."""
    buckets = created(everything, "aws:s3/bucket:Bucket")
    arns = {bucket.state["arn"] for bucket in buckets}
    (statement,) = granting(deploy_policy, "s3:PutBucketPolicy")
    patterns = as_list(statement["Resource"])
    assert set(patterns) == {f"arn:aws:s3:::{bucket.name}-*" for bucket in buckets}
    assert all(any(fnmatchcase(arn, p) for p in patterns) for arn in arns)


# The archive's Athena resources: which ARNs of the program's resources the deploy role's grants must reach.
ARCHIVE_QUERY_RESOURCES = {
    "aws:glue/catalogDatabase:CatalogDatabase": ("glue", "arn"),
    "aws:glue/catalogTable:CatalogTable": ("glue", "arn"),
    "aws:athena/workgroup:Workgroup": ("athena", "arn"),
    "aws:athena/namedQuery:NamedQuery": ("athena", "workgroup"),
    "aws:iam/policy:Policy": ("iam", "arn"),
}


def test_deploy_role_reaches_the_archive_query_resources_and_only_theirs(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """Glue authorizes a table call on the table, its database and the catalog (Athena user guide, "Fine-grained
    access to databases and tables in the AWS Glue Data Catalog": "you need permissions to call this action on the
    resource (table or database) and all ancestors of the resource"); a saved query is authorized on its workgroup
    (the Service Authorization Reference, as parliament's iam_definition.json carries it: CreateNamedQuery's
    resource type is `workgroup`). Each grant reaches exactly these: the project's database and tables (named
    `<project>_<stack>`), the workgroup and the reader policy by their logical names."""
    region = "ap-northeast-1"
    for type_token, (service, key) in ARCHIVE_QUERY_RESOURCES.items():
        resources = created(everything, type_token)
        assert resources, type_token
        for resource in resources:
            if key == "workgroup":  # a named query: its workgroup's ARN
                arn = f"arn:aws:athena:{region}:123456789012:workgroup/{resource.inputs['workgroup']}"
            else:
                arn = resource.state[key]
            for action in REQUIRED_ACTIONS[type_token]:
                assert granting(deploy_policy, action, arn), (action, arn)
            if service == "glue":
                for action in REQUIRED_ACTIONS[type_token]:
                    assert granting(deploy_policy, action, f"arn:aws:glue:{region}:123456789012:catalog"), action
    for action in ("glue:CreateTable", "glue:DeleteDatabase"):
        assert not granting(deploy_policy, action, f"arn:aws:glue:{region}:123456789012:database/other_project")
    assert not granting(
        deploy_policy, "athena:DeleteWorkGroup", f"arn:aws:athena:{region}:123456789012:workgroup/primary"
    )
    assert not granting(deploy_policy, "iam:CreatePolicyVersion", "arn:aws:iam::123456789012:policy/AnyOtherPolicy")


def test_deploy_role_changes_only_the_record_types_the_program_creates(
    deploy_policy: dict[str, Any], everything: list[Evaluation]
) -> None:
    """The deploy role may change records in any hosted zone (the zone is configuration), so it is limited to the
    record types the program writes, the domain's alias (A) and the certificate's validation record (CNAME), by
    the condition key route53:ChangeResourceRecordSetsRecordTypes, which parliament's copy of AWS's Service
    Authorization Reference knows for ChangeResourceRecordSets (test_parliament_finds_nothing_serious reports an
    UNKNOWN_CONDITION_FOR_ACTION otherwise)."""
    written = {r.inputs["type"] for r in created(everything, "aws:route53/record:Record")}
    (statement,) = granting(deploy_policy, "route53:ChangeResourceRecordSets")
    allowed = statement["Condition"]["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"]
    assert set(allowed) == written == {"A", "CNAME"}
    assert as_list(statement["Resource"]) == ["arn:aws:route53:::hostedzone/*"]


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_every_regional_grant_is_limited_to_the_stacks_region(path: Path) -> None:
    """aws:RequestedRegion on everything but IAM and Route 53: "CloudFront, IAM, Route 53, and Support ... are
    popular AWS global services with a single endpoint that is physically located in the us-east-1 Region", so a
    region condition would deny every call to them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html).
    The region is the stacks' `aws:region`: change both together."""
    (region,) = {load_stack_config(PROJECT_DIR, stack).region for stack in STACKS}
    for statement in statements(load_policy(path)):
        if service_of(statement) <= GLOBAL_SERVICES:
            assert "aws:RequestedRegion" not in json.dumps(statement.get("Condition", {})), statement["Sid"]
        else:
            assert statement["Condition"]["StringEquals"]["aws:RequestedRegion"] == region, statement["Sid"]


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_policy_has_no_service_wildcards_and_fits_a_managed_policy(path: Path) -> None:
    """No `*`/`service:*` action, no NotAction/NotResource; read-only prefixes (`ec2:Describe*`) are allowed. Each
    file is one managed policy: at most 6,144 characters, whitespace not counted (IAM quotas,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; a role's inline policies share
    10,240 characters in all, too few for the deploy role, which is why it gets managed policies)."""
    text = path.read_text()
    for statement in statements(json.loads(text)):
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in as_list(statement["Action"]):
            name = action.split(":")[1]
            assert "*" not in name or re.fullmatch(r"(Describe|Get|List)\w*\*", name), action
    assert len(re.sub(r"\s", "", text)) <= 6_144


def test_the_deploy_policies_fit_one_role() -> None:
    """A role takes 10 managed policies by default (20 after a quota increase: the AWS knowledge-center article
    "iam-increase-policy-size"); the deploy policies leave room for the state bucket's and the secrets key's.
    Statement ids stay unique across the files, so a finding names one statement."""
    assert 1 < len(DEPLOY_POLICIES) <= 8
    sids = [s["Sid"] for path in DEPLOY_POLICIES for s in statements(load_policy(path))]
    assert len(sids) == len(set(sids))


@pytest.mark.parametrize("path", [*DEPLOY_POLICIES, PREVIEW_POLICY], ids=lambda path: path.stem)
def test_parliament_finds_nothing_serious(path: Path) -> None:
    """parliament (tests/iam_lint.py), MEDIUM severity or worse: unknown actions or condition keys, resource
    mismatches, malformed statements. Two MEDIUM findings are inherent and accepted:
    - writing a bucket policy could grant the role the bucket's objects, and the program writes the policies of
      its own buckets (only those, see the bucket scope test);
    - Athena's tagging actions apply to workgroups, data catalogs and capacity reservations (the Service
      Authorization Reference, as parliament's iam_definition.json carries it), and parliament wants every one of
      those types covered; the deploy role tags the stack's workgroup only, on purpose."""
    escalation = re.compile(
        r"MEDIUM RESOURCE_POLICY_PRIVILEGE_ESCALATION: Possible resource policy privilege escalation on "
        r"arn:aws:s3:::(app-log-archive-bucket|task-stop-archive-bucket|waf-log-archive-bucket|web-access-logs|"
        r"archive-queries-results|network-flow-logs-bucket)-\* "
        r"due to s3:(Get|Put)Object not being allowed, but does allow s3:PutBucketPolicy"
    )
    serious = [
        line
        for line in findings_at_least(path.read_text(), "MEDIUM")
        if not escalation.fullmatch(line) and not _only_workgroup_tagging(line)
    ]
    assert serious == []


ATHENA_TAGGING = {"athena:ListTagsForResource", "athena:TagResource", "athena:UntagResource"}


def _only_workgroup_tagging(line: str) -> bool:
    """A RESOURCE_MISMATCH finding about nothing but Athena's tagging actions on other resource types."""
    prefix = "MEDIUM RESOURCE_MISMATCH: "
    if not line.startswith(prefix):
        return False
    mismatches = ast.literal_eval(line[len(prefix) :])
    return all(
        m["action"] in ATHENA_TAGGING and re.search(r":(capacity-reservation|datacatalog)/\*$", m["required_format"])
        for m in mismatches
    )


def test_the_check_sees_a_serious_finding() -> None:
    """The filter above can fail: a bucket-policy grant on every bucket is reported."""
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "*"}]}
    assert findings_at_least(bad, "MEDIUM")
    drop = {"Effect": "Allow", "Action": "glue:DeleteDatabase", "Resource": "arn:aws:glue:*:*:database/x_*"}
    (mismatch,) = findings_at_least({"Version": "2012-10-17", "Statement": [drop]}, "MEDIUM")
    assert not _only_workgroup_tagging(mismatch)


def test_every_invoke_is_mapped_and_granted_to_both_roles(
    deploy_policy: dict[str, Any], preview_policy: dict[str, Any]
) -> None:
    """Invokes run during `pulumi preview` as well as `up` (sources in INVOKE_ACTIONS): both roles need them."""
    assert set(INVOKE_ACTIONS) == set(_invoke_results("ap-northeast-1"))
    for actions in INVOKE_ACTIONS.values():
        for action in actions:
            assert granting(deploy_policy, action) and granting(preview_policy, action), action


def test_the_preview_role_can_change_nothing(preview_policy: dict[str, Any]) -> None:
    """The preview role runs pull request code: it may only read (Describe/Get/List actions)."""
    actions = [a for s in statements(preview_policy) for a in as_list(s["Action"])]
    assert actions and all(re.fullmatch(r"[a-z0-9-]+:(Describe|Get|List)\w*", a) for a in actions), actions


def test_preview_builds_no_image(everything: list[Evaluation]) -> None:
    """pulumi-docker builds an Image during preview only with `buildOnPreview: true` (its default is false:
    pulumi/pulumi-docker provider/provider.go, marshalBuildOnPreview); the program never sets it, so a preview
    needs no Docker engine and no ECR push rights. ECR's GetAuthorizationToken is still needed: the token is an
    invoke (aws.ecr.get_authorization_token_output), and invokes run during preview."""
    images = created(everything, "docker:index/image:Image")
    assert images and all(image.inputs.get("buildOnPreview") in (None, False) for image in images)


def test_adopting_uses_the_policy_files_and_says_what_a_refresh_needs() -> None:
    """ADOPTING.md points at both files, no longer says the image is built during preview, and says what a
    refresh additionally needs (it reads every managed resource)."""
    text = ADOPTING.read_text()
    assert "docs/deploy-role-policies/" in text and "docs/preview-role-policy.json" in text
    for path in DEPLOY_POLICIES:
        assert path.name in text
    assert "built during the preview" not in text
    assert "refresh" in text
    assert "add a `docker/setup-qemu-action` step" not in text


def test_the_policy_rule_table_is_generated_from_the_pack() -> None:
    """ADOPTING's table of policy rules is scripts/doc_sections.py's rendering of policy/rules.py, so a new rule
    cannot be left out of it: every rule the pack enforces has its row."""
    from policy.rules import RULES
    from scripts.doc_sections import ADOPTING as ADOPTING_DOCUMENT
    from scripts.doc_sections import sections

    text = ADOPTING.read_text()
    for name, section in sections(ADOPTING_DOCUMENT).items():
        assert section in text, f"ADOPTING {name} section is stale: run scripts/doc_sections.py --write"
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows if row.split("`")[1] in {r.name for r in RULES}] == [
        rule.name for rule in RULES
    ]


def test_adopting_says_how_to_replace_prods_example_domain_or_use_a_certificate() -> None:
    """settings refuse a domain and a certificateArn together, and prod's stack file commits an example domain: the
    first prod deploy must either replace the domain and zone or remove both and set certificateArn."""
    prod = (PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    first_deploy = ADOPTING.read_text().split("## 5. First deploy", 1)[1].split("\n## ", 1)[0]
    for key in ("domainName", "hostedZoneId"):
        value = re.search(rf"httpd-firelens:{key}: (\S+)", prod)
        assert value is not None and f"`{key}: {value.group(1)}`" in first_deploy
        assert f"pulumi config set {key} " in first_deploy and f"pulumi config rm {key} -s prod" in first_deploy
    assert "pulumi config set certificateArn " in first_deploy
