"""The stack: load validated settings, create the AWS provider and the components, export outputs.

Wiring only. Every value comes from `components.settings` (validated before anything is created); every
resource lives in a component under `components/`.
"""

import pulumi
import pulumi_aws as aws

from components.alerts import Alerts, AlertsArgs
from components.archive_queries import ArchiveQueries, ArchiveQueriesArgs, ArchiveSource, database_name
from components.archive_tables import APP_LOG_TABLE, TASK_STOP_TABLE
from components.dashboard import PipelineDashboard, PipelineDashboardArgs
from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.log_archive import LogArchive, LogArchiveArgs
from components.log_router_image import LogRouterImage, LogRouterImageArgs
from components.network import Network, NetworkArgs
from components.pipeline_alarms import PipelineAlarms, PipelineAlarmsArgs, WatchedDeliveryStream, WatchedRule
from components.service import HttpdService, HttpdServiceArgs
from components.settings import load_settings
from components.task_stop_capture import TaskStopCapture, TaskStopCaptureArgs

settings = load_settings()

provider = aws.Provider(
    "aws",
    region=settings.region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"project": settings.project, "stack": settings.stack, "managed-by": "pulumi"}
    ),
)
opts = pulumi.ResourceOptions(provider=provider)

network = Network("network", NetworkArgs(settings.network), opts)

# Every archive holds one record per line. Fluent Bit's kinesis_firehose output ends each record with a newline;
# EventBridge ends none, so the stop archive appends one, except with a partner: its S3 backup keeps records as
# they came in, so the stop rule's target appends the newline instead.
app_archive = LogArchive(
    "app-log-archive",
    LogArchiveArgs(s3_prefix="app-logs/", settings=settings.archive, records_end_with_newline=True),
    opts,
)
stop_events_end_with_newline = settings.stop_capture.partner is not None
stop_archive = LogArchive(
    "task-stop-archive",
    LogArchiveArgs(
        s3_prefix="ecs-task-stop-log/",
        settings=settings.archive,
        partner=settings.stop_capture.partner,
        records_end_with_newline=stop_events_end_with_newline,
    ),
    opts,
)

router_image = LogRouterImage(
    "log-router",
    LogRouterImageArgs(
        fluent_bit_version=settings.service.fluent_bit_version,
        cpu_architecture=settings.service.cpu_architecture,
        force_delete=settings.archive.force_destroy,
    ),
    opts,
)

load_balancer = LoadBalancer(
    "web",
    LoadBalancerArgs(
        vpc_id=network.vpc_id,
        vpc_cidr=network.vpc_cidr_block,
        subnet_ids=network.public_subnet_ids,
        settings=settings.load_balancer,
        app_port=settings.service.app_port,
        access_log_expiration_days=settings.archive.expiration_days,
        force_destroy=settings.archive.force_destroy,
        protect=settings.archive.protect,
    ),
    opts,
)

service = HttpdService(
    "httpd",
    HttpdServiceArgs(
        settings=settings.service,
        region=settings.region,
        vpc_id=network.vpc_id,
        subnet_ids=network.task_subnet_ids,
        assign_public_ip=network.assign_public_ip,
        alb_security_group_id=load_balancer.security_group_id,
        target_group_arn=load_balancer.target_group_arn,
        scaling_resource_label=load_balancer.scaling_resource_label,
        log_router_image=router_image.image_ref,
        delivery_stream_name=app_archive.delivery_stream_name,
        delivery_stream_arn=app_archive.delivery_stream_arn,
        log_retention_days=settings.archive.log_retention_days,
        protect=settings.archive.protect,
        log_router_repository_arn=router_image.repository_arn,
        load_balancer_dependencies=[load_balancer],
    ),
    opts,
)

alerts = Alerts("alerts", AlertsArgs(email=settings.stop_capture.alert_email), opts)

task_stops = TaskStopCapture(
    "task-stops",
    TaskStopCaptureArgs(
        cluster_arn=service.cluster_arn,
        scope=settings.stop_capture.scope,
        capture_all_task_states=settings.stop_capture.capture_all_task_states,
        delivery_stream_arn=stop_archive.delivery_stream_arn,
        alert_topic_arn=alerts.topic_arn,
        log_retention_days=settings.archive.log_retention_days,
        protect=settings.archive.protect,
        archive_events_end_with_newline=stop_events_end_with_newline,
    ),
    opts,
)

watched_streams = [
    WatchedDeliveryStream("app-logs", app_archive.delivery_stream_name, app_archive.http_endpoint),
    WatchedDeliveryStream("task-stops", stop_archive.delivery_stream_name, stop_archive.http_endpoint),
]
container_insights = settings.service.container_insights != "disabled"
PipelineAlarms(
    "pipeline-alarms",
    PipelineAlarmsArgs(
        settings=settings.alarms,
        alert_topic_arn=alerts.topic_arn,
        delivery_streams=watched_streams,
        rules=[WatchedRule(f"{role}-rule", rule_name) for role, rule_name in task_stops.rule_names.items()],
        dead_letter_queue_name=task_stops.dead_letter_queue_name,
        cluster_name=service.cluster_name,
        service_name=service.service_name,
        load_balancer_arn_suffix=load_balancer.load_balancer_arn_suffix,
        target_group_arn_suffix=load_balancer.target_group_arn_suffix,
        container_insights=container_insights,
        min_task_count=settings.service.min_count,
    ),
    opts,
)
dashboard = None
if settings.alarms.dashboard:
    dashboard = PipelineDashboard(
        "pipeline",
        PipelineDashboardArgs(
            region=settings.region,
            load_balancer_arn_suffix=load_balancer.load_balancer_arn_suffix,
            target_group_arn_suffix=load_balancer.target_group_arn_suffix,
            cluster_name=service.cluster_name,
            service_name=service.service_name,
            delivery_streams=watched_streams,
            task_stop_log_group_name=task_stops.log_group_name,
            dead_letter_queue_name=task_stops.dead_letter_queue_name,
            container_insights=container_insights,
        ),
        opts,
    )

archive_queries = ArchiveQueries(
    "archive-queries",
    ArchiveQueriesArgs(
        database_name=database_name(settings.project, settings.stack),
        sources=[
            ArchiveSource(APP_LOG_TABLE, app_archive.bucket_name, app_archive.bucket_arn, app_archive.s3_prefix),
            ArchiveSource(TASK_STOP_TABLE, stop_archive.bucket_name, stop_archive.bucket_arn, stop_archive.s3_prefix),
        ],
        bytes_scanned_cutoff_mib=settings.queries.bytes_scanned_cutoff_mib,
        kms_key_arn=settings.archive.kms_key_arn,
        force_destroy=settings.archive.force_destroy,
        protect=settings.archive.protect,
    ),
    opts,
)

pulumi.export("region", settings.region)
pulumi.export("serviceUrl", load_balancer.url)
pulumi.export("albDnsName", load_balancer.dns_name)
pulumi.export("clusterName", service.cluster_name)
pulumi.export("serviceName", service.service_name)
pulumi.export("appLogGroup", service.app_log_group_name)
pulumi.export("logRouterLogGroup", service.router_log_group_name)
pulumi.export("appArchiveBucket", app_archive.bucket_name)
pulumi.export("appDeliveryStream", app_archive.delivery_stream_name)
pulumi.export("appDeliveryErrorLogGroup", app_archive.error_log_group_name)
pulumi.export("taskStopArchiveBucket", stop_archive.bucket_name)
pulumi.export("taskStopDeliveryStream", stop_archive.delivery_stream_name)
pulumi.export("taskStopLogGroup", task_stops.log_group_name)
pulumi.export("taskStopDeadLetterQueueUrl", task_stops.dead_letter_queue_url)
pulumi.export("alertTopicArn", alerts.topic_arn)
pulumi.export("logRouterImage", router_image.image_ref)
pulumi.export("albAccessLogBucket", load_balancer.access_log_bucket_name)
pulumi.export("athenaWorkgroup", archive_queries.workgroup_name)
pulumi.export("athenaDatabase", archive_queries.database_name)
pulumi.export("athenaResultsBucket", archive_queries.results_bucket_name)
pulumi.export("archiveReaderPolicyArn", archive_queries.reader_policy_arn)
if dashboard is not None:
    pulumi.export("dashboardUrl", dashboard.url)
