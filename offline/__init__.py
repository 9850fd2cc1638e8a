"""Offline evaluation of the Pulumi program: AWS-realistic mocks, the shared harness and the CLI."""
