"""Wall-time benchmark of what people run many times a day: the offline preview and the test suite.

    .venv/bin/python scripts/benchmark.py [--runs 5]

Reports, for each stack, the cold preview (a fresh `python -m offline preview` process: imports included)
and the warm evaluation (the program evaluated again in an already-warm process), then the full test
suite as the README runs it. A benchmark, not a test: it asserts nothing and never runs in CI.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def _time(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def _command(*argv: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(argv, cwd=PROJECT_DIR, check=True, capture_output=True)

    return run


def _report(label: str, samples: list[float]) -> None:
    print(f"{label:<40} median {statistics.median(samples):6.2f} s   min {min(samples):6.2f} s   n={len(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--test-runs", type=int, default=2)
    args = parser.parse_args()
    python = sys.executable

    from offline.harness import evaluate
    from offline.stack_config import load_stack_config

    for stack in ("dev", "prod"):
        _report(
            f"preview --stack {stack} (cold process)",
            _time(_command(python, "-m", "offline", "preview", "--stack", stack), args.runs),
        )
        config = load_stack_config(PROJECT_DIR, stack)
        evaluate(config)  # warm the imports
        _report(f"evaluate {stack} (warm, in-process)", _time(functools.partial(evaluate, config), args.runs))
    _report("test suite (python -m pytest)", _time(_command(python, "-m", "pytest", "-q"), args.test_runs))


if __name__ == "__main__":
    main()
