"""Guardrails: plain rule functions (`rules.py`) that both the CrossGuard pack and the tests run."""
