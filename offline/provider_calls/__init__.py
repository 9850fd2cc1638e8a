"""What the provider calls for each resource type the program can create, as IAM actions: the table the deploy
role is generated from (offline/deploy_policy.py).

pulumi-aws 7.x bridges hashicorp/terraform-provider-aws: each entry names the Terraform resource's source file
(`internal/service/<service>/<resource>.go`) its actions were read from, per operation:
- create: the Create function and the Read it returns through (a Create ends with a Read), its waiters;
- read: the Read function (`pulumi refresh`, and the state after every update);
- update: the Update function and its Read;
- delete: the Delete function, its finders and waiters.
Tag calls are included: the stack's provider sets default tags, so every taggable resource is tagged on create and
its tags read back (internal/provider/sdkv2/tags_interceptor.go). Action names are the Service Authorization
Reference's (a test checks each exists there); the actions an action depends on there (e.g. ec2:CreateTags for a
create with tag specifications) are added by the generator. The files were read at the newest versions the
stored copy of the provider holds (2024 to 2026); which upstream version pulumi-aws 7.51.1 pins could not be read
here (its repository is too large to fetch). It is v6.66.0 or later: its SDK has aws:msk/channel:Channel, whose
upstream resource v6.66.0 added (tests/offline/test_deploy_policy.py). So a real deploy remains the final check:
`ops verify` and the deploy's own AccessDenied name any action missing.
"""

from __future__ import annotations

from offline.provider_calls import compute_and_edge, logs_and_queries, network, storage_and_messaging
from offline.provider_calls.model import ProviderCalls

PROVIDER_CALLS: dict[str, ProviderCalls] = {
    entry.type_token: entry
    for module in (storage_and_messaging, network, compute_and_edge, logs_and_queries)
    for entry in module.ENTRIES
}

# The service-linked role a resource type's first creation in a fresh account makes with the caller's permissions
# (iam:CreateServiceLinkedRole, granted for exactly these services): without it the role is not created and the
# deploy fails ("Unable to assume the service linked role. Please verify that the ECS service linked role exists",
# aws-samples/baseline-environment-on-aws issue 238). ECS: CreateCluster API reference ("Amazon ECS attempts to create
# the Amazon ECS service-linked role ... if the user that makes the call doesn't have permissions to create the
# service-linked role, it isn't created"); ELB: elb-service-linked-roles.html (created "when you create a load
# balancer or a target group"); Application Auto Scaling: application-auto-scaling-service-linked-roles.html
# (AWSServiceRoleForApplicationAutoScaling_ECSService); WAF: PutLoggingConfiguration ("AWS WAF will create a service
# linked role"), using-service-linked-roles.html (AWSServiceRoleForWAFV2Logging trusts wafv2.amazonaws.com).
SERVICE_LINKED_ROLES: dict[str, str] = {
    "aws:ecs/cluster:Cluster": "ecs.amazonaws.com",
    "aws:lb/loadBalancer:LoadBalancer": "elasticloadbalancing.amazonaws.com",
    "aws:lb/targetGroup:TargetGroup": "elasticloadbalancing.amazonaws.com",
    "aws:appautoscaling/target:Target": "ecs.application-autoscaling.amazonaws.com",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "wafv2.amazonaws.com",
}

# Resources outside the program that a resource type acts on, named by an input: (input, service, the Service
# Authorization Reference's resource type, the placeholder the input's value fills). A record changes its hosted zone.
REFERENCED_BY_INPUT: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "aws:route53/record:Record": (("zoneId", "route53", "hostedzone", "Id"),),
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
    # settings check that the roles' permissions boundary exists (data source aws_iam_policy: GetPolicy).
    "aws:iam/getPolicy:getPolicy": ("iam:GetPolicy",),
}

__all__ = ["INVOKE_ACTIONS", "PROVIDER_CALLS", "REFERENCED_BY_INPUT", "SERVICE_LINKED_ROLES", "ProviderCalls"]
