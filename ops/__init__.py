"""What runs against a deployed stack (never at deploy time): `python -m ops verify` proves the pipeline end to end.

It reads the stack's outputs (ops/outputs.py), calls AWS with boto3's usual credential and region chain (ops/aws.py)
and runs the checks of ops/checks.py. It needs boto3 (ops/requirements.txt), not the Pulumi SDK.
"""
