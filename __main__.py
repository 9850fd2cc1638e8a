"""The stack: load validated settings, create the AWS provider and the components, export outputs.

Wiring only. Every value comes from `configuration.settings` (validated before anything is created, the components'
arguments built there where they need nothing created first); every resource lives in a component under
`components/`.
"""

import pulumi
import pulumi_aws as aws

from components.archive.log_archive import LogArchive
from components.archive.queries import ArchiveQueries
from components.edge.certificate import DnsValidatedCertificate, DnsValidatedCertificateArgs
from components.edge.load_balancer import LoadBalancer
from components.edge.web_firewall import WebFirewall
from components.events.alerts import Alerts
from components.events.task_stop_capture import TaskStopCapture
from components.monitoring.dashboard import PipelineDashboard, PipelineDashboardArgs
from components.monitoring.outside_check import METRICS_REGION, CertificateExpiry, OutsideCheck, OutsideCheckArgs
from components.monitoring.pipeline_alarms import PipelineAlarms, PipelineAlarmsArgs
from components.network.flow_logs import VpcFlowLogs, VpcFlowLogsArgs
from components.network.vpc import Network
from components.service.cluster import EcsCluster, EcsClusterArgs
from components.service.firelens_service import FirelensService, ServicePlatform
from components.service.log_router_image import LogRouterImage
from configuration.archives import APP_LOGS, TASK_STOPS, WAF_LOGS
from configuration.settings import load_settings

settings = load_settings()
buckets, services_settings = settings.archive.buckets, settings.service
tags = aws.ProviderDefaultTagsArgs(tags=settings.default_tags)
provider = aws.Provider("aws", region=settings.region, default_tags=tags)
opts = pulumi.ResourceOptions(provider=provider)

network = Network("network", settings.network, opts)
flow_logs = None
if settings.flow_logs:
    flow_logs = VpcFlowLogs("network-flow-logs", VpcFlowLogsArgs(network.vpc_id, buckets), opts)

archives = {spec.key: LogArchive(spec.name, spec.args, opts) for spec in settings.archives}
app_archive, stop_archive, waf_archive = archives[APP_LOGS], archives[TASK_STOPS], archives.get(WAF_LOGS)

router_image = LogRouterImage("log-router", services_settings.router_image, opts)
alerts = Alerts("alerts", settings.stop_capture.alerts, opts)

# HTTPS: a certificate the user manages (certificateArn), or one the stack requests for domainName and validates
# through Route 53; without either, plain HTTP only on purpose (allowPlainHttp).
lb_settings, domain = settings.load_balancer, settings.load_balancer.domain
certificate_arn: pulumi.Input[str] | None = lb_settings.certificate_arn
if domain is not None:
    certificate_arn = DnsValidatedCertificate(
        "web-cert", DnsValidatedCertificateArgs(domain.domain_name, domain.hosted_zone_id), opts
    ).certificate_arn
load_balancer = LoadBalancer(
    "web", settings.load_balancer_args(network.vpc_id, network.public_subnet_ids, certificate_arn), opts
)
web_firewall = None
if lb_settings.waf is not None and waf_archive is not None:
    waf_args = settings.web_firewall_args(
        lb_settings.waf, load_balancer.load_balancer_arn, waf_archive.delivery_stream_arn
    )
    web_firewall = WebFirewall("waf", waf_args, opts)

cluster = EcsCluster("httpd", EcsClusterArgs(services_settings.container_insights), opts)
platform = ServicePlatform(
    cluster_name=cluster.name,
    cluster_arn=cluster.arn,
    network=network.task_network,
    listener=load_balancer.listener_attachment,
    log_router=router_image.router(app_archive, services_settings.log_router_memory_mib),
    container_insights=cluster.container_insights,
)
services = {
    spec.name: FirelensService(spec.name, settings.service_args(spec, platform, alerts.topic_arn), opts)
    for spec in services_settings.services
}
# With a certificate, HTTP redirects to HTTPS once every service's rule is on the HTTPS listener.
if lb_settings.https:
    load_balancer.redirect_http_to_https(after=[s.listener_rule for s in services.values()])

stop_capture_args = settings.task_stop_capture_args(cluster.arn, stop_archive.delivery_stream_arn, alerts.topic_arn)
task_stops = TaskStopCapture("task-stops", stop_capture_args, opts)
watched_streams = [archives[spec.key].watched(spec.watch_label) for spec in settings.archives]
pipeline_alarms_args = PipelineAlarmsArgs(
    alert_topic_arn=alerts.topic_arn,
    delivery_streams=watched_streams,
    rules=task_stops.watched_rules,
    dead_letter_queue_name=task_stops.dead_letter_queue_name,
    delivery_freshness_seconds=settings.alarms.delivery_freshness_seconds,
)
PipelineAlarms("pipeline-alarms", pipeline_alarms_args, opts)
outside_check = None
if settings.alarms.outside_check_path is not None:
    # Route 53 publishes health-check metrics in us-east-1 only: the check's alarm (and topic) live there.
    in_east = settings.region == METRICS_REGION
    us_east_1 = provider if in_east else aws.Provider("aws-us-east-1", region=METRICS_REGION, default_tags=tags)
    outside_check_args = OutsideCheckArgs(
        fqdn=domain.domain_name if domain is not None else load_balancer.dns_name,
        us_east_1=us_east_1,
        path=settings.alarms.outside_check_path,
        https=lb_settings.https,
        unhealthy_minutes=settings.alarms.evaluation_minutes,
        alert_email=None if in_east else settings.stop_capture.alerts.email,
        alert_topic_arn=alerts.topic_arn if in_east else None,
        certificate=None if certificate_arn is None else CertificateExpiry(certificate_arn, alerts.topic_arn),
    )
    outside_check = OutsideCheck("outside-check", outside_check_args, opts)
dashboard = None
if settings.alarms.dashboard:
    dashboard_args = PipelineDashboardArgs(
        region=settings.region,
        load_balancer_arn_suffix=load_balancer.load_balancer_arn_suffix,
        services=[s.dashboard_row for s in services.values()],
        delivery_streams=watched_streams,
        task_stop_log_group_name=task_stops.log_group_name,
        dead_letter_queue_name=task_stops.dead_letter_queue_name,
        container_insights=cluster.container_insights,
    )
    dashboard = PipelineDashboard("pipeline", dashboard_args, opts)

sources = [archives[spec.key].source(spec.table) for spec in settings.archives if spec.table is not None]
sources += [flow_logs.source()] if flow_logs else []
archive_queries = ArchiveQueries("archive-queries", settings.archive_queries_args(sources), opts)

outputs: dict[str, pulumi.Input[str] | None] = {
    "region": settings.region,
    "serviceUrl": load_balancer.url,
    "albDnsName": load_balancer.dns_name,
    "clusterName": cluster.name,
    "taskStopLogGroup": task_stops.log_group_name,
    "taskStopDeadLetterQueueUrl": task_stops.dead_letter_queue_url,
    "alertTopicArn": alerts.topic_arn,
    "logRouterImage": router_image.image_ref,
    "albAccessLogBucket": load_balancer.access_log_bucket_name,
    "athenaWorkgroup": archive_queries.workgroup_name,
    "athenaDatabase": archive_queries.database_name,
    "athenaResultsBucket": archive_queries.results_bucket_name,
    "archiveReaderPolicyArn": archive_queries.reader_policy_arn,
    "dashboardUrl": dashboard.url if dashboard else None,
    "flowLogBucket": flow_logs.bucket_name if flow_logs else None,
    "webAclArn": web_firewall.web_acl_arn if web_firewall else None,
    "outsideCheckAlarmArn": outside_check.alarm_arn if outside_check else None,
    "outsideCheckTopicArn": outside_check.topic_arn if outside_check else None,
}
for name, value in outputs.items():
    if value is not None:
        pulumi.export(name, value)
# What `python -m ops verify` checks after a deploy (and what an operator looks up): each service, each archive, the
# tags that mark the stack's resources and its deploy role.
pulumi.export("stackTags", settings.default_tags)
pulumi.export("services", {name: s.outputs(load_balancer.url) for name, s in services.items()})
pulumi.export(
    "archives",
    {
        spec.key: archives[spec.key].outputs() | ({"table": spec.table.name} if spec.table else {})
        for spec in settings.archives
    },
)
