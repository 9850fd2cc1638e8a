"""Capture the golden app log records (tests/support/archive_fixture.py) from the real Fluent Bit, and store them.

    .venv/bin/python scripts/archive_fixture.py [--write]

Runs fluentbit/ in the real engine (tests/support/router_harness.py: the binary at ../shared/tools/fluent-bit/, or
FLUENT_BIT / FLUENT_BIT_IMAGE) for the lines of tests/support/archive_fixture.py. Without --write it prints the records;
with it, it replaces tests/fixtures/app_log_records.json. Run it after changing fluentbit/ or those lines:
tests/archive/test_archive_fixture.py fails until the fixture is what the engine writes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from offline.harness import evaluate  # noqa: E402
from offline.stack_config import load_stack_config  # noqa: E402
from tests.support.archive_fixture import FIXTURE, capture, document  # noqa: E402
from tests.support.router_harness import engine_or_skip_reason  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"replace {FIXTURE.relative_to(PROJECT_DIR)}")
    args = parser.parse_args()
    engine = engine_or_skip_reason()
    if isinstance(engine, str):
        raise SystemExit(f"no Fluent Bit to run: {engine}")
    with tempfile.TemporaryDirectory() as workdir:
        records = capture(engine, evaluate(load_stack_config(PROJECT_DIR, "dev")), Path(workdir))
    text = json.dumps(document(records), indent=1) + "\n"
    if args.write:
        FIXTURE.write_text(text)
        print(f"wrote {len(records)} records to {FIXTURE.relative_to(PROJECT_DIR)}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
