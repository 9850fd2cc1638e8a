"""The stack's building blocks: one ComponentResource per module, plus `settings` (validated config)."""
