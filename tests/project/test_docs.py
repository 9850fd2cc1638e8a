"""The README and docs/: generated sections current, every relative link and anchor resolving, the README short
enough to read, and every command and example in them doing what they say."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from configuration.settings import ConfigError
from offline.__main__ import main
from offline.harness import PROJECT_DIR, Evaluation
from scripts.doc_sections import (
    CONFIGURATION,
    DOCUMENTS,
    OPERATIONS,
    README,
    newcomer_commands,
    section,
    sections,
)
from tests.conftest import EXAMPLES, evaluate_config, evaluate_example, evaluate_stack
from tests.support.helpers import inside, service_alarms, task_containers
from tests.support.settings import load

SERVICE = "httpd-firelens:service:FirelensService"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
BOUNDARY = "arn:aws:iam::123456789012:policy/httpd-firelens-prod-role-boundary"
README_MAX_LINES = 250

CI = (PROJECT_DIR / ".ci" / "run").read_text()
MARKDOWN = sorted([*PROJECT_DIR.glob("*.md"), *(PROJECT_DIR / "docs").glob("*.md")])


def text_of(document: str) -> str:
    return (PROJECT_DIR / document).read_text()


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_generated_sections_are_current(monkeypatch: pytest.MonkeyPatch, document: str) -> None:
    monkeypatch.setattr("offline.harness.evaluate", lambda config: evaluate_config(config))  # the cached stacks
    text = text_of(document)
    for name, generated in sections(document).items():
        assert generated in text, f"{document}'s {name} section is stale: run scripts/doc_sections.py --write"


def test_the_readme_is_short_enough_to_read() -> None:
    assert len(text_of(README).splitlines()) <= README_MAX_LINES


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: its rendered text lower-cased, every character that is not a letter, digit,
    `_`, `-` or space removed, each space a `-` (gjtorikian/html-pipeline, lib/html/pipeline/toc_filter.rb,
    TableOfContentsFilter: `PUNCTUATION_REGEXP = /[^\\p{Word}\\- ]/u`, `gsub(PUNCTUATION_REGEXP, '')`,
    `gsub(' ', '-')`). The rendered text drops code spans' backticks and keeps a link's text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {anchor(match) for match in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


def test_anchor_follows_githubs_rule() -> None:
    assert anchor("Verify a deploy") == "verify-a-deploy"
    assert anchor("HTTPS or plain HTTP, on purpose") == "https-or-plain-http-on-purpose"
    assert anchor("Verifying a deploy: `python -m ops verify`") == "verifying-a-deploy-python--m-ops-verify"


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_every_relative_link_resolves(path: Path) -> None:
    """Every link to a file of the repository names one that exists, and its `#anchor` a heading in it."""
    for link in relative_links(path):
        target, _, fragment = link.partition("#")
        resolved = (path.parent / target).resolve() if target else path
        assert resolved.exists(), f"{link}: no such file"
        if fragment and resolved.suffix == ".md":
            assert fragment in anchors(resolved), f"{link}: no such heading in {resolved.name}"


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[gone](missing.md) [here](#title) [nowhere](#elsewhere)\n")
    assert relative_links(page) == ["missing.md", "#title", "#elsewhere"]
    assert anchors(page) == {"title"}


def test_ci_runs_exactly_the_readme_test_command_and_setup() -> None:
    setup, tests = newcomer_commands()
    assert tests == ".venv/bin/python -m pytest"
    assert CI.rstrip().endswith(tests)
    assert setup.endswith(".venv/bin/python -m offline preview --stack dev")
    (install,) = [line for line in CI.splitlines() if "pip install --quiet -r" in line]
    assert "-r requirements-dev.txt " in install and install.endswith(" -c constraints.txt"), install


def test_every_output_is_documented(dev: Evaluation, prod: Evaluation) -> None:
    outputs = section(CONFIGURATION, "## Outputs")
    for name in {*dev.outputs, *prod.outputs}:
        assert f"`{name}`" in outputs, name


def test_the_bad_input_example_prints_what_the_docs_show(capsys: pytest.CaptureFixture[str]) -> None:
    """configuration.md's example of bad input: its command stops with exit code 2 and prints exactly its lines."""
    part = section(CONFIGURATION, "## Bad input stops before anything is created")
    command, printed = re.findall(r"```(?:sh)?\n(.*?)```", part, re.S)
    args = shlex.split(command.strip())
    assert args[:3] == [".venv/bin/python", "-m", "offline"]
    assert main(args[3:]) == 2
    assert capsys.readouterr().err.splitlines() == printed.strip().splitlines()


# What each image the examples run listens on and answers with 200 as it comes: the port and the health check path
# an example must give it, or the target group never sees a healthy target and the circuit breaker rolls back.
# - httpd (docker-library/httpd 2.4): `EXPOSE 80`, and the stock httpd.conf's `Listen 80` serving htdocs/index.html
#   ("It works!") at /;
# - nginx (nginxinc/docker-nginx, stable/debian/Dockerfile: `EXPOSE 80`): the packaged default.conf has
#   `listen 80;` (nginxinc/docker-nginx-unprivileged rewrites exactly that line to 8080:
#   `sed -i 's,listen       80;,listen       8080;,' /etc/nginx/conf.d/default.conf`) and serves
#   /usr/share/nginx/html/index.html at /. The unprivileged image would listen on 8080 but runs as uid 101, which
#   cannot write to Fargate's root-owned task-storage volumes (aws/containers-roadmap issue 938) under a read-only
#   root filesystem.
IMAGE_PORT_AND_PATH = {
    "public.ecr.aws/docker/library/httpd": (80, "/"),
    "public.ecr.aws/docker/library/nginx": (80, "/"),
}


def _readme_services() -> dict[str, Any]:
    """The `services` map of the README's "Add a service" example."""
    part = section(README, "## Add a service")
    (block,) = re.findall(r"```yaml\n(.*?)```", part, re.S)
    return dict(yaml.safe_load(block)["config"]["httpd-firelens:services"])


def _added_service_in_prod_on_arm() -> Evaluation:
    """The README's example as it says to apply it: its new entry added to a stack file's `services`, here prod's
    (protected: 90-day retention, Container Insights, HTTPS, every mandatory policy), with the stack on ARM64:
    whatever the entry leaves to the stack must follow it."""
    prod = yaml.safe_load((PROJECT_DIR / "Pulumi.prod.yaml").read_text())["config"]["httpd-firelens:services"]
    services = prod | {name: entry for name, entry in _readme_services().items() if name not in prod}
    return evaluate_stack("prod", services=json.dumps(services), cpuArchitecture="ARM64")


def test_the_readme_example_is_the_two_service_example() -> None:
    """One example, evaluated: the README shows examples/two-services.yaml's map
    (tests/service/test_service_examples.py)."""
    example = yaml.safe_load((EXAMPLES / "two-services.yaml").read_text())["config"]["httpd-firelens:services"]
    assert _readme_services() == example


def test_the_added_service_works_as_written() -> None:
    """The README's `api` entry, added to prod's services, adds a service with its own rule before httpd's on the
    same listener, its own target group and alarms; it is in the dashboard, the outputs and the HTTP redirect's
    dependencies, and the policy pack finds nothing wrong with it in prod."""
    from offline.policy_findings import evaluate_policies

    ev = _added_service_in_prod_on_arm()
    component = ev.one(SERVICE, "api")
    rules = {r.name: r for r in ev.of_type("aws:lb/listenerRule:ListenerRule")}
    assert set(rules) == {"httpd-rule", "api-rule"}
    assert rules["api-rule"].parent == component.urn
    assert rules["api-rule"].inputs["listenerArn"] == rules["httpd-rule"].inputs["listenerArn"]
    assert rules["api-rule"].inputs["priority"] < rules["httpd-rule"].inputs["priority"]
    assert ev.one("httpd-firelens:monitoring:ServiceAlarms", "api-alarms").parent == component.urn
    (http,) = [r for r in ev.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 80]
    assert rules["api-rule"].urn in http.dependencies
    assert set(ev.outputs["services"]) == {"httpd", "api"}
    assert '"api healthy"' in ev.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]
    assert [f for f in evaluate_policies(ev) if f.enforcement == "mandatory"] == []


def test_the_added_service_inherits_the_stacks_settings() -> None:
    """The shared router image is built for the stack's CPU architecture, so a service on another one could not run
    it; log retention, `protect`, Container Insights (which decides the task alarms) and the roles' permissions
    boundary (without it the deploy role may not create the roles) are the stack's choices. The example's service
    has each exactly as httpd has it."""
    ev = _added_service_in_prod_on_arm()
    per_service: dict[str, tuple[str, set[tuple[int, bool]], list[str], set[str]]] = {}
    for service in ("httpd", "api"):
        (task,) = inside(ev, SERVICE, service, TASK_DEFINITION)
        groups = inside(ev, SERVICE, service, LOG_GROUP)
        per_service[service] = (
            task.inputs["runtimePlatform"]["cpuArchitecture"],
            {(g.inputs["retentionInDays"], g.protect) for g in groups},
            sorted(service_alarms(ev, service)),
            {str(r.inputs["permissionsBoundary"]) for r in inside(ev, SERVICE, service, "aws:iam/role:Role")},
        )
    assert per_service["api"][0] == per_service["httpd"][0] == "ARM64"
    assert per_service["api"][1] == per_service["httpd"][1] == {(90, True)}
    assert per_service["api"][2] == per_service["httpd"][2]
    assert per_service["api"][3] == per_service["httpd"][3] == {BOUNDARY}


@pytest.mark.parametrize("example", ["README", "two-services", "three-services", "__main__"])
def test_every_example_service_listens_where_its_image_does_and_is_checked_where_it_answers(
    example: str, dev: Evaluation
) -> None:
    """Image, port and health check path agree (IMAGE_PORT_AND_PATH): the target group's port is the container's,
    and its health check asks the path the image answers."""
    examples = {"two-services": "dev", "three-services": "prod"}
    if example == "README":
        ev = _added_service_in_prod_on_arm()
    elif example in examples:
        ev = evaluate_example(example, examples[example])
    else:
        ev = dev
    services = ev.of_type(SERVICE)
    assert services
    for service in services:
        found = {r.type: r for r in ev.descendants(service)}
        app = task_containers(found[TASK_DEFINITION])[service.name]
        repository = app["image"].rsplit(":", 1)[0]
        assert repository in IMAGE_PORT_AND_PATH, f"{service.name}: what does {app['image']} listen on?"
        port, path = IMAGE_PORT_AND_PATH[repository]
        target_group = found["aws:lb/targetGroup:TargetGroup"].inputs
        assert [m["containerPort"] for m in app["portMappings"]] == [port], service.name
        assert target_group["port"] == port and target_group["healthCheck"]["path"] == path, service.name


def test_the_security_page_gives_each_control_its_threat_cost_and_off_switch() -> None:
    """One table, one row per control in a stable order (HTTPS and WAF first; the archive controls follow), each with
    what it protects against, a monthly cost in dollars and how to turn it off where that is allowed."""
    rows = [line for line in text_of("docs/security.md").splitlines() if line.startswith("| **")]
    assert [row.split("**")[1] for row in rows][:2] == ["HTTPS", "WAF"]
    for row in rows:
        control, threat, cost, off = row.strip("|").split(" | ")
        assert threat and "$" in cost and off, control


def test_the_readme_says_to_replace_prods_example_domain() -> None:
    """Pulumi.prod.yaml carries documentation values (a domain under example.com, a zone id saying EXAMPLE) so that the
    offline preview runs; the README names them and tells the user to replace them before deploying prod."""
    prod = (PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    domain = re.search(r"httpd-firelens:domainName: (\S+)", prod)
    zone = re.search(r"httpd-firelens:hostedZoneId: (\S+)", prod)
    assert domain and zone
    assert domain.group(1).endswith(".example.com") and "EXAMPLE" in zone.group(1)
    deploy = " ".join(section(README, "## Deploy prod").split())
    assert f"`domainName: {domain.group(1)}`" in deploy and f"`hostedZoneId: {zone.group(1)}`" in deploy
    assert "Replace its example domain first" in deploy


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_deploy_runs_the_policy_pack_and_ends_with_ops_verify(stack: str) -> None:
    """Every deploy proves itself: the README's deploy of each stack previews and updates with the policy pack and
    ends with `python -m ops verify`; dev's installs what those need and logs in first."""
    (commands,) = re.findall(r"```sh\n(.*?)```", section(README, f"## Deploy {stack}"), re.S)
    lines = commands.strip().splitlines()
    assert lines[-1].startswith(f".venv/bin/python -m ops verify --stack {stack}")
    for command in ("preview", "up"):
        assert any(line.startswith(f"pulumi {command} -s {stack} --policy-pack policy") for line in lines), command
    if stack == "dev":
        (install,) = [line for line in lines if "pip install -r" in line]
        for requirements in ("requirements.txt", "ops/requirements.txt", "policy/requirements.txt"):
            assert f"-r {requirements}" in install
        assert any(line.startswith("pulumi login") for line in lines)


def test_verifying_says_what_to_do_when_the_archive_check_fails() -> None:
    """operations.md says how to recover when Firehose cannot write into a locked archive (the lock stays: S3 has no
    call that disables Object Lock; archiveObjectLockDays 0 removes the default retention), and why pulumi up waits
    for the services."""
    verifying = section(OPERATIONS, "## Verify a deploy")
    assert "archiveObjectLockDays: 0" in verifying and "not" in verifying.split("archiveObjectLockDays: 0", 1)[1]
    assert "wait_for_steady_state" in verifying


# `pulumi config set [--secret] KEY VALUE [-s STACK]`, in a code block or inline; `<...>` is a placeholder.
CONFIG_SET = re.compile(r"pulumi config set (--secret )?(\S+) ([^`\n#]*?)\s*(?:-s (\w+))?(?=\s*(?:`|#|&&|\n|$))")


def _config_set_commands() -> list[tuple[str, bool, str, str, str | None]]:
    """(document, secret, key, value, stack) of every `pulumi config set` the docs show."""
    return [
        (path.name, bool(m.group(1)), m.group(2), m.group(3), m.group(4))
        for path in MARKDOWN
        for m in CONFIG_SET.finditer(path.read_text())
    ]


def _settings_problems(stack: str, secrets: dict[str, str], values: dict[str, str]) -> list[str]:
    try:
        load(stack, secrets, **values)
    except ConfigError as error:
        return list(error.problems)
    return []


def test_every_config_command_in_the_docs_sets_a_declared_key_to_an_accepted_value() -> None:
    """Each `pulumi config set` the README and docs/ show names a key Pulumi.yaml declares (the CLI would accept a
    misspelt one and the program ignore it), and its literal value passes the settings' checks on the stack it
    names (a command without one: on the stacks its document names, else on both). The commands of one document
    for one stack are applied together, a `--secret` placeholder standing for the user's value; a secret alone (a
    key rotation) presumes the rest of its configuration and is checked for its key only."""
    declared = {
        key.removeprefix("httpd-firelens:")
        for key in yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    }
    commands = [c for c in _config_set_commands() if not c[2].startswith("<")]
    assert {"alertEmail", "domainName", "partnerApiKey", "flowLogs"} <= {key for _, _, key, _, _ in commands}
    assert [key for _, _, key, _, _ in commands if key not in declared] == []
    named = {
        document: {stack for d, _, _, _, stack in commands if d == document and stack} for document, *_ in commands
    }
    together: dict[tuple[str, str], tuple[dict[str, str], dict[str, str]]] = {}
    for document, secret, key, value, stack in commands:
        for each in [stack] if stack else sorted(named[document] or {"dev", "prod"}):
            secrets, values = together.setdefault((document, each), ({}, {}))
            if secret:
                secrets[key] = "a-value-the-user-supplies"
            elif "<" not in value and value != "...":
                values[key] = value
    checked = [
        (document, stack, secrets, values) for (document, stack), (secrets, values) in together.items() if values
    ]
    assert len(checked) >= 4
    for document, stack, secrets, values in sorted(checked):
        assert _settings_problems(stack, secrets, values) == [], (document, stack, values)
