"""The stack: load validated settings, create the AWS provider and the components, export outputs.

Wiring only. Every value comes from `components.settings` (validated before anything is created); every
resource lives in a component under `components/`.
"""

import dataclasses

import pulumi
import pulumi_aws as aws

from components import service as httpd
from components.alerts import Alerts, AlertsArgs
from components.archive_queries import ArchiveQueries, ArchiveQueriesArgs, ArchiveSource, database_name
from components.archive_tables import APP_LOG_TABLE, TASK_STOP_TABLE
from components.certificate import DnsValidatedCertificate, DnsValidatedCertificateArgs
from components.cluster import EcsCluster, EcsClusterArgs
from components.dashboard import DashboardService, PipelineDashboard, PipelineDashboardArgs
from components.firelens_service import (
    AlarmThresholds,
    FirelensService,
    FirelensServiceArgs,
    ListenerAttachment,
    LogRouter,
    TaskNetwork,
)
from components.flow_logs import VpcFlowLogs, VpcFlowLogsArgs
from components.load_balancer import DomainAlias, LoadBalancer, LoadBalancerArgs
from components.log_archive import LogArchive, LogArchiveArgs
from components.log_router_image import LogRouterImage, LogRouterImageArgs
from components.network import Network, NetworkArgs
from components.pipeline_alarms import PipelineAlarms, PipelineAlarmsArgs, WatchedDeliveryStream, WatchedRule
from components.service_alarms import CHILD_LABELS as SERVICE_ALARM_LABELS
from components.service_entries import ServiceSpec
from components.settings import load_settings
from components.task_stop_capture import TaskStopCapture, TaskStopCaptureArgs
from components.web_firewall import WebFirewall, WebFirewallArgs

settings = load_settings()

provider = aws.Provider(
    "aws",
    region=settings.region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"project": settings.project, "stack": settings.stack, "managed-by": "pulumi"}
    ),
)
opts = pulumi.ResourceOptions(provider=provider)

network = Network(
    "network",
    NetworkArgs(
        vpc_cidr=settings.network.vpc_cidr,
        availability_zones=settings.network.availability_zones,
        nat_gateways=settings.network.nat_gateways,
    ),
    opts,
)
flow_logs = None
if settings.network.flow_logs:
    flow_logs = VpcFlowLogs(
        "network-flow-logs",
        VpcFlowLogsArgs(
            vpc_id=network.vpc_id,
            expiration_days=settings.archive.expiration_days,
            noncurrent_version_expiration_days=settings.archive.noncurrent_version_days,
            force_destroy=settings.archive.force_destroy,
            protect=settings.archive.protect,
        ),
        opts,
    )

# Every archive holds one record per line. Fluent Bit's kinesis_firehose output ends each record with a newline;
# EventBridge ends none, so the stop archive appends one, except with a partner: its S3 backup keeps records as
# they came in, so the stop rule's target appends the newline instead.
archive = settings.archive
app_archive_args = LogArchiveArgs(
    s3_prefix="app-logs/",
    log_retention_days=archive.log_retention_days,
    expiration_days=archive.expiration_days,
    buffer_size_mib=archive.buffer_size_mib,
    buffer_interval_seconds=archive.buffer_interval_seconds,
    kms_key_arn=archive.kms_key_arn,
    force_destroy=archive.force_destroy,
    protect=archive.protect,
    noncurrent_version_expiration_days=archive.noncurrent_version_days,
    object_lock_days=archive.object_lock_days,
    records_end_with_newline=True,
    role_permissions_boundary=settings.role_permissions_boundary_arn,
)
app_archive = LogArchive("app-log-archive", app_archive_args, opts)
stop_events_end_with_newline = settings.stop_capture.partner is not None
stop_archive = LogArchive(
    "task-stop-archive",
    dataclasses.replace(
        app_archive_args,
        s3_prefix="ecs-task-stop-log/",
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
        force_destroy=settings.archive.force_destroy,
    ),
    opts,
)

alerts = Alerts("alerts", AlertsArgs(email=settings.stop_capture.alert_email), opts)

# HTTPS: a certificate the user manages (certificateArn), or one the stack requests for domainName and validates
# through Route 53; without either, plain HTTP only on purpose (allowPlainHttp).
domain = settings.load_balancer.domain
certificate_arn: pulumi.Input[str] | None = settings.load_balancer.certificate_arn
if domain is not None:
    certificate_arn = DnsValidatedCertificate(
        "web-cert", DnsValidatedCertificateArgs(domain_name=domain.name, hosted_zone_id=domain.hosted_zone_id), opts
    ).certificate_arn
load_balancer = LoadBalancer(
    "web",
    LoadBalancerArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.public_subnet_ids,
        access_log_expiration_days=settings.archive.expiration_days,
        access_log_noncurrent_days=settings.archive.noncurrent_version_days,
        ingress_cidrs=settings.load_balancer.ingress_cidrs,
        certificate_arn=certificate_arn,
        allow_plain_http=settings.load_balancer.allow_plain_http,
        domain=None if domain is None else DomainAlias(domain.name, domain.hosted_zone_id),
        deletion_protection=settings.load_balancer.deletion_protection,
        force_destroy=settings.archive.force_destroy,
        protect=settings.archive.protect,
    ),
    opts,
)

# The WAF, its logs archived like every other log; WAF writes one JSON record per line (tests/test_web_firewall.py).
waf = settings.load_balancer.waf
waf_archive: LogArchive | None = None
web_firewall: WebFirewall | None = None
if waf is not None:
    waf_archive = LogArchive(
        "waf-log-archive",
        dataclasses.replace(
            app_archive_args,
            s3_prefix="waf-logs/",
            delivery_stream_name=waf.log_stream_name,
            records_end_with_newline=True,
        ),
        opts,
    )
    web_firewall = WebFirewall(
        "waf",
        WebFirewallArgs(
            load_balancer_arn=load_balancer.load_balancer_arn,
            log_delivery_stream_name=waf.log_stream_name,
            log_delivery_stream_arn=waf_archive.delivery_stream_arn,
            metric_prefix=settings.name_prefix,
            rate_limit=waf.rate_limit,
        ),
        opts,
    )

# Where today's stacks have the resources that moved into the cluster and service components (pulumi aliases).
HTTPD_SERVICE_BEFORE = pulumi.create_urn("httpd", "httpd-firelens:service:HttpdService")
LOAD_BALANCER = pulumi.create_urn("web", "httpd-firelens:loadbalancer:LoadBalancer")
PIPELINE_ALARMS = pulumi.create_urn("pipeline-alarms", "httpd-firelens:monitoring:PipelineAlarms")
cluster = EcsCluster(
    "httpd",
    EcsClusterArgs(
        container_insights=settings.service.container_insights,
        moved_from={"cluster": pulumi.Alias(parent=HTTPD_SERVICE_BEFORE)},
    ),
    opts,
)

container_insights = settings.service.container_insights != "disabled"
# What every service behind the ALB shares: its tasks' network, the listener, the log router and where it delivers,
# the alert topic and thresholds.
tasks = TaskNetwork(network.vpc_id, network.task_subnet_ids, network.assign_public_ip)
listener = ListenerAttachment(
    listener_arn=load_balancer.listener_arn,
    load_balancer_security_group_id=load_balancer.security_group_id,
    load_balancer_arn_suffix=load_balancer.load_balancer_arn_suffix,
)
log_router = LogRouter(
    image=router_image.image_ref,
    repository_arn=router_image.repository_arn,
    delivery_stream_name=app_archive.delivery_stream_name,
    delivery_stream_arn=app_archive.delivery_stream_arn,
    memory_reservation_mib=settings.service.log_router_memory_mib,
)
alarm_thresholds = AlarmThresholds(
    topic_arn=alerts.topic_arn,
    evaluation_minutes=settings.alarms.evaluation_minutes,
    target_5xx_per_minute=settings.alarms.target_5xx_per_minute,
)
# Today's httpd target group and the ALB's egress rule to its tasks were the load balancer's, its alarms the pipeline
# alarms', and the service an HttpdService: httpd keeps those resources through aliases.
HTTPD_MOVED_FROM = {
    "tg": pulumi.Alias(name="web-tg", parent=LOAD_BALANCER),
    "alb-egress": pulumi.Alias(name="web-sg-out-app", parent=LOAD_BALANCER),
    **{
        f"alarms-{label}": pulumi.Alias(name=f"pipeline-alarms-{label}", parent=PIPELINE_ALARMS)
        for label in SERVICE_ALARM_LABELS
    },
}


def firelens_service(spec: ServiceSpec) -> FirelensService:
    """One entry of `services` on what every service shares, with the stack's choices."""
    httpd_before = spec.name == httpd.APP_CONTAINER
    return FirelensService(
        spec.name,
        FirelensServiceArgs(
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            network=tasks,
            listener=listener,
            app=spec.app,
            route=spec.route,
            scaling=spec.scaling,
            log_router=log_router,
            alarms=alarm_thresholds,
            container_insights=container_insights,
            log_retention_days=settings.archive.log_retention_days,
            protect=settings.archive.protect,
            role_permissions_boundary=settings.role_permissions_boundary_arn,
            router_log_group_prefix="log-router-" if httpd_before else None,  # the name httpd's group has
            moved_from=HTTPD_MOVED_FROM if httpd_before else {},
        ),
        pulumi.ResourceOptions(
            provider=provider,
            aliases=[pulumi.Alias(type_="httpd-firelens:service:HttpdService")] if httpd_before else None,
        ),
    )


services = {spec.name: firelens_service(spec) for spec in settings.service.services}

# With a certificate, HTTP redirects to HTTPS once every service's rule is on the HTTPS listener.
if settings.load_balancer.https:
    load_balancer.redirect_http_to_https(after=[s.listener_rule for s in services.values()])

task_stops = TaskStopCapture(
    "task-stops",
    TaskStopCaptureArgs(
        cluster_arn=cluster.arn,
        scope=settings.stop_capture.scope,
        capture_all_task_states=settings.stop_capture.capture_all_task_states,
        delivery_stream_arn=stop_archive.delivery_stream_arn,
        alert_topic_arn=alerts.topic_arn,
        log_retention_days=settings.archive.log_retention_days,
        protect=settings.archive.protect,
        archive_events_end_with_newline=stop_events_end_with_newline,
        role_permissions_boundary=settings.role_permissions_boundary_arn,
    ),
    opts,
)

watched_streams = [
    WatchedDeliveryStream("app-logs", app_archive.delivery_stream_name, app_archive.http_endpoint),
    WatchedDeliveryStream("task-stops", stop_archive.delivery_stream_name, stop_archive.http_endpoint),
]
if waf_archive is not None:
    watched_streams.append(
        WatchedDeliveryStream("waf-logs", waf_archive.delivery_stream_name, waf_archive.http_endpoint)
    )
PipelineAlarms(
    "pipeline-alarms",
    PipelineAlarmsArgs(
        alert_topic_arn=alerts.topic_arn,
        delivery_streams=watched_streams,
        rules=[WatchedRule(f"{label}-rule", rule_name) for label, rule_name in task_stops.rule_names.items()],
        dead_letter_queue_name=task_stops.dead_letter_queue_name,
        delivery_freshness_seconds=settings.alarms.delivery_freshness_seconds,
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
            services=[
                DashboardService(label, cluster.name, s.service_name, s.target_group_arn_suffix)
                for label, s in services.items()
            ],
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
        noncurrent_version_expiration_days=settings.archive.noncurrent_version_days,
        kms_key_arn=settings.archive.kms_key_arn,
        force_destroy=settings.archive.force_destroy,
        protect=settings.archive.protect,
    ),
    opts,
)

pulumi.export("region", settings.region)
pulumi.export("serviceUrl", load_balancer.url)
pulumi.export("albDnsName", load_balancer.dns_name)
pulumi.export("clusterName", cluster.name)
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
if flow_logs is not None:
    pulumi.export("flowLogBucket", flow_logs.bucket_name)
if web_firewall is not None and waf_archive is not None:
    pulumi.export("webAclArn", web_firewall.web_acl_arn)
    pulumi.export("wafLogArchiveBucket", waf_archive.bucket_name)
    pulumi.export("wafLogDeliveryStream", waf_archive.delivery_stream_name)

# What `python -m ops verify` checks after a deploy (and what an operator looks up): each service, each archive.
pulumi.export(
    "services",
    {
        label: {
            "url": pulumi.Output.concat(load_balancer.url, s.url_path),
            "priority": s.route.priority,
            "paths": list(s.route.path_patterns),
            "hosts": list(s.route.host_headers),
            "clusterName": cluster.name,
            "serviceName": s.service_name,
            "taskDefinitionArn": s.task_definition_arn,
            "healthCheckPath": s.health_check.path,
            "healthCheckMatcher": s.health_check.matcher,
            "appLogGroup": s.app_log_group_name,
            "logRouterLogGroup": s.router_log_group_name,
            "targetGroupArn": s.target_group_arn,
        }
        for label, s in services.items()
    },
)
archives: dict[str, tuple[LogArchive, str | None]] = {
    "appLogs": (app_archive, APP_LOG_TABLE.name),
    "taskStops": (stop_archive, TASK_STOP_TABLE.name),
}
if waf_archive is not None:
    archives["wafLogs"] = (waf_archive, None)
pulumi.export(
    "archives",
    {
        label: {
            "bucket": a.bucket_name,
            "prefix": a.s3_prefix,
            "deliveryStream": a.delivery_stream_name,
            "deliveryErrorLogGroup": a.error_log_group_name,
            "bufferIntervalSeconds": a.buffer_interval_seconds,
            **({"table": table} if table else {}),
        }
        for label, (a, table) in archives.items()
    },
)
