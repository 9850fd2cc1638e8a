"""Which resource of a stack's previous deployment each resource of the program takes over, as the engine decides.

`pulumi up` identifies a resource by its URN. When a refactoring changes a URN (a new name, type or parent), the
old resource survives only if the new registration names it among its aliases; otherwise the engine deletes the
old resource and creates a new one. This module computes, offline, what the engine would match: the harness
records every registration's alias specifications (RegisterResourceRequest.aliases, a full URN or a spec of
name, type, parent, project and stack), and `match_previous` turns them into alias URNs and looks them up among
the previous deployment's URNs exactly as the engine's step generator does (pulumi/pulumi
pkg/resource/deploy/step_generator.go: generateAliases, collapseAliasToUrn, inheritedChildAlias, and the lookup
in generateSteps):

- a resource is first looked up by its own URN, then by each alias URN in order; the first URN found wins;
- a spec alias fills what it leaves out from the resource itself (name, type, parent, project, stack); its parent,
  when given, is replaced by that parent's matched old URN if the parent itself was found through an alias;
- a child also inherits its parent's matched alias: the parent's old type chain with the child's type, and the
  child's name with the parent's new name prefix replaced by the old one (`newapp-function` under `newapp`,
  once `app`, is looked up as `app-function`), for the child's own name and for each of its own aliases;
- two resources claiming the same old URN is an error in the engine, and a problem here.

Plain data only: no Pulumi import, so the tests can feed it synthetic registrations as well as recorded ones.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
_TYPE_DELIMITER = "$"


@dataclass(frozen=True)
class AliasSpec:
    """One entry of a registration's `aliases`: a full previous URN, or the parts of it that changed."""

    urn: str = ""
    """A full previous URN; when set, the other fields are not used."""
    name: str = ""
    """The previous name; empty: the resource's current name."""
    type: str = ""
    """The previous type; empty: the resource's current type."""
    parent_urn: str = ""
    """The previous parent's URN; empty (and no_parent false): the resource's current parent."""
    no_parent: bool = False
    """The resource previously had no parent (it was a child of the stack)."""
    project: str = ""
    """The previous project; empty: the current one."""
    stack: str = ""
    """The previous stack; empty: the current one."""


@dataclass(frozen=True)
class Registration:
    """What the engine receives for one resource and needs to match it: its URN, name, type, parent and aliases."""

    urn: str
    name: str
    type: str
    parent: str | None
    aliases: tuple[AliasSpec, ...] = ()


@dataclass(frozen=True)
class Match:
    """The outcome of matching a program's registrations against a previous deployment's URNs."""

    previous_of: dict[str, str]
    """Each registration's URN -> the previous URN it takes over (its own URN, or an alias)."""
    added: tuple[str, ...]
    """Registrations that take over nothing: `pulumi up` creates them."""
    unclaimed: tuple[str, ...]
    """Previous URNs no registration takes over: `pulumi up` deletes them."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """What the engine would refuse (an old URN claimed twice), one line each."""


def qualified_type(urn: str) -> str:
    """The type part of a URN, with its parents' types (`A$B$aws:s3/bucket:Bucket`)."""
    return urn.split("::")[2]


def urn_name(urn: str) -> str:
    return urn.split("::", 3)[3]


def urn_stack_and_project(urn: str) -> tuple[str, str]:
    stack_part, project = urn.split("::")[:2]
    return stack_part.removeprefix("urn:pulumi:"), project


def new_urn(stack: str, project: str, parent_type: str, base_type: str, name: str) -> str:
    """resource.NewURN: the base type is qualified by the parent's type chain unless the parent is the stack."""
    typ = base_type
    if parent_type and parent_type != ROOT_STACK_TYPE:
        typ = f"{parent_type}{_TYPE_DELIMITER}{base_type}"
    return f"urn:pulumi:{stack}::{project}::{typ}::{name}"


def create_urn(name: str, type_: str, parent: str, project: str, stack: str) -> str:
    """resource.CreateURN: a URN from a name, a type and a parent URN ("" for none)."""
    return new_urn(stack, project, qualified_type(parent) if parent else "", type_, name)


class _Matcher:
    def __init__(self, registrations: Sequence[Registration], previous: Collection[str]) -> None:
        self.previous = set(previous)
        self.registered = {r.urn for r in registrations}
        self.alias_of: dict[str, str] = {}  # registration URN -> the old URN it was found under (aliases only)
        self.claimed: dict[str, str] = {}  # old URN -> the registration that took it over
        self.problems: list[str] = []

    def collapse(self, registration: Registration, alias: AliasSpec) -> str:
        """collapseAliasToUrn."""
        if alias.urn:
            return alias.urn
        stack, project = urn_stack_and_project(registration.urn)
        # An explicit parent that itself moved stands for its old URN; no parent given means the current one.
        parent = self.alias_of.get(alias.parent_urn, alias.parent_urn) or registration.parent or ""
        if alias.no_parent or (parent and qualified_type(parent) == ROOT_STACK_TYPE):
            parent = ""
        return create_urn(
            alias.name or registration.name,
            alias.type or registration.type,
            parent,
            alias.project or project,
            alias.stack or stack,
        )

    @staticmethod
    def inherited(child_type: str, child_name: str, parent_name: str, parent_alias: str) -> str:
        """inheritedChildAlias."""
        alias_name = child_name
        if child_name.startswith(parent_name):
            alias_name = urn_name(parent_alias) + child_name[len(parent_name) :]
        stack, project = urn_stack_and_project(parent_alias)
        return new_urn(stack, project, qualified_type(parent_alias), child_type, alias_name)

    def aliases(self, registration: Registration) -> list[str]:
        """generateAliases: the resource's own aliases, then those it inherits from its parent's matched alias."""
        found: list[str] = []

        def add(urn: str) -> None:
            if urn not in found:
                found.append(urn)

        own = [self.collapse(registration, alias) for alias in registration.aliases]
        for urn in own:
            add(urn)
        parent = registration.parent
        if parent and parent in self.alias_of:
            parent_alias, parent_name = self.alias_of[parent], urn_name(parent)
            add(self.inherited(registration.type, registration.name, parent_name, parent_alias))
            for urn in own:
                base_type = qualified_type(urn).split(_TYPE_DELIMITER)[-1]
                add(self.inherited(base_type, urn_name(urn), parent_name, parent_alias))
        return found

    def match(self, registration: Registration) -> str | None:
        """The lookup of generateSteps: own URN first, then the aliases in order."""
        for candidate in [registration.urn, *self.aliases(registration)]:
            if candidate not in self.previous:
                continue
            if candidate != registration.urn:
                if candidate in self.registered:
                    self.problems.append(f"{registration.urn} claims {candidate}, which the program also registers")
                if candidate in self.claimed:
                    self.problems.append(
                        f"{registration.urn} and {self.claimed[candidate]} both claim {candidate} through aliases"
                    )
                self.alias_of[registration.urn] = candidate
            self.claimed[candidate] = registration.urn
            return candidate
        return None


def match_previous(registrations: Sequence[Registration], previous: Collection[str]) -> Match:
    """Match `registrations` (in registration order: a parent before its children) against `previous`."""
    matcher = _Matcher(registrations, previous)
    previous_of: dict[str, str] = {}
    added: list[str] = []
    for registration in registrations:
        old = matcher.match(registration)
        if old is None:
            added.append(registration.urn)
        else:
            previous_of[registration.urn] = old
    unclaimed = sorted(set(previous) - set(matcher.claimed))
    return Match(previous_of, tuple(added), tuple(unclaimed), tuple(matcher.problems))
