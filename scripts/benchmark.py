"""Benchmark of what people run many times a day, and of what runs in every task: the log router.

    .venv/bin/python scripts/benchmark.py [--only preview,tests,router,shutdown,setup] [--runs 5] [--instructions]

- preview: for each stack, the cold preview (a fresh `python -m offline preview` process: imports included)
  against its import floor (a fresh process that only imports every module the preview loads, in the order it
  loads them), each round back to back, the ratio the median of the rounds' ratios. The floor is measured twice:
  with Python's default garbage collection, and with the preview's own (offline.collect_less_often and
  skip_the_last_collection, which make the imports and the exit cheaper too); then the warm evaluation (the
  program evaluated again in an already-warm process);
- tests: the full test suite as the README runs it, then the unit suite (`-m "not integration"`) and the
  integration tests (`-m integration`) on their own;

Preview and tests run with Python's bytecode caches as on a developer's machine or a CI runner: without
PYTHONDONTWRITEBYTECODE, which some sandboxes set (every run would then compile the project's modules and
pytest would rewrite every test module's asserts again). The unit suite is also reported as such an environment
runs it.
- router: the router's throughput in the real Fluent Bit (tests/support/router_harness.py), side by side in one run
  with the same binary and the same records: a single-parser chain (forward input, our parser, null
  output), FireLens's generated config with our parser only, and the router (FireLens's config including
  fluentbit/ with every output replaced by `null`). Throughput is records per second of wall time from the
  first byte sent until Fluent Bit closed the connection (it has then read, filtered and buffered every
  record), and records per CPU second of the Fluent Bit process. Each round runs the variants back to back
  and the ratio to the single-parser chain is the median of the rounds' ratios, so that a busy machine
  (other jobs share it) shifts both sides of a ratio alike. `--instructions` also counts the instructions
  per record under valgrind's callgrind, which does not depend on the machine's load;
- shutdown: how many of a burst of 300 access lines never reach Firehose when SIGTERM comes 0 to 0.3 s
  after the last one was written, for the router and for the same config without the CloudWatch copies;
- setup: README step 1 as the README writes it, without the preview that ends it, against the same commands
  installing requirements.txt instead of requirements-dev.txt (what the program alone needs), each run in a new
  venv in a temporary directory, the two back to back in each round. With pip's cache
  `cold` (a new empty cache each run: every wheel downloaded, as on a new machine) or `warm` (one cache filled by an
  untimed install of the same command first: every wheel from the cache, as on a machine that installed them
  before); the ratio is the median of the rounds' ratios.

A benchmark, not a test: it asserts nothing and never runs in CI.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from components.service.httpd import ROUTER_CONFIG_FILE  # noqa: E402
from scripts.doc_sections import newcomer_commands  # noqa: E402
from tests.support.fluentbit_config import Config, Section, parse_file, render  # noqa: E402
from tests.support.router_harness import (  # noqa: E402
    BinaryEngine,
    Engine,
    RouterTask,
    access_line,
    encode_lines,
    engine_or_skip_reason,
    image_files,
    ingest_rate,
    router_task,
    running_router,
    shutdown_loss,
    wait_until,
)

SECTIONS = ("preview", "tests", "router", "shutdown", "setup")
SETUP_CACHES = ("cold", "warm")
SHUTDOWN_DELAYS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.3)
CALLGRIND_RECORDS = 10_000
CALLGRIND_OUT = "/var/fluent-bit/state/callgrind.out"  # inside the router's root: its state volume


def _time(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


CACHING = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _command(*argv: str, environment: dict[str, str] = CACHING) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(argv, cwd=PROJECT_DIR, check=True, capture_output=True, env=environment)

    return run


def _preview_modules(stack: str) -> list[str]:
    """Every module a preview of `stack` loads, in the order it loads them."""
    script = (
        "import contextlib, io, json, runpy, sys\n"
        f"sys.argv = ['offline', 'preview', '--stack', {stack!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    runpy.run_module('offline', run_name='__main__')\n"
        "print(json.dumps(list(sys.modules)))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, check=True, capture_output=True, env=CACHING
    )
    names: list[str] = json.loads(found.stdout.decode().splitlines()[-1])
    return [name for name in names if name != "__main__"]


def _import_floor(modules: list[str], as_the_preview: bool = False) -> Callable[[], object]:
    """A fresh process importing `modules` in order (one that fails to import alone is skipped), nothing else; with
    Python's default garbage collection, or with the preview's (offline.collect_less_often before the imports,
    offline.skip_the_last_collection before exiting)."""
    script = (
        ("from offline import collect_less_often; collect_less_often()\n" if as_the_preview else "")
        + "import importlib, json, sys\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        pass\n"
        + ("from offline import skip_the_last_collection; skip_the_last_collection()\n" if as_the_preview else "")
    )
    return _command(sys.executable, "-c", script, json.dumps(modules))


def _report(label: str, samples: list[float]) -> None:
    print(f"{label:<44} median {statistics.median(samples):6.2f} s   min {min(samples):6.2f} s   n={len(samples)}")


# --- preview and tests -----------------------------------------------------------------------------------


def preview(runs: int) -> None:
    from offline.harness import evaluate
    from offline.stack_config import load_stack_config

    python = sys.executable
    for stack in ("dev", "prod"):
        cold = _command(python, "-m", "offline", "preview", "--stack", stack)
        modules = _preview_modules(stack)
        floors = {"default": _import_floor(modules), "preview's": _import_floor(modules, as_the_preview=True)}
        cold()  # writes the bytecode caches of the project's modules
        previews: list[float] = []
        imports: dict[str, list[float]] = {label: [] for label in floors}
        for _ in range(runs):
            previews += _time(cold, 1)
            for label, floor in floors.items():
                imports[label] += _time(floor, 1)
        _report(f"preview --stack {stack} (cold process)", previews)
        for label, samples in imports.items():
            _report(f"  import floor, {label} garbage collection", samples)
            ratios = [preview / floor for preview, floor in zip(previews, samples, strict=True)]
            print(f"  cold preview / that floor: {statistics.median(ratios):.2f}x {_rounded(ratios)}")
        config = load_stack_config(PROJECT_DIR, stack)
        evaluate(config)  # warm the imports
        _report(f"evaluate {stack} (warm, in-process)", _time(functools.partial(evaluate, config), runs))


def tests(runs: int) -> None:
    python = sys.executable
    _report("test suite (python -m pytest)", _time(_command(python, "-m", "pytest", "-q"), runs))
    unit = ("-m", "pytest", "-q", "-m", "not integration")
    _report("unit suite (-m 'not integration')", _time(_command(python, *unit), runs))
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        uncached = _command(python, *unit, environment=dict(os.environ))
        _report("  with PYTHONDONTWRITEBYTECODE, as set here", _time(uncached, runs))
    _report("integration (-m integration)", _time(_command(python, "-m", "pytest", "-q", "-m", "integration"), runs))


# --- setup (README step 1) ------------------------------------------------------------------------------


def readme_setup() -> str:
    """README step 1 without the preview that ends it."""
    command = newcomer_commands()[0]
    steps = command.split(" && ")
    assert steps[-1].startswith(".venv/bin/python -m offline preview"), command
    return " && ".join(steps[:-1])


def _setup_command(command: str, workdir: Path, cache: Path) -> Callable[[], object]:
    """`command` run by the shell in the project directory, with its `.venv` in `workdir` and `cache` as pip's
    cache."""
    environment = {**os.environ, "PIP_CACHE_DIR": str(cache)}
    here = command.replace(".venv", str(workdir / ".venv"))

    def run() -> object:
        return subprocess.run(["sh", "-c", here], cwd=PROJECT_DIR, check=True, capture_output=True, env=environment)

    return run


def setup(runs: int, caches: list[str]) -> None:
    step = readme_setup()
    assert "-r requirements-dev.txt" in step, step
    commands = {"requirements.txt": step.replace("-r requirements-dev.txt", "-r requirements.txt"), "README": step}
    print(f"\nsetup: README step 1, `{step}`, against the same with requirements.txt")
    for cache in caches:
        print(f"pip's cache {cache}, {runs} interleaved runs")
        samples: dict[str, list[float]] = {label: [] for label in commands}
        with tempfile.TemporaryDirectory() as directory:
            workdir = Path(directory)
            warm = {label: workdir / f"cache-{n}" for n, label in enumerate(commands)}
            for run in range(-1 if cache == "warm" else 0, runs):  # run -1: untimed, fills the warm caches
                for n, (label, command) in enumerate(commands.items()):
                    venv_dir = workdir / f"run{run}-{n}"
                    pip_cache = warm[label] if cache == "warm" else venv_dir / "cache"
                    timed = _time(_setup_command(command, venv_dir, pip_cache), 1)
                    shutil.rmtree(venv_dir)
                    if run >= 0:
                        samples[label] += timed
        for label in commands:
            _report(f"  {label}", samples[label])
        ratios = [readme / alone for alone, readme in zip(*samples.values(), strict=True)]
        print(f"  README step 1 / requirements.txt alone: {statistics.median(ratios):.2f}x {_rounded(ratios)}")


# --- the router ------------------------------------------------------------------------------------------


def dev_task() -> RouterTask:
    from offline.harness import evaluate
    from offline.stack_config import load_stack_config

    return router_task(evaluate(load_stack_config(PROJECT_DIR, "dev")))


def record_mix(count: int) -> Iterator[tuple[str, str]]:
    """A day of httpd: mostly 2xx-4xx access lines in both formats, 1 % 5xx, 2 % error log lines."""
    agent = '"https://example.com/start" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
    for n in range(count):
        if n % 50 == 0:
            yield (
                f"[Wed Oct 14 14:32:52.123456 2026] [core:error] [pid 12:tid 34] AH00126: request {n} failed",
                "stderr",
            )
        elif n % 100 == 1:
            yield access_line(f"/api/items/{n}", 503), "stdout"
        elif n % 2:
            yield f"{access_line(f'/index.html?page={n}', 200)} {agent}", "stdout"
        else:
            yield access_line(f"/static/{n}.png", 404), "stdout"


def null_outputs(config: Config) -> Config:
    """The config with every output replaced by a `null` output of the same Match."""
    return Config(
        tuple(
            Section("OUTPUT", (("Name", "null"), ("Match", item.one("Match"))), item.line)
            if isinstance(item, Section) and item.kind == "OUTPUT"
            else item
            for item in config.items
        )
    )


def only(config: Config, keep: Callable[[Section], bool]) -> Config:
    return Config(tuple(item for item in config.items if not isinstance(item, Section) or keep(item)))


def variants(workdir: Path) -> dict[str, tuple[str | None, dict[str, Path]]]:
    """label -> (main config, or None for FireLens's; image path -> file), all with outputs replaced by null."""
    files = image_files()
    extra = parse_file(files[ROUTER_CONFIG_FILE])
    parsers = {path: file for path, file in files.items() if path != ROUTER_CONFIG_FILE}
    null_output = Section("OUTPUT", (("Name", "null"), ("Match", "*-firelens-*")), 0)
    service_and_parser = only(extra, lambda s: s.kind == "SERVICE" or s.name == "parser")
    forward = Section("INPUT", (("Name", "forward"), ("unix_path", "/var/run/fluent.sock")), 0)
    single = Config((*service_and_parser.items[:1], forward, *service_and_parser.items[1:], null_output))
    (workdir / "parser-only.conf").write_text(render(Config((*service_and_parser.items, null_output))))
    (workdir / "router.conf").write_text(render(null_outputs(extra)))
    return {
        "single-parser chain": (render(single), parsers),
        "FireLens metadata + parser": (None, {**parsers, ROUTER_CONFIG_FILE: workdir / "parser-only.conf"}),
        "router (fluentbit/, outputs -> null)": (None, {**parsers, ROUTER_CONFIG_FILE: workdir / "router.conf"}),
    }


def router(engine: Engine, task: RouterTask, records: int, runs: int) -> None:
    print(f"\nrouter throughput, {records} records, outputs -> null, {engine.name} engine, {runs} interleaved runs")
    # Encoded once: every variant of every round takes in the same bytes (the outputs are null, so the records'
    # timestamp does not matter).
    payload = encode_lines(task, record_mix(records))
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        cases = variants(workdir)
        wall: dict[str, list[float]] = {label: [] for label in cases}
        cpu: dict[str, list[float]] = {label: [] for label in cases}
        for run in range(runs):
            for n, (label, (main, files)) in enumerate(cases.items()):
                rate, cpu_rate = ingest_rate(engine, task, workdir / f"run{run}-{n}", payload, records, files, main)
                wall[label].append(rate)
                cpu[label].append(cpu_rate)
    baseline = "single-parser chain"
    for label in cases:
        print(
            f"  {label:<38} wall: median {statistics.median(wall[label]):8.0f}/s best {max(wall[label]):8.0f}/s"
            f"   CPU: median {statistics.median(cpu[label]):8.0f}/s best {max(cpu[label]):8.0f}/s"
        )
    # Each round runs every variant back to back, so a ratio within a round sees the same machine load.
    for label in list(cases)[1:]:
        per_round_wall = [a / b for a, b in zip(wall[label], wall[baseline], strict=True)]
        per_round_cpu = [a / b for a, b in zip(cpu[label], cpu[baseline], strict=True)]
        print(
            f"  {label} / {baseline}: {statistics.median(per_round_wall):.2f}x"
            f" (median of the rounds' wall-time ratios {_rounded(per_round_wall)};"
            f" CPU-time ratio {statistics.median(per_round_cpu):.2f}x)"
        )


def _rounded(values: list[float]) -> str:
    return "[" + ", ".join(f"{value:.2f}" for value in values) + "]"


def instructions(binary: Path, task: RouterTask) -> None:
    """Instructions per record under callgrind: (run with N records - run with none) / N."""
    engine = BinaryEngine(binary, wrapper=("valgrind", "--tool=callgrind", f"--callgrind-out-file={CALLGRIND_OUT}"))
    print(f"\nrouter instructions per record (valgrind --tool=callgrind, {CALLGRIND_RECORDS} records)")
    lines = list(record_mix(CALLGRIND_RECORDS))
    counts: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        for n, (label, (main, files)) in enumerate(variants(workdir).items()):
            idle = _callgrind_total(engine, task, workdir / f"idle{n}", files, main, [])
            busy = _callgrind_total(engine, task, workdir / f"busy{n}", files, main, lines)
            counts[label] = (busy - idle) / len(lines)
            print(f"  {label:<38} {counts[label]:10.0f} instructions/record", flush=True)
    baseline = counts.pop("single-parser chain")
    for label, count in counts.items():
        print(f"  {label} / single-parser chain: {baseline / count:.2f}x throughput")


def _callgrind_total(
    engine: Engine,
    task: RouterTask,
    workdir: Path,
    files: dict[str, Path],
    main: str | None,
    lines: list[tuple[str, str]],
) -> int:
    with running_router(engine, task, workdir, files, main) as (run, _):
        assert wait_until(run.socket_path.exists, 120), run.logs()
        connection = run.connect(timeout=900)
        connection.send(encode_lines(task, lines))
        connection.finish(timeout=900)
        run.stop(timeout=300)
    text = (workdir / "root" / CALLGRIND_OUT.lstrip("/")).read_text(errors="replace")
    (total,) = [line.split()[1] for line in text.splitlines() if line.startswith(("summary:", "totals:"))][:1]
    return int(total)


def shutdown(engine: Engine, task: RouterTask, runs: int) -> None:
    print(f"\nrecords lost of 300 when SIGTERM comes N s after the last line was written ({runs} runs each)")
    archive_only = only(parse_file(image_files()[ROUTER_CONFIG_FILE]), lambda s: s.name != "rewrite_tag")
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        (workdir / "archive-only.conf").write_text(render(archive_only))
        configs = {
            "router (fluentbit/)": image_files(),
            "same without the CloudWatch copies": {**image_files(), ROUTER_CONFIG_FILE: workdir / "archive-only.conf"},
        }
        for delay in SHUTDOWN_DELAYS:
            losses = {label: [] for label in configs}  # type: dict[str, list[int]]
            for run in range(runs):
                for n, (label, files) in enumerate(configs.items()):
                    losses[label].append(shutdown_loss(engine, task, workdir / f"{delay}-{run}-{n}", delay, files))
            print(f"  {delay:4.2f} s: " + "   ".join(f"{label} {losses[label]}" for label in configs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=5, help="preview and evaluation runs")
    parser.add_argument("--test-runs", type=int, default=2)
    parser.add_argument("--router-runs", type=int, default=7)
    parser.add_argument("--router-records", type=int, default=100_000)
    parser.add_argument("--shutdown-runs", type=int, default=3)
    parser.add_argument("--instructions", action="store_true", help="also count instructions under callgrind")
    parser.add_argument("--setup-runs", type=int, default=3)
    parser.add_argument("--setup-cache", default=",".join(SETUP_CACHES), help="comma-separated, of cold, warm")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    if "preview" in sections:
        preview(args.runs)
    if "tests" in sections:
        tests(args.test_runs)
    if "setup" in sections:
        setup(args.setup_runs, args.setup_cache.split(","))
    if sections & {"router", "shutdown"}:
        engine = engine_or_skip_reason()
        if isinstance(engine, str):
            print(f"\nrouter: skipped, {engine}")
            return
        task = dev_task()
        if "router" in sections:
            router(engine, task, args.router_records, args.router_runs)
            if args.instructions and isinstance(engine, BinaryEngine):
                instructions(engine.binary, task)
        if "shutdown" in sections:
            shutdown(engine, task, args.shutdown_runs)


if __name__ == "__main__":
    main()
