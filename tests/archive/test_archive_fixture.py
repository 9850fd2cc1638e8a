"""The golden app log records (tests/fixtures/app_log_records.json) are still what the real Fluent Bit writes.

tests/archive/test_archive_queries.py runs the saved queries over these records; this test runs fluentbit/ as shipped in
the real engine (tests/support/router_harness.py) for the same lines (tests/support/archive_fixture.py) and compares
record by record, byte for byte, so the fixture and the router cannot drift apart. After a deliberate change to
fluentbit/ or to those lines: `.venv/bin/python scripts/archive_fixture.py --write`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from offline.harness import Evaluation
from tests.support import archive_fixture
from tests.support.router_harness import engine_or_skip_reason

ENGINE = engine_or_skip_reason()
pytestmark = [pytest.mark.integration]
if isinstance(ENGINE, str):
    pytestmark.append(pytest.mark.skip(reason=f"no Fluent Bit to run the router in: {ENGINE}"))


def test_the_fixture_is_what_the_real_router_writes(dev: Evaluation, tmp_path: Path) -> None:
    assert not isinstance(ENGINE, str)
    captured = archive_fixture.capture(ENGINE, dev, tmp_path)
    stored = archive_fixture.load()
    assert len(captured) == len(stored) == sum(len(batch.lines) for batch in archive_fixture.BATCHES)
    for fresh, golden in zip(captured, stored, strict=True):
        assert fresh == golden
