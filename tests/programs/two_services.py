"""A test program: two FireLens services behind one ALB, each one constructor call.

`httpd` answers every path (`/*`, the last priority); `api`, the stock nginx image, answers `/api/*` on
api.example.com. Each image listens on port 80 and answers `/`, its health check's path, so both deploy as written.
Both run in one cluster, share the network, the log router image and the archive stream, and notify one alert topic.
tests/test_two_services.py evaluates it with offline.harness.evaluate(program=...).
"""

import pulumi
import pulumi_aws as aws

from components.alerts import Alerts, AlertsArgs
from components.cluster import EcsCluster, EcsClusterArgs
from components.firelens_service import (
    AlarmThresholds,
    AppContainer,
    FirelensService,
    FirelensServiceArgs,
    HealthCheck,
    ListenerAttachment,
    LogRouter,
    TaskNetwork,
)
from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.log_archive import LogArchive, LogArchiveArgs
from components.log_router_image import LogRouterImage, LogRouterImageArgs
from components.network import Network, NetworkArgs

REGION = "ap-northeast-1"

provider = aws.Provider("aws", region=REGION)
opts = pulumi.ResourceOptions(provider=provider)

network = Network("network", NetworkArgs("10.0.0.0/16", (f"{REGION}a", f"{REGION}c"), "single"), opts)
archive = LogArchive(
    "app-log-archive",
    LogArchiveArgs(
        s3_prefix="app-logs/",
        log_retention_days=14,
        expiration_days=30,
        force_destroy=True,
        records_end_with_newline=True,
    ),
    opts,
)
router_image = LogRouterImage(
    "log-router", LogRouterImageArgs(fluent_bit_version="2.34.3", cpu_architecture="X86_64"), opts
)
alerts = Alerts("alerts", AlertsArgs(), opts)
cluster = EcsCluster("apps", EcsClusterArgs(), opts)
load_balancer = LoadBalancer(
    "web",
    LoadBalancerArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.public_subnet_ids,
        access_log_expiration_days=30,
        allow_plain_http=True,  # a test program: no certificate, on purpose
    ),
    opts,
)

# What every service behind this ALB shares.
tasks = TaskNetwork(network.vpc_id, network.task_subnet_ids, network.assign_public_ip)
log_router = LogRouter(
    image=router_image.image_ref,
    repository_arn=router_image.repository_arn,
    delivery_stream_name=archive.delivery_stream_name,
    delivery_stream_arn=archive.delivery_stream_arn,
)
alarms = AlarmThresholds(topic_arn=alerts.topic_arn)


def route(priority: int, path_patterns: tuple[str, ...] = (), host_headers: tuple[str, ...] = ()) -> ListenerAttachment:
    return ListenerAttachment(
        listener_arn=load_balancer.listener_arn,
        load_balancer_security_group_id=load_balancer.security_group_id,
        load_balancer_arn_suffix=load_balancer.load_balancer_arn_suffix,
        priority=priority,
        path_patterns=path_patterns,
        host_headers=host_headers,
    )


httpd = FirelensService(
    "httpd",
    FirelensServiceArgs(
        cluster_name=cluster.name,
        cluster_arn=cluster.arn,
        network=tasks,
        listener=route(50000, ("/*",)),
        app=AppContainer(
            name="httpd",
            image="public.ecr.aws/docker/library/httpd:2.4.65",
            port=80,
            writable_paths=("/usr/local/apache2/logs",),
        ),
        log_router=log_router,
        alarms=alarms,
    ),
    opts,
)
api = FirelensService(
    "api",
    FirelensServiceArgs(
        cluster_name=cluster.name,
        cluster_arn=cluster.arn,
        network=tasks,
        listener=route(100, ("/api/*",), ("api.example.com",)),
        app=AppContainer(
            name="api",
            image="public.ecr.aws/docker/library/nginx:1.26.3",
            port=80,
            health_check=HealthCheck(path="/"),
            writable_paths=("/var/cache/nginx", "/var/run"),  # where the stock nginx image writes
        ),
        log_router=log_router,
        alarms=alarms,
    ),
    opts,
)

pulumi.export("url", load_balancer.url)
