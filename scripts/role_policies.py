"""Print (or, with --write, refresh) the IAM policies in docs/: each committed stack's deploy role policies, its
roles' permissions boundary and the preview role's policy, generated from the program (offline/deploy_policy.py)
for the example account EXAMPLE_ACCOUNT.

    .venv/bin/python scripts/role_policies.py [--write]

docs/deploy-role-policies/<stack>/<policy name>.json, docs/role-boundary-policies/<policy name>.json and
docs/preview-role-policy.json are this script's output;
docs/deploy-role-policies/verify.json (what `python -m ops verify` calls) is written by hand.
tests/offline/test_deploy_policy.py fails when the files differ from what this prints. For your own account:
`.venv/bin/python -m offline deploy-policy --stack <stack> --account <id>` (docs/ADOPTING.md, section 3).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from components.iam import role_boundary_policy_name  # noqa: E402
from offline.deploy_policy import boundary_policy, deploy_policies, preview_policies  # noqa: E402
from offline.harness import evaluate  # noqa: E402
from offline.stack_config import load_stack_config  # noqa: E402

EXAMPLE_ACCOUNT = "111122223333"  # AWS's documentation account: replace it by generating for yours
STACKS = ("dev", "prod")
DEPLOY_DIR = PROJECT_DIR / "docs" / "deploy-role-policies"
BOUNDARY_DIR = PROJECT_DIR / "docs" / "role-boundary-policies"
PREVIEW_POLICY = PROJECT_DIR / "docs" / "preview-role-policy.json"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def files() -> dict[Path, str]:
    """Every generated file's path and content."""
    generated: dict[Path, str] = {}
    for stack in STACKS:
        evaluation = evaluate(load_stack_config(PROJECT_DIR, stack))
        for name, document in deploy_policies(evaluation, EXAMPLE_ACCOUNT).items():
            generated[DEPLOY_DIR / stack / f"{name}.json"] = render(document)
        boundary = role_boundary_policy_name(evaluation.config.project, stack)
        generated[BOUNDARY_DIR / f"{boundary}.json"] = render(boundary_policy(evaluation, EXAMPLE_ACCOUNT))
        if stack == STACKS[0]:
            (preview,) = preview_policies(evaluation, EXAMPLE_ACCOUNT).values()
            generated[PREVIEW_POLICY] = render(preview)
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the files in docs/")
    args = parser.parse_args()
    generated = files()
    if not args.write:
        for path, content in generated.items():
            print(f"== {path.relative_to(PROJECT_DIR)}\n{content}")
        return
    for stack in STACKS:
        shutil.rmtree(DEPLOY_DIR / stack, ignore_errors=True)
    for path, content in generated.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


if __name__ == "__main__":
    main()
