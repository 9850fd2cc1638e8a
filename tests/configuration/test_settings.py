"""configuration/settings.py: every validation rule, on its accepted and its rejected side.

Settings are loaded the way the program loads them (Pulumi config from Pulumi.yaml defaults + the stack
file + overrides, the AZ list from the mocked `getAvailabilityZones` invoke), without creating resources.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import yaml

from components.archive.log_archive import LogArchiveArgs
from components.edge.load_balancer import DomainAlias
from components.service.firelens_service import AppContainer, Route, Scaling
from configuration.archives import APP_LOGS
from configuration.limits import LOG_RETENTION_DAYS, image_pin_problem
from configuration.service_entries import ServiceSpec
from configuration.settings import (
    MOVED_TO_SERVICES,
    ConfigError,
    Settings,
    WafSettings,
    load_settings,
    undeclared_key_warnings,
)
from offline.harness import PROJECT_DIR
from offline.mocks import AwsMocks
from offline.pulumi_runtime import resolve, start_mock_runtime
from offline.stack_config import load_stack_config
from tests.support.settings import load

CERT = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-4909-8807-060504030201"
KMS = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DATADOG = "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input"


def problems(stack: str = "dev", secrets: dict[str, str] | None = None, **overrides: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load(stack, secrets, **overrides)
    return raised.value.problems


def only_problem(key: str, secrets: dict[str, str] | None = None, **overrides: str) -> str:
    found = problems(secrets=secrets, **overrides)
    assert len(found) == 1, found
    assert f"'httpd-firelens:{key}'" in found[0] or f"'{key}'" in found[0], found
    return found[0]


def httpd(**keys: Any) -> str:
    """The `services` value with one entry, httpd's, setting these keys."""
    return json.dumps({"httpd": keys})


def the_httpd(settings: Settings) -> ServiceSpec:
    (spec,) = [spec for spec in settings.service.services if spec.name == "httpd"]
    return spec


def test_committed_stacks_are_valid() -> None:
    dev, prod = load("dev"), load("prod")
    # dev: plain HTTP on purpose and no WAF; prod: HTTPS for its (example) domain and the WAF.
    assert (dev.load_balancer.https, dev.load_balancer.allow_plain_http, dev.load_balancer.waf) == (False, True, None)
    assert prod.load_balancer.domain == DomainAlias("app.example.com", "Z0EXAMPLE0123456789AB")
    assert (prod.load_balancer.https, prod.load_balancer.allow_plain_http) == (True, False)
    assert prod.load_balancer.waf == WafSettings(2000, "aws-waf-logs-httpd-firelens-prod")
    assert dev.network.availability_zones == ("ap-northeast-1a", "ap-northeast-1c")
    assert prod.network.availability_zones == ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d")
    assert (dev.archive.buckets.force_destroy, dev.load_balancer.deletion_protection) == (True, False)
    assert (
        prod.archive.buckets.force_destroy,
        prod.load_balancer.deletion_protection,
        prod.archive.buckets.protect,
    ) == (
        False,
        True,
        True,
    )
    assert prod.archive.log_retention_days > dev.archive.log_retention_days
    assert dev.network.nat_gateways == "none"
    assert prod.network.nat_gateways == "per-az"
    assert (dev.flow_logs, prod.flow_logs) == (False, True)


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
    """A /24 VPC gets /28 subnets, and an ALB needs /27 or larger with 8 free addresses
    (tests/network/test_subnet_sizing.py for the sources): the preview stops on vpcCidr, naming the other keys the
    answer depends on."""
    problem = only_problem("vpcCidr", vpcCidr=cidr)
    assert f"{cidr} is not allowed" in problem and "an ALB needs /27 or larger" in problem
    assert "natGateways none and the services' maxCount total 2: a prefix of /23 or shorter" in problem


def test_a_vpc_must_hold_the_alb_and_every_task_of_a_deployment() -> None:
    """A /23 VPC has /27 subnets of 27 usable addresses. Without NAT the tasks share the public subnets with the
    ALB's 8: a maxCount of 9 is 18 tasks at a deployment's 200 % (26 addresses), 10 is 20 (28), whether one service
    or several sum to it. With NAT the tasks have the private subnets to themselves: 13 (26 tasks) fits, 14 does
    not."""
    assert load(vpcCidr="10.0.0.0/23", services=httpd(maxCount=9)).network.vpc_cidr == "10.0.0.0/23"
    problem = only_problem("vpcCidr", vpcCidr="10.0.0.0/23", services=httpd(maxCount=10))
    assert "each public subnet needs 28: 8 for the ALB and 20 tasks" in problem
    assert "natGateways none and the services' maxCount total 10: a prefix of /22 or shorter" in problem
    two = json.dumps({"httpd": {"maxCount": 5}, "api": {"maxCount": 5, "priority": 10, "paths": ["/api/*"]}})
    assert "maxCount total 10" in only_problem("vpcCidr", vpcCidr="10.0.0.0/23", services=two)
    assert load(vpcCidr="10.0.0.0/23", natGateways="single", services=httpd(maxCount=13)).network.nat_gateways
    problem = only_problem("vpcCidr", vpcCidr="10.0.0.0/23", natGateways="per-az", services=httpd(maxCount=14))
    assert (
        "each private subnet needs 28" in problem
        and "natGateways per-az and the services' maxCount total 14" in problem
    )


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
    assert load(flowLogs="true").flow_logs is True
    assert "allowed: true, false" in only_problem("flowLogs", flowLogs="on")


def test_app_filesystem() -> None:
    """The app's root filesystem is read-only by default with the stock httpd image's writable path
    (AppContainer's defaults); writablePaths takes absolute paths in normal form, each once."""
    app = the_httpd(load()).app
    assert (app.read_only_root_filesystem, app.writable_paths) == (True, ("/usr/local/apache2/logs",))
    other = the_httpd(load(services=httpd(readOnlyRootFilesystem=False, writablePaths=["/tmp", "/var/cache/nginx"])))
    assert (other.app.read_only_root_filesystem, other.app.writable_paths) == (False, ("/tmp", "/var/cache/nginx"))
    assert the_httpd(load(services=httpd(writablePaths=[]))).app.writable_paths == ()
    for bad in ("tmp", "/", "/tmp/", "/var/../etc", "//tmp"):
        problem = only_problem("services.httpd.writablePaths", services=httpd(writablePaths=[bad]))
        assert "allowed: absolute paths in normal form" in problem
    problem = only_problem("services.httpd.readOnlyRootFilesystem", services=httpd(readOnlyRootFilesystem="yes"))
    assert problem.endswith(": yes is not allowed; allowed: true or false")


def test_app_writable_paths_whose_volumes_ecs_refuses_are_a_config_problem() -> None:
    """Each writable path gets a task volume named after the app container and the path
    (components/service/firelens_task.py writable_volume). ECS takes volume names of "up to 255 letters (uppercase and
    lowercase), numbers, underscores, and hyphens" (botocore's ECS model, Volume.name), and two volumes of one task
    cannot share a name. Paths that pass one by one but break either rule are refused with the config key, before
    anything is created, not by the service component halfway through the program."""
    same_volume = only_problem("services.httpd.writablePaths", services=httpd(writablePaths=["/a-b", "/a/b"]))
    assert "each path once (volume names ['httpd-a-b', 'httpd-a-b'] must differ)" in same_volume
    too_long = only_problem("services.httpd.writablePaths", services=httpd(writablePaths=[f"/{'a' * 255}"]))
    assert "letters, digits, - and _, up to 255" in too_long


def test_a_domain_with_its_hosted_zone_gives_https() -> None:
    lb = load(domainName="www.example.org", hostedZoneId="Z1D633PJN98FT9").load_balancer
    assert (lb.domain, lb.certificate_arn, lb.https) == (
        DomainAlias("www.example.org", "Z1D633PJN98FT9"),
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


def test_a_service_entry_sets_its_service_over_the_components_defaults() -> None:
    """Without `services` in the stack file, Pulumi.yaml's default: one httpd service with every default; an entry
    sets what it names (tests/configuration/test_service_entries.py reads every key)."""
    (spec,) = load().service.services
    assert spec == ServiceSpec("httpd", AppContainer("httpd"), Route(), Scaling())
    (api,) = load(services=json.dumps({"api": {"port": 8080, "healthCheck": {"path": "/healthz"}}})).service.services
    assert (api.name, api.app.name, api.app.port, api.app.health_check.path) == ("api", "api", 8080, "/healthz")


def test_a_bad_entry_is_one_line_naming_its_full_key() -> None:
    assert only_problem("services.httpd.port", services=httpd(port=24224)) == (
        "config key 'httpd-firelens:services.httpd.port': 24224 is not allowed; allowed: 1 to 65535, but not 24224 "
        "or 2020 (the log router's)"
    )
    assert only_problem("services.httpd.memory", services=httpd(memory=4096)) == (
        "config key 'httpd-firelens:services.httpd.memory': 4096 is not allowed; allowed: with cpu 256: 512, 1024, 2048"
    )
    assert "(did you mean desiredCount?)" in only_problem("services.httpd.desiredcount", services=httpd(desiredcount=2))
    assert "less than the interval, 10" in only_problem(
        "services.httpd.healthCheck.timeoutSeconds", services=httpd(healthCheck={"timeoutSeconds": 10})
    )
    assert "pinned tag" in only_problem("services.httpd.image", services=httpd(image="httpd:latest"))


def test_services_must_be_a_map() -> None:
    assert "a map of service names to their settings" in only_problem("services", services='["httpd"]')
    assert "a map of service names to their settings" in only_problem("services", services="not json")


def test_two_services_with_one_priority_are_both_named() -> None:
    found = problems(services=json.dumps({"httpd": {}, "api": {"paths": ["/api/*"]}}))
    assert [line.split("'")[1] for line in found] == [
        "httpd-firelens:services.httpd.priority",
        "httpd-firelens:services.api.priority",
    ]


@pytest.mark.parametrize(
    "image",
    ["httpd:2.4", "httpd:stable", "httpd:Latest", "httpd", "localhost:5000/httpd", "httpd@sha256:" + "0" * 64],
)
def test_settings_pin_images_by_the_policy_packs_rule(image: str) -> None:
    """One image-pinning rule (configuration.limits.image_pin_problem): what the task-definition-pinned-images
    policy refuses, settings refuse too, before anything is created."""
    if image_pin_problem(image) is not None:
        assert "pinned tag" in only_problem("services.httpd.image", services=httpd(image=image))
    else:
        assert the_httpd(load(services=httpd(image=image))).app.image == image


def test_a_flat_service_key_names_its_new_place() -> None:
    """The per-service keys moved into the entries: a stack file that still sets one exits 2, naming where it went
    (and it is not also reported as undeclared)."""
    assert only_problem("desiredCount", desiredCount="2") == (
        "config key 'httpd-firelens:desiredCount' is gone; set services.<name>.desiredCount instead, e.g. "
        "services.httpd.desiredCount (Pulumi.yaml, services)"
    )
    assert "services.<name>.healthCheck.path instead" in only_problem("healthCheckPath", healthCheckPath="/")
    for old in MOVED_TO_SERVICES:
        assert f"'httpd-firelens:{old}' is gone" in only_problem(old, None, **{old: "1"})


def test_cpu_architecture() -> None:
    settings = load(cpuArchitecture="ARM64")
    assert settings.service.router_image.cpu_architecture == the_httpd(settings).app.cpu_architecture == "ARM64"
    assert "X86_64, ARM64" in only_problem("cpuArchitecture", cpuArchitecture="arm")


def test_log_router_memory_is_bounded_by_each_tasks_memory() -> None:
    assert load(logRouterMemoryMiB="256").service.log_router_memory_mib == 256
    assert "allowed with services.httpd.memory: 64 to 256" in only_problem(
        "logRouterMemoryMiB", logRouterMemoryMiB="257"
    )
    assert "from 64 to 122880" in only_problem("logRouterMemoryMiB", logRouterMemoryMiB="32")


def test_container_insights_and_fluent_bit_version() -> None:
    assert load(containerInsights="enhanced").service.container_insights == "enhanced"
    assert "disabled, enabled, enhanced" in only_problem("containerInsights", containerInsights="on")
    assert load(fluentBitVersion="3.0.0").service.router_image.fluent_bit_version == "3.0.0"
    assert "exact version" in only_problem("fluentBitVersion", fluentBitVersion="stable")


@pytest.mark.parametrize("days", LOG_RETENTION_DAYS)
def test_log_retention_accepted(days: int) -> None:
    assert load(logRetentionDays=str(days)).archive.log_retention_days == days


@pytest.mark.parametrize("days", ["0", "10", "366"])
def test_log_retention_rejected(days: str) -> None:
    assert "allowed: 1, 3, 5, 7, 14, 30" in only_problem("logRetentionDays", logRetentionDays=days)
    assert "allowed: a whole number" in only_problem("logRetentionDays", logRetentionDays="forever")


def app_archive(settings: Settings) -> LogArchiveArgs:
    (app_logs,) = [spec.args for spec in settings.archives if spec.key == APP_LOGS]
    return app_logs


def test_archive_settings() -> None:
    """The archives' arguments are LogArchiveArgs built from the keys; the component's rules
    (tests/archive/test_log_archive.py) are reported against them."""
    settings = load(archiveExpirationDays="3650", archiveKmsKeyArn=KMS, firehoseBufferSizeMiB="128")
    args = app_archive(settings)
    assert (args.expiration_days, args.kms_key_arn, args.buffer_size_mib) == (3650, KMS, 128)
    assert settings.archive.buckets.expiration_days == 3650
    assert "allowed: at least 1" in only_problem("archiveExpirationDays", archiveExpirationDays="0")
    assert "allowed: a whole number" in only_problem("archiveExpirationDays", archiveExpirationDays="a year")
    assert "kms ARN" in only_problem("archiveKmsKeyArn", archiveKmsKeyArn="alias/aws/s3")
    assert "allowed: 1 to 128" in only_problem("firehoseBufferSizeMiB", firehoseBufferSizeMiB="129")
    assert "allowed: 0 to 900" in only_problem("firehoseBufferIntervalSeconds", firehoseBufferIntervalSeconds="901")
    assert app_archive(load(firehoseBufferIntervalSeconds="0")).buffer_interval_seconds == 0


def test_every_archive_has_the_shared_choices_and_its_own_prefix() -> None:
    """One list (configuration/archives.py): app logs and task stops always, WAF logs with the WAF."""
    dev, prod = load("dev").archives, load("prod").archives
    assert [spec.key for spec in dev] == ["appLogs", "taskStops"]
    assert [spec.key for spec in prod] == ["appLogs", "taskStops", "wafLogs"]
    assert [spec.args.s3_prefix for spec in prod] == ["app-logs/", "ecs-task-stop-log/", "waf-logs/"]
    assert len({(s.args.expiration_days, s.args.object_lock_days, s.args.kms_key_arn) for s in prod}) == 1
    assert prod[2].args.delivery_stream_name == "aws-waf-logs-httpd-firelens-prod"


def test_archive_versions_and_object_lock() -> None:
    """archiveNoncurrentVersionDays at least 1; archiveObjectLockDays 0 (off) to archiveExpirationDays and never
    with forceDestroy (PrivateBucketArgs: the provider empties a force-destroyed bucket bypassing governance mode,
    hashicorp/terraform-provider-aws internal/service/s3/delete.go, emptyBucket: "If `force` is `true` then S3
    Object Lock governance mode restrictions are bypassed", which needs s3:BypassGovernanceRetention, deliberately
    not granted to the deploy role, so `pulumi destroy` would fail on the first locked object)."""
    dev, prod = app_archive(load("dev")), app_archive(load("prod"))
    assert (dev.object_lock_days, dev.noncurrent_version_expiration_days) == (0, 30)
    assert prod.object_lock_days == 90 <= prod.expiration_days
    unlocked = app_archive(load(forceDestroy="false", archiveObjectLockDays="30", archiveNoncurrentVersionDays="365"))
    assert (unlocked.object_lock_days, unlocked.noncurrent_version_expiration_days) == (30, 365)
    assert "at least 1" in only_problem("archiveNoncurrentVersionDays", archiveNoncurrentVersionDays="0")
    assert "allowed: 0 to the expiration, 30" in only_problem(
        "archiveObjectLockDays", forceDestroy="false", archiveObjectLockDays="31"
    )
    assert "allowed: 0 to the expiration, 30" in only_problem(
        "archiveObjectLockDays", forceDestroy="false", archiveObjectLockDays="-1"
    )
    assert "allowed: 0 while force_destroy is on" in only_problem("archiveObjectLockDays", archiveObjectLockDays="7")


def test_stop_capture_settings() -> None:
    capture = load(stopEventScope="account", captureAllTaskStates="true", alertEmail="oncall@example.com").stop_capture
    assert (capture.scope, capture.capture_all_task_states, capture.alerts.email) == (
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
    assert "allowed: 1 to 64" in only_problem(
        "firehoseBufferSizeMiB",
        secrets={"partnerApiKey": "k"},
        partnerEndpointUrl=DATADOG,
        partnerEndpointName="Datadog",
        firehoseBufferSizeMiB="100",
    )


def test_plain_keys_must_not_be_secrets() -> None:
    assert "is not a secret" in only_problem("alertEmail", secrets={"alertEmail": "oncall@example.com"})


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        services=httpd(cpu=300, desiredCount=-1, image="httpd"), vpcCidr="10.0.0.0/8", logRetentionDays="10"
    )
    keys = sorted(line.split("'")[1] for line in found)
    assert keys == [
        "httpd-firelens:logRetentionDays",
        "httpd-firelens:services.httpd.cpu",
        "httpd-firelens:services.httpd.desiredCount",
        "httpd-firelens:services.httpd.image",
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
        settings = load(natgateways="single")
    assert settings.network.nat_gateways == "none"
    assert any(
        "'httpd-firelens:natgateways'" in r.getMessage() and "natGateways" in r.getMessage() for r in caplog.records
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
