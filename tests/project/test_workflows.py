"""The GitHub workflows' security and scheduling properties, read from the YAML (the pinning and actionlint
checks live in tests/policy/test_policy.py). Each test names the GitHub or Pulumi behaviour it relies on and where it is
documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline.harness import PROJECT_DIR

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
ADOPTING = PROJECT_DIR / "docs" / "ADOPTING.md"
DEPENDABOT = PROJECT_DIR / ".github" / "dependabot.yml"
# `$/`: GitHub's self-repository syntax, this repository at the commit being run (GitHub changelog 2026-07-30,
# "Reference same-repository actions with self-repository syntax"; zizmor's self-repository audit).
PULUMI_WORKFLOW = "$/.github/workflows/pulumi.yml"
SECRETS = ("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE")

# pulumi/actions v7.0.0's inputs (its action.yml): the same names as v6.6.1's; v7.0.0 changed only
# `runs.using` from node20 to node24 (pulumi/actions CHANGELOG.md 7.0.0, "update Action runtime to node 24", #1404).
PULUMI_ACTIONS_V7_INPUTS = {
    "command",
    "stack-name",
    "pulumi-version",
    "pulumi-version-file",
    "work-dir",
    "comment-on-pr",
    "comment-on-pr-number",
    "comment-on-summary",
    "github-token",
    "cloud-url",
    "secrets-provider",
    "parallel",
    "message",
    "config-map",
    "expect-no-changes",
    "diff",
    "replace",
    "exclude",
    "exclude-dependents",
    "target",
    "target-dependents",
    "policyPacks",
    "policyPackConfigs",
    "refresh",
    "upsert",
    "remove",
    "edit-pr-comment",
    "color",
    "exclude-protected",
    "plan",
    "suppress-outputs",
    "suppress-progress",
    "always-include-summary",
    "continue-on-error",
    "log-verbosity",
    "log-flow",
    "debug",
}


def workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def pulumi_calls(name: str) -> dict[str, dict[str, Any]]:
    return {job_id: job for job_id, job in workflow(name)["jobs"].items() if job.get("uses") == PULUMI_WORKFLOW}


def test_pull_requests_reach_only_devs_preview_credentials_and_prod_is_previewed_from_main() -> None:
    """Pull request code runs in unprotected environments and can rewrite the workflow itself, so nothing a pull
    request job can reach may decrypt prod's secrets or change any state. Pulumi Cloud's `Stack Read` permission
    set "allows for running previews" and includes `stack:decrypt`
    (https://www.pulumi.com/docs/administration/concepts/rbac/permission-sets/): a credential able to preview prod
    can decrypt prod's secrets, so pull requests preview dev only, in `dev-preview`, and prod gets its real
    preview only from `main`, in `prod-preview` (deployment branches: main). GitHub evaluates an environment's
    protection rules "before a job referencing the environment is sent to a runner", and "the job can access the
    environment's secrets only after" (https://docs.github.com/en/actions/using-jobs/using-environments-for-jobs).
    On the DIY (S3) backend a preview takes no lock and writes no checkpoint, history or backup
    (pulumi/pulumi pkg/backend/diy/backend.go: `Preview` calls `apply` without `Lock`; only non-dry-run operations
    save), so preview credentials can be read-only."""
    on_pull_request = pulumi_calls("pull-request.yml")
    assert on_pull_request
    for job in on_pull_request.values():
        assert job["with"] == {**job["with"], "command": "preview", "stack": "dev", "environment": "dev-preview"}
    assert workflow("deploy.yml")[True] == {"push": {"branches": ["main"]}}  # PyYAML reads the key `on` as True
    environments = {
        (job["with"]["command"], job["with"]["stack"]): job["with"]["environment"]
        for job in pulumi_calls("deploy.yml").values()
    }
    assert environments == {("up", "dev"): "dev", ("preview", "prod"): "prod-preview", ("up", "prod"): "prod"}
    text = ADOPTING.read_text()
    for environment, protection in (("dev-preview", "none"), ("prod-preview", "deployment branches: `main`")):
        assert any(line.startswith(f"| `{environment}` | {protection}") for line in text.splitlines()), environment


def test_pulumi_credentials_come_from_the_environment_of_the_called_job() -> None:
    """Environment secrets reach a reusable workflow only through a job of the called workflow that sets
    `environment`, and the caller "must still pass the secret" by name (or `secrets: inherit`), even if it exists
    only in the environment; an environment secret takes precedence over a repository secret of the same name
    (GitHub, "Reuse workflows", docs.github.com/.../actions/how-tos/reuse-automations/reuse-workflows, found as the
    zh/enterprise-server@3.21 copy). So every call passes both secrets by name, the called job runs in
    `inputs.environment`, and ADOPTING asks for environment secrets and no repository-level Pulumi secret."""
    called = workflow("pulumi.yml")
    assert all(job["environment"] == "${{ inputs.environment }}" for job in called["jobs"].values())
    calls = {**pulumi_calls("pull-request.yml"), **pulumi_calls("deploy.yml")}
    for job_id, job in calls.items():
        assert job["secrets"] == {name: f"${{{{ secrets.{name} }}}}" for name in SECRETS}, job_id
    text = ADOPTING.read_text()
    assert "Repository secrets:" not in text
    assert "environment secret" in text and "no repository secret" in text.lower()


def required_job() -> tuple[str, dict[str, Any]]:
    jobs = workflow("pull-request.yml")["jobs"]
    (aggregate,) = [(job_id, job) for job_id, job in jobs.items() if job.get("if") == "always()"]
    return aggregate


def test_one_aggregate_job_that_always_runs_needs_every_other_job() -> None:
    """A job skipped by `if` (the preview, for a fork's pull request) never reports the check names a matrix or
    reusable call would have had, so a required check on it stays "Expected — Waiting for status to be reported"
    forever (getsentry/sentry pull request 29118; fkirc/skip-duplicate-actions README, "Skip Check in Required
    Matrix Job", issue 44). And "if a job fails or is skipped, all jobs that need it are skipped unless the jobs
    use a conditional expression that causes the job to continue" (`jobs.<job_id>.needs`, quoted in github/docs
    issue 28762): the one required check is a job with `if: always()` that needs every other job."""
    jobs = workflow("pull-request.yml")["jobs"]
    job_id, job = required_job()
    assert sorted(job["needs"]) == sorted(set(jobs) - {job_id})
    assert "runs-on" in job and "uses" not in job
    text = ADOPTING.read_text()
    assert f"`{job['name']}`" in text
    assert "`checks / lint, type-check, tests`" not in text and "preview (prod) / pulumi preview prod" not in text


def run_required_script(checks: str, preview: str) -> int:
    (step,) = required_job()[1]["steps"]
    env = {"PATH": os.environ["PATH"], "CHECKS": checks, "RESULTS": f"{checks} {preview}"}
    return subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, check=False).returncode


@pytest.mark.parametrize(
    ("checks", "preview", "passes"),
    [
        ("success", "success", True),
        ("success", "skipped", True),  # a fork's pull request
        ("success", "failure", False),
        ("success", "cancelled", False),
        ("failure", "skipped", False),
        ("cancelled", "skipped", False),
        ("skipped", "skipped", False),
    ],
)
def test_the_aggregate_job_fails_when_a_needed_job_failed_or_was_cancelled(
    checks: str, preview: str, passes: bool
) -> None:
    """The step's script, run with the results GitHub puts in `needs.<job>.result` (success, failure, cancelled,
    skipped)."""
    assert (run_required_script(checks, preview) == 0) is passes


def test_deploys_queue_per_environment_and_no_comment_promises_an_order() -> None:
    """GitHub keeps "at most one running and one pending job in a concurrency group"; a newly queued one replaces
    the pending one, which is cancelled; and ordering is not guaranteed
    (https://docs.github.com/en/actions/using-jobs/using-concurrency). One workflow-level group made a prod
    deploy waiting for approval hold every later dev deploy: the groups are per environment, on the jobs that call
    pulumi.yml (`concurrency` is one of the keywords a job calling a reusable workflow may use: GitHub, "Reusing
    workflow configurations", supported keywords), and a running `pulumi up` is never cancelled."""
    deploy = workflow("deploy.yml")
    assert "concurrency" not in deploy
    groups = {}
    for job_id, job in pulumi_calls("deploy.yml").items():
        assert job["concurrency"]["cancel-in-progress"] is False, job_id
        groups[job["with"]["environment"]] = job["concurrency"]["group"]
    assert len(set(groups.values())) == len(groups) == 3
    for path in (WORKFLOWS / "deploy.yml", ADOPTING):
        assert "push order" not in path.read_text()


def test_pulumi_actions_runs_on_node24() -> None:
    """GitHub's runners no longer run node20 actions; pulumi/actions v7.0.0 declares `runs.using: node24` (its
    action.yml; v6.6.1 declared node20) and changes nothing else that this repository uses: the inputs are the
    same (pulumi/actions CHANGELOG.md, 7.0.0: "update Action runtime to node 24", pull request 1404)."""
    steps = [step for job in workflow("pulumi.yml")["jobs"].values() for step in job["steps"]]
    pulumi = [step for step in steps if step.get("uses", "").startswith("pulumi/actions@")]
    assert [step["uses"] for step in pulumi] == ["pulumi/actions@" + VERIFIED_ACTION_COMMITS["pulumi/actions"][1]]
    assert VERIFIED_ACTION_COMMITS["pulumi/actions"][0] == "v7.0.0"
    assert set(pulumi[0]["with"]) <= PULUMI_ACTIONS_V7_INPUTS


def test_checks_run_on_every_python_the_readme_supports() -> None:
    """The README's commands must work where `python3` is 3.11, 3.12 or 3.13: the checks run `.ci/run` on each
    (a matrix; the aggregate job needs the whole `checks` call, so every matrix job gates the merge)."""
    (job,) = [
        job
        for job in workflow("checks.yml")["jobs"].values()
        if any(s.get("run") == "bash .ci/run" for s in job["steps"])
    ]
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert job["strategy"]["fail-fast"] is False
    setup = [step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python@")]
    assert [step["with"]["python-version"] for step in setup] == ["${{ matrix.python }}"]
    assert any(step.get("run") == "bash .ci/run" for step in job["steps"])


# --- every workflow: actionlint, pinned actions, the policy pack, OIDC, the deploy graph -------------------

ACTIONLINT = PROJECT_DIR / "scripts" / "actionlint.sh"


def _steps() -> Iterator[dict[str, Any]]:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in workflow(path.name)["jobs"].values():
            yield from job.get("steps", [])


def test_actionlint_passes_every_workflow() -> None:
    result = subprocess.run([str(ACTIONLINT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_script_fails_on_a_finding(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run([str(ACTIONLINT), str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "nope" in result.stdout


def test_zizmor_finds_nothing_in_the_workflows_and_dependabot() -> None:
    """zizmor's audits, offline (no GitHub API), at its default persona; its exit code is 0 only without findings
    (zizmor docs, usage.md, "Exit codes": 11 to 14 by the highest finding's severity). An accepted finding carries a
    `# zizmor: ignore[<audit>]` comment with its reason in the workflow."""
    zizmor = Path(sys.executable).parent / "zizmor"
    inputs = [str(WORKFLOWS), str(DEPENDABOT)]
    result = subprocess.run([str(zizmor), "--offline", *inputs], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# Each action's commit as read in its own repository: `fetch github:OWNER/REPO`, then `git rev-list -n 1 <tag>` (a
# tag's commit, annotated tags dereferenced). docker/setup-qemu-action has no v4.3.0 (its tags end at v4.2.0; v4.3.0
# is a tag of setup-buildx-action), so that step would fail the first `pulumi up` after a merge.
VERIFIED_ACTION_COMMITS = {
    "actions/checkout": ("v6.0.2", "de0fac2e4500dabe0009e67214ff5f5447ce83dd"),
    "actions/setup-python": ("v6.2.0", "a309ff8b426b58ec0e2a45f0f869d46889d02405"),
    "docker/setup-qemu-action": ("v4.2.0", "96fe6ef7f33517b61c61be40b68a1882f3264fb8"),
    "docker/setup-buildx-action": ("v4.3.0", "37fe631027851001ddb9b187196cc803df7f5f0e"),
    "aws-actions/configure-aws-credentials": ("v6.0.0", "8df5847569e6427dd6c4fb1cf565c83acfa8afa7"),
    "pulumi/actions": ("v7.0.0", "8e5e406f4007fca908480587cb9893c07090f58d"),
}
# `uses: OWNER/REPO@<full commit SHA> # <version tag>`, as written in the workflow files (YAML drops the comment).
SHA_PINNED_USES = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)$"
)


def _uses_lines() -> list[str]:
    """Every `uses:` line of every workflow that names an action of another repository (`./` and `$/` name this
    one)."""
    lines = (line for path in sorted(WORKFLOWS.glob("*.yml")) for line in path.read_text().splitlines())
    return [line for line in lines if re.match(r"^\s*(?:- )?uses: (?!\./|\$/)", line)]


def test_every_action_is_pinned_to_a_verified_commit_sha_with_its_version() -> None:
    """A tag can be moved or deleted, and may never have existed; a full commit SHA names one immutable commit
    ("Pin actions to a full length commit SHA", GitHub's "Security hardening for GitHub Actions", using third-party
    actions; zizmor's `unpinned-uses` audit). The comment keeps the version readable for reviews and Dependabot.
    Each SHA is the commit of that tag in the action's repository (VERIFIED_ACTION_COMMITS)."""
    lines = _uses_lines()
    assert lines
    for line in lines:
        pinned = SHA_PINNED_USES.match(line)
        assert pinned is not None, f"not pinned to a commit SHA with its version as a comment: {line.strip()}"
        assert VERIFIED_ACTION_COMMITS.get(pinned["action"]) == (pinned["tag"], pinned["sha"]), line.strip()


def test_a_tag_pin_or_an_unverified_sha_is_refused() -> None:
    assert SHA_PINNED_USES.match("      - uses: docker/setup-qemu-action@v4.3.0") is None
    unverified = SHA_PINNED_USES.match("      - uses: docker/setup-qemu-action@" + "0" * 40 + " # v4.3.0")
    assert unverified is not None
    assert VERIFIED_ACTION_COMMITS.get(unverified["action"]) != (unverified["tag"], unverified["sha"])


def test_no_long_lived_aws_keys() -> None:
    text = "\n".join(path.read_text() for path in WORKFLOWS.glob("*.yml")).lower()
    assert "aws_access_key_id" not in text and "aws-access-key-id" not in text


def test_pulumi_runs_with_the_policy_pack_and_oidc_credentials() -> None:
    steps = list(_steps())
    pulumi = [s for s in steps if s.get("uses", "").startswith("pulumi/actions@")]
    assert pulumi and all(s["with"]["policyPacks"] == "policy" for s in pulumi)
    aws = [s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert aws and all("role-to-assume" in s["with"] and "vars." in s["with"]["role-to-assume"] for s in aws)


def test_pull_requests_preview_dev_with_a_comment() -> None:
    previews = pulumi_calls("pull-request.yml")
    assert len(previews) == 1
    (job,) = previews.values()
    assert job["with"]["command"] == "preview" and job["with"]["comment-on-pr"] is True
    assert job["with"]["stack"] == "dev" and job["with"]["environment"] == "dev-preview"
    assert job["permissions"]["id-token"] == "write" and job["permissions"]["pull-requests"] == "write"


def test_main_deploys_dev_then_previews_and_deploys_prod_behind_the_prod_environment() -> None:
    jobs = pulumi_calls("deploy.yml")
    operations = {(job["with"]["command"], job["with"]["stack"]): name for name, job in jobs.items()}
    assert set(operations) == {("up", "dev"), ("preview", "prod"), ("up", "prod")}
    prod = jobs[operations["up", "prod"]]
    assert prod["with"]["environment"] == "prod" and operations["preview", "prod"] in prod["needs"]
    assert operations["up", "dev"] in jobs[operations["preview", "prod"]]["needs"]
    assert all(job["permissions"]["id-token"] == "write" for job in jobs.values())
    reusable = workflow("pulumi.yml")["jobs"]
    assert all(job["environment"] == "${{ inputs.environment }}" for job in reusable.values())


# --- the deploy proves itself -----------------------------------------------------------------------------------

# The provider's default timeouts for an ECS service's create and update (terraform-provider-aws
# internal/service/ecs/service.go, `Timeouts`: 20 minutes each), which bound `wait_for_steady_state`.
ECS_SERVICE_UPDATE_MINUTES = 20
# Installing, building and pushing the router image (QEMU for ARM64), and every other resource: a generous bound.
EVERYTHING_ELSE_MINUTES = 15


def _pulumi_job() -> dict[str, Any]:
    (job,) = workflow("pulumi.yml")["jobs"].values()
    return dict(job)


def test_every_deploy_runs_ops_verify_after_pulumi_up_and_fails_with_it() -> None:
    """After `pulumi up`, the same job runs `python -m ops verify` on the stack it deployed; a failed check fails the
    job (the step has no continue-on-error), and so the deployment. The Pulumi CLI is on PATH and logged in there:
    pulumi/actions adds the CLI it installs with `core.addPath` and logs in with `pulumi login` (src/libs/pulumi-cli.ts
    and src/login.ts at v7.0.0), whose credentials the CLI keeps in ~/.pulumi/credentials.json; the AWS credentials
    are configure-aws-credentials' exported environment variables."""
    steps = _pulumi_job()["steps"]
    names = [step.get("name", step.get("uses", "")) for step in steps]
    up = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("pulumi/actions@"))
    (verify,) = [i for i, step in enumerate(steps) if "python -m ops verify" in step.get("run", "")]
    assert verify > up, names
    step = steps[verify]
    assert step["if"] == "inputs.command == 'up'"
    assert step["run"] == '.venv/bin/python -m ops verify --stack "$STACK" --deploy-role'
    assert step["env"]["STACK"] == steps[up]["with"]["stack-name"]
    assert set(SECRETS) <= set(step["env"]) and "continue-on-error" not in step
    installs = [s for s in steps[up:verify] if "ops/requirements.txt" in s.get("run", "")]
    assert installs and installs[0]["if"] == "inputs.command == 'up'"


def test_the_deploy_job_outlasts_its_longest_update_and_the_verification() -> None:
    """A job killed at timeout-minutes leaves the stack locked with pending operations. Its longest update waits for
    the certificate (components/edge/certificate.py VALIDATION_TIMEOUT_MINUTES), then for the ECS deployment
    (ECS_SERVICE_UPDATE_MINUTES): the HTTPS listener the service's rule needs waits for the certificate. Then the
    verification runs within its own timeout-minutes."""
    from components.edge.certificate import VALIDATION_TIMEOUT_MINUTES

    job = _pulumi_job()
    (verify,) = [step for step in job["steps"] if "python -m ops verify" in step.get("run", "")]
    needed = (
        VALIDATION_TIMEOUT_MINUTES + ECS_SERVICE_UPDATE_MINUTES + verify["timeout-minutes"] + EVERYTHING_ELSE_MINUTES
    )
    assert needed <= job["timeout-minutes"], (needed, job["timeout-minutes"])


# --- Dependabot ---------------------------------------------------------------------------------------------

# The keys and values of SchemaStore's "GitHub Dependabot v2 config" schema (src/schemas/json/dependabot-2.0.json,
# SchemaStore/schemastore at 00f2f42d) that a dependabot.yml may use, as its `additionalProperties: false` objects
# list them: the top level, an `updates` entry (`definitions.update`), a group, `schedule` and `cooldown`; GitHub's
# "Dependabot options reference" documents the same keys. A misspelt key is otherwise found by Dependabot only, on
# GitHub, after the merge.
DEPENDABOT_KEYS = {"version", "enable-beta-ecosystems", "updates", "registries"}
DEPENDABOT_UPDATE_KEYS = {
    "allow",
    "assignees",
    "commit-message",
    "cooldown",
    "directories",
    "directory",
    "groups",
    "ignore",
    "insecure-external-code-execution",
    "labels",
    "milestone",
    "open-pull-requests-limit",
    "package-ecosystem",
    "pull-request-branch-name",
    "rebase-strategy",
    "registries",
    "schedule",
    "target-branch",
    "vendor",
    "versioning-strategy",
}
DEPENDABOT_GROUP_KEYS = {"applies-to", "dependency-type", "patterns", "exclude-patterns", "update-types"}
DEPENDABOT_GROUP_UPDATE_TYPES = {"major", "minor", "patch"}
DEPENDABOT_SCHEDULE_KEYS = {"interval", "day", "time", "timezone", "cronjob"}
DEPENDABOT_INTERVALS = {"daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"}
DEPENDABOT_COOLDOWN_KEYS = {
    "default-days",
    "semver-major-days",
    "semver-minor-days",
    "semver-patch-days",
    "include",
    "exclude",
}


def dependabot_schema_problems(config: Any) -> list[str]:
    """What SchemaStore's schema refuses in `config`, for the keys and values above (its enums, required keys and
    `oneOf` of `directory`/`directories`; ecosystems are checked by the caller)."""
    problems: list[str] = []
    if not isinstance(config, dict):
        return ["not a mapping"]
    problems += [f"unknown top-level key {key!r}" for key in sorted(set(config) - DEPENDABOT_KEYS)]
    if config.get("version") != 2:
        problems.append("version must be 2")
    updates = config.get("updates")
    if not isinstance(updates, list) or not updates:
        return [*problems, "updates must be a non-empty list"]
    for n, update in enumerate(updates):
        where = f"updates[{n}]"
        problems += [f"{where}: unknown key {key!r}" for key in sorted(set(update) - DEPENDABOT_UPDATE_KEYS)]
        problems += [f"{where}: {key} missing" for key in ("package-ecosystem", "schedule") if key not in update]
        if ("directory" in update) == ("directories" in update):
            problems.append(f"{where}: exactly one of directory and directories")
        directories = update.get("directories", [update.get("directory")])
        if not directories or not all(isinstance(d, str) and d for d in directories):
            problems.append(f"{where}: directories must be non-empty strings")
        schedule = update.get("schedule", {})
        problems += [
            f"{where}.schedule: unknown key {key!r}" for key in sorted(set(schedule) - DEPENDABOT_SCHEDULE_KEYS)
        ]
        if schedule.get("interval") not in DEPENDABOT_INTERVALS:
            problems.append(f"{where}.schedule.interval: {schedule.get('interval')!r}")
        cooldown = update.get("cooldown", {})
        problems += [
            f"{where}.cooldown: unknown key {key!r}" for key in sorted(set(cooldown) - DEPENDABOT_COOLDOWN_KEYS)
        ]
        for key, days in cooldown.items():
            if key.endswith("-days") and not (isinstance(days, int) and days >= 0):
                problems.append(f"{where}.cooldown.{key}: {days!r}")
        for name, group in update.get("groups", {}).items():
            problems += [
                f"{where}.groups.{name}: unknown key {key!r}" for key in sorted(set(group) - DEPENDABOT_GROUP_KEYS)
            ]
            if not set(group) & {"dependency-type", "patterns", "exclude-patterns", "update-types"}:
                problems.append(f"{where}.groups.{name}: no rule")
            if not set(group.get("update-types", [])) <= DEPENDABOT_GROUP_UPDATE_TYPES:
                problems.append(f"{where}.groups.{name}.update-types: {group['update-types']!r}")
            for key in ("patterns", "exclude-patterns"):
                patterns = group.get(key, ["*"])
                if (
                    not patterns
                    or len(set(patterns)) != len(patterns)
                    or not all(isinstance(p, str) and p for p in patterns)
                ):
                    problems.append(f"{where}.groups.{name}.{key}: {patterns!r}")
    return problems


def test_the_dependabot_check_refuses_what_the_schema_refuses() -> None:
    good: dict[str, Any] = {
        "version": 2,
        "updates": [{"package-ecosystem": "pip", "directory": "/", "schedule": {"interval": "weekly"}}],
    }
    assert dependabot_schema_problems(good) == []
    (update,) = good["updates"]
    for bad in (
        {**good, "version": 1},
        {**good, "update": good["updates"]},
        {**good, "updates": [{**update, "schedule": {"interval": "weekley"}}]},
        {**good, "updates": [{**update, "directories": ["/"]}]},
        {**good, "updates": [{**update, "group": {"all": {"patterns": ["*"]}}}]},
        {**good, "updates": [{**update, "groups": {"all": {"pattern": ["*"]}}}]},
        {**good, "updates": [{**update, "groups": {"all": {"patterns": ["*"], "update-types": ["semver-minor"]}}}]},
        {**good, "updates": [{**update, "cooldown": {"days": 7}}]},
    ):
        assert dependabot_schema_problems(bad), bad


def test_dependabot_updates_actions_and_pip_pins_weekly_in_one_pull_request_per_ecosystem() -> None:
    """Both ecosystems, weekly, each with one group taking every minor and patch update (`patterns: ["*"]`), so
    each ecosystem's week comes as one pull request; a major update stays on its own. The pip entry reads every
    directory with a requirements file (Dependabot's pip file fetcher takes a directory's requirement `.txt` files
    and the `-r`/`-c` files they name), and no entry lets Dependabot run code from a manifest (zizmor's
    dependabot-execution audit)."""
    config = yaml.safe_load(DEPENDABOT.read_text())
    assert dependabot_schema_problems(config) == []
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"github-actions", "pip"} and len(config["updates"]) == 2
    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        assert [
            group
            for group in update["groups"].values()
            if group.get("patterns") == ["*"] and set(group.get("update-types", [])) == {"minor", "patch"}
        ], ecosystem
        assert update.get("insecure-external-code-execution", "deny") == "deny", ecosystem
    assert updates["github-actions"]["directory"] == "/"
    found = [*PROJECT_DIR.glob("requirements*.txt"), *PROJECT_DIR.glob("*/requirements*.txt")]
    relative = [path.parent.relative_to(PROJECT_DIR).as_posix() for path in found]
    hidden = {directory for directory in relative if directory.startswith(".") and directory != "."}  # .venv, ...
    requirement_dirs = {"/" + directory.removeprefix(".") for directory in set(relative) - hidden}
    assert {"/", "/ops", "/policy"} <= requirement_dirs
    assert set(updates["pip"]["directories"]) == requirement_dirs
