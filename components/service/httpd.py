"""The stack's httpd service: the name `__main__.py` gives it, and where the log-router tests find it.

Creates nothing. Every service, httpd included, is a FirelensService (components/service/firelens_service.py) built by
`__main__.py` from its `services` entry; httpd's app container is `httpd`, so FireLens tags its records
`httpd-firelens-<task id>` and the router writes its CloudWatch streams under `httpd/`. The router's container name
and config path are components/service/firelens_task.py's (with the state volume's path); they are named here too
because tests/fluentbit/test_fluentbit.py, tests/fluentbit/test_router.py, the router harness and scripts/benchmark.py
import them from this module.
"""

from __future__ import annotations

from components.service.firelens_task import ROUTER_CONFIG_FILE, ROUTER_CONTAINER, STATE_PATH, app_log_stream_prefix

APP_CONTAINER = "httpd"
APP_LOG_STREAM_PREFIX = app_log_stream_prefix(APP_CONTAINER)

__all__ = ["APP_CONTAINER", "APP_LOG_STREAM_PREFIX", "ROUTER_CONFIG_FILE", "ROUTER_CONTAINER", "STATE_PATH"]
