"""A test program with a mistake the engine refuses: two resources registered under one URN (same type, same
name, same parent). tests/offline/test_offline.py checks the harness refuses it too."""

import pulumi_aws as aws

aws.sqs.Queue("queue")
aws.sqs.Queue("queue")
