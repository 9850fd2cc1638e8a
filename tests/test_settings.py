"""components/settings.py: every validation rule, on its accepted and its rejected side.

Settings are loaded the way the program loads them (Pulumi config from Pulumi.yaml defaults + the stack
file + overrides, the AZ list from the mocked `getAvailabilityZones` invoke), without creating resources.
"""

from __future__ import annotations

import logging

import pytest
import yaml

from components.limits import image_pin_problem
from components.settings import (
    FARGATE_MEMORY_BY_CPU,
    LOG_RETENTION_DAYS,
    ConfigError,
    DomainSettings,
    Settings,
    WafSettings,
    load_settings,
    undeclared_key_warnings,
)
from offline.harness import PROJECT_DIR
from offline.mocks import AwsMocks
from offline.pulumi_runtime import resolve, start_mock_runtime
from offline.stack_config import load_stack_config

CERT = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-4909-8807-060504030201"
KMS = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DATADOG = "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input"


def load(stack: str = "dev", secrets: dict[str, str] | None = None, **overrides: str) -> Settings:
    config = load_stack_config(PROJECT_DIR, stack).with_overrides(overrides, secrets)
    start_mock_runtime(
        AwsMocks(config.region, PROJECT_DIR), config.project, config.stack, config.values, config.secret_keys
    )
    return load_settings()


def problems(stack: str = "dev", secrets: dict[str, str] | None = None, **overrides: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load(stack, secrets, **overrides)
    return raised.value.problems


def only_problem(key: str, secrets: dict[str, str] | None = None, **overrides: str) -> str:
    found = problems(secrets=secrets, **overrides)
    assert len(found) == 1, found
    assert f"'httpd-firelens:{key}'" in found[0] or f"'{key}'" in found[0], found
    return found[0]


def test_committed_stacks_are_valid() -> None:
    dev, prod = load("dev"), load("prod")
    # dev: plain HTTP on purpose and no WAF; prod: HTTPS for its (example) domain and the WAF.
    assert (dev.load_balancer.https, dev.load_balancer.allow_plain_http, dev.load_balancer.waf) == (False, True, None)
    assert prod.load_balancer.domain == DomainSettings("app.example.com", "Z0EXAMPLE0123456789AB")
    assert (prod.load_balancer.https, prod.load_balancer.allow_plain_http) == (True, False)
    assert prod.load_balancer.waf == WafSettings(2000, "aws-waf-logs-httpd-firelens-prod")
    assert dev.network.availability_zones == ("ap-northeast-1a", "ap-northeast-1c")
    assert prod.network.availability_zones == ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d")
    assert (dev.archive.force_destroy, dev.load_balancer.deletion_protection) == (True, False)
    assert (prod.archive.force_destroy, prod.load_balancer.deletion_protection, prod.archive.protect) == (
        False,
        True,
        True,
    )
    assert prod.archive.log_retention_days > dev.archive.log_retention_days
    assert dev.network.nat_gateways == "none"
    assert prod.network.nat_gateways == "per-az"
    assert (dev.network.flow_logs, prod.network.flow_logs) == (False, True)


def test_region_must_be_a_region() -> None:
    found = problems("dev", None, **{"aws:region": "tokyo"})
    assert found == ["config key 'aws:region': 'tokyo' is not allowed; allowed: an AWS region such as ap-northeast-1"]


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/20", "192.168.10.0/23"])
def test_vpc_cidr_accepted(cidr: str) -> None:
    assert load(vpcCidr=cidr).network.vpc_cidr == cidr


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.0.0.0/29", "10.0.0.1/16", "10.0.0.0", "not-a-cidr", "::/64"])
def test_vpc_cidr_rejected(cidr: str) -> None:
    assert "prefix /16 to /28" in only_problem("vpcCidr", vpcCidr=cidr)


@pytest.mark.parametrize("cidr", ["10.0.0.0/24", "10.0.0.0/25", "10.0.0.0/28"])
def test_a_vpc_whose_subnets_are_too_small_for_an_alb_is_rejected(cidr: str) -> None:
    """A /24 VPC gets /28 subnets, and an ALB needs /27 or larger with 8 free addresses (tests/test_subnet_sizing.py
    for the sources): the preview stops on vpcCidr, naming the other keys the answer depends on."""
    problem = only_problem("vpcCidr", vpcCidr=cidr)
    assert f"{cidr} is not allowed" in problem and "an ALB needs /27 or larger" in problem
    assert "natGateways none and maxCount 2: a prefix of /23 or shorter" in problem


def test_a_vpc_must_hold_the_alb_and_every_task_of_a_deployment() -> None:
    """A /23 VPC has /27 subnets of 27 usable addresses. Without NAT the tasks share the public subnets with the
    ALB's 8: maxCount 9 is 18 tasks at a deployment's 200 % (26 addresses), maxCount 10 is 20 (28). With NAT the
    tasks have the private subnets to themselves: 13 (26 tasks) fits, 14 (28) does not."""
    assert load(vpcCidr="10.0.0.0/23", maxCount="9").network.vpc_cidr == "10.0.0.0/23"
    problem = only_problem("vpcCidr", vpcCidr="10.0.0.0/23", maxCount="10")
    assert "each public subnet needs 28: 8 for the ALB and 20 tasks" in problem
    assert "natGateways none and maxCount 10: a prefix of /22 or shorter" in problem
    assert load(vpcCidr="10.0.0.0/23", natGateways="single", maxCount="13").network.nat_gateways == "single"
    problem = only_problem("vpcCidr", vpcCidr="10.0.0.0/23", natGateways="per-az", maxCount="14")
    assert "each private subnet needs 28" in problem and "natGateways per-az and maxCount 14" in problem


def test_a_region_without_availability_zones_is_a_region_problem() -> None:
    """No azCount value fixes a region that offers no zone without opt-in: the problem names aws:region."""
    found = problems("dev", None, **{"aws:region": "ap-east-9"})
    assert len(found) == 1 and found[0].startswith("config key 'aws:region': 'ap-east-9' offers 0 availability zone")
    assert "azCount" not in found[0]


def test_az_count_within_the_regions_available_zones() -> None:
    assert len(load(azCount="3").network.availability_zones) == 3
    assert "from 2 to 3" in only_problem("azCount", azCount="4")
    assert "from 2 to 3" in only_problem("azCount", azCount="1")
    assert len(load("dev", None, azCount="6", **{"aws:region": "us-east-1"}).network.availability_zones) == 6


def test_nat_gateway_modes() -> None:
    assert load(natGateways="per-az").network.nat_gateways == "per-az"
    assert "none, single, per-az" in only_problem("natGateways", natGateways="two")


def test_ingress_cidrs() -> None:
    assert load(ingressCidrs='["203.0.113.0/24", "198.51.100.7/32"]').load_balancer.ingress_cidrs == (
        "203.0.113.0/24",
        "198.51.100.7/32",
    )
    assert "203.0.113.1/24" in only_problem("ingressCidrs", ingressCidrs='["203.0.113.1/24"]')
    assert "at least one" in only_problem("ingressCidrs", ingressCidrs="[]")
    assert "list of strings" in only_problem("ingressCidrs", ingressCidrs='"0.0.0.0/0"')


def test_an_ingress_address_needs_its_prefix_length() -> None:
    """Python's ipaddress reads "198.51.100.7" as 198.51.100.7/32, but the provider refuses it: pulumi-aws's
    SecurityGroupIngressRule is terraform-provider-aws's aws_vpc_security_group_ingress_rule, whose cidr_ipv4
    is validated by fwvalidators.IPv4CIDRNetworkAddress -> verify.ValidateIPv4CIDRBlock, which calls Go's
    net.ParseCIDR (hashicorp/terraform-provider-aws internal/service/ec2/vpc_security_group_ingress_rule.go,
    internal/fwvalidators/cidr.go, internal/verify/validate.go): no "/<prefix>", no CIDR."""
    bare = only_problem("ingressCidrs", ingressCidrs='["198.51.100.7"]')
    assert "198.51.100.7 is not allowed" in bare and "e.g. 198.51.100.7/32" in bare


def test_certificate_arn_must_be_acm_in_the_stack_region() -> None:
    assert load(certificateArn=CERT).load_balancer.certificate_arn == CERT
    assert load().load_balancer.certificate_arn is None
    assert "acm ARN in region ap-northeast-1" in only_problem(
        "certificateArn", certificateArn=CERT.replace("ap-northeast-1", "us-east-1")
    )
    assert "acm ARN" in only_problem("certificateArn", certificateArn="arn:aws:iam::123456789012:server-certificate/x")


def test_flow_logs_are_a_boolean() -> None:
    assert load(flowLogs="true").network.flow_logs is True
    assert "allowed: true, false" in only_problem("flowLogs", flowLogs="on")


def test_app_filesystem() -> None:
    """The app's root filesystem is read-only by default with the stock httpd image's writable path
    (components/service.py WRITABLE_PATHS); appWritablePaths takes absolute paths in normal form, each once."""
    dev = load().service
    assert (dev.read_only_root_filesystem, dev.writable_paths) == (True, ("/usr/local/apache2/logs",))
    other = load(appReadOnlyRootFilesystem="false", appWritablePaths='["/tmp", "/var/cache/nginx"]').service
    assert (other.read_only_root_filesystem, other.writable_paths) == (False, ("/tmp", "/var/cache/nginx"))
    assert load(appWritablePaths="[]").service.writable_paths == ()
    for bad in ("tmp", "/", "/tmp/", "/var/../etc", "//tmp"):
        assert "allowed: absolute paths in normal form" in only_problem(
            "appWritablePaths", appWritablePaths=f'["{bad}"]'
        )
    assert "each path once" in only_problem("appWritablePaths", appWritablePaths='["/tmp", "/tmp"]')
    assert "allowed: true, false" in only_problem("appReadOnlyRootFilesystem", appReadOnlyRootFilesystem="yes")


def test_app_writable_paths_whose_volumes_ecs_refuses_are_a_config_problem() -> None:
    """Each writable path gets a task volume named after the app container and the path (components/firelens_task.py
    writable_volume). ECS takes volume names of "up to 255 letters (uppercase and lowercase), numbers, underscores,
    and hyphens" (botocore's ECS model, Volume.name), and two volumes of one task cannot share a name. Paths that
    pass one by one but break either rule are refused with the config key, before anything is created, not by
    the service component halfway through the program."""
    same_volume = only_problem("appWritablePaths", appWritablePaths='["/a-b", "/a/b"]')
    assert "each path once (volume names ['httpd-a-b', 'httpd-a-b'] must differ)" in same_volume
    too_long = only_problem("appWritablePaths", appWritablePaths=f'["/{"a" * 255}"]')
    assert "letters, digits, - and _, up to 255" in too_long


def test_a_domain_with_its_hosted_zone_gives_https() -> None:
    lb = load(domainName="www.example.org", hostedZoneId="Z1D633PJN98FT9").load_balancer
    assert (lb.domain, lb.certificate_arn, lb.https) == (
        DomainSettings("www.example.org", "Z1D633PJN98FT9"),
        None,
        True,
    )
    assert lb.allow_plain_http is False  # dev's allowPlainHttp is moot with a certificate


@pytest.mark.parametrize(
    "name",
    [
        "*.example.com",  # a wildcard: the alias record needs one name
        "App.example.com",  # Route 53 and ACM keep names lowercase
        "app.example.com.",
        "localhost",
        "-app.example.com",
        "app_1.example.com",
        "a" * 57 + ".example",  # 65 characters: more than a certificate's common name takes
    ],
)
def test_domain_name_rejected(name: str) -> None:
    assert "a DNS name such as app.example.com, at most 64 characters" in only_problem(
        "domainName", domainName=name, hostedZoneId="Z1D633PJN98FT9"
    )


def test_domain_name_of_64_characters_accepted() -> None:
    """ACM's DomainName is the certificate's common name: at most 64 octets (RFC 5280; aws-sdk-acm
    RequestCertificateInput documentation)."""
    name = "a" * 56 + ".example"
    assert len(name) == 64
    assert load(domainName=name, hostedZoneId="Z1D633PJN98FT9").load_balancer.domain is not None


@pytest.mark.parametrize("zone", ["z1d633pjn98ft9", "/hostedzone/Z1D633PJN98FT9", "Z" * 33])
def test_hosted_zone_id_rejected(zone: str) -> None:
    """ChangeResourceRecordSets takes HostedZoneId as a ResourceId of at most 32 characters (botocore's model)."""
    assert "hosted zone id" in only_problem("hostedZoneId", domainName="app.example.com", hostedZoneId=zone)


def test_domain_name_and_hosted_zone_go_together() -> None:
    assert "holds domainName (app.example.com)" in only_problem("hostedZoneId", domainName="app.example.com")
    assert "empty unless domainName is set" in only_problem("hostedZoneId", hostedZoneId="Z1D633PJN98FT9")


def test_one_way_to_a_certificate_only() -> None:
    problem = only_problem(
        "certificateArn", certificateArn=CERT, domainName="app.example.com", hostedZoneId="Z1D633PJN98FT9"
    )
    assert "empty when domainName is set" in problem


def test_no_certificate_needs_plain_http_on_purpose() -> None:
    """Without domainName or certificateArn the stack would serve plain HTTP: only when allowPlainHttp says so (dev's
    file does); the line names every key that fixes it."""
    assert load(allowPlainHttp="true").load_balancer.allow_plain_http is True
    (problem,) = problems(allowPlainHttp="false")
    for key in ("domainName", "hostedZoneId", "certificateArn", "allowPlainHttp"):
        assert f"'httpd-firelens:{key}'" in problem, key
    assert "plain HTTP" in problem
    assert "true, false" in only_problem("allowPlainHttp", allowPlainHttp="yes")


def test_prod_without_its_domain_or_a_certificate_is_refused() -> None:
    """What `python -m offline preview --stack prod --config domainName= --config certificateArn=` reports (the hosted
    zone left behind is named too)."""
    found = problems("prod", domainName="", certificateArn="")
    assert len(found) == 2
    assert "'httpd-firelens:hostedZoneId': Z0EXAMPLE0123456789AB is not allowed" in found[0]
    assert "'httpd-firelens:domainName'" in found[1] and "'httpd-firelens:certificateArn'" in found[1]
    assert "'httpd-firelens:allowPlainHttp' true" in found[1]


def test_waf_settings() -> None:
    """The rate-based rule's limit: 10 to 2,000,000,000 requests per window (botocore's wafv2 model, RateLimit; "The
    lowest limit setting allowed is 10", https://docs.aws.amazon.com/waf/latest/developerguide/
    waf-rule-statement-type-rate-based-high-level-settings.html)."""
    assert load(waf="true", wafRateLimit="10").load_balancer.waf == WafSettings(10, "aws-waf-logs-httpd-firelens-dev")
    assert load(waf="true", wafRateLimit="2000000000").load_balancer.waf is not None
    assert "from 10 to 2000000000" in only_problem("wafRateLimit", wafRateLimit="9")
    assert "from 10 to 2000000000" in only_problem("wafRateLimit", wafRateLimit="2000000001")
    assert "true, false" in only_problem("waf", waf="on")


def load_as(stack_name: str, **overrides: str) -> Settings:
    """The dev stack's configuration under another stack name."""
    config = load_stack_config(PROJECT_DIR, "dev").with_overrides(overrides)
    start_mock_runtime(AwsMocks(config.region, PROJECT_DIR), config.project, stack_name, config.values)
    return load_settings()


def test_the_waf_log_stream_name_fits_firehose() -> None:
    """WAF logs only to a destination whose name starts with `aws-waf-logs-` (WAFv2 PutLoggingConfiguration: "The
    name that you give the destination must start with aws-waf-logs-", https://docs.aws.amazon.com/waf/latest/
    APIReference/API_LoggingConfiguration.html), and a Firehose stream name has 1 to 64 characters of
    [a-zA-Z0-9_.-] (botocore's firehose model, DeliveryStreamName). `aws-waf-logs-httpd-firelens-` leaves 36 for
    the stack name; a longer one is refused while the WAF is on, naming the key that turns it off."""
    assert load_as("s" * 36, waf="true").load_balancer.waf == WafSettings(
        2000, "aws-waf-logs-httpd-firelens-" + "s" * 36
    )
    with pytest.raises(ConfigError) as raised:
        load_as("s" * 37, waf="true")
    (problem,) = raised.value.problems
    assert problem.startswith("config key 'httpd-firelens:waf': true is not allowed")
    assert "65 characters, Firehose takes 64; allowed: false, or a stack name of at most 36 characters" in problem
    assert load_as("s" * 37, waf="false").load_balancer.waf is None


def test_booleans() -> None:
    assert load(deletionProtection="true").load_balancer.deletion_protection
    assert "true, false" in only_problem("deletionProtection", deletionProtection="yes")


def test_health_check_values() -> None:
    health = load(healthCheckPath="/healthz", healthCheckMatcher="200-299").load_balancer.health_check
    assert (health.path, health.matcher) == ("/healthz", "200-299")
    assert load(healthCheckMatcher="200,302").load_balancer.health_check.matcher == "200,302"
    assert "starting with /" in only_problem("healthCheckPath", healthCheckPath="healthz")
    assert "from 5 to 300" in only_problem("healthCheckIntervalSeconds", healthCheckIntervalSeconds="4")
    assert "less than healthCheckIntervalSeconds (10)" in only_problem(
        "healthCheckTimeoutSeconds", healthCheckTimeoutSeconds="10"
    )
    assert "from 2 to 10" in only_problem("healthyThreshold", healthyThreshold="1")
    assert "from 2 to 10" in only_problem("unhealthyThreshold", unhealthyThreshold="11")
    for matcher in ("600", "abc", "200-", "100"):
        assert "from 200 to 499" in only_problem("healthCheckMatcher", healthCheckMatcher=matcher)


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/docker/library/httpd:2.4.65",
        "httpd:2.4",
        "registry.example.com:5000/team/httpd:2.4.65-alpine",
        "public.ecr.aws/docker/library/httpd@sha256:" + "a" * 64,
    ],
)
def test_app_image_accepted(image: str) -> None:
    assert load(appImage=image).service.app_image == image


@pytest.mark.parametrize(
    "image", ["httpd", "httpd:latest", "httpd:stable", "registry.example.com:5000/httpd", "HTTPD:2.4"]
)
def test_app_image_rejected(image: str) -> None:
    assert "pinned tag" in only_problem("appImage", appImage=image)


@pytest.mark.parametrize(
    "image",
    ["httpd:2.4", "httpd:stable", "httpd:Latest", "httpd", "localhost:5000/httpd", "httpd@sha256:" + "0" * 64],
)
def test_settings_pin_images_by_the_policy_packs_rule(image: str) -> None:
    """One image-pinning rule (components.limits.image_pin_problem): what the task-definition-pinned-images
    policy refuses, settings refuse too, before anything is created."""
    refused = image_pin_problem(image) is not None
    if refused:
        assert "pinned tag" in only_problem("appImage", appImage=image)
    else:
        assert load(appImage=image).service.app_image == image


def test_app_port() -> None:
    assert load(appPort="8080").service.app_port == 8080
    assert "24224 and 2020" in only_problem("appPort", appPort="24224")
    assert "from 1 to 65535" in only_problem("appPort", appPort="0")


SMALLEST_AND_LARGEST = [
    (cpu, memory) for cpu, sizes in FARGATE_MEMORY_BY_CPU.items() for memory in (sizes[0], sizes[-1])
]


@pytest.mark.parametrize(("cpu", "memory"), SMALLEST_AND_LARGEST)
def test_fargate_sizes_accepted(cpu: int, memory: int) -> None:
    service = load(cpu=str(cpu), memory=str(memory)).service
    assert (service.cpu, service.memory) == (cpu, memory)


def test_fargate_cpu_rejected() -> None:
    assert only_problem("cpu", cpu="300") == (
        "config key 'httpd-firelens:cpu': 300 is not allowed; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384"
    )


def test_fargate_memory_rejected_lists_valid_memory_for_the_cpu() -> None:
    assert only_problem("memory", memory="4096") == (
        "config key 'httpd-firelens:memory': 4096 is not allowed; allowed with cpu 256: 512, 1024, 2048"
    )
    assert "allowed with cpu 8192: 16384, 20480" in only_problem("memory", cpu="8192", memory="17408")


def test_cpu_architecture() -> None:
    assert load(cpuArchitecture="ARM64").service.cpu_architecture == "ARM64"
    assert "X86_64, ARM64" in only_problem("cpuArchitecture", cpuArchitecture="arm")


def test_log_router_memory_is_bounded_by_the_task_memory() -> None:
    assert load(logRouterMemoryMiB="256").service.log_router_memory_mib == 256
    assert "from 64 to 256" in only_problem("logRouterMemoryMiB", logRouterMemoryMiB="257")
    assert "from 64 to 256" in only_problem("logRouterMemoryMiB", logRouterMemoryMiB="32")


def test_task_counts() -> None:
    service = load(minCount="0", desiredCount="0", maxCount="10").service
    assert (service.min_count, service.desired_count, service.max_count) == (0, 0, 10)
    assert only_problem("desiredCount", desiredCount="-1") == (
        "config key 'httpd-firelens:desiredCount': -1 is not allowed; allowed: a whole number from 0 to 100"
    )
    assert "at most maxCount (2)" in only_problem("minCount", minCount="3", desiredCount="2")
    assert "from minCount (1) to maxCount (2)" in only_problem("desiredCount", desiredCount="3")
    assert "whole number" in only_problem("maxCount", maxCount="two")


def test_scaling_targets_and_grace_period() -> None:
    assert load(cpuTargetPercent="75").service.cpu_target_percent == 75
    assert "from 10 to 90" in only_problem("cpuTargetPercent", cpuTargetPercent="95")
    assert "from 1 to 100000" in only_problem("requestsPerTarget", requestsPerTarget="0")
    assert "from 0 to 7200" in only_problem("healthCheckGracePeriodSeconds", healthCheckGracePeriodSeconds="-1")


def test_container_insights_and_fluent_bit_version() -> None:
    assert load(containerInsights="enhanced").service.container_insights == "enhanced"
    assert "disabled, enabled, enhanced" in only_problem("containerInsights", containerInsights="on")
    assert load(fluentBitVersion="3.0.0").service.fluent_bit_version == "3.0.0"
    assert "exact version" in only_problem("fluentBitVersion", fluentBitVersion="stable")


@pytest.mark.parametrize("days", LOG_RETENTION_DAYS)
def test_log_retention_accepted(days: int) -> None:
    assert load(logRetentionDays=str(days)).archive.log_retention_days == days


@pytest.mark.parametrize("days", ["0", "10", "366", "forever"])
def test_log_retention_rejected(days: str) -> None:
    assert "1, 3, 5, 7, 14, 30" in only_problem("logRetentionDays", logRetentionDays=days)


def test_archive_settings() -> None:
    archive = load(archiveExpirationDays="3650", archiveKmsKeyArn=KMS, firehoseBufferSizeMiB="128").archive
    assert (archive.expiration_days, archive.kms_key_arn, archive.buffer_size_mib) == (3650, KMS, 128)
    assert "from 1 to 3650" in only_problem("archiveExpirationDays", archiveExpirationDays="0")
    assert "kms ARN" in only_problem("archiveKmsKeyArn", archiveKmsKeyArn="alias/aws/s3")
    assert "from 1 to 128" in only_problem("firehoseBufferSizeMiB", firehoseBufferSizeMiB="129")
    assert "from 0 to 900" in only_problem("firehoseBufferIntervalSeconds", firehoseBufferIntervalSeconds="901")
    assert load(firehoseBufferIntervalSeconds="0").archive.buffer_interval_seconds == 0


def test_archive_versions_and_object_lock() -> None:
    """archiveNoncurrentVersionDays 1 to 365; archiveObjectLockDays 0 (off) to archiveExpirationDays and never with
    forceDestroy: the provider empties a force-destroyed bucket bypassing governance mode (hashicorp/
    terraform-provider-aws internal/service/s3/delete.go, emptyBucket: "If `force` is `true` then S3 Object Lock
    governance mode restrictions are bypassed"), which needs s3:BypassGovernanceRetention, deliberately not granted
    to the deploy role, so `pulumi destroy` would fail on the first locked object."""
    dev, prod = load("dev").archive, load("prod").archive
    assert (dev.object_lock_days, dev.noncurrent_version_days) == (0, 30)
    assert prod.object_lock_days == 90 <= prod.expiration_days
    unlocked = load(forceDestroy="false", archiveObjectLockDays="30", archiveNoncurrentVersionDays="365").archive
    assert (unlocked.object_lock_days, unlocked.noncurrent_version_days) == (30, 365)
    assert "from 1 to 365" in only_problem("archiveNoncurrentVersionDays", archiveNoncurrentVersionDays="0")
    assert "from 1 to 365" in only_problem("archiveNoncurrentVersionDays", archiveNoncurrentVersionDays="366")
    assert "0 (no lock) to archiveExpirationDays (30)" in only_problem(
        "archiveObjectLockDays", forceDestroy="false", archiveObjectLockDays="31"
    )
    assert "from 0 to 3650" in only_problem("archiveObjectLockDays", forceDestroy="false", archiveObjectLockDays="-1")
    assert "allowed: 0 while forceDestroy is true" in only_problem("archiveObjectLockDays", archiveObjectLockDays="7")


def test_stop_capture_settings() -> None:
    capture = load(stopEventScope="account", captureAllTaskStates="true", alertEmail="oncall@example.com").stop_capture
    assert (capture.scope, capture.capture_all_task_states, capture.alert_email) == (
        "account",
        True,
        "oncall@example.com",
    )
    assert capture.partner is None
    assert "cluster, account" in only_problem("stopEventScope", stopEventScope="region")
    assert "e-mail address" in only_problem("alertEmail", alertEmail="oncall")


def test_partner_endpoint_with_a_secret_key() -> None:
    partner = load(
        partnerEndpointUrl=DATADOG, partnerEndpointName="Datadog", secrets={"partnerApiKey": "dd-key"}
    ).stop_capture.partner
    assert partner is not None
    assert (partner.url, partner.name) == (DATADOG, "Datadog")
    assert resolve(partner.api_key) == ("dd-key", True)


def test_partner_key_in_plain_text_is_rejected_without_echoing_it() -> None:
    message = only_problem(
        "partnerApiKey", partnerEndpointUrl=DATADOG, partnerEndpointName="Datadog", partnerApiKey="dd-key"
    )
    assert "pulumi config set --secret partnerApiKey" in message
    assert "dd-key" not in message


def test_partner_endpoint_combinations() -> None:
    assert "https:// URL" in only_problem(
        "partnerEndpointUrl",
        secrets={"partnerApiKey": "k"},
        partnerEndpointUrl="http://intake.example.com",
        partnerEndpointName="X",
    )
    assert "non-empty name" in only_problem(
        "partnerEndpointName", secrets={"partnerApiKey": "k"}, partnerEndpointUrl=DATADOG
    )
    assert "required with partnerEndpointUrl" in only_problem(
        "partnerApiKey", partnerEndpointUrl=DATADOG, partnerEndpointName="Datadog"
    )
    assert "when partnerApiKey is set" in only_problem("partnerEndpointUrl", secrets={"partnerApiKey": "k"})
    assert "from 1 to 64" in only_problem(
        "firehoseBufferSizeMiB",
        secrets={"partnerApiKey": "k"},
        partnerEndpointUrl=DATADOG,
        partnerEndpointName="Datadog",
        firehoseBufferSizeMiB="100",
    )


def test_plain_keys_must_not_be_secrets() -> None:
    assert "is not a secret" in only_problem("alertEmail", secrets={"alertEmail": "oncall@example.com"})


def test_every_problem_is_reported_at_once() -> None:
    found = problems(cpu="300", desiredCount="-1", vpcCidr="10.0.0.0/8", logRetentionDays="10", appImage="httpd")
    keys = sorted(line.split("'")[1] for line in found)
    assert keys == [
        "httpd-firelens:appImage",
        "httpd-firelens:cpu",
        "httpd-firelens:desiredCount",
        "httpd-firelens:logRetentionDays",
        "httpd-firelens:vpcCidr",
    ]


def test_the_keys_settings_read_are_the_keys_pulumi_yaml_declares() -> None:
    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    assert load("dev").declared_keys == set(declared)


def test_an_undeclared_project_key_is_named_with_the_nearest_declared_one() -> None:
    """The Pulumi CLI validates only the keys Pulumi.yaml declares and ignores the rest (pulumi/pulumi
    sdk/go/common/workspace/config.go, mergeConfig loops over project.Config only; the check that refused
    undeclared keys was dropped after pulumi/pulumi#11127), so a typo silently keeps the default."""
    declared = {"desiredCount", "maxCount", "vpcCidr"}
    configured = {"httpd-firelens:desiredcount", "httpd-firelens:maxCount", "aws:region", "httpd-firelens:zzz"}
    assert undeclared_key_warnings(configured, declared, "httpd-firelens") == [
        "config key 'httpd-firelens:desiredcount' is not declared in Pulumi.yaml and is ignored; "
        "did you mean 'httpd-firelens:desiredCount'?",
        "config key 'httpd-firelens:zzz' is not declared in Pulumi.yaml and is ignored; Pulumi.yaml lists every key",
    ]


def test_an_undeclared_key_is_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """load_settings logs it with pulumi.log.warn (the engine shows it on `pulumi up`; under the mocks it
    reaches Python logging), and the settings load: a warning, not an error."""
    with caplog.at_level(logging.WARNING):
        settings = load(desiredcount="5")
    assert settings.service.desired_count == 1
    assert any(
        "'httpd-firelens:desiredcount'" in r.getMessage() and "desiredCount" in r.getMessage() for r in caplog.records
    )


def test_alarm_thresholds() -> None:
    alarms = load(alarmEvaluationMinutes="10", alarmTarget5xxPerMinute="50", alarmDeliveryFreshnessSeconds="600").alarms
    assert (alarms.evaluation_minutes, alarms.target_5xx_per_minute, alarms.delivery_freshness_seconds) == (10, 50, 600)
    assert load().alarms.dashboard
    assert "from 1 to 60" in only_problem("alarmEvaluationMinutes", alarmEvaluationMinutes="0")
    assert "from 1 to 100000" in only_problem("alarmTarget5xxPerMinute", alarmTarget5xxPerMinute="0")
    assert "from 60 to 86400" in only_problem("alarmDeliveryFreshnessSeconds", alarmDeliveryFreshnessSeconds="30")
    assert "true, false" in only_problem("dashboard", dashboard="maybe")


def test_athena_bytes_scanned_cutoff() -> None:
    """In MiB, 10 (the API's minimum of 10,000,000 bytes, rounded up to what the provider takes) to 10 TiB."""
    assert load().queries.bytes_scanned_cutoff_mib == 10240
    assert load(athenaBytesScannedCutoffMiB="10").queries.bytes_scanned_cutoff_mib == 10
    assert "from 10 to 10485760" in only_problem("athenaBytesScannedCutoffMiB", athenaBytesScannedCutoffMiB="9")
    assert "from 10 to 10485760" in only_problem("athenaBytesScannedCutoffMiB", athenaBytesScannedCutoffMiB="1GB")


def test_the_roles_permissions_boundary_must_exist_before_anything_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every role carries the stack's permissions boundary (components/iam.py), which only an administrator creates:
    CreateRole with a PermissionsBoundary that does not exist fails ("NoSuchEntity", IAM API reference, CreateRole
    errors), after every resource the update created before its first role. So settings read it first (GetPolicy,
    the aws.iam.getPolicy lookup) and name it, with the command that prints it, when it is missing."""
    assert load().role_permissions_boundary_arn == "arn:aws:iam::123456789012:policy/httpd-firelens-dev-role-boundary"

    def no_such_policy(_: dict[str, str]) -> dict[str, str]:
        raise RuntimeError(
            "NoSuchEntity: Policy arn:aws:iam::123456789012:policy/x does not exist or is not attachable."
        )

    monkeypatch.setattr("offline.mocks._existing_boundary_policy", no_such_policy)
    (problem,) = problems()
    boundary = "arn:aws:iam::123456789012:policy/httpd-firelens-dev-role-boundary"
    assert problem.startswith(f"the roles' permissions boundary {boundary} cannot be read (NoSuchEntity: Policy")
    assert "python -m offline deploy-policy --stack dev --account 123456789012 --role boundary" in problem
