"""A released stack keeps its resources: each URN of 1.0.0's dev and prod stacks (tests/data/urns-1.0.0-<stack>.txt,
recorded from the 1.0.0 program's evaluation) resolves to a resource of the program, by its URN or through an
alias, or the CHANGELOG names it under a release after 1.0.0 (a replacement users must know about).

How the engine decides, and so how offline/aliases.py decides (sources):
- a resource whose URN changed (name, type or parent path) keeps its identity when its `aliases` name the old
  URN; otherwise `pulumi up` deletes the old resource and creates a new one (Pulumi docs, "Resource option:
  aliases", https://www.pulumi.com/docs/concepts/options/aliases/, and "Refactoring with aliases",
  https://www.pulumi.com/docs/iac/operations/stack-management/refactoring-with-aliases/);
- the lookup, the alias URNs computed from alias specs, and the aliases a child inherits from its parent's matched
  alias (with the parent's name prefix of the child's name replaced) are pulumi/pulumi
  pkg/resource/deploy/step_generator.go: generateSteps, generateAliases, collapseAliasToUrn, inheritedChildAlias.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from offline.aliases import AliasSpec, Registration, match_previous
from offline.harness import PROJECT_DIR, Evaluation

DATA = PROJECT_DIR / "tests" / "data"
STACK = "pulumi:pulumi:Stack"
PREFIX = "urn:pulumi:dev::proj::"
RELEASE = "1.0.0"
CHANGELOG = PROJECT_DIR / "CHANGELOG.md"


def released_urns(stack: str) -> list[str]:
    return (DATA / f"urns-{RELEASE}-{stack}.txt").read_text().split()


def named_after_the_release(changelog: str, release: str) -> str:
    """The CHANGELOG's text above the release's own entry (the entries of later releases and Unreleased)."""
    heading = re.search(rf"^## \[{re.escape(release)}\]", changelog, re.MULTILINE)
    assert heading is not None, f"CHANGELOG.md has no entry for {release}"
    return changelog[: heading.start()]


def unexplained_replacements(ev: Evaluation, released: list[str], changelog: str) -> list[str]:
    """The released URNs the program neither keeps nor names in a later CHANGELOG entry."""
    match = ev.match_previous(released)
    assert match.problems == ()
    later = named_after_the_release(changelog, RELEASE)
    return [urn for urn in match.unclaimed if urn not in later]


# --- the engine's rules, on synthetic registrations -------------------------------------------------------


def stack_root() -> Registration:
    return Registration(PREFIX + f"{STACK}::proj-dev", "proj-dev", STACK, None)


def test_a_resource_is_found_by_its_own_urn_first() -> None:
    root = stack_root()
    bucket = Registration(PREFIX + "aws:s3/bucket:Bucket::logs", "logs", "aws:s3/bucket:Bucket", root.urn)
    match = match_previous([root, bucket], [root.urn, bucket.urn])
    assert match.previous_of == {root.urn: root.urn, bucket.urn: bucket.urn}
    assert (match.added, match.unclaimed, match.problems) == ((), (), ())


def test_a_renamed_resource_without_an_alias_is_a_delete_and_a_create() -> None:
    """The check can fail: what the engine would delete and create is reported."""
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    renamed = Registration(PREFIX + "aws:s3/bucket:Bucket::archive", "archive", "aws:s3/bucket:Bucket", root.urn)
    match = match_previous([root, renamed], [root.urn, old])
    assert match.added == (renamed.urn,)
    assert match.unclaimed == (old,)


def test_an_alias_spec_fills_in_what_it_leaves_out() -> None:
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    renamed = Registration(
        PREFIX + "aws:s3/bucket:Bucket::archive", "archive", "aws:s3/bucket:Bucket", root.urn, (AliasSpec(name="logs"),)
    )
    match = match_previous([root, renamed], [root.urn, old])
    assert match.previous_of[renamed.urn] == old
    assert (match.added, match.unclaimed) == ((), ())


def test_children_inherit_the_parent_alias_with_the_parent_name_prefix_replaced() -> None:
    """The engine's own example (inheritedChildAlias): `newapp-function` under `newapp`, once `app` of type
    awsx:ec2:Vpc, is found as `app-function` under the old parent."""
    root = stack_root()
    parent = Registration(
        PREFIX + "my:index:App::newapp",
        "newapp",
        "my:index:App",
        root.urn,
        (AliasSpec(name="app", type="awsx:ec2:Vpc"),),
    )
    child = Registration(
        PREFIX + "my:index:App$aws:lambda/function:Function::newapp-function",
        "newapp-function",
        "aws:lambda/function:Function",
        parent.urn,
    )
    old_parent = PREFIX + "awsx:ec2:Vpc::app"
    old_child = PREFIX + "awsx:ec2:Vpc$aws:lambda/function:Function::app-function"
    match = match_previous([root, parent, child], [root.urn, old_parent, old_child])
    assert match.previous_of == {root.urn: root.urn, parent.urn: old_parent, child.urn: old_child}


def test_a_child_moved_to_another_parent_needs_its_own_alias() -> None:
    root = stack_root()
    component = Registration(PREFIX + "my:index:Cluster::c", "c", "my:index:Cluster", root.urn)
    old_parent = PREFIX + "my:index:Service::svc"
    old = PREFIX + "my:index:Service$aws:ecs/cluster:Cluster::svc-cluster"
    moved = Registration(
        PREFIX + "my:index:Cluster$aws:ecs/cluster:Cluster::svc-cluster",
        "svc-cluster",
        "aws:ecs/cluster:Cluster",
        component.urn,
    )
    without = match_previous([root, component, moved], [root.urn, old])
    assert without.unclaimed == (old,)
    with_alias = match_previous(
        [
            root,
            component,
            Registration(moved.urn, moved.name, moved.type, moved.parent, (AliasSpec(parent_urn=old_parent),)),
        ],
        [root.urn, old],
    )
    assert with_alias.previous_of[moved.urn] == old
    assert with_alias.added == (component.urn,)


def test_two_resources_claiming_one_old_urn_is_a_problem() -> None:
    root = stack_root()
    old = PREFIX + "aws:s3/bucket:Bucket::logs"
    first, second = (
        Registration(
            PREFIX + f"aws:s3/bucket:Bucket::{n}", n, "aws:s3/bucket:Bucket", root.urn, (AliasSpec(name="logs"),)
        )
        for n in ("a", "b")
    )
    match = match_previous([root, first, second], [root.urn, old])
    assert len(match.problems) == 1 and old in match.problems[0]


# --- the released stacks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_every_resource_of_the_release_is_kept_or_its_replacement_is_in_the_changelog(
    name: str, dev: Evaluation, prod: Evaluation
) -> None:
    ev = {"dev": dev, "prod": prod}[name]
    released = released_urns(name)
    assert len(released) > 100  # the committed list is the whole stack
    assert unexplained_replacements(ev, released, CHANGELOG.read_text()) == []


def test_a_replacement_the_changelog_does_not_name_is_reported(dev: Evaluation) -> None:
    """The check can fail: a released URN the program no longer has and the CHANGELOG does not name (or names only
    under the release itself) is reported; named under a later release, it is accepted."""
    gone = "urn:pulumi:dev::httpd-firelens::aws:s3/bucket:Bucket::a-bucket-1.0-had"
    released = [*released_urns("dev"), gone]
    changelog = CHANGELOG.read_text()
    assert unexplained_replacements(dev, released, changelog) == [gone]
    later = f"## [Unreleased]\n### Changed\n- replaces `{gone}`\n\n" + changelog.split("## [Unreleased]", 1)[-1]
    assert unexplained_replacements(dev, released, later) == []


def test_the_project_the_policy_pack_and_the_changelog_name_one_version() -> None:
    """pyproject.toml's version is the CHANGELOG's latest release (Keep a Changelog: `## [version] - date` under
    `## [Unreleased]`) and the policy pack's (PulumiPolicy.yaml `version`)."""
    version = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"]
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", CHANGELOG.read_text(), re.MULTILINE)
    assert releases[0] == version
    pack = yaml.safe_load((PROJECT_DIR / "policy" / "PulumiPolicy.yaml").read_text())
    assert pack["version"] == version
