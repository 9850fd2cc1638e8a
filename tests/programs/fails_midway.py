"""A test program that fails after starting registrations that are still in flight when it raises.
tests/offline/test_offline.py checks that the harness leaves none of them running."""

import pulumi
import pulumi_aws as aws

for n in range(20):
    aws.sqs.Queue(f"queue-{n}", tags={"n": pulumi.Output.from_input(str(n)).apply(str.upper)})
raise RuntimeError("the program stops here")
