"""The ops command line: `python -m ops verify (--stack NAME | --outputs FILE) [--timeout SECONDS] [--stop-task]
[--deploy-role]`.

Exit 0 when every check passed (or did not apply), 1 when one failed (each named, with its next step), 2 when
nothing could be checked: the outputs cannot be read or lack what verify needs, no AWS credentials, AWS out of
reach, or bad arguments. Those get one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from ops.aws import Aws, AwsUnavailableError
from ops.checks import Run
from ops.outputs import OutputsError, StackOutputs, from_file, from_stack
from ops.verify import passed, report, verify

# Added to the longest buffer interval of the archives: the router's flush, Firehose's write, S3's listing.
TIMEOUT_MARGIN_SECONDS = 240


def default_timeout(outputs: StackOutputs) -> int:
    """How long any one thing may take to arrive: the archives' longest buffer interval plus a margin."""
    return max(a.buffer_interval_seconds for a in outputs.archives.values()) + TIMEOUT_MARGIN_SECONDS


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m ops", description="Operate a deployed stack.")
    commands = top.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="prove the deployed pipeline end to end")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--stack", help="read the outputs with `pulumi stack output --json --show-secrets -s NAME`")
    source.add_argument("--outputs", type=Path, help="read the outputs from this file (that command's JSON)")
    check.add_argument(
        "--timeout",
        type=int,
        help=f"seconds any one thing may take (default: the archives' buffer interval + {TIMEOUT_MARGIN_SECONDS})",
    )
    check.add_argument("--stop-task", action="store_true", help="also stop one task and follow its STOPPED event")
    check.add_argument(
        "--deploy-role",
        action="store_true",
        help="the credentials are the stack's deploy role: check that it carries the stack's project and stack tags",
    )
    return top


def main(argv: Sequence[str] | None = None, aws: type[Aws] = Aws) -> int:
    args = parser().parse_args(argv)
    try:
        outputs = from_stack(args.stack) if args.stack else from_file(args.outputs)
        if args.timeout is not None and args.timeout <= 0:
            raise OutputsError(f"--timeout {args.timeout}: allowed a positive number of seconds")
        clients = aws(outputs.region)
        identity = clients.preflight()
    except (OutputsError, AwsUnavailableError) as error:
        print(f"ops verify: {error}", file=sys.stderr)
        return 2
    marker = f"ops-verify-{uuid.uuid4().hex}"
    timeout = args.timeout or default_timeout(outputs)
    print(f"ops verify: {outputs.service_url} in {outputs.region} as {identity}; marker {marker}; timeout {timeout} s")
    run = Run(
        outputs,
        clients,
        marker,
        timeout,
        stop_task=args.stop_task,
        caller=identity,
        deploy_role=args.deploy_role,
        say=lambda line: print(line, flush=True),
    )
    results = verify(run)
    report(results)
    return 0 if passed(results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
