"""ops/__main__.py and ops/outputs.py: `python -m ops verify` on whole stacks (prod with the WAF and a task stop, a
rollout that never completes), the stack outputs it reads, and its one-line errors from a fresh process (no
credentials, AWS out of reach, outputs that cannot be read). Each check's behaviour: tests/ops/test_ops_checks.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from offline.harness import PROJECT_DIR, Evaluation
from ops.checks import FAIL, PASS
from ops.outputs import OutputsError, ServiceOutputs, StackOutputs, from_json, from_stack
from tests.support.helpers import statements
from tests.support.iam_lint import covers
from tests.support.ops_world import Call, as_role, deploy_role, deployed, recording_session, run_checks, statuses


def test_a_healthy_prod_stack_passes_with_the_waf_and_a_task_stop_and_the_deploy_role_may_do_it_all(
    prod: Evaluation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every check passes on prod (the WAF's log archive included) with --stop-task; and every call verify made is
    one docs/deploy-role-policies/verify.json allows on the resource it named (IAM actions and ARN formats from
    AWS's Service Authorization Reference: s3:ListBucket for ListObjectsV2 on the bucket, s3:GetObject on the
    object, ecs:DescribeServices on the service, athena:* on the workgroup, logs:FilterLogEvents on the log group,
    iam:ListRoleTags on the role; ecs:ListTasks and ecs:StopTask are scoped by the ecs:cluster condition key).
    GetCallerIdentity needs no permission ("No permissions are required to perform this operation", STS API
    reference)."""
    calls: list[Call] = []
    with deployed(prod, monkeypatch, running=2) as world:
        session = recording_session(world.region, calls)
        results = run_checks(world, stop_task=True, session=session, caller=as_role(deploy_role(world)))
    assert set(statuses(results).values()) == {PASS}, {n: r.outcome.detail for n, r in results.items()}
    policy = json.loads((PROJECT_DIR / "docs" / "deploy-role-policies" / "verify.json").read_text())
    outputs = from_json(prod.outputs)
    made = {(call.service, call.operation) for call in calls}
    assert {
        ("ecs", "StopTask"),
        ("athena", "GetQueryResults"),
        ("logs", "FilterLogEvents"),
        ("iam", "ListRoleTags"),
    } <= made
    for call in calls:
        if (call.service, call.operation) == ("sts", "GetCallerIdentity"):
            continue
        action, resource = iam_request(call, outputs.region, outputs.athena_workgroup)
        assert any(s["Effect"] == "Allow" and covers(s, action, resource) for s in statements(policy)), (
            action,
            resource,
        )


def iam_request(call: Call, region: str, workgroup: str) -> tuple[str, str]:
    """The IAM action and the resource ARN an API call is authorized for."""
    account, p = "123456789012", call.params
    if call.service == "s3":
        if call.operation == "ListObjectsV2":
            return "s3:ListBucket", f"arn:aws:s3:::{p['Bucket']}"
        return f"s3:{call.operation}", f"arn:aws:s3:::{p['Bucket']}/{p['Key']}"
    if call.service == "ecs" and call.operation == "DescribeServices":
        (service,) = p["services"]
        return "ecs:DescribeServices", f"arn:aws:ecs:{region}:{account}:service/{p['cluster']}/{service}"
    if call.service == "ecs":
        return f"ecs:{call.operation}", "*"
    if call.service == "athena":
        return f"athena:{call.operation}", f"arn:aws:athena:{region}:{account}:workgroup/{workgroup}"
    if call.service == "logs":
        return f"logs:{call.operation}", f"arn:aws:logs:{region}:{account}:log-group:{p['logGroupName']}"
    if call.service == "iam":
        return f"iam:{call.operation}", f"arn:aws:iam::{account}:role/{p['RoleName']}"
    raise AssertionError(f"verify calls {call.service}:{call.operation}: map it to its IAM action and resource")


def test_a_rollout_still_in_progress_fails_after_the_timeout(dev: Evaluation, monkeypatch: pytest.MonkeyPatch) -> None:
    with deployed(dev, monkeypatch, running=0) as world:
        outcome = run_checks(world, timeout=0.3)["rollout"].outcome
    assert outcome.status == FAIL
    assert "not complete after 0 s" in outcome.detail and "IN_PROGRESS, 0 of 1 tasks running" in outcome.detail


# --- outputs -----------------------------------------------------------------------------------------------------


def test_the_preview_outputs_carry_what_verify_reads(stack: Evaluation) -> None:
    outputs = from_json(stack.outputs)
    assert [s.name for s in outputs.services] == ["httpd"]
    assert {"appLogs", "taskStops"} <= set(outputs.archives)


def service_outputs(
    name: str, priority: int, paths: tuple[str, ...], hosts: tuple[str, ...] = (), health: str = "/"
) -> ServiceOutputs:
    arn = f"arn:aws:ecs:r:1:task-definition/{name}:1"
    return ServiceOutputs(name, "c", name, arn, health, "200", priority, paths, hosts)


def probed(url: str, *services: ServiceOutputs) -> str | None:
    outputs = StackOutputs("r", url, services, {}, "g", "w", "d", {})
    found = outputs.probed_service()
    return None if found is None else found.name


def test_the_marker_request_goes_to_a_service_whose_rule_gets_its_health_check_path() -> None:
    """The ALB evaluates rules "in priority order, from the lowest value to the highest value"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html); a path pattern "is
    compared only to the path of the URL, not to its query string", case-sensitively, `*` matching 0 or more
    characters and `?` exactly 1; host names are compared case-insensitively with the same wildcards (ELB API
    reference, PathPatternConditionConfig and HostHeaderConditionConfig). So verify asks the service whose own rule a
    request for its health check path reaches: not `api` on /api/* when its health check path is /, which httpd's
    catch-all answers."""
    httpd = service_outputs("httpd", 50000, ("/*",))
    api_on_root = service_outputs("api", 100, ("/api/*",))
    api = service_outputs("api", 100, ("/api/*",), health="/api/health")
    assert probed("https://app.example.com", api_on_root, httpd) == "httpd"
    assert probed("https://app.example.com", httpd, api) == "api"
    assert probed("https://app.example.com", service_outputs("a", 1, ("/API/*",), health="/api/x")) is None
    assert probed("https://app.example.com", service_outputs("a", 1, ("/a?c",), health="/abc")) == "a"
    assert probed("https://App.Example.com", service_outputs("a", 1, (), ("*.example.COM",))) == "a"
    assert probed("https://app.example.com", service_outputs("a", 1, ("/*",), ("api.example.com",))) is None


@pytest.mark.parametrize("missing", ["services", "archives", "serviceUrl", "region", "athenaWorkgroup"])
def test_outputs_of_an_older_program_are_refused_naming_the_output(dev: Evaluation, missing: str) -> None:
    document = {k: v for k, v in dev.outputs.items() if k != missing}
    with pytest.raises(OutputsError, match=f"no output {missing}"):
        from_json(document)


def test_the_outputs_come_from_the_pulumi_cli_with_secrets_shown(dev: Evaluation) -> None:
    calls: list[list[str]] = []

    def pulumi(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, json.dumps(dev.outputs), "")

    assert from_stack("dev", run=pulumi).region == dev.outputs["region"]
    assert calls == [["pulumi", "stack", "output", "--json", "--show-secrets", "-s", "dev"]]


def test_a_failing_pulumi_cli_is_one_line() -> None:
    def pulumi(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 255, "", "error: no stack named 'dev' found\n")

    with pytest.raises(OutputsError, match="no stack named 'dev' found"):
        from_stack("dev", run=pulumi)


def _fresh_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run(
        [sys.executable, "-m", "ops", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def outputs_file(dev: Evaluation, tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(dev.outputs))
    return path


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "ops verify: no AWS credentials found"),
        (
            {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
            "ops verify: cannot reach AWS at http://127.0.0.1:9",
        ),
    ],
    ids=["no credentials", "unreachable endpoint"],
)
def test_no_credentials_or_no_endpoint_is_one_line_and_exit_2(
    outputs_file: Path, env: dict[str, str], says: str
) -> None:
    result = _fresh_process(["verify", "--outputs", str(outputs_file)], env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(says) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--outputs", "/nonexistent/outputs.json"], "ops verify: cannot read /nonexistent/outputs.json"),
        (["--stack", "dev"], "ops verify: the Pulumi CLI is not on PATH"),
    ],
)
def test_unreadable_outputs_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    result = _fresh_process(["verify", *args], {"PATH": os.path.dirname(sys.executable)})
    assert result.returncode == 2 and result.stderr.startswith(says), result.stderr
    assert "Traceback" not in result.stderr
