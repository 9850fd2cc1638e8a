"""The README is the front door: its generated sections and its commands must match the code and CI."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from offline.harness import PROJECT_DIR, Evaluation
from scripts.doc_sections import README as README_DOCUMENT
from scripts.doc_sections import sections
from tests.conftest import EXAMPLES, evaluate_config, evaluate_example, evaluate_stack
from tests.helpers import inside, service_alarms, task_containers

SERVICE = "httpd-firelens:service:FirelensService"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
BOUNDARY = "arn:aws:iam::123456789012:policy/httpd-firelens-prod-role-boundary"

README = (PROJECT_DIR / "README.md").read_text()
CI = (PROJECT_DIR / ".ci" / "run").read_text()


def _newcomer_commands() -> list[str]:
    """The two one-line commands under 'Try it offline'."""
    part = README.split("## Try it offline", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", part, re.S)][:2]


def test_generated_sections_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("offline.harness.evaluate", lambda config: evaluate_config(config))  # the cached dev
    for name, section in sections(README_DOCUMENT).items():
        assert section in README, f"README {name} section is stale: run scripts/doc_sections.py --write"


def test_ci_runs_exactly_the_readme_test_command_and_setup() -> None:
    setup, tests = _newcomer_commands()
    assert tests == ".venv/bin/python -m pytest"
    assert CI.rstrip().endswith(tests)
    assert setup.endswith(".venv/bin/python -m offline preview --stack dev")
    assert "pip install --quiet -r requirements-dev.txt -c constraints.txt" in CI


def test_every_output_is_documented(dev: Evaluation, prod: Evaluation) -> None:
    outputs_section = README.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    for name in {*dev.outputs, *prod.outputs}:
        assert f"`{name}`" in outputs_section, name


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
    """The `services` map of the README's "Adding a service" example."""
    part = README.split("### Adding a service", 1)[1].split("\n### ", 1)[0]
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
    """One example, evaluated: the README shows examples/two-services.yaml's map (tests/test_service_examples.py)."""
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


def test_the_security_section_gives_each_control_its_threat_cost_and_off_switch() -> None:
    """One table, one row per control in a stable order (HTTPS and WAF first; the archive controls follow), each with
    what it protects against, a monthly cost in dollars and how to turn it off where that is allowed."""
    section = README.split("\n## Security\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| **")]
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
    deploy = README.split("### First deploy", 1)[1].split("\n### ", 1)[0]
    assert f"`domainName: {domain.group(1)}`" in deploy and f"`hostedZoneId: {zone.group(1)}`" in deploy
    assert "replace the example domain" in deploy


def test_the_first_deploy_ends_with_ops_verify_and_the_readme_says_what_to_do_when_the_archive_check_fails() -> None:
    """Every deploy proves itself: the README's first deploy ends with `python -m ops verify`, installs what it needs,
    and "Verifying a deploy" says how to recover when Firehose cannot write into a locked archive (the lock stays:
    S3 has no call that disables Object Lock; archiveObjectLockDays 0 removes the default retention)."""
    deploy = README.split("### First deploy", 1)[1].split("\n### ", 1)[0]
    (commands,) = re.findall(r"```sh\n(.*?)```", deploy, re.S)[:1]
    assert commands.strip().splitlines()[-1].startswith(".venv/bin/python -m ops verify --stack dev")
    assert "-r ops/requirements.txt" in commands
    verifying = README.split("### Verifying a deploy", 1)[1].split("\n### ", 1)[0]
    assert "archiveObjectLockDays: 0" in verifying and "not" in verifying.split("archiveObjectLockDays: 0", 1)[1]
    assert "wait_for_steady_state" in verifying
