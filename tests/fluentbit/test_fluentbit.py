"""fluentbit/extra.conf and parsers.conf, statically: they parse, use only keys Fluent Bit 1.9 knows, define no
inputs, match only the FireLens records, and fit the task definition and the stack they run in.

How the config behaves (parsing, routing, metadata, time, outage, shutdown, memory) is tested in the real
Fluent Bit, in tests/fluentbit/test_router.py: these are only the fast checks worth running on every change.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.service.httpd import ROUTER_CONFIG_FILE
from offline.harness import PROJECT_DIR, Evaluation
from tests.support import router_harness
from tests.support.fluentbit_config import Section, expand, flag, parse_file, tag_matches
from tests.support.helpers import FIREHOSE, environment, inside, statements
from tests.support.httpd_service import FLUENT_BIT_GRACE_SECONDS, LOG_GROUP, ROLE_POLICY, containers, one
from tests.support.iam_lint import as_list, policy_of
from tests.support.router_harness import (
    CONTAINER_MOUNTS,
    FLUENTBIT_DIR,
    DockerEngine,
    aws_hostnames,
    firelens_config,
    image_files,
    router_task,
)

EXTRA = parse_file(FLUENTBIT_DIR / "extra.conf")
PARSERS_CONFIG = parse_file(FLUENTBIT_DIR / "parsers.conf")
ARCHIVE = "kinesis_firehose"
CLOUDWATCH = "cloudwatch_logs"
FIRELENS_MATCH = "*-firelens-*"  # FireLens tags records <container>-firelens-<task id>
TASK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
FIRELENS_TAGS = [f"httpd-firelens-{TASK_ID}", f"sidecar-firelens-{TASK_ID}", f"my-app-firelens-{TASK_ID}"]
NOT_FIRELENS = ["firelens-healthcheck", "urgent.5b8c0a5f7e0d4c1f", f"urgent.{TASK_ID}-2531612879"]

# The API calls each output makes, as read in Fluent Bit 1.9's plugins: kinesis_firehose sends
# PutRecordBatch only (out_kinesis_firehose/firehose_api.c); cloudwatch_logs with auto_create_group off
# creates its stream and puts events (out_cloudwatch_logs/cloudwatch_api.c).
OUTPUT_CALLS = {
    ARCHIVE: {"firehose:PutRecordBatch"},
    CLOUDWATCH: {"logs:CreateLogStream", "logs:PutLogEvents"},
}
# Output keys that would need more than OUTPUT_CALLS (CreateLogGroup, PutRetentionPolicy, other groups or
# streams, sts:AssumeRole).
KEYS_NEEDING_MORE_PERMISSIONS = {
    "log_retention_days",
    "log_group_template",
    "log_stream_template",
    "role_arn",
    "new_log_group_tags",
}

# Keys each section may use, from the Fluent Bit 1.9 documentation: a key Fluent Bit does not know is
# either ignored or fatal at start, and both hide a typo.
_OUTPUT_COMMON = {"name", "match", "alias", "retry_limit", "storage.total_limit_size", "workers"}
KNOWN_KEYS: dict[tuple[str, str], set[str]] = {
    ("SERVICE", "service"): {
        "flush",
        "grace",
        "daemon",
        "log_file",
        "log_level",
        "parsers_file",
        "plugins_file",
        "streams_file",
        "http_server",
        "http_listen",
        "http_port",
        "health_check",
        "hc_errors_count",
        "hc_retry_failure_count",
        "hc_period",
        "storage.path",
        "storage.sync",
        "storage.checksum",
        "storage.max_chunks_up",
        "storage.backlog.mem_limit",
        "storage.metrics",
    },
    ("FILTER", "parser"): {"name", "match", "alias", "key_name", "parser", "preserve_key", "reserve_data"},
    ("FILTER", "rewrite_tag"): {
        "name",
        "match",
        "alias",
        "rule",
        "emitter_name",
        "emitter_storage.type",
        "emitter_mem_buf_limit",
    },
    ("OUTPUT", ARCHIVE): _OUTPUT_COMMON
    | {"region", "delivery_stream", "time_key", "time_key_format", "log_key", "endpoint", "auto_retry_requests"},
    ("OUTPUT", CLOUDWATCH): _OUTPUT_COMMON
    | {
        "region",
        "log_group_name",
        "log_stream_name",
        "log_stream_prefix",
        "log_key",
        "log_format",
        "auto_create_group",
        "endpoint",
        "auto_retry_requests",
    }
    | KEYS_NEEDING_MORE_PERMISSIONS,
    ("PARSER", "httpd_access"): {"name", "format", "regex", "time_key", "time_format", "time_keep", "types"},
    ("PARSER", "app_json"): {"name", "format", "time_key", "time_format", "time_keep"},
}


def section(kind: str, name: str) -> Section:
    (found,) = EXTRA.plugin(kind, name)
    return found


SERVICE = EXTRA.of_kind("SERVICE")[0]
PARSER_FILTER = section("FILTER", "parser")
COPY = section("FILTER", "rewrite_tag")
FIREHOSE_OUTPUT = section("OUTPUT", ARCHIVE)
CLOUDWATCH_OUTPUT = section("OUTPUT", CLOUDWATCH)


def rules() -> list[list[str]]:
    return [rule.split() for rule in COPY.all("Rule")]


# --- the config's shape ----------------------------------------------------------------------------------


def test_every_key_is_one_fluent_bit_1_9_knows() -> None:
    for config in (EXTRA, PARSERS_CONFIG):
        for found in config.sections:
            known = KNOWN_KEYS.get((found.kind, found.name))
            assert known is not None, f"[{found.kind}] {found.name} is not a plugin this config is checked for"
            assert found.keys() <= known, (found.kind, found.name, found.keys() - known)


def test_comments_are_on_their_own_lines() -> None:
    """Fluent Bit keeps "# text" after a value as part of the value."""
    for found in EXTRA.sections + PARSERS_CONFIG.sections:
        for key, value in found.entries:
            if key != "Regex":
                assert " #" not in value and "\t#" not in value, (key, value)


def test_extra_conf_defines_no_inputs() -> None:
    """FireLens generates the forward inputs (unix socket and 24224); a second listener on 24224 would fail
    to bind and stop the router."""
    assert EXTRA.of_kind("INPUT") == []
    values = " ".join(v for s in EXTRA.sections for _, v in s.entries)
    assert "24224" not in values and "fluent.sock" not in values


def test_the_parser_filter_applies_one_parser_the_service_chose() -> None:
    """One parser pass per record: the one filter applies the parser named by APP_LOG_PARSER (the service's
    choice among parsers.conf's, tests/service/test_firelens_task.py), one regex for both of httpd's formats. `status`
    stays a string: rewrite_tag rules only match string values (src/flb_ra_key.c, flb_ra_key_regex_match), and
    the 5xx route is a rule on it (tests/fluentbit/test_router.py shows 5xx lines reaching CloudWatch)."""
    assert PARSER_FILTER.all("Parser") == ["${APP_LOG_PARSER}"]
    assert PARSER_FILTER.one("Key_Name") == "log"
    assert flag(PARSER_FILTER.one("Preserve_Key")) and flag(PARSER_FILTER.one("Reserve_Data"))
    (httpd,) = PARSERS_CONFIG.plugin("PARSER", "httpd_access")
    assert httpd.one("Format") == "regex"
    assert "status:" not in (httpd.get("Types") or "")
    assert ["$status", "^5"] in [rule[:2] for rule in rules()]


def test_filters_and_the_archive_take_every_app_containers_firelens_records_and_nothing_else() -> None:
    """`*-firelens-*`: every container of the task that uses the awsfirelens driver, never `*` (that takes
    the health-check input's records, tagged firelens-healthcheck) and never a name such as `httpd`."""
    for found in [*EXTRA.of_kind("FILTER"), FIREHOSE_OUTPUT]:
        assert found.one("Match") == FIRELENS_MATCH, found.name
    for tag in FIRELENS_TAGS:
        assert tag_matches(FIRELENS_MATCH, tag)
    for tag in NOT_FIRELENS:
        assert not tag_matches(FIRELENS_MATCH, tag)


def test_only_the_urgent_records_are_copied_and_the_copies_never_loop() -> None:
    """KEEP true on every rule: the original stays on its FireLens tag for the archive, only a copy goes
    through the emitter. A copy's tag must not match the filters again (rewrite_tag would copy it forever),
    so it is built from the record's container_id, never from $TAG (which contains "-firelens-")."""
    assert rules() and all(len(rule) == 4 for rule in rules())
    for key, regex, new_tag, keep in rules():
        assert key.startswith("$") and regex.startswith("^")
        assert flag(keep), "the archive gets every record from the FireLens input, not from the emitter"
        assert "$TAG" not in new_tag and "-firelens-" not in new_tag
        copy = new_tag.replace("$container_id", f"{TASK_ID}-2531612879")
        assert not tag_matches(FIRELENS_MATCH, copy)
        assert tag_matches(CLOUDWATCH_OUTPUT.one("Match"), copy)
    assert {rule[2] for rule in rules()} == {"urgent.$container_id"}


def test_outputs_never_take_everything() -> None:
    for output in EXTRA.of_kind("OUTPUT"):
        assert output.one("Match").strip("*.") != ""  # never *, *.* or similar


def test_outputs_never_create_groups_or_need_more_permissions() -> None:
    for output in EXTRA.of_kind("OUTPUT"):
        assert not flag(output.get("auto_create_group") or "false")
        assert not output.keys() & KEYS_NEEDING_MORE_PERMISSIONS
    assert CLOUDWATCH_OUTPUT.one("auto_create_group") == "false"  # said, not left to the default


def test_buffers_are_bounded_by_the_sized_limits() -> None:
    """The copies wait in a filesystem-backed emitter capped in memory by FLB_MEM_BUF_LIMIT and on disk by
    FLB_STORAGE_LIMIT; retries are bounded (never no_limits). The archive's records wait in the FireLens
    input's memory (its storage cannot be set from extra.conf), where storage.total_limit_size does nothing."""
    assert COPY.one("Emitter_Storage.type") == "filesystem"
    assert COPY.one("Emitter_Mem_Buf_Limit") == "${FLB_MEM_BUF_LIMIT}"
    assert CLOUDWATCH_OUTPUT.one("storage.total_limit_size") == "${FLB_STORAGE_LIMIT}"
    assert FIREHOSE_OUTPUT.get("storage.total_limit_size") is None
    for output in EXTRA.of_kind("OUTPUT"):
        assert re.fullmatch(r"[1-9][0-9]?", output.one("Retry_Limit")), output.name


def test_service_settings_flush_at_once_and_within_the_stop_timeout() -> None:
    assert SERVICE.one("Flush") == "1"
    assert int(SERVICE.one("Grace")) == FLUENT_BIT_GRACE_SECONDS
    assert SERVICE.one("storage.sync") == "normal"
    assert re.fullmatch(r"[0-9]+[KMG]", SERVICE.one("storage.backlog.mem_limit"))
    assert flag(SERVICE.one("HTTP_Server"))


def test_outputs_send_to_the_configured_destinations() -> None:
    assert FIREHOSE_OUTPUT.one("delivery_stream") == "${DELIVERY_STREAM}"
    assert CLOUDWATCH_OUTPUT.one("log_group_name") == "${APP_LOG_GROUP}"
    assert CLOUDWATCH_OUTPUT.one("log_stream_prefix") == "${APP_LOG_STREAM_PREFIX}"
    for output in EXTRA.of_kind("OUTPUT"):
        assert output.one("region") == "${AWS_REGION}"


def test_the_archive_time_has_whole_seconds() -> None:
    """1.9's %3N and %L drop leading zeros (tests/fluentbit/test_router.py shows it in the real engine)."""
    assert FIREHOSE_OUTPUT.one("time_key_format") == "%Y-%m-%dT%H:%M:%SZ"


# --- the contract with the image, the task definition and the stack -------------------------------------


def router(ev: Evaluation) -> dict[str, Any]:
    return containers(ev)["log_router"]


def test_the_image_holds_the_files_the_configs_name() -> None:
    """What FireLens includes (config-file-value) and the parsers file extra.conf loads are both copied by the
    Dockerfile (the integration harness reads the same COPY lines)."""
    files = image_files()
    assert files[ROUTER_CONFIG_FILE] == FLUENTBIT_DIR / "extra.conf"
    assert files[SERVICE.one("Parsers_File")] == FLUENTBIT_DIR / "parsers.conf"


def test_every_variable_the_config_uses_is_in_the_router_environment(stack: Evaluation) -> None:
    used = EXTRA.env_references() | PARSERS_CONFIG.env_references()
    assert used == set(environment(router(stack)))


def test_the_generated_main_config_names_the_task(dev: Evaluation) -> None:
    """The harness's FireLens config carries the task's metadata from the program and includes extra.conf."""
    task = router_task(dev)
    text = firelens_config(task, ROUTER_CONFIG_FILE)
    assert f"@INCLUDE {ROUTER_CONFIG_FILE}" in text
    assert f"Record ecs_cluster {one(dev, 'aws:ecs/cluster:Cluster', 'cluster').state['name']}" in text
    assert task.environment == environment(router(dev))
    assert task.memory_reservation_mib == router(dev)["memoryReservation"]


def test_outputs_write_to_destinations_the_stack_creates(stack: Evaluation) -> None:
    env = environment(router(stack))
    assert expand(CLOUDWATCH_OUTPUT.one("log_group_name"), env) == one(stack, LOG_GROUP, "app-logs").state["name"]
    (stream,) = inside(stack, "httpd-firelens:logs:LogArchive", "app-log-archive", FIREHOSE)
    assert expand(FIREHOSE_OUTPUT.one("delivery_stream"), env) == stream.state["name"]
    for output in EXTRA.of_kind("OUTPUT"):
        assert expand(output.one("region"), env) == stack.config.region


def test_the_task_role_allows_exactly_the_calls_the_outputs_make(stack: Evaluation) -> None:
    document = policy_of(one(stack, ROLE_POLICY, "task-policy"))
    granted: dict[str, set[str]] = {}
    for statement in statements(document):
        assert statement["Effect"] == "Allow" and "Condition" not in statement
        for action in as_list(statement["Action"]):
            granted.setdefault(action, set()).update(as_list(statement["Resource"]))
    group_arn = one(stack, LOG_GROUP, "app-logs").state["arn"]
    (stream,) = inside(stack, "httpd-firelens:logs:LogArchive", "app-log-archive", FIREHOSE)
    destinations = {ARCHIVE: {stream.state["arn"]}, CLOUDWATCH: {group_arn, f"{group_arn}:log-stream:*"}}
    needed = {call: destinations[o.name] for o in EXTRA.of_kind("OUTPUT") for call in OUTPUT_CALLS[o.name]}
    assert set(granted) == set(needed)
    for call, resources in needed.items():
        assert granted[call] == resources, call


def test_the_router_container_fits_the_config(stack: Evaluation) -> None:
    container = router(stack)
    assert int(SERVICE.one("Grace")) < container["stopTimeout"]
    # The buffer must be on the writable volume: the root filesystem is read-only.
    assert container["readonlyRootFilesystem"] is True
    (mount,) = container["mountPoints"]
    assert mount["readOnly"] is False
    assert SERVICE.one("storage.path").startswith(mount["containerPath"].rstrip("/") + "/")
    # The health check asks the HTTP server extra.conf starts.
    (url,) = re.findall(r"https?://[^\s|]+", " ".join(container["healthCheck"]["command"]))
    assert url == f"http://{SERVICE.one('HTTP_Listen')}:{SERVICE.one('HTTP_Port')}/api/v1/uptime"
    assert container["firelensConfiguration"]["options"]["config-file-value"] == ROUTER_CONFIG_FILE


def test_the_docker_engine_runs_the_image_as_the_task_runs_the_router(dev: Evaluation, tmp_path: Path) -> None:
    """The GitHub checks run the integration tests against the built image (FLUENT_BIT_IMAGE): as the task
    definition runs the log_router container, with what FireLens binds in at the same paths as the
    binary's sandbox gives them."""
    task = router_task(dev)
    container = router(dev)
    command = DockerEngine("log-router:under-test").run_command("name", tmp_path, task, task.environment, "127.9.8.7")
    options = list(itertools.pairwise(command))
    assert command[-1] == "log-router:under-test"
    assert ("--user", container["user"]) in options and container["user"] == "0"
    assert ("--read-only" in command) is container["readonlyRootFilesystem"] is True
    assert f"--memory-reservation={container['memoryReservation']}m" in command
    volumes = {value.split(":")[1]: value for flag_, value in options if flag_ == "--volume"}
    assert set(volumes) == set(CONTAINER_MOUNTS)
    for path, volume in volumes.items():
        assert volume.startswith(f"{tmp_path / path.lstrip('/')}:{path}")
    assert {value for flag_, value in options if flag_ == "--env"} == {f"{k}={v}" for k, v in task.environment.items()}
    hosts = {value for flag_, value in options if flag_ == "--add-host"}
    assert hosts == {f"{name}:127.9.8.7" for name in aws_hostnames(task.region)}


def test_the_checks_workflow_runs_the_integration_tests_against_the_built_image() -> None:
    """The job that runs the router in the image built from fluentbit/: built with buildx, then
    `pytest -m integration` with FLUENT_BIT_IMAGE naming that image (never skipped there: an explicit
    FLUENT_BIT_IMAGE without docker is an error)."""
    workflow = yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / "checks.yml").read_text())
    (job,) = [job for job in workflow["jobs"].values() if "FLUENT_BIT_IMAGE" in str(job)]
    runs = [step.get("run", "") for step in job["steps"]]
    (build,) = [run for run in runs if "docker buildx build" in run]
    tag = re.search(r"--tag (\S+)", build)
    assert tag and build.rstrip().endswith(" fluentbit") and "--load" in build
    (test_step,) = [step for step in job["steps"] if "-m integration" in step.get("run", "")]
    assert test_step["env"]["FLUENT_BIT_IMAGE"] == tag.group(1)
    assert any(step.get("uses", "").startswith("docker/setup-buildx-action@") for step in job["steps"])


def test_without_fluent_bit_the_integration_tests_are_skipped_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(router_harness.BINARY_ENV, raising=False)
    monkeypatch.delenv(router_harness.IMAGE_ENV, raising=False)
    monkeypatch.setattr(router_harness, "DEFAULT_BINARY", tmp_path / "fluent-bit")
    reason = router_harness.engine_or_skip_reason()
    assert isinstance(reason, str) and str(tmp_path / "fluent-bit") in reason


def test_an_explicitly_configured_fluent_bit_that_does_not_work_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """.ci/run sets FLUENT_BIT: there, a missing binary must fail the run, never skip the tests."""
    monkeypatch.delenv(router_harness.IMAGE_ENV, raising=False)
    monkeypatch.setenv(router_harness.BINARY_ENV, str(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="FLUENT_BIT="):
        router_harness.engine_or_skip_reason()
