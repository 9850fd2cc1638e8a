"""components/service/firelens_task.py: the parser choice agrees with the router's own configuration in fluentbit/, and
the router environment is built for any app container."""

from __future__ import annotations

import pytest

from components.service.firelens_task import (
    ACCESS_LOG_PARSERS,
    app_log_stream_prefix,
    router_environment,
)
from components.service.log_router_sizing import log_router_buffers
from offline.harness import PROJECT_DIR
from tests.support.fluentbit_config import parse_file

FLUENTBIT = PROJECT_DIR / "fluentbit"


def parser_names() -> list[str]:
    """The Name of every [PARSER] section of parsers.conf."""
    return [section.name for section in parse_file(FLUENTBIT / "parsers.conf").of_kind("PARSER")]


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


def test_the_router_applies_the_parser_the_service_chose() -> None:
    """extra.conf's parser filter takes its parser from APP_LOG_PARSER, and the service passes its choice."""
    (parser_filter,) = parse_file(FLUENTBIT / "extra.conf").plugin("FILTER", "parser")
    assert parser_filter.one("Parser") == "${APP_LOG_PARSER}"
    for parser in ACCESS_LOG_PARSERS:
        assert environment_for(parser=parser)["APP_LOG_PARSER"] == parser


def test_an_unknown_parser_is_refused() -> None:
    with pytest.raises(ValueError, match="access log parser 'nginx' is not one of"):
        environment_for(parser="nginx")


def test_the_stream_prefix_follows_the_app_container() -> None:
    assert environment_for(container="api")["APP_LOG_STREAM_PREFIX"] == app_log_stream_prefix("api") == "api/"
