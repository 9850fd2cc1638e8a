"""One entry of the provider-calls table (offline/provider_calls/__init__.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProviderCalls:
    type_token: str  # the Pulumi type token, e.g. aws:s3/bucket:Bucket
    source: str  # the Terraform resource's file the actions were read from, or the document they come from
    create: tuple[str, ...]  # IAM actions of Create, with the Read it returns through and its waiters
    read: tuple[str, ...]  # of Read (refresh)
    update: tuple[str, ...]  # of Update, with its Read
    delete: tuple[str, ...]  # of Delete, with its finders and waiters
    notes: str = ""
    # An action the provider calls only when an input (its wire name) is set and not false, e.g. a bucket's
    # force-destroy calls only with forceDestroy.
    only_with: Mapping[str, str] = field(default_factory=dict)
    # An action the provider calls only in a situation this program never creates, and why.
    never_here: Mapping[str, str] = field(default_factory=dict)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(sorted({*self.create, *self.read, *self.update, *self.delete}))

    def actions_for(self, inputs: Mapping[str, Any]) -> tuple[str, ...]:
        """The actions the provider calls for a resource with these (wire) inputs."""
        return tuple(
            a
            for a in self.actions
            if a not in self.never_here and (a not in self.only_with or inputs.get(self.only_with[a]))
        )
