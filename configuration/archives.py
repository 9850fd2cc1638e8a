"""The stack's log archives, from one list: each entry is a LogArchive (components/archive/log_archive.py) with its
arguments, the label its delivery alarms and dashboard row carry, its Athena table where it has one, and its key in
the `archives` output (which `python -m ops verify` reads).

A plain module: settings builds the entries from the config (the shared archive choices, the partner endpoint, the
WAF's stream name); `__main__.py` makes one LogArchive per entry and hands each component what it needs of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from components.archive.log_archive import LogArchiveArgs, PartnerEndpoint
from components.archive.tables import APP_LOG_TABLE, TASK_STOP_TABLE, WAF_LOG_TABLE, ArchiveTable

# The keys of the `archives` output (ops/outputs.py reads them).
APP_LOGS: Final = "appLogs"
TASK_STOPS: Final = "taskStops"
WAF_LOGS: Final = "wafLogs"


@dataclass(frozen=True)
class ArchiveSpec:
    key: str
    """Its key in the `archives` output, e.g. appLogs."""
    name: str
    """The LogArchive's resource name, e.g. app-log-archive."""
    watch_label: str
    """The label of its delivery alarms and its dashboard row, e.g. app-logs."""
    table: ArchiveTable | None
    """The Athena table over it, or None."""
    args: LogArchiveArgs


APP_LOG_PREFIX: Final = "app-logs/"


def archive_specs(
    app_logs: LogArchiveArgs, partner: PartnerEndpoint | None, waf_stream_name: str | None
) -> tuple[ArchiveSpec, ...]:
    """Every archive of the stack: the app log archive (`app_logs`, under APP_LOG_PREFIX), and the others with its
    choices (retention, expiration, buffering, encryption, versions, lock, destroy, protect, the roles' boundary)
    and their own prefix and producer.

    Every archive holds one record per line. Fluent Bit's kinesis_firehose output and WAF end each record with a
    newline; EventBridge ends none, so the stop archive's stream appends one, except with a partner: its S3 backup
    keeps records as they came in, so the stop rule's target appends the newline instead (task_stop_capture.py)."""
    stops = dataclasses.replace(
        app_logs, s3_prefix="ecs-task-stop-log/", partner=partner, records_end_with_newline=partner is not None
    )
    specs = [
        ArchiveSpec(APP_LOGS, "app-log-archive", "app-logs", APP_LOG_TABLE, app_logs),
        ArchiveSpec(TASK_STOPS, "task-stop-archive", "task-stops", TASK_STOP_TABLE, stops),
    ]
    if waf_stream_name is not None:
        waf = dataclasses.replace(app_logs, s3_prefix="waf-logs/", delivery_stream_name=waf_stream_name)
        specs.append(ArchiveSpec(WAF_LOGS, "waf-log-archive", "waf-logs", WAF_LOG_TABLE, waf))
    return tuple(specs)
