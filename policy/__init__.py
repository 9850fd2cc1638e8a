"""Guardrails: plain rule functions (`rules/`) that both the CrossGuard pack and the tests run."""
