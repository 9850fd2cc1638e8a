"""components/firelens_task.py: the parser choice agrees with the router's own configuration in fluentbit/, and the
router environment is built for any app container."""

from __future__ import annotations

import re

import pytest

from components.firelens_task import (
    ACCESS_LOG_PARSERS,
    ROUTER_CONFIG_READS_APP_LOG_PARSER,
    app_log_stream_prefix,
    router_environment,
)
from components.log_router_sizing import log_router_buffers
from offline.harness import PROJECT_DIR

FLUENTBIT = PROJECT_DIR / "fluentbit"


def parser_names() -> list[str]:
    """The Name of every [PARSER] section of parsers.conf."""
    names, section = [], ""
    for line in (FLUENTBIT / "parsers.conf").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[PARSER]" and (match := re.fullmatch(r"Name\s+(\S+)", stripped)):
            names.append(match.group(1))
    return names


def environment_for(parser: str = "httpd_access", container: str = "api") -> dict[str, object]:
    return dict(
        router_environment(
            app_log_group_name="g",
            access_log_parser=parser,
            app_container_name=container,
            region="ap-northeast-1",
            delivery_stream_name="s",
            buffers=log_router_buffers(128),
        )
    )


def test_a_service_chooses_among_exactly_the_parsers_the_router_defines() -> None:
    assert sorted(ACCESS_LOG_PARSERS) == sorted(parser_names())


def test_the_parser_variable_is_passed_exactly_when_the_config_reads_it() -> None:
    """Until extra.conf says `Parser ${APP_LOG_PARSER}` it names its one parser itself, which must then be the
    only one a service can choose (the choice is then always what the router does)."""
    extra = (FLUENTBIT / "extra.conf").read_text()
    assert ("${APP_LOG_PARSER}" in extra) == ROUTER_CONFIG_READS_APP_LOG_PARSER
    assert ("APP_LOG_PARSER" in environment_for()) == ROUTER_CONFIG_READS_APP_LOG_PARSER
    if not ROUTER_CONFIG_READS_APP_LOG_PARSER:
        assert set(re.findall(r"^\s*Parser\s+(\S+)\s*$", extra, re.MULTILINE)) == set(ACCESS_LOG_PARSERS)


def test_an_unknown_parser_is_refused() -> None:
    with pytest.raises(ValueError, match="access log parser 'nginx' is not one of"):
        environment_for(parser="nginx")


def test_the_stream_prefix_follows_the_app_container() -> None:
    assert environment_for(container="api")["APP_LOG_STREAM_PREFIX"] == app_log_stream_prefix("api") == "api/"
