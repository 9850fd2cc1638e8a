"""Former identities of a component's children: the one way a component accepts Pulumi aliases for them.

A reusable component knows nothing of any stack's history. When a stack's resources move into a component (a
refactoring changed their parent, type or logical name), the program that owns the stack passes their former
identities in the component's `moved_from` arg, keyed by the child's label (its logical name without the
component's `<name>-` prefix, e.g. `cluster` for `httpd-cluster`); the component gives each child the aliases
filed under its label, so `pulumi up` takes the existing resource over instead of replacing it. Creates nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pulumi

MovedFrom = Mapping[str, pulumi.Alias]
"""Child label -> the identity the child had before (name, type and/or parent; see pulumi.Alias)."""


def check_moved_from(component: str, moved_from: MovedFrom, labels: Collection[str]) -> None:
    """Refuse a label the component never gives a child: a misspelt label would silently alias nothing."""
    unknown = sorted(set(moved_from) - set(labels))
    if unknown:
        raise ValueError(f"{component}: moved_from has no child labelled {unknown}; labels: {sorted(labels)}")


def aliases_of(moved_from: MovedFrom, label: str) -> list[pulumi.Alias]:
    """The aliases of the child labelled `label` (none when it never moved)."""
    return [moved_from[label]] if label in moved_from else []
