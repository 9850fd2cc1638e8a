"""The provider's calls for CloudWatch Logs and alarms, EventBridge, Firehose, Glue and Athena.
(The table: offline/provider_calls/__init__.py.)

Each entry's comment names the file it was read from and the functions whose calls it lists; the notes say what
is left out because the program never sets the argument that would call it."""

from offline.provider_calls.model import ProviderCalls

# Group D: CloudWatch Logs, CloudWatch, EventBridge, Firehose, Glue, Athena.
#
# Not determined / uncertain:
# - The exact terraform-provider-aws version inside pulumi-aws 7.x is not known (see ../provider.md section 1).
#   I read the newest versions I could find in the index: the "Copyright IBM Corp. 2014, 2026" versions
#   where one exists. For logs/stream.go, logs/query_definition.go, cloudwatch/dashboard.go, events/target.go,
#   events/rule.go ("2014, 2025") and athena/named_query.go, the newest stored version I could reach is from
#   2025. The index cannot list versions by date.
# - logs/group.go has two 2026 versions in the index. One (stored id 17179702308) adds `force_destroy`
#   (DeleteRetentionPolicy and DescribeLogGroups polling on delete). The other (stored id 5457688977) does not.
#   The program sets neither force_destroy nor deletion_protection_enabled, so its IAM set is the same either way.
# - cloudwatch/metric_alarm.go: one stored version (055611a654738da73e7b1e2b5d2b7672c6d4d531) calls
#   DescribeAlarms before PutMetricAlarm ("already exists" check). The newest 2026 version (stored id
#   53238791901) does not. Either way the action set is the same, because Create also calls DescribeAlarms
#   through Read.
# - Tag-on-create: AWS documents the extra tagging action for CreateLogGroup (logs:TagResource or
#   logs:TagLogGroup), PutMetricAlarm (cloudwatch:TagResource) and CreateDeliveryStream
#   (firehose:TagDeliveryStream), so those are in `create`. I found no AWS statement for EventBridge PutRule,
#   Glue CreateDatabase or Athena CreateWorkGroup. Those TagResource actions are not in `create`, only in
#   `update`. See each entry's notes. Grant them anyway: they are needed for tag updates.
# - iam:PassRole for Firehose: I found no AWS page that says whether CreateDeliveryStream / UpdateDestination
#   check iam:PassRole on the delivery role. See the comment at the end of this file.
# - Lake Formation: if the account uses Lake Formation permissions for the Data Catalog, the Glue calls also
#   need Lake Formation grants (lakeformation:GetDataAccess / LF permissions). Not covered here.
#
# Tag handling (all types with @Tags(identifierAttribute=...)). Source: hashicorp/terraform-provider-aws
# internal/provider/sdkv2/tags_interceptor.go @ 2c53338d0ee302f0b27030251ca3abdcb2ef75d1:
#   Before Create: tags (default_tags merged) go into the Create call (getTagsIn).
#   Before Update: if tags_all changed -> service UpdateTags (Untag*/Tag*).
#   After Create/Read/Update: if the R handler did not set tags -> service ListTags.
#   (None of the tagged types in this group calls setTagsOut in Read, so ListTags always runs.)

ENTRIES: tuple[ProviderCalls, ...] = (
    # Source: hashicorp/terraform-provider-aws internal/service/logs/group.go @ stored id 17179702308 and stored id
    #   5457688977 (both 2026); tags: internal/service/logs/tags_gen.go @ 07e0d0b940f57c782f8fcc9ccfd8b19f59383b51
    # Evidence: resourceGroupCreate -> conn.CreateLogGroup (Tags: getTagsIn), conn.PutRetentionPolicy (retention_in_days
    #   set and class != DELIVERY; RetryWhenAWSErrMessageContains), then resourceGroupRead -> findLogGroupByName ->
    #   listLogGroups (DescribeLogGroups paginator). resourceGroupUpdate -> PutRetentionPolicy / DeleteRetentionPolicy,
    #   PutLogGroupDeletionProtection (+ findLogGroupByName), AssociateKmsKey / DisassociateKmsKey, then Read.
    #   resourceGroupDelete -> DeleteLogGroup (retried on OperationAbortedException); with force_destroy also
    #   DeleteRetentionPolicy + waitLogGroupDeleted (DescribeLogGroups). Tags: listTags = ListTagsForResource,
    #   updateTags = UntagResource / TagResource.
    ProviderCalls(
        type_token="aws:cloudwatch/logGroup:LogGroup",
        source="internal/service/logs/group.go",
        create=(
            "logs:CreateLogGroup",
            "logs:TagResource",
            "logs:PutRetentionPolicy",
            "logs:DescribeLogGroups",
            "logs:ListTagsForResource",
        ),
        read=("logs:DescribeLogGroups", "logs:ListTagsForResource"),
        update=(
            "logs:PutRetentionPolicy",
            "logs:TagResource",
            "logs:UntagResource",
            "logs:DescribeLogGroups",
            "logs:ListTagsForResource",
        ),
        delete=("logs:DeleteLogGroup",),
        notes=(
            "tags: passed in CreateLogGroup (tag-on-create). AWS (CreateLogGroup tags parameter) requires "
            "logs:TagResource "
            "or logs:TagLogGroup for that, so logs:TagResource is in create. After every C/R/U the interceptor calls "
            "ListTagsForResource. Tag changes call TagResource/UntagResource. "
            "retention_in_days is always set here (settings only allow 1..3653), so PutRetentionPolicy runs on create "
            "and "
            "when it changes. DeleteRetentionPolicy runs only when retention is removed (never here). "
            "Left out, arguments not set by this program: kms_key_id (logs:AssociateKmsKey/DisassociateKmsKey on "
            "update; "
            "KMS key policy on create), deletion_protection_enabled (logs:PutLogGroupDeletionProtection + "
            "DescribeLogGroups on update), force_destroy (delete: logs:DeleteRetentionPolicy + logs:DescribeLogGroups "
            "polling; only in one 2026 version), skip_destroy (no delete call)."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/logs/stream.go @ stored id 3808241890 (2025; newest
    # reached)
    # Evidence: resourceStreamCreate -> conn.CreateLogStream, tfresource.RetryWhenNotFound(findLogStreamByTwoPartKey)
    #   (DescribeLogStreams paginator), then resourceStreamRead -> findLogStreamByTwoPartKey (DescribeLogStreams).
    #   No Update (log_group_name, name ForceNew). resourceStreamDelete -> conn.DeleteLogStream. No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/logStream:LogStream",
        source="internal/service/logs/stream.go",
        create=("logs:CreateLogStream", "logs:DescribeLogStreams"),
        read=("logs:DescribeLogStreams",),
        update=(),
        delete=("logs:DeleteLogStream",),
        notes=(
            "Not taggable, no Update (every argument forces replacement). Create polls DescribeLogStreams until the "
            "stream is visible."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/logs/metric_filter.go @ stored id 56359581403 (2026)
    # Evidence: resourceMetricFilterPut (Create and Update) -> conn.PutMetricFilter, then resourceMetricFilterRead ->
    #   findMetricFilterByTwoPartKey -> DescribeMetricFilters paginator (FilterNamePrefix, LogGroupName).
    #   resourceMetricFilterDelete -> conn.DeleteMetricFilter. log_group_name and name ForceNew. No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/logMetricFilter:LogMetricFilter",
        source="internal/service/logs/metric_filter.go",
        create=("logs:PutMetricFilter", "logs:DescribeMetricFilters"),
        read=("logs:DescribeMetricFilters",),
        update=("logs:PutMetricFilter", "logs:DescribeMetricFilters"),
        delete=("logs:DeleteMetricFilter",),
        notes="Not taggable; the pattern and the metric transformation update in place (PutMetricFilter again).",
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/logs/resource_policy.go @
    # 00a35305dc1b297a6fcdecdfbba33f1e63c3da39
    # Evidence: resourceResourcePolicyPut (Create and Update) -> conn.PutResourcePolicy (ExpectedRevisionId on update),
    #   then resourceResourcePolicyRead -> findResourcePolicyByName (policy_scope ACCOUNT) -> findResourcePolicies ->
    #   describeResourcePoliciesPages (DescribeResourcePolicies). resourceResourcePolicyDelete ->
    #   conn.DeleteResourcePolicy
    #   (by PolicyName). No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        source="internal/service/logs/resource_policy.go",
        create=("logs:PutResourcePolicy", "logs:DescribeResourcePolicies"),
        read=("logs:DescribeResourcePolicies",),
        update=("logs:PutResourcePolicy", "logs:DescribeResourcePolicies"),
        delete=("logs:DeleteResourcePolicy",),
        notes=(
            "Account-scoped policy (policy_name set; resource_arn not set), so Read lists DescribeResourcePolicies "
            "without "
            "a ResourceArn filter. Policy updates (policy_document) call PutResourcePolicy again. Not taggable."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go @ stored id 53238791901
    # (2026);
    #   tags: internal/service/cloudwatch/tags_gen.go @ 0413c661ec1b94f3033c98f3fbd1e8c1b2725589
    # Evidence: resourceMetricAlarmCreate -> expandPutMetricAlarmInput (Tags: getTagsIn; Metrics for metric_query) ->
    #   conn.PutMetricAlarm; createTags only when the partition rejects tag-on-create (ISO); then Read ->
    #   findMetricAlarmByName (DescribeAlarms, AlarmTypes=MetricAlarm). Update -> PutMetricAlarm if non-tag changes,
    #   then
    #   Read. Delete -> conn.DeleteAlarms. Tags: ListTagsForResource / TagResource / UntagResource.
    ProviderCalls(
        type_token="aws:cloudwatch/metricAlarm:MetricAlarm",
        source="internal/service/cloudwatch/metric_alarm.go",
        create=(
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:TagResource",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:ListTagsForResource",
        ),
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        update=(
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:ListTagsForResource",
        ),
        delete=("cloudwatch:DeleteAlarms",),
        notes=(
            "Metric-math alarms (metric_query) use the same PutMetricAlarm call. tags: tag-on-create in "
            "PutMetricAlarm. "
            "The AWS API model says 'To be able to associate tags with the alarm when you create the alarm, you must "
            "have "
            "the cloudwatch:TagResource permission', so it is in create. On update, PutMetricAlarm carries the tags "
            "too, but "
            "AWS ignores them there. Tag changes go through TagResource/UntagResource. Alarm actions are SNS topic "
            "ARNs: no "
            "iam:PassRole. An EC2/SSM action would need a service-linked role (not used here)."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/cloudwatch/dashboard.go @
    # 0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff
    # Evidence: resourceDashboardPut (Create and Update) -> conn.PutDashboard, then resourceDashboardRead ->
    #   findDashboardByName (GetDashboard). resourceDashboardDelete -> conn.DeleteDashboards. No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/dashboard:Dashboard",
        source="internal/service/cloudwatch/dashboard.go",
        create=("cloudwatch:PutDashboard", "cloudwatch:GetDashboard"),
        read=("cloudwatch:GetDashboard",),
        update=("cloudwatch:PutDashboard", "cloudwatch:GetDashboard"),
        delete=("cloudwatch:DeleteDashboards",),
        notes=(
            "Not taggable (dashboards are not a taggable CloudWatch resource type). The dashboard ARN is global (no "
            "region)."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/logs/query_definition.go @
    # 0ac6a8e1d84d7dc48f49354deca23f694d2a6431
    # Evidence: resourceQueryDefinitionPut (Create and Update) -> conn.PutQueryDefinition (QueryDefinitionId on update),
    #   then resourceQueryDefinitionRead -> findQueryDefinitionByTwoPartKey -> describeQueryDefinitionsPages
    #   (DescribeQueryDefinitions, QueryDefinitionNamePrefix). Delete -> conn.DeleteQueryDefinition. No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/queryDefinition:QueryDefinition",
        source="internal/service/logs/query_definition.go",
        create=("logs:PutQueryDefinition", "logs:DescribeQueryDefinitions"),
        read=("logs:DescribeQueryDefinitions",),
        update=("logs:PutQueryDefinition", "logs:DescribeQueryDefinitions"),
        delete=("logs:DeleteQueryDefinition",),
        notes="Not taggable. logs:PutQueryDefinition and logs:DescribeQueryDefinitions support only Resource '*'.",
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/events/rule.go @
    # 0cdab4ae09a963535e03dde0bff4784afe8e3517;
    #   tags: internal/service/events/tags_gen.go @ 050ac11163cab8cdae5936a7f40b0e528ff780df
    # Evidence: resourceRuleCreate -> retryPutRule (conn.PutRule, Tags: getTagsIn), tfresource.RetryWhenNotFound
    #   (findRuleByTwoPartKey = DescribeRule), createTags only when the partition rejects tag-on-create, then Read ->
    #   DescribeRule. Update -> retryPutRule with Tags ("For ABAC aws:RequestTag condition") if non-tag changes, then
    #   Read. Delete -> conn.DeleteRule (retried while "Rule can't be deleted since it has targets").
    #   Tags: ListTagsForResource / TagResource / UntagResource.
    ProviderCalls(
        type_token="aws:cloudwatch/eventRule:EventRule",
        source="internal/service/events/rule.go",
        create=("events:PutRule", "events:DescribeRule", "events:ListTagsForResource"),
        read=("events:DescribeRule", "events:ListTagsForResource"),
        update=(
            "events:PutRule",
            "events:TagResource",
            "events:UntagResource",
            "events:DescribeRule",
            "events:ListTagsForResource",
        ),
        delete=("events:DeleteRule",),
        notes=(
            "tags: passed in PutRule on create and update (tag-on-create). I found no AWS statement that PutRule with "
            "Tags "
            "also needs events:TagResource, so create does not list it. Grant it anyway (needed for tag changes). "
            "role_arn on the rule is not set here, so the rule itself needs no iam:PassRole. "
            "The default event bus is used. Delete waits up to 5 min while targets remain (they are separate "
            "resources)."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/events/target.go @
    # 0762c41e2027fcd3cb8340d3e6886c6975fc0a59
    # Evidence: resourceTargetCreate -> expandPutTargetsInput (RoleArn, InputTransformer, RetryPolicy, DeadLetterConfig)
    # ->
    #   conn.PutTargets, then resourceTargetRead -> findTargetByThreePartKey -> listTargetsByRulePages
    #   (ListTargetsByRule).
    #   Update -> PutTargets if anything but force_destroy changed, then Read. Delete -> conn.RemoveTargets. No @Tags.
    ProviderCalls(
        type_token="aws:cloudwatch/eventTarget:EventTarget",
        source="internal/service/events/target.go",
        create=("events:PutTargets", "events:ListTargetsByRule", "iam:PassRole"),
        read=("events:ListTargetsByRule",),
        update=("events:PutTargets", "events:ListTargetsByRule", "iam:PassRole"),
        delete=("events:RemoveTargets",),
        notes=(
            "iam:PassRole only for the Firehose target, which sets role_arn (iam:PassedToService = "
            "events.amazonaws.com). "
            "The CloudWatch Logs, SNS and SQS (dead-letter) targets use no role. EventBridge reaches them through "
            "resource policies (LogResourcePolicy, the topic policy, QueuePolicy), not through caller IAM. "
            "input_transformer, retry_policy and dead_letter_config are fields of the same PutTargets call. "
            "Not taggable. Target-service actions (firehose:PutRecord*) belong to the target role, not to the deployer."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/firehose/delivery_stream.go @
    # 010f59d62c238b5bd48d369e751b415d8ccd0ca6
    #   (2026); tags: internal/service/firehose/tags_gen.go @ 01f431114674c27cf790fafb67ac274bf8f765e1
    # Evidence: resourceDeliveryStreamCreate -> retryDeliveryStreamOp(conn.CreateDeliveryStream, Tags: getTagsIn,
    #   DeliveryStreamType DirectPut, ExtendedS3DestinationConfiguration or HttpEndpointDestinationConfiguration) ->
    #   waitDeliveryStreamCreated (statusDeliveryStream -> findDeliveryStreamByName = DescribeDeliveryStream, until
    #   ACTIVE) -> server_side_encryption enabled: conn.StartDeliveryStreamEncryption +
    #   waitDeliveryStreamEncryptionEnabled
    #   (DescribeDeliveryStream) -> Read (DescribeDeliveryStream). Update -> UpdateDestination (non-tag changes);
    #   server_side_encryption change -> Stop/StartDeliveryStreamEncryption + waiters; then Read. Delete ->
    #   DeleteDeliveryStream + waitDeliveryStreamDeleted (DescribeDeliveryStream). @Tags(identifierAttribute="name"):
    #   ListTagsForDeliveryStream / TagDeliveryStream / UntagDeliveryStream.
    ProviderCalls(
        type_token="aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        source="internal/service/firehose/delivery_stream.go",
        create=(
            "firehose:CreateDeliveryStream",
            "firehose:TagDeliveryStream",
            "firehose:DescribeDeliveryStream",
            "firehose:StartDeliveryStreamEncryption",
            "firehose:ListTagsForDeliveryStream",
            "iam:PassRole",
        ),
        read=("firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream"),
        update=(
            "firehose:UpdateDestination",
            "firehose:StartDeliveryStreamEncryption",
            "firehose:StopDeliveryStreamEncryption",
            "firehose:TagDeliveryStream",
            "firehose:UntagDeliveryStream",
            "firehose:DescribeDeliveryStream",
            "firehose:ListTagsForDeliveryStream",
            "iam:PassRole",
        ),
        delete=("firehose:DeleteDeliveryStream", "firehose:DescribeDeliveryStream"),
        notes=(
            "tags: tag-on-create in CreateDeliveryStream. AWS (CreateDeliveryStream Tags) 'performs an additional "
            "authorization on the firehose:TagDeliveryStream action', so it is in create. Tags are listed by stream "
            "name. "
            "SSE (enabled=true, key_type AWS_OWNED_CMK): StartDeliveryStreamEncryption + DescribeDeliveryStream "
            "polling on "
            "create. On update, Start/StopDeliveryStreamEncryption run only when server_side_encryption changes (Stop "
            "only "
            "if it were disabled, which this program never does). With CUSTOMER_MANAGED_CMK (not used) KMS grant "
            "permissions would be needed. Create and delete waiters poll DescribeDeliveryStream (timeouts 30 min). "
            "UpdateDestination runs for any non-tag change (both extended_s3 and http_endpoint destinations). "
            "CloudWatch logging options (log group/stream) are only names in the request: no logs:* call by the "
            "provider. "
            "iam:PassRole: role_arn of the extended_s3 / http_endpoint (+ its s3_configuration) destination, "
            "PassedToService firehose.amazonaws.com. Whether Firehose enforces it is not confirmed (see end of file). "
            "The ProcessingConfiguration (AppendDelimiterToRecord) needs no extra permission."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/glue/catalog_database.go @ stored id 52367535306 (2026);
    #   tags: internal/service/glue/tags_gen.go @ 0e1ac49ac83fa1a33abf61a5988dbbfb372370b5 (API names: GetTags,
    #   TagResource, UntagResource)
    # Evidence: resourceCatalogDatabaseCreate -> conn.CreateDatabase (Tags: getTagsIn), then Read ->
    #   findDatabaseByTwoPartKey (GetDatabase); ARN computed locally (databaseARN). Update -> UpdateDatabase if non-tag
    #   changes, then Read. Delete -> conn.DeleteDatabase.
    ProviderCalls(
        type_token="aws:glue/catalogDatabase:CatalogDatabase",
        source="internal/service/glue/catalog_database.go",
        create=("glue:CreateDatabase", "glue:GetDatabase", "glue:GetTags"),
        read=("glue:GetDatabase", "glue:GetTags"),
        update=(
            "glue:UpdateDatabase",
            "glue:TagResource",
            "glue:UntagResource",
            "glue:GetDatabase",
            "glue:GetTags",
        ),
        delete=("glue:DeleteDatabase",),
        notes=(
            "tags: tag-on-create in CreateDatabase. I found no AWS statement that this also needs glue:TagResource "
            "(not "
            "in create, grant it anyway). Tags are read with GetTags on the database ARN. Glue actions on a database "
            "usually need the catalog ARN (arn:...:catalog) and the database ARN as resources. DeleteDatabase also "
            "deletes the database's tables (AWS side). With Lake Formation permissions enabled, LF grants are also "
            "needed. "
            "create_table_default_permission / target_database / federated_database are not set."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/glue/catalog_table.go @
    # 004debd4b86bc468e9f6d3c1208ed435a0afb873
    #   (stored id 63042449934, 2026); findPartitionIndexes: stored id 51941580204 (GetPartitionIndexes paginator)
    # Evidence: resourceCatalogTableCreate -> conn.CreateTable (TableInput; PartitionIndexes only with partition_index);
    #   waitTableViewSucceeded (GetTable) only for TableType VIRTUAL_VIEW; then Read -> findTableByThreePartKey
    #   (GetTable)
    #   + findPartitionIndexes (GetPartitionIndexes). Update -> findTableByThreePartKey (GetTable, "Add back any managed
    #   parameters") + conn.UpdateTable, then Read. Delete -> conn.DeleteTable. ARN computed locally. No @Tags.
    ProviderCalls(
        type_token="aws:glue/catalogTable:CatalogTable",
        source="internal/service/glue/catalog_table.go",
        create=("glue:CreateTable", "glue:GetTable", "glue:GetPartitionIndexes"),
        read=("glue:GetTable", "glue:GetPartitionIndexes"),
        update=("glue:GetTable", "glue:UpdateTable", "glue:GetPartitionIndexes"),
        delete=("glue:DeleteTable",),
        notes=(
            "table_type EXTERNAL_TABLE (not VIRTUAL_VIEW), so there is no view waiter. partition_index is not set "
            "(partition_keys is). Not taggable. Glue table actions need catalog, database and table ARNs as resources. "
            "With Lake Formation permissions enabled, LF grants are also needed."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/athena/workgroup.go @ stored id 4704910919 (2026);
    #   tags: internal/service/athena/tags_gen.go @ 050ac11163cab8cdae5936a7f40b0e528ff780df
    # Evidence: resourceWorkGroupCreate -> conn.CreateWorkGroup (Tags: getTagsIn; retried on "Make sure that
    #   athena.amazonaws.com has been allowed for sts:AssumeRole"), UpdateWorkGroup only when state = DISABLED, then
    #   Read
    #   -> findWorkGroupByName (GetWorkGroup); ARN computed locally. Update -> UpdateWorkGroup if non-tag changes, then
    #   Read. Delete -> conn.DeleteWorkGroup (RecursiveDeleteOption = force_destroy). Tags: ListTagsForResource /
    #   TagResource / UntagResource.
    ProviderCalls(
        type_token="aws:athena/workgroup:Workgroup",
        source="internal/service/athena/workgroup.go",
        create=("athena:CreateWorkGroup", "athena:GetWorkGroup", "athena:ListTagsForResource"),
        read=("athena:GetWorkGroup", "athena:ListTagsForResource"),
        update=(
            "athena:UpdateWorkGroup",
            "athena:TagResource",
            "athena:UntagResource",
            "athena:GetWorkGroup",
            "athena:ListTagsForResource",
        ),
        delete=("athena:DeleteWorkGroup",),
        notes=(
            "state=ENABLED, so Create makes no UpdateWorkGroup call (it would for DISABLED). force_destroy is only the "
            "RecursiveDeleteOption flag of DeleteWorkGroup (deletes the named queries with it): no extra call. "
            "tags: tag-on-create in CreateWorkGroup. I found no AWS statement that this also needs athena:TagResource "
            "(not in create, grant it anyway). execution_role is not set, so there is no iam:PassRole. SSE_KMS result "
            "encryption (when archiveKmsKeyArn is set) is only configuration: the provider makes no KMS call."
        ),
    ),
    # Source: hashicorp/terraform-provider-aws internal/service/athena/named_query.go @
    # 088e0878080a74fcf1e35d901992372e4c041214
    # Evidence: resourceNamedQueryCreate -> conn.CreateNamedQuery (WorkGroup, Database), then Read -> findNamedQueryByID
    #   (GetNamedQuery). No Update (all ForceNew). Delete -> conn.DeleteNamedQuery. No @Tags.
    ProviderCalls(
        type_token="aws:athena/namedQuery:NamedQuery",
        source="internal/service/athena/named_query.go",
        create=("athena:CreateNamedQuery", "athena:GetNamedQuery"),
        read=("athena:GetNamedQuery",),
        update=(),
        delete=("athena:DeleteNamedQuery",),
        notes=(
            "Not taggable. No Update (every argument forces replacement). The actions are scoped to the workgroup ARN."
        ),
    ),
)


# iam:PassRole in this group (iam:PassedToService values):
# - aws:cloudwatch/eventTarget:EventTarget, role_arn (the "to-archive" target to the Firehose stream):
#     calls events:PutTargets (create, update). iam:PassRole on that role, iam:PassedToService = "events.amazonaws.com".
#     The other targets (CloudWatch Logs group, SNS topic) and the SQS dead-letter queue use no role, so no PassRole.
# - aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream, extended_s3_configuration.role_arn or
#     http_endpoint_configuration.role_arn plus http_endpoint_configuration.s3_configuration.role_arn (the same role):
#     calls firehose:CreateDeliveryStream (create) and firehose:UpdateDestination (update).
#     iam:PassRole on that role, iam:PassedToService = "firehose.amazonaws.com".
#     UNCERTAIN: I found no AWS document saying whether Firehose checks iam:PassRole. Granting it, scoped to the role
#     and this PassedToService, is harmless. Whether it is required was not determined.
# - No PassRole in this group for: LogGroup, LogStream, LogResourcePolicy, MetricAlarm (SNS actions),
#     Dashboard, QueryDefinition, EventRule (role_arn not set), CatalogDatabase, CatalogTable,
#     Athena Workgroup (configuration.execution_role not set) and NamedQuery.
