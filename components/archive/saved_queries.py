"""The saved (named) Athena queries of the archive workgroup, as plain data: Trino SQL (Athena engine version 3).

Every query names the partitions it reads, so Athena reads one or two days of the app log, WAF log or VPC flow log
archive (the flow log's hours of those days), or at most three months of the (small) task stop archive, never the
whole archive:
- a window relative to now: `year IN (...)`, `month IN (...)` (and `day IN (...)`) of sample instants of the
  window, in UTC as Firehose and VPC Flow Logs write the partitions, plus a filter on the record's own time (`time`,
  the WAF record's `timestamp` in milliseconds, or the flow's `end` in seconds);
- a given day: execution parameters (`?`, filled in order when the query runs: the console asks for them, the
  CLI takes `--execution-parameters`), whole numbers for year, month and day.
Tables are named without a database: the saved query carries its database. The component creates one named query
per entry; tests run each on a local engine over objects shaped as the pipeline writes them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from components.archive.tables import APP_LOG_TABLE, FLOW_LOG_TABLE, TASK_STOP_TABLE, WAF_LOG_TABLE


@dataclass(frozen=True)
class SavedQuery:
    key: str  # resource name suffix, unique
    name: str  # as listed in the console's Saved queries
    description: str
    table: str
    parameters: tuple[str, ...]  # what each `?` stands for, in order
    sql: str


_NOW = "current_timestamp"


def _utc(days_back: int) -> str:
    instant = _NOW if days_back == 0 else f"({_NOW} - INTERVAL '{days_back}' DAY)"
    return f"{instant} AT TIME ZONE 'UTC'"


def _partitions_within(days: int, samples: tuple[int, ...], keys: tuple[str, ...]) -> str:
    """Partition filters covering the last `days` days: each key IN its values at the sample instants (days back)."""
    assert samples[0] == 0 and samples[-1] == days and all(b - a <= 15 for a, b in itertools.pairwise(samples))
    lines = [f"{key} IN ({', '.join(f'{key}({_utc(back)})' for back in samples)})" for key in keys]
    return "\n  AND ".join(lines)


# A month is at least 28 days long, so sample instants at most 15 days apart hit every month a window touches.
LAST_DAY = _partitions_within(1, (0, 1), ("year", "month", "day"))
LAST_30_DAYS = _partitions_within(30, (0, 15, 30), ("year", "month"))
GIVEN_DAY = "year = ? AND month = ? AND day = ?"
DAY_PARAMETERS = ("year, e.g. 2026", "month, e.g. 1", "day, e.g. 15")

APP = APP_LOG_TABLE.name
STOPS = TASK_STOP_TABLE.name
WAF = WAF_LOG_TABLE.name
FLOWS = FLOW_LOG_TABLE.name

SAVED_QUERIES: Final = (
    SavedQuery(
        key="5xx-by-path-last-day",
        name="5xx responses by path, last 24 hours",
        description="Paths that answered 5xx in the last 24 hours (UTC), with how often, from how many tasks, "
        "first and last seen. Reads today's and yesterday's partitions.",
        table=APP,
        parameters=(),
        sql=f"""SELECT path, status, count(*) AS responses, count(DISTINCT ecs_task_arn) AS tasks,
  min("time") AS first_seen, max("time") AS last_seen
FROM {APP}
WHERE {LAST_DAY}
  AND status LIKE '5%'
  AND from_iso8601_timestamp("time") > {_NOW} - INTERVAL '1' DAY
GROUP BY path, status
ORDER BY responses DESC, path, status""",
    ),
    SavedQuery(
        key="top-paths-and-clients-on-a-day",
        name="Top paths and clients on a day",
        description="The 10 most requested paths and the 10 busiest clients on one day (UTC, the day the archive "
        "received the lines), in one scan. Parameters: year, month, day.",
        table=APP,
        parameters=DAY_PARAMETERS,
        sql=f"""WITH requests AS (
  SELECT CASE WHEN grouping(path) = 0 THEN 'path' ELSE 'client' END AS dimension,
    CASE WHEN grouping(path) = 0 THEN path ELSE client END AS value,
    count(*) AS requests
  FROM {APP}
  WHERE {GIVEN_DAY}
    AND status IS NOT NULL
  GROUP BY GROUPING SETS ((path), (client))
),
ranked AS (
  SELECT dimension, value, requests,
    row_number() OVER (PARTITION BY dimension ORDER BY requests DESC, value) AS place
  FROM requests
)
SELECT dimension, place, value, requests
FROM ranked
WHERE place <= 10
ORDER BY dimension, place""",
    ),
    SavedQuery(
        key="stderr-of-a-task",
        name="stderr of one task on a day",
        description="What one task's containers wrote to stderr on one day (UTC), oldest first. Parameters: "
        "year, month, day, and the task ARN in single quotes.",
        table=APP,
        parameters=(*DAY_PARAMETERS, "task ARN, in single quotes: 'arn:aws:ecs:<region>:<account>:task/...'"),
        sql=f"""SELECT "time", container_name, log
FROM {APP}
WHERE {GIVEN_DAY}
  AND ecs_task_arn = ?
  AND source = 'stderr'
ORDER BY "time", container_name""",
    ),
    SavedQuery(
        key="stops-by-code-and-reason-30-days",
        name="Task stops by code and reason, last 30 days",
        description="Why tasks stopped in the last 30 days (UTC): stop code and reason, how many tasks (each "
        "counted once, though EventBridge may deliver an event twice), the latest.",
        table=STOPS,
        parameters=(),
        sql=f"""SELECT detail.stopcode AS stop_code, detail.stoppedreason AS stopped_reason,
  count(DISTINCT detail.taskarn) AS tasks, max("time") AS last_stopped
FROM {STOPS}
WHERE {LAST_30_DAYS}
  AND detail.laststatus = 'STOPPED'
  AND from_iso8601_timestamp("time") > {_NOW} - INTERVAL '30' DAY
GROUP BY detail.stopcode, detail.stoppedreason
ORDER BY tasks DESC, stop_code, stopped_reason""",
    ),
    SavedQuery(
        key="failed-starts-30-days",
        name="Tasks that failed to start, last 30 days",
        description="Tasks that never started in the last 30 days (UTC), newest first, with the reason ECS gave "
        "and each container's own reason.",
        table=STOPS,
        parameters=(),
        sql=f"""SELECT detail.taskarn AS task_arn, detail."group" AS task_group,
  detail.stopcode AS stop_code, detail.stoppedreason AS stopped_reason,
  arbitrary(array_join(transform(filter(detail.containers, c -> c.reason IS NOT NULL),
    c -> c.name || ': ' || c.reason), '; ')) AS container_reasons,
  max("time") AS stopped_at
FROM {STOPS}
WHERE {LAST_30_DAYS}
  AND detail.laststatus = 'STOPPED'
  AND (detail.stopcode = 'TaskFailedToStart' OR detail.startedat IS NULL)
  AND from_iso8601_timestamp("time") > {_NOW} - INTERVAL '30' DAY
GROUP BY detail.taskarn, detail."group", detail.stopcode, detail.stoppedreason
ORDER BY stopped_at DESC, task_arn""",
    ),
    SavedQuery(
        key="blocked-by-rule-and-client-last-day",
        name="Blocked requests by rule and client IP, last 24 hours",
        description="Requests the WAF blocked in the last 24 hours (UTC), by the rule that blocked them (and, for a "
        "rule group, the rule inside it), client IP and country: how many, first and last seen; the 100 largest. "
        "Reads today's and yesterday's partitions of the WAF log archive.",
        table=WAF,
        parameters=(),
        sql=f"""SELECT terminatingruleid AS rule, terminatingruletype AS rule_type,
  nullif(array_join(transform(filter(rulegrouplist, g -> g.terminatingrule IS NOT NULL),
    g -> g.terminatingrule.ruleid), ', '), '') AS group_rule,
  httprequest.clientip AS client_ip, httprequest.country AS country, count(*) AS requests,
  from_unixtime(min("timestamp") / 1e3) AS first_seen, from_unixtime(max("timestamp") / 1e3) AS last_seen
FROM {WAF}
WHERE {LAST_DAY}
  AND action = 'BLOCK'
  AND from_unixtime("timestamp" / 1e3) > {_NOW} - INTERVAL '1' DAY
GROUP BY 1, 2, 3, 4, 5
ORDER BY requests DESC, rule, group_rule, client_ip, country
LIMIT 100""",
    ),
    SavedQuery(
        key="rejected-flows-last-day",
        name="Rejected flows by source and destination port, last 24 hours",
        description="Flows the security groups or network ACLs rejected in the last 24 hours (UTC, by the end of "
        "the flow), by source address, destination port and protocol: how many flow records, packets and bytes, "
        "first and last seen; the 100 largest. Reads the hours of today's and yesterday's partitions of the VPC "
        "flow log archive.",
        table=FLOWS,
        parameters=(),
        sql=f"""SELECT srcaddr, dstport, protocol, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
  from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen
FROM {FLOWS}
WHERE {LAST_DAY}
  AND action = 'REJECT'
  AND from_unixtime("end") > {_NOW} - INTERVAL '1' DAY
GROUP BY srcaddr, dstport, protocol
ORDER BY flows DESC, packets DESC, srcaddr, dstport, protocol
LIMIT 100""",
    ),
)
