"""The README's two commands where `python3` is 3.11, 3.12 or 3.13: what each of them needs from the pins."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from offline.harness import PROJECT_DIR

PKG_RESOURCES_REMOVED_IN = (82, 0, 0)


def pinned_version(path: Path, package: str) -> tuple[int, ...]:
    pins = [line for line in path.read_text().splitlines() if line.lower().startswith(f"{package}==")]
    assert len(pins) == 1, (path.name, pins)
    return tuple(int(part) for part in pins[0].split("==")[1].split("."))


def test_setuptools_is_pinned_below_the_release_that_removed_pkg_resources() -> None:
    """parliament, the IAM linter of the tests (tests/support/iam_lint.py), does `import pkg_resources` in its
    `__init__.py`. pkg_resources ships with setuptools, and only up to 81: "v82.0.0 ... pkg_resources has been
    removed from Setuptools ... environments relying on pkg_resources ... should depend on older versions of
    setuptools" (https://setuptools.pypa.io/en/stable/history.html). Python 3.12 stopped pre-installing setuptools
    in venvs ("gh-95299: Do not pre-install setuptools in virtual environments created with venv", What's New in
    Python 3.12; python/cpython pull request 109815), so on 3.12 and 3.13 the README's venv has none unless the
    requirements name it: without the pin the test command stops with collection errors."""
    spec = importlib.util.find_spec("parliament")
    assert spec is not None and spec.origin is not None
    assert re.search(r"^import pkg_resources$", Path(spec.origin).read_text(), re.MULTILINE)
    dev = pinned_version(PROJECT_DIR / "requirements-dev.txt", "setuptools")
    assert dev == pinned_version(PROJECT_DIR / "constraints.txt", "setuptools")
    assert dev < PKG_RESOURCES_REMOVED_IN


def test_readme_promises_the_three_pythons_ci_tests() -> None:
    """The README names the Pythons the checks run on (tests/project/test_workflows.py checks the matrix)."""
    readme = (PROJECT_DIR / "README.md").read_text()
    assert "Python 3.11, 3.12 or 3.13" in readme
    assert "with Python 3.11:" not in readme
