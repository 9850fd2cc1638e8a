"""Where the archives keep their objects: one definition that the writer (Firehose) and the reader (Athena) share.

A plain module (no Pulumi import). `TIME_PARTITIONS` lists the Hive-style time partitions of every Firehose archive,
in path order, each with the Firehose timestamp pattern that writes it and the integer range Athena projects for it.
`HOURLY_PARTITIONS` adds the hour, for an archive that AWS writes by the hour (the VPC flow logs,
components/network/flow_logs.py); the table functions take the partitions of their archive (default: TIME_PARTITIONS).
From it come:
- `firehose_prefix` / `error_output_prefix`: the S3 prefixes the delivery stream writes under
  (components/archive/log_archive.py), e.g.
  `app-logs/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`;
- `location_template` / `projection_parameters`: the Glue table properties that let Athena compute the same
  paths (components/archive/queries.py), e.g. `s3://<bucket>/app-logs/year=${year}/month=${month}/day=${day}/`
  with `projection.month.type=integer`, `projection.month.range=1,12`, `projection.month.digits=2`.
Change a partition here and both sides change together; tests/archive/test_archive_queries.py checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

# Firehose's expression for the kind of processing error, in the error output prefix (required there as soon as
# the prefix holds any expression).
ERROR_OUTPUT_TYPE: Final = "!{firehose:error-output-type}"
PROJECTION_TYPE: Final = "integer"
PARTITION_COLUMN_TYPE: Final = "int"  # the Hive type of the partition columns in the Glue tables


@dataclass(frozen=True)
class TimePartition:
    """One `key=value/` segment of an archive's object keys."""

    key: str  # the Hive partition key, and the partition column of the Glue table
    pattern: str  # timestamp pattern letters as Firehose's `!{timestamp:...}`; as many digits as letters (zero-padded)
    first: int  # the lowest value Athena projects
    last: int  # the highest value Athena projects

    @property
    def digits(self) -> int:
        return len(self.pattern)

    @property
    def firehose_segment(self) -> str:
        return f"{self.key}=!{{timestamp:{self.pattern}}}/"

    @property
    def template_segment(self) -> str:
        return f"{self.key}=${{{self.key}}}/"


# Firehose evaluates the timestamps in UTC, from the arrival time of the oldest record of each object. The years
# cover any archive this program can have written; a query names its years, so the width
# of the range costs nothing.
TIME_PARTITIONS: Final = (
    TimePartition("year", "yyyy", 2024, 2099),
    TimePartition("month", "MM", 1, 12),
    TimePartition("day", "dd", 1, 31),
)
# VPC flow logs with Hive-compatible prefixes and hourly partitions go under `.../year=year/month=month/day=day/
# hour=hour/` (VPC user guide, "Flow log files", https://docs.aws.amazon.com/vpc/latest/userguide/
# flow-logs-s3-path.html), every value zero-padded to two digits but the year, as a delivered object's key shows:
# `.../year=2024/month=05/day=25/hour=05/<account>_vpcflowlogs_us-east-2_fl-....log.parquet`
# (opensearch-project/opensearch-catalog issue 167).
HOUR: Final = TimePartition("hour", "HH", 0, 23)
HOURLY_PARTITIONS: Final = (*TIME_PARTITIONS, HOUR)


# The part of a UTC instant each Firehose timestamp pattern writes.
_INSTANT_FIELDS: Final = {"yyyy": "year", "MM": "month", "dd": "day", "HH": "hour"}


def time_partitions(at: datetime) -> dict[str, int]:
    """The time partition values of the records that arrived at `at`, evaluated in UTC as Firehose does."""
    utc = at.astimezone(UTC)
    return {p.key: getattr(utc, _INSTANT_FIELDS[p.pattern]) for p in TIME_PARTITIONS}


def time_path(at: datetime) -> str:
    """The time partitions of the objects holding records that arrived at `at`, as Firehose writes them: e.g.
    `year=2026/month=01/day=05/`. A reader of the archive (`python -m ops verify`) looks there."""
    values = time_partitions(at)
    return "".join(f"{p.key}={values[p.key]:0{p.digits}d}/" for p in TIME_PARTITIONS)


def _time_path(segment: str, partitions: tuple[TimePartition, ...] = TIME_PARTITIONS) -> str:
    return "".join(getattr(partition, segment) for partition in partitions)


def firehose_prefix(s3_prefix: str) -> str:
    """Where the delivery stream puts objects (or, with a partner, its backup)."""
    return s3_prefix + _time_path("firehose_segment")


def error_output_prefix(s3_prefix: str) -> str:
    """A sibling tree of the delivery prefix, so that a table over the delivered objects never reads errors."""
    return f"{s3_prefix.rstrip('/')}-errors/error_type={ERROR_OUTPUT_TYPE}/{_time_path('firehose_segment')}"


def table_location(bucket: str, s3_prefix: str) -> str:
    """The root of an archive's table: its prefix, without the time partitions."""
    return f"s3://{bucket}/{s3_prefix}"


def location_template(bucket: str, s3_prefix: str, partitions: tuple[TimePartition, ...] = TIME_PARTITIONS) -> str:
    """Athena's `storage.location.template`: the delivery prefix with `${key}` where the writer has a timestamp."""
    return table_location(bucket, s3_prefix) + _time_path("template_segment", partitions)


def projection_parameters(partitions: tuple[TimePartition, ...] = TIME_PARTITIONS) -> dict[str, str]:
    """The Glue table parameters that make Athena project the time partitions instead of looking them up."""
    parameters = {"projection.enabled": "true"}
    for partition in partitions:
        parameters[f"projection.{partition.key}.type"] = PROJECTION_TYPE
        parameters[f"projection.{partition.key}.range"] = f"{partition.first},{partition.last}"
        parameters[f"projection.{partition.key}.digits"] = str(partition.digits)
    return parameters
