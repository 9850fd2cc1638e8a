"""Reading a log archive the way its readers rely on it: GZIP objects of JSON lines under Hive time partitions.

`ArchiveReader.new_records()` lists the objects Firehose wrote since a moment, under the time partitions of every
UTC day since then (components/archive/layout.py names them), reads each object once, and returns its records
together with every way the object breaks the archive's format: not GZIP, a blank line, a line that is not one
JSON object. Athena's JSON SerDe reads one record per line and takes a blank or broken line for a row of NULLs
(components/archive/tables.py), so each of these is a defect, not noise.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from components.archive.layout import time_path

GZIP_MAGIC = b"\x1f\x8b"
# S3's LastModified and this machine's clock may disagree a little; an object a little older than the start is read.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class ArchivedRecord:
    key: str  # the object it is in
    line: int  # 1-based
    record: dict[str, Any]
    day: datetime  # the UTC day whose time partitions hold the object


@dataclass
class ArchiveReader:
    """New objects of one archive since `since`, each read once."""

    s3: Any  # a boto3 S3 client
    bucket: str
    prefix: str
    since: datetime  # aware, UTC
    problems: list[str] = field(default_factory=list)  # format defects found so far, one line each
    _seen: set[str] = field(default_factory=set)

    def days(self, now: datetime) -> list[datetime]:
        """Midnight (UTC) of every day from `since` to `now`."""
        first = self.since.astimezone(UTC)
        day = datetime(first.year, first.month, first.day, tzinfo=UTC)
        days = []
        while day <= now:
            days.append(day)
            day += timedelta(days=1)
        return days

    def new_records(self, now: datetime) -> list[ArchivedRecord]:
        records: list[ArchivedRecord] = []
        for day in self.days(now):
            for item in self._objects(self.prefix + time_path(day)):
                if item["Key"] in self._seen or item["LastModified"] < self.since - CLOCK_SKEW:
                    continue
                self._seen.add(item["Key"])
                body = self.s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                records += self._read(item["Key"], body, day)
        return records

    def _objects(self, prefix: str) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [item for page in pages for item in page.get("Contents", [])]

    def _read(self, key: str, body: bytes, day: datetime) -> list[ArchivedRecord]:
        where = f"s3://{self.bucket}/{key}"
        if not body.startswith(GZIP_MAGIC):
            self.problems.append(f"{where} is not GZIP")
            return []
        try:
            text = gzip.decompress(body).decode()
        except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
            self.problems.append(f"{where} does not decompress: {error}")
            return []
        records = []
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the newline that ends the last record
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                self.problems.append(f"{where} line {number} is blank")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if not isinstance(record, dict):
                self.problems.append(f"{where} line {number} is not one JSON object")
                continue
            records.append(ArchivedRecord(key, number, record, day))
        return records
