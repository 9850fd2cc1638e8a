"""fluentbit/extra.conf and parsers.conf: the router's config against the task definition and the stack it
runs in, its parser against real httpd 2.4 log lines, and its routing, run through a model of Fluent Bit 1.9
(tests/fluentbit_config.py) wrapped in the config FireLens generates around it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from components.log_router_sizing import log_router_buffers
from components.service import APP_CONTAINER, APP_LOG_STREAM_PREFIX, ROUTER_CONFIG_FILE
from offline.harness import PROJECT_DIR, Evaluation
from tests.fluentbit_config import (
    Config,
    Delivery,
    Pipeline,
    Record,
    RegexParser,
    Section,
    expand,
    flag,
    load_parsers,
    parse_config,
    parse_file,
    parse_rule,
    rules,
    tag_matches,
)
from tests.iam_lint import as_list, policy_of
from tests.test_service import (
    FIREHOSE,
    FLUENT_BIT_GRACE_SECONDS,
    LOG_GROUP,
    ROLE_POLICY,
    containers,
    environment,
    inside,
    one,
    statements,
)

FLUENTBIT_DIR = PROJECT_DIR / "fluentbit"
EXTRA = parse_file(FLUENTBIT_DIR / "extra.conf")
PARSERS_CONFIG = parse_file(FLUENTBIT_DIR / "parsers.conf")
PARSERS = load_parsers(PARSERS_CONFIG)
ARCHIVE = "kinesis_firehose"
CLOUDWATCH = "cloudwatch_logs"
TASK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
FIRELENS_TAG = f"{APP_CONTAINER}-firelens-{TASK_ID}"  # FireLens tags records <container>-firelens-<task id>
ECS_METADATA = ("ecs_cluster", "ecs_task_arn", "ecs_task_definition")

# The config FireLens generates for this task on Fargate, with extra.conf included where FireLens includes it
# (aws-for-fluent-bit's troubleshooting guide, "Replicate an ECS FireLens Task Setup Locally"): forward
# inputs on a unix socket and on 24224, the health check input, and the metadata filter for every tag.
FIRELENS_GENERATED = f"""
[INPUT]
    Name forward
    unix_path /var/run/fluent.sock

[INPUT]
    Name forward
    Listen 0.0.0.0
    Port 24224

[INPUT]
    Name tcp
    Tag firelens-healthcheck
    Listen 127.0.0.1
    Port 8877

[FILTER]
    Name record_modifier
    Match *
    Record ecs_cluster httpd-firelens-dev-cluster
    Record ecs_task_arn arn:aws:ecs:ap-northeast-1:123456789012:task/httpd-firelens-dev-cluster/{TASK_ID}
    Record ecs_task_definition httpd-firelens-dev-httpd:7

@INCLUDE {ROUTER_CONFIG_FILE}

[OUTPUT]
    Name null
    Match firelens-healthcheck
"""
BUFFERS = log_router_buffers(128)
ENV = {
    "AWS_REGION": "ap-northeast-1",
    "APP_LOG_GROUP": "/ecs/httpd-firelens-dev/httpd-20261014000000000000000001",
    "APP_LOG_STREAM_PREFIX": APP_LOG_STREAM_PREFIX,
    "DELIVERY_STREAM": "app-log-archive-stream-1a2b3c4",
    "FLB_MEM_BUF_LIMIT": BUFFERS.mem_buf_limit,
    "FLB_STORAGE_LIMIT": BUFFERS.storage_limit,
}
ARRIVAL = datetime(2026, 10, 14, 14, 40, 0, 250000, tzinfo=UTC)

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
    ("FILTER", "record_modifier"): {"name", "match", "alias", "record", "remove_key", "allowlist_key"},
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
}


def firelens_config() -> Config:
    """FireLens's generated config with extra.conf included, as Fluent Bit reads it in the task."""

    def load(path: str) -> Config:
        assert path == ROUTER_CONFIG_FILE, path
        return EXTRA

    return parse_config(FIRELENS_GENERATED).resolve_includes(load)


def firelens_record(line: str, source: str = "stdout") -> tuple[tuple[str, Any], ...]:
    """A line as the awsfirelens (fluentd) log driver sends it."""
    return (
        ("container_id", "5b8c0a5f7e0d4c1f9a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"),
        ("container_name", f"/ecs-httpd-firelens-dev-httpd-7-{APP_CONTAINER}-a4eafbb3d4c7f1e16e00"),
        ("source", source),
        ("log", line),
    )


def route(line: str, source: str = "stdout", config: Config | None = None, parsers: Any = None) -> Pipeline:
    pipeline = Pipeline(config or firelens_config(), parsers or PARSERS, ENV)
    pipeline.ingest(FIRELENS_TAG, ARRIVAL, firelens_record(line, source))
    return pipeline


def payload(delivery: Delivery) -> dict[str, Any]:
    keys = [key for key, _ in delivery.payload]
    assert len(keys) == len(set(keys)), f"duplicate keys reach {delivery.output}: {keys}"
    return dict(delivery.payload)


def section(kind: str, name: str) -> Section:
    (found,) = EXTRA.plugin(kind, name)
    return found


SERVICE = EXTRA.of_kind("SERVICE")[0]
PARSER_FILTER = section("FILTER", "parser")
REWRITE = section("FILTER", "rewrite_tag")
FIREHOSE_OUTPUT = section("OUTPUT", ARCHIVE)
CLOUDWATCH_OUTPUT = section("OUTPUT", CLOUDWATCH)


# --- httpd 2.4 log lines ---------------------------------------------------------------------------------

# The Apache HTTP Server documentation's example request ("Log Files"), in the common and combined formats.
APACHE_EXAMPLE = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326'
APACHE_EXAMPLE_FIELDS = {
    "client": "127.0.0.1",
    "user": "frank",
    "method": "GET",
    "path": "/apache_pb.gif",
    "protocol": "HTTP/1.0",
    "status": "200",
    "bytes": 2326,
}
APACHE_EXAMPLE_TIME = datetime(2000, 10, 10, 13, 55, 36, tzinfo=timezone(timedelta(hours=-7)))
ACCESS_LINES: list[tuple[str, str, dict[str, Any], datetime]] = [
    ("common, the Apache documentation's example", APACHE_EXAMPLE, APACHE_EXAMPLE_FIELDS, APACHE_EXAMPLE_TIME),
    (
        "combined, the Apache documentation's example",
        APACHE_EXAMPLE + ' "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
        {
            **APACHE_EXAMPLE_FIELDS,
            "referer": "http://www.example.com/start.html",
            "agent": "Mozilla/4.08 [en] (Win98; I ;Nav)",
        },
        APACHE_EXAMPLE_TIME,
    ),
    (
        "the ALB health check, no body",
        '10.0.1.23 - - [14/Oct/2026:14:32:52 +0000] "GET / HTTP/1.1" 304 -',
        {"client": "10.0.1.23", "method": "GET", "path": "/", "protocol": "HTTP/1.1", "status": "304", "bytes": 0},
        datetime(2026, 10, 14, 14, 32, 52, tzinfo=UTC),
    ),
    (
        "IPv6 client, query string, HTTP/2.0, 5xx",
        '2001:db8:85a3::8a2e:370:7334 - - [14/Oct/2026:14:33:01 +0900] "GET /search?q=a%20b&page=2 HTTP/2.0" 503 299',
        {
            "client": "2001:db8:85a3::8a2e:370:7334",
            "method": "GET",
            "path": "/search?q=a%20b&page=2",
            "protocol": "HTTP/2.0",
            "status": "503",
            "bytes": 299,
        },
        datetime(2026, 10, 14, 5, 33, 1, tzinfo=UTC),
    ),
    (
        "combined, no referer, quotes escaped in the user agent",
        r'10.0.2.7 - - [14/Oct/2026:14:36:00 +0000] "POST /api/orders HTTP/1.1" 502 341 "-" '
        r'"curl/8.5.0 \"quoted\" agent"',
        {
            "client": "10.0.2.7",
            "method": "POST",
            "path": "/api/orders",
            "protocol": "HTTP/1.1",
            "status": "502",
            "bytes": 341,
            "agent": r"curl/8.5.0 \"quoted\" agent",
        },
        datetime(2026, 10, 14, 14, 36, 0, tzinfo=UTC),
    ),
    (
        "an escaped quote in the path",
        r'192.0.2.44 - - [14/Oct/2026:14:37:12 +0000] "GET /a\"b.html HTTP/1.1" 404 196 "https://example.org/" "Wget"',
        {
            "client": "192.0.2.44",
            "method": "GET",
            "path": r"/a\"b.html",
            "protocol": "HTTP/1.1",
            "status": "404",
            "bytes": 196,
            "referer": "https://example.org/",
            "agent": "Wget",
        },
        datetime(2026, 10, 14, 14, 37, 12, tzinfo=UTC),
    ),
    (
        "408: the client sent no request line",
        '10.0.1.9 - - [14/Oct/2026:14:35:00 +0000] "-" 408 -',
        {"client": "10.0.1.9", "status": "408", "bytes": 0},
        datetime(2026, 10, 14, 14, 35, 0, tzinfo=UTC),
    ),
    (
        "400: a TLS handshake sent to the HTTP port",
        r'10.0.1.9 - - [14/Oct/2026:14:35:01 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 226',
        {"client": "10.0.1.9", "status": "400", "bytes": 226},
        datetime(2026, 10, 14, 14, 35, 1, tzinfo=UTC),
    ),
]
ERROR_LINES = [
    "[Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 12:tid 34] [client 1.2.3.4:5678] AH00126: "
    "Invalid URI in request GET /../../etc/passwd HTTP/1.1",
    "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172.17.0.2. "
    "Set the 'ServerName' directive globally to suppress this message",
    "[Wed Oct 14 14:32:50.000001 2026] [mpm_event:notice] [pid 1:tid 140234] AH00489: Apache/2.4.65 (Unix) "
    "configured -- resuming normal operations",
    "[Wed Oct 14 14:32:50.000002 2026] [core:notice] [pid 1:tid 140234] AH00094: Command line: 'httpd -D FOREGROUND'",
    "[Wed Oct 14 14:39:10.412733 2026] [proxy:error] [pid 9:tid 140201] (111)Connection refused: AH00957: "
    "http: attempt to connect to 10.0.3.4:8080 (backend) failed",
]


def test_the_filter_uses_the_parser_the_parsers_file_defines() -> None:
    assert PARSER_FILTER.one("Parser") in PARSERS
    assert PARSER_FILTER.one("Key_Name") == "log"
    assert flag(PARSER_FILTER.one("Preserve_Key")) and flag(PARSER_FILTER.one("Reserve_Data"))


@pytest.mark.parametrize(("line", "fields", "time"), [c[1:] for c in ACCESS_LINES], ids=[c[0] for c in ACCESS_LINES])
def test_access_lines_parse_into_fields(line: str, fields: dict[str, Any], time: datetime) -> None:
    result = PARSERS[PARSER_FILTER.one("Parser")].parse(line)
    assert result is not None
    parsed, parsed_time = result
    assert dict(parsed) == fields
    assert len(parsed) == len(fields)  # no key twice
    assert parsed_time == time


@pytest.mark.parametrize("line", ERROR_LINES)
def test_error_log_lines_do_not_parse(line: str) -> None:
    assert PARSERS[PARSER_FILTER.one("Parser")].parse(line) is None


def test_the_parser_is_one_regex_for_both_formats() -> None:
    """One regex pass per record: a single parser, with the combined format's tail optional."""
    (parser_section,) = PARSERS_CONFIG.of_kind("PARSER")
    assert parser_section.one("Format") == "regex"
    assert EXTRA.plugin("FILTER", "parser") == [PARSER_FILTER]
    assert PARSER_FILTER.all("Parser") == ["httpd_access"]
    assert parser_section.one("Time_Key") == "time"
    assert parser_section.one("Time_Format") == "%d/%b/%Y:%H:%M:%S %z"


# --- routing ---------------------------------------------------------------------------------------------

ROUTES = [
    ("5xx on stdout", ACCESS_LINES[3][1], "stdout", {ARCHIVE, CLOUDWATCH}),
    ("502 with a user agent", ACCESS_LINES[4][1], "stdout", {ARCHIVE, CLOUDWATCH}),
    ("200 on stdout", ACCESS_LINES[1][1], "stdout", {ARCHIVE}),
    ("404 on stdout", ACCESS_LINES[5][1], "stdout", {ARCHIVE}),
    ("408 without a request line", ACCESS_LINES[6][1], "stdout", {ARCHIVE}),
    ("error log line on stderr", ERROR_LINES[0], "stderr", {ARCHIVE, CLOUDWATCH}),
    ("startup notice on stderr", ERROR_LINES[2], "stderr", {ARCHIVE, CLOUDWATCH}),
    # Decided: stderr is urgent whatever it says; an access line written there is parsed all the same.
    ("access line on stderr", ACCESS_LINES[1][1], "stderr", {ARCHIVE, CLOUDWATCH}),
    ("a line no parser understands on stdout", "plain text from a CGI script", "stdout", {ARCHIVE}),
]


@pytest.mark.parametrize(("line", "source", "outputs"), [r[1:] for r in ROUTES], ids=[r[0] for r in ROUTES])
def test_routing(line: str, source: str, outputs: set[str]) -> None:
    pipeline = route(line, source)
    assert Counter(d.output for d in pipeline.deliveries) == dict.fromkeys(outputs, 1)


def test_parsed_access_lines_reach_the_archive_with_their_fields_and_time() -> None:
    line, fields, time = ACCESS_LINES[3][1:]
    (archived,) = route(line).received(ARCHIVE)
    record = payload(archived)
    assert {k: record[k] for k in fields} == fields
    assert record["log"] == line  # the original line is kept
    assert record["source"] == "stdout"
    assert record[FIREHOSE_OUTPUT.one("time_key")] == "2026-10-14T05:33:01.000Z"  # the request time, in UTC
    assert time == datetime(2026, 10, 14, 5, 33, 1, tzinfo=UTC)


@pytest.mark.parametrize("line", ERROR_LINES[:2])
def test_unparsed_lines_pass_through_untouched(line: str) -> None:
    pipeline = route(line, "stderr")
    driver_keys = dict(firelens_record(line, "stderr"))
    for delivery in pipeline.deliveries:
        record = payload(delivery)
        extra_keys = {FIREHOSE_OUTPUT.one("time_key")} if delivery.output == ARCHIVE else set()
        assert set(record) == set(driver_keys) | set(ECS_METADATA) | extra_keys
        assert {k: record[k] for k in driver_keys} == driver_keys
    (archived,) = pipeline.received(ARCHIVE)
    assert payload(archived)["time"] == "2026-10-14T14:40:00.250Z"  # no time in the line: its arrival


def test_every_delivered_record_carries_the_ecs_metadata_once() -> None:
    """FireLens's metadata filter runs again on re-emitted records; extra.conf strips the keys before the
    re-emission, so each arrives exactly once, with FireLens's values."""
    (firelens_filter,) = parse_config(FIRELENS_GENERATED).plugin("FILTER", "record_modifier")
    metadata = {key: value for key, _, value in (record.partition(" ") for record in firelens_filter.all("Record"))}
    samples = [(c[1], "stdout") for c in ACCESS_LINES] + [(line, "stderr") for line in ERROR_LINES]
    for line, source in samples:
        deliveries = route(line, source).deliveries
        assert deliveries
        for delivery in deliveries:
            record = payload(delivery)  # also asserts that no key arrives twice
            assert {key: record[key] for key in ECS_METADATA} == metadata


def test_without_the_metadata_strip_the_keys_would_arrive_twice() -> None:
    """The record_modifier in extra.conf is what keeps the archive's JSON free of duplicate keys."""
    stripped = Config(tuple(s for s in EXTRA.items if not (isinstance(s, Section) and s.name == "record_modifier")))
    config = parse_config(FIRELENS_GENERATED).resolve_includes(lambda _: stripped)
    (archived,) = route(ACCESS_LINES[0][1], config=config).received(ARCHIVE)
    assert [k for k, _ in archived.payload].count("ecs_cluster") == 2


def test_cloudwatch_streams_are_valid_log_stream_names() -> None:
    (alert,) = route(ERROR_LINES[0], "stderr").received(CLOUDWATCH)
    stream = expand(CLOUDWATCH_OUTPUT.one("log_stream_prefix"), ENV) + alert.tag
    assert stream == f"{APP_LOG_STREAM_PREFIX}archive.urgent.{FIRELENS_TAG}"
    assert len(stream) <= 512 and not set(stream) & {":", "*"}


def test_rules_only_match_strings_which_is_why_status_stays_a_string() -> None:
    """A rewrite_tag rule never matches a number: typing status as an integer would silently stop the 5xx
    route. This runs the 5xx line through a parser that casts status, and the alert disappears."""
    rule = parse_rule("$status ^5 alert.$TAG false")
    assert rule.matches(Record("t", ARRIVAL, (("status", "503"),)))
    assert not rule.matches(Record("t", ARRIVAL, (("status", 503),)))
    (parser_section,) = PARSERS_CONFIG.of_kind("PARSER")
    assert "status:" not in (parser_section.get("Types") or "")
    entries = tuple((k, "bytes:integer status:integer" if k == "Types" else v) for k, v in parser_section.entries)
    casting = {"httpd_access": RegexParser.from_section(Section("PARSER", entries, 0))}
    assert route(ACCESS_LINES[3][1], parsers=casting).received(CLOUDWATCH) == []
    assert route(ACCESS_LINES[3][1]).received(CLOUDWATCH) != []


def test_nothing_stays_on_the_firelens_tag() -> None:
    """Every rule drops the original (KEEP false) and the last rule takes any record with a log line, so
    every record leaves through the emitter and nothing waits on a tag no output takes."""
    parsed = [rule for _, rule in rules(EXTRA)]
    assert parsed and not any(rule.keep for rule in parsed)
    catch_all = parsed[-1]
    assert catch_all.key == "log"
    assert catch_all.matches(Record(FIRELENS_TAG, ARRIVAL, (("log", ""),)))


def test_rewritten_tags_never_come_back_to_the_rewrite_filter() -> None:
    for filter_section, rule in rules(EXTRA):
        assert not tag_matches(filter_section.one("Match"), rule.new_tag(FIRELENS_TAG)), rule


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
    assert len(parse_config(FIRELENS_GENERATED).of_kind("INPUT")) == 3
    values = " ".join(v for s in EXTRA.sections for _, v in s.entries)
    assert "24224" not in values and "fluent.sock" not in values


def test_filters_take_only_this_apps_firelens_records() -> None:
    for found in EXTRA.of_kind("FILTER"):
        assert found.one("Match") == f"{APP_CONTAINER}-firelens-*"
        assert tag_matches(found.one("Match"), FIRELENS_TAG)
        assert not tag_matches(found.one("Match"), "firelens-healthcheck")


def test_outputs_take_rewritten_tags_never_everything() -> None:
    produced = {rule.new_tag(FIRELENS_TAG) for _, rule in rules(EXTRA)}
    for output in EXTRA.of_kind("OUTPUT"):
        match = output.one("Match")
        assert match.strip("*.") != ""  # never *, *.* or similar
        assert any(tag_matches(match, tag) for tag in produced), match
        for foreign in (FIRELENS_TAG, "firelens-healthcheck", f"other-firelens-{TASK_ID}"):
            assert not tag_matches(match, foreign), (match, foreign)


def test_outputs_never_create_groups_or_need_more_permissions() -> None:
    for output in EXTRA.of_kind("OUTPUT"):
        assert not flag(output.get("auto_create_group") or "false")
        assert not output.keys() & KEYS_NEEDING_MORE_PERMISSIONS
    assert CLOUDWATCH_OUTPUT.one("auto_create_group") == "false"  # said, not left to the default


def test_outputs_retry_a_bounded_number_of_times_and_cap_their_disk_buffer() -> None:
    for output in EXTRA.of_kind("OUTPUT"):
        assert re.fullmatch(r"[1-9][0-9]?", output.one("Retry_Limit")), output.name  # never no_limits
        assert output.one("storage.total_limit_size") == "${FLB_STORAGE_LIMIT}"


def test_every_record_goes_through_the_filesystem_backed_emitter() -> None:
    """The FireLens input has no Mem_Buf_Limit; the emitter does, and spills to the filesystem beyond it."""
    assert REWRITE.one("Emitter_Storage.type") == "filesystem"
    assert REWRITE.one("Emitter_Mem_Buf_Limit") == "${FLB_MEM_BUF_LIMIT}"
    assert SERVICE.one("storage.path").startswith("/")


def test_service_settings_lose_no_logs_on_shutdown() -> None:
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


# --- the contract with the task definition and the stack ------------------------------------------------


def router(ev: Evaluation) -> dict[str, Any]:
    return containers(ev)["log_router"]


def test_the_config_uses_exactly_the_router_environment(stack: Evaluation) -> None:
    used = EXTRA.env_references() | PARSERS_CONFIG.env_references()
    assert used == set(environment(router(stack)))
    assert used == set(ENV)  # the model above runs with the same variables


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
