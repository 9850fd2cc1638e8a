"""The offline harness and CLI: the preview contract other tools rely on (see ../shared/design.md)."""

from __future__ import annotations

import inspect
import itertools
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pulumi
import pytest

from offline.__main__ import main
from offline.harness import PROJECT_DIR, Evaluation, evaluate
from offline.mocks import HANDLERS, UnmockedCallError
from offline.render import as_json, diagram
from offline.stack_config import SECRET_PLACEHOLDER, load_stack_config, project_declarations
from tests.conftest import PARTNER, PARTNER_SECRETS, evaluate_program, evaluate_stack

PARTNER_KEY = PARTNER_SECRETS["partnerApiKey"]


pytestmark = pytest.mark.usefixtures("cached_cli")  # the CLI's main() evaluates through the tests' cache


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- stack config ----------------------------------------------------------------------------------------


def test_every_declared_key_gets_its_default_or_the_stack_value() -> None:
    project, declarations = project_declarations(PROJECT_DIR)
    config = load_stack_config(PROJECT_DIR, "prod")
    for key, declaration in declarations.items():
        assert {"type", "default", "description"} <= set(declaration), key
        assert f"{project}:{key}" in config.values
    assert config.values["httpd-firelens:azCount"] == "3"  # from Pulumi.prod.yaml, as text
    assert config.values["httpd-firelens:forceDestroy"] == "false"  # YAML boolean -> "false"
    assert json.loads(config.values["httpd-firelens:ingressCidrs"]) == ["0.0.0.0/0"]  # list -> JSON
    assert config.region == "ap-northeast-1"


def test_secure_values_become_secret_placeholders(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.ci.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  httpd-firelens:partnerApiKey:\n    secure: v1:abc:def\n"
    )
    config = load_stack_config(tmp_path, "ci")
    assert config.values["httpd-firelens:partnerApiKey"] == SECRET_PLACEHOLDER
    assert config.secret_keys == {"httpd-firelens:partnerApiKey"}
    assert config.region == "us-east-1"


def test_overrides_take_keys_with_or_without_namespace() -> None:
    config = load_stack_config(PROJECT_DIR, "dev").with_overrides(
        {"cpu": "512", "httpd-firelens:memory": "1024", "aws:region": "us-west-2"}, {"partnerApiKey": "k"}
    )
    assert (config.values["httpd-firelens:cpu"], config.values["httpd-firelens:memory"]) == ("512", "1024")
    assert config.region == "us-west-2"
    assert "httpd-firelens:partnerApiKey" in config.secret_keys


# --- mocks -----------------------------------------------------------------------------------------------


def test_every_custom_resource_type_of_both_stacks_has_a_realistic_mock(stack: Evaluation) -> None:
    custom_types = {r.type for r in stack.resources if r.custom}
    assert custom_types <= set(HANDLERS), custom_types - set(HANDLERS)


def test_unmocked_resource_types_and_invokes_raise() -> None:
    from pulumi.runtime import MockCallArgs, MockResourceArgs

    from offline.mocks import AwsMocks

    mocks = AwsMocks("ap-northeast-1", PROJECT_DIR)
    with pytest.raises(UnmockedCallError, match="aws:rds/instance:Instance"):
        mocks.new_resource(MockResourceArgs("aws:rds/instance:Instance", "db", {}, custom=True))
    with pytest.raises(UnmockedCallError, match="aws:rds/getEngineVersion"):
        mocks.call(MockCallArgs("aws:rds/getEngineVersion:getEngineVersion", {}, ""))


def test_a_duplicate_urn_is_refused_as_the_engine_refuses_it() -> None:
    """Pulumi's engine fails a program that registers one URN twice ("Duplicate resource URN ...; try giving it a
    unique name", pulumi/pulumi#1682, fixed for good in pull request 1687); the stock mock monitor accepts it, so
    a merge that wires one component twice would pass offline and fail on `pulumi up`."""
    with pytest.raises(Exception, match=r"Duplicate resource URN .*aws:sqs/queue:Queue::queue"):
        evaluate_program("duplicate_urn")


def test_a_failed_program_leaves_nothing_running() -> None:
    """A program that raises leaves registrations pending on the loop and executor threads answering them; they
    would go on beside the next evaluation and, on Python 3.11, their error reports (whose traceback carets parse
    source with `ast`) race a concurrent `ast.parse` into "SystemError: AST constructor recursion depth mismatch"
    (python/cpython#106905). The harness cancels them and waits for the threads."""
    with pytest.raises(Exception, match="the program stops here"):
        evaluate_program("fails_midway")
    assert [thread.name for thread in threading.enumerate() if thread.name.startswith("asyncio_")] == []
    assert pulumi.Output.from_input("still usable outside a program") is not None  # a current loop is set


def test_the_stack_trace_the_harness_leaves_empty_is_the_one_the_sdk_sends(dev: Evaluation) -> None:
    """The harness replaces the SDK's `_get_stack_trace` (offline/pulumi_runtime.py): the SDK must still call a
    function of that name for each registration, or the replacement would silently do nothing."""
    source = inspect.getsource(pulumi.runtime.resource)
    assert source.count("stack_trace = _get_stack_trace()") >= 2  # a resource's and a component's registration
    assert list(pulumi.runtime.resource._get_stack_trace().frames) == []


def test_the_program_really_ran_under_the_mocks(dev: Evaluation) -> None:
    """Resources were registered after set_mocks and every export resolved (no apply was skipped)."""
    assert len([r for r in dev.resources if r.custom]) > 10
    assert dev.outputs["region"] == "ap-northeast-1"
    assert all(value not in (None, "") for value in dev.outputs.values()), dev.outputs


def test_evaluations_are_deterministic(dev: Evaluation) -> None:
    """A fresh evaluation prints the same document as the (cached) one before it."""
    assert as_json(evaluate(load_stack_config(PROJECT_DIR, "dev"))) == as_json(dev)


# --- CLI -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_preview_prints_the_tree_and_exits_clean(capsys: pytest.CaptureFixture[str], stack_name: str) -> None:
    code, out, err = run_cli(capsys, "preview", "--stack", stack_name)
    assert (code, err) == (0, "")
    assert f"Previewing update ({stack_name})" in out
    assert "pulumi:pulumi:Stack" in out and f"httpd-firelens-{stack_name}" in out
    assert "Policies: 0 finding(s)" in out


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str], stack_name: str) -> None:
    code, out, _ = run_cli(capsys, "preview", "--stack", stack_name, "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"project", "stack", "resources", "outputs"}
    assert (document["project"], document["stack"]) == ("httpd-firelens", stack_name)
    urns = {r["urn"] for r in document["resources"]}
    for resource in document["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "custom", "inputs", "id", "state"}
        assert resource["parent"] is None or resource["parent"] in urns
        if resource["custom"] and not resource["type"].startswith("pulumi:providers:"):
            assert resource["id"], resource["urn"]
    assert document["resources"][0]["type"] == "pulumi:pulumi:Stack"


def test_json_command_is_the_same_document(capsys: pytest.CaptureFixture[str]) -> None:
    _, via_flag, _ = run_cli(capsys, "preview", "--stack", "dev", "--json")
    _, via_command, _ = run_cli(capsys, "json", "--stack", "dev")
    assert json.loads(via_flag) == json.loads(via_command)


def test_secrets_are_masked_everywhere_in_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys,
        "json",
        "--stack",
        "dev",
        *(arg for key, value in PARTNER.items() for arg in ("--config", f"{key}={value}")),
        "--secret",
        f"partnerApiKey={PARTNER_KEY}",
    )
    assert code == 0, err
    assert PARTNER_KEY not in out and PARTNER_KEY not in err
    assert '"[secret]"' in out


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("cpu=300", "httpd-firelens:cpu"),
        ("httpd-firelens:cpu=300", "httpd-firelens:cpu"),
        ("desiredCount=-1", "httpd-firelens:desiredCount"),
        ("partnerApiKey=plain-text-key", "httpd-firelens:partnerApiKey"),
        ("logRetentionDays=10", "httpd-firelens:logRetentionDays"),
        ("vpcCidr=10.0.0.0/24", "httpd-firelens:vpcCidr"),  # /28 subnets: too small for an ALB
        ('ingressCidrs=["198.51.100.7"]', "httpd-firelens:ingressCidrs"),  # no prefix length
        ("aws:region=ap-east-9", "aws:region"),  # no availability zone
    ],
)
def test_invalid_config_exits_2_with_one_line_per_problem(
    capsys: pytest.CaptureFixture[str], override: str, key: str
) -> None:
    code, out, err = run_cli(capsys, "preview", "--stack", "dev", "--config", override)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert any(line.startswith(f"config key '{key}'") for line in lines), lines
    assert "plain-text-key" not in err


def test_prod_without_a_certificate_exits_2_naming_the_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """Prod refuses to preview (and so to deploy) with neither its domain nor a certificate, unless allowPlainHttp."""
    code, out, err = run_cli(
        capsys, "preview", "--stack", "prod", "--config", "domainName=", "--config", "certificateArn="
    )
    assert (code, out) == (2, "")
    for key in ("domainName", "hostedZoneId", "certificateArn", "allowPlainHttp"):
        assert f"'httpd-firelens:{key}'" in err, key


def test_prod_previews_with_https_and_the_waf(capsys: pytest.CaptureFixture[str], prod: Evaluation) -> None:
    code, out, _ = run_cli(capsys, "preview", "--stack", "prod")
    assert code == 0
    for row in ("aws:lb:Listener", "web-https-listener", "aws:acm:Certificate", "aws:wafv2:WebAcl", "waf-logging"):
        assert row in out, row
    assert 'serviceUrl:                 "https://app.example.com"' in out
    mermaid = diagram(prod)
    assert "n_waf_acl --> n_web_alb" in mermaid and "n_waf_acl --> n_waf_log_archive_stream" in mermaid


def test_an_undeclared_key_is_a_warning_on_stderr_and_the_preview_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    """The Pulumi CLI ignores a key Pulumi.yaml does not declare (tests/configuration/test_settings.py has the source);
    the program warns, naming the nearest declared key, as `pulumi up` shows a pulumi.log.warn message."""
    code, out, err = run_cli(capsys, "preview", "--stack", "dev", "--config", "natgateways=single")
    assert code == 0 and "Policies: 0 finding(s)" in out
    assert err.splitlines() == [
        "warning: config key 'httpd-firelens:natgateways' is not declared in Pulumi.yaml and is ignored; "
        "did you mean 'httpd-firelens:natGateways'?"
    ]
    bad = 'services={"httpd": {"cpu": 300}}'
    code, _, err = run_cli(capsys, "preview", "--stack", "dev", "--config", "natgateways=single", "--config", bad)
    assert code == 2 and err.splitlines()[0].startswith("warning: config key 'httpd-firelens:natgateways'")
    assert err.splitlines()[1].startswith("config key 'httpd-firelens:services.httpd.cpu'")


@pytest.mark.parametrize(("example", "stack", "services"), [("two-services", "dev", 2), ("three-services", "prod", 3)])
def test_the_examples_preview_over_a_stack_with_every_service(
    capsys: pytest.CaptureFixture[str], example: str, stack: str, services: int
) -> None:
    """`--config-file` sets an example's values over the stack's, as the README's "Adding a service" says to try
    them: the preview passes the policy pack, one FirelensService per entry."""
    code, out, err = run_cli(capsys, "preview", "--stack", stack, "--config-file", f"examples/{example}.yaml")
    assert code == 0, err
    assert "Policies: 0 finding(s)" in out
    assert out.count("httpd-firelens:service:FirelensService") == services


def test_a_config_file_with_a_secret_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("config:\n  httpd-firelens:partnerApiKey:\n    secure: AAABAxyz\n")
    code, _, err = run_cli(capsys, "preview", "--stack", "dev", "--config-file", str(path))
    assert (
        code == 2
        and err.strip() == "secret.yaml: httpd-firelens:partnerApiKey is a secret; set it with --secret instead"
    )


def test_malformed_override_and_unknown_stack_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "preview", "--stack", "dev", "--config", "cpu")[0] == 2
    code, _, err = run_cli(capsys, "preview", "--stack", "staging")
    assert code == 2 and "Pulumi.staging.yaml not found" in err


BAD_CONFIG = ("--config", 'services={"httpd": {"port": 2020, "cpu": 300}}', "--config", "azCount=9")


def test_invalid_config_from_a_fresh_process_prints_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offline", "preview", "--stack", "dev", *BAD_CONFIG],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "config key 'httpd-firelens:azCount': 9 is not allowed; allowed: a whole number from 2 to 3",
        "config key 'httpd-firelens:services.httpd.port': 2020 is not allowed; allowed: 1 to 65535, but not 24224 or "
        "2020 (the log router's)",
        "config key 'httpd-firelens:services.httpd.cpu': 300 is not allowed; allowed: 256, 512, 1024, 2048, 4096, "
        "8192, 16384",
    ]


def test_diagram_is_derived_from_the_resource_graph(dev: Evaluation) -> None:
    chart = diagram(dev)
    lines = chart.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = {line.split("[")[0].strip() for line in lines if '["' in line}
    edges = [line.strip().split(" --> ") for line in lines if " --> " in line]
    assert edges, chart
    for source, target in edges:
        assert source in nodes | {"internet"} and target in nodes, (source, target)
    # Traffic flows from the internet through the listener and the service's rule to its target group and tasks.
    path = ["internet", "n_web_alb", "n_web_http_listener", "n_httpd_rule", "n_httpd_tg", "n_httpd_service"]
    assert all([a, b] in edges for a, b in itertools.pairwise(path)), chart


def test_partner_variant_evaluates_with_the_key_as_a_secret() -> None:
    evaluation = evaluate_stack("dev", secrets=PARTNER_SECRETS, **PARTNER)
    assert PARTNER_KEY not in json.dumps(as_json(evaluation))


def test_the_prod_preview_is_clean_with_the_security_baseline_in_it(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15's definition of done: `python -m offline preview --stack prod` exits 0 and shows the VPC flow log,
    the archives' Object Lock configurations and every bucket's versioning."""
    code, out, _ = run_cli(capsys, "preview", "--stack", "prod")
    assert code == 0, out
    assert "aws:ec2:FlowLog" in out and "network-flow-logs-vpc" in out
    assert out.count("aws:s3:BucketObjectLockConfiguration") == out.count("httpd-firelens:logs:LogArchive") == 3
    buckets = len(re.findall(r"aws:s3:Bucket\s", out))
    assert buckets >= 5 and out.count("aws:s3:BucketVersioning") == buckets
    assert "Policies: 0 finding(s)" in out
