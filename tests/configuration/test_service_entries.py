"""configuration/service_entries.py: the `services` entries read into the components' Args, each bad entry named by
its key under `services`. Pure functions, no Pulumi runtime; tests/configuration/test_settings.py checks the config-key
lines settings make of them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from components.service.firelens_service import AppContainer, HealthCheck, Route, Scaling
from configuration.limits import FARGATE_MEMORY_BY_CPU
from configuration.service_entries import SERVICE_KEYS, EntryProblem, ServiceSpec, default_of, read_services


def read(raw: Any, cpu_architecture: str = "X86_64") -> list[ServiceSpec]:
    specs, problems = read_services(raw, cpu_architecture)
    assert problems == []
    return specs


def keys_of(raw: Any) -> list[str]:
    return [problem.key for problem in read_services(raw, "X86_64")[1]]


def only(raw: Any) -> EntryProblem:
    (problem,) = read_services(raw, "X86_64")[1]
    return problem


def test_an_empty_entry_is_the_components_defaults() -> None:
    """`{"httpd": {}}` (Pulumi.yaml's default) is exactly the Args' defaults: nothing is restated here."""
    (spec,) = read({"httpd": {}}, "ARM64")
    assert spec == ServiceSpec("httpd", AppContainer("httpd", cpu_architecture="ARM64"), Route(), Scaling())


def test_every_key_sets_its_field() -> None:
    health_check = {
        "path": "/healthz",
        "matcher": "200-299",
        "intervalSeconds": 30,
        "timeoutSeconds": 10,
        "healthyThreshold": 3,
        "unhealthyThreshold": 4,
        "gracePeriodSeconds": 120,
    }
    entry: dict[str, object] = {
        "image": "public.ecr.aws/nginx/nginx:1.27.3",
        "port": 8080,
        "cpu": 512,
        "memory": 2048,
        "logParser": "app_json",
        "readOnlyRootFilesystem": False,
        "writablePaths": ["/tmp"],
        "healthCheck": health_check,
        "priority": 100,
        "paths": ["/api/*"],
        "hosts": ["api.example.com"],
        "desiredCount": 2,
        "minCount": 2,
        "maxCount": 4,
        "cpuTargetPercent": 70,
        "requestsPerTarget": 500,
    }
    (spec,) = read({"api": entry})
    assert spec.app == AppContainer(
        "api",
        image="public.ecr.aws/nginx/nginx:1.27.3",
        port=8080,
        cpu=512,
        memory=2048,
        access_log_parser="app_json",
        read_only_root_filesystem=False,
        writable_paths=("/tmp",),
        health_check=HealthCheck("/healthz", 30, 10, 3, 4, "200-299", 120),
    )
    assert spec.route == Route(100, ("/api/*",), ("api.example.com",))
    assert spec.scaling == Scaling(2, 2, 4, 70, 500)
    assert set(SERVICE_KEYS) == {k for k in entry if k != "healthCheck"} | {f"healthCheck.{k}" for k in health_check}


def test_every_key_names_a_field_with_a_default() -> None:
    """A key maps to a field of AppContainer, HealthCheck, Route or Scaling that has a default (default_of)."""
    for field_path in SERVICE_KEYS.values():
        default_of(field_path)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"httpd": {"prot": 80}}, "httpd.prot"),
        ({"httpd": {"healthCheck": {"paht": "/"}}}, "httpd.healthCheck.paht"),
        ({"httpd": {"port": "80"}}, "httpd.port"),
        ({"httpd": {"port": True}}, "httpd.port"),
        ({"httpd": {"readOnlyRootFilesystem": "false"}}, "httpd.readOnlyRootFilesystem"),
        ({"httpd": {"paths": "/api/*"}}, "httpd.paths"),
        ({"httpd": {"writablePaths": [1]}}, "httpd.writablePaths"),
        ({"httpd": {"image": 5}}, "httpd.image"),
    ],
)
def test_unknown_keys_and_wrong_types_are_named(raw: Any, key: str) -> None:
    assert keys_of(raw) == [key]


def test_a_typo_is_named_with_the_nearest_key() -> None:
    assert only({"api": {"desiredcount": 2}}).allowed.endswith("(did you mean desiredCount?)")


@pytest.mark.parametrize("raw", [[], {}, "httpd", {"httpd": 1}, {"httpd": []}])
def test_services_must_be_a_map_of_entries(raw: Any) -> None:
    assert only(raw).key == ""


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"port": 24224}, "port"),
        ({"port": 2020}, "port"),
        ({"port": 70000}, "port"),
        ({"image": "nginx"}, "image"),
        ({"image": "nginx:latest"}, "image"),
        ({"cpu": 300}, "cpu"),
        ({"memory": 4096}, "memory"),
        ({"cpu": 8192, "memory": 17408}, "memory"),
        ({"logParser": "nginx"}, "logParser"),
        ({"writablePaths": ["/tmp/"]}, "writablePaths"),
        ({"writablePaths": ["/a-b", "/a/b"]}, "writablePaths"),
        ({"healthCheck": {"path": "healthz"}}, "healthCheck.path"),
        ({"healthCheck": {"intervalSeconds": 301}}, "healthCheck.intervalSeconds"),
        ({"healthCheck": {"timeoutSeconds": 10}}, "healthCheck.timeoutSeconds"),
        ({"healthCheck": {"healthyThreshold": 1}}, "healthCheck.healthyThreshold"),
        ({"healthCheck": {"unhealthyThreshold": 11}}, "healthCheck.unhealthyThreshold"),
        ({"healthCheck": {"matcher": "600"}}, "healthCheck.matcher"),
        ({"healthCheck": {"gracePeriodSeconds": -1}}, "healthCheck.gracePeriodSeconds"),
        ({"priority": 0}, "priority"),
        ({"paths": []}, "paths"),
        ({"paths": ["/a", "/b", "/c", "/d"]}, "paths"),
        ({"hosts": ["h" * 125 + ".com"]}, "hosts"),
        ({"hosts": ["localhost"]}, "hosts"),
        ({"desiredCount": 3}, "desiredCount"),
        ({"minCount": 3}, "minCount"),
        ({"maxCount": 101}, "maxCount"),
        ({"cpuTargetPercent": 95}, "cpuTargetPercent"),
        ({"requestsPerTarget": 0}, "requestsPerTarget"),
    ],
)
def test_the_components_rules_are_named_by_their_key(entry: dict[str, Any], key: str) -> None:
    """Each rule is the component's (tests/service/test_service.py cites AWS for them); here only that it reaches the
    key that sets the field."""
    assert keys_of({"api": entry}) == [f"api.{key}"]


def test_the_fargate_sizes_are_taken_as_limits_lists_them() -> None:
    for cpu, sizes in FARGATE_MEMORY_BY_CPU.items():
        for memory in (sizes[0], sizes[-1]):
            (spec,) = read({"api": {"cpu": cpu, "memory": memory}})
            assert (spec.app.cpu, spec.app.memory) == (cpu, memory)
    assert only({"api": {"memory": 4096}}).allowed == "with cpu 256: 512, 1024, 2048"


def test_a_bad_service_name_is_the_entry() -> None:
    assert keys_of({"my api": {}}) == ["my api"]
    assert keys_of({"log_router": {}}) == ["log_router"]


def test_two_services_cannot_share_a_priority() -> None:
    """Priorities are unique per listener (elbv2 CreateRule: PriorityInUse), and every service's rule is on the one
    listener: both entries are named, each with the other."""
    found = read_services({"httpd": {}, "api": {"paths": ["/api/*"]}}, "X86_64")[1]
    assert [(p.key, p.allowed) for p in found] == [
        ("httpd.priority", "a priority no other service has (api)"),
        ("api.priority", "a priority no other service has (httpd)"),
    ]


def test_two_and_three_services_with_their_own_priorities() -> None:
    specs = read(
        {
            "httpd": {},
            "api": {"priority": 100, "paths": ["/api/*"], "port": 8080},
            "admin": {"priority": 10, "paths": ["/*"], "hosts": ["admin.example.com"]},
        }
    )
    assert [(s.name, s.route.priority) for s in specs] == [("httpd", 50000), ("api", 100), ("admin", 10)]


def test_every_problem_of_an_entry_at_once() -> None:
    assert keys_of({"api": {"port": 2020, "cpu": 300, "prot": 1, "healthCheck": {"path": "x"}}}) == [
        "api.prot",
        "api.port",
        "api.cpu",
        "api.healthCheck.path",
    ]


def test_a_wrong_type_keeps_the_default_so_no_second_line() -> None:
    problem = only({"api": {"port": "eighty"}})
    assert dataclasses.astuple(problem) == ("api.port", "eighty", "a whole number")
