"""The stack: load validated settings, create the AWS provider and the components, export outputs."""

import pulumi
import pulumi_aws as aws

from components.settings import load_settings

settings = load_settings()

provider = aws.Provider(
    "aws",
    region=settings.region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"project": settings.project, "stack": settings.stack, "managed-by": "pulumi"}
    ),
)
opts = pulumi.ResourceOptions(provider=provider)
group = aws.cloudwatch.LogGroup("test", retention_in_days=settings.archive.log_retention_days, opts=opts)
pulumi.export("logGroup", group.name)
