"""The stack's httpd service: the names `__main__.py` gives it, and where the log-router tests find them.

Creates nothing. The service itself is a FirelensService (components/firelens_service.py) built by `__main__.py`
from the stack's settings; its app container is `httpd`, so FireLens tags its records `httpd-firelens-<task id>`
and the router writes its CloudWatch streams under `httpd/`. The router's container name and config path are
components/firelens_task.py's (with the state volume's path); they are named here too because
tests/test_fluentbit.py, tests/test_router.py, the router harness and scripts/benchmark.py import them from this
module.
"""

from __future__ import annotations

from components.firelens_task import ROUTER_CONFIG_FILE, ROUTER_CONTAINER, STATE_PATH, app_log_stream_prefix

APP_CONTAINER = "httpd"
APP_LOG_STREAM_PREFIX = app_log_stream_prefix(APP_CONTAINER)
# Where the stock httpd image (docker-library/httpd 2.4) writes: its pid file, logs/httpd.pid under ServerRoot
# /usr/local/apache2 (httpd-foreground removes it before starting); its logs go to /proc/self/fd/1 and 2. The default
# of appWritablePaths in Pulumi.yaml.
WRITABLE_PATHS = ("/usr/local/apache2/logs",)
# The parser today's stack applies to httpd's access lines (fluentbit/parsers.conf).
ACCESS_LOG_PARSER = "httpd_access"
# The httpd rule's priority on the listener: the last one, so that every other service's rule is evaluated first
# (httpd's `/*` matches every path).
RULE_PRIORITY = 50000
RULE_PATH_PATTERNS = ("/*",)

__all__ = [
    "ACCESS_LOG_PARSER",
    "APP_CONTAINER",
    "APP_LOG_STREAM_PREFIX",
    "ROUTER_CONFIG_FILE",
    "ROUTER_CONTAINER",
    "RULE_PATH_PATTERNS",
    "RULE_PRIORITY",
    "STATE_PATH",
    "WRITABLE_PATHS",
]
