"""`python -m offline preview|json|diagram|deploy-policy --stack NAME [--config-file FILE] [--config KEY=VALUE ...]`.

preview: the resource tree like `pulumi preview`, then the policy findings. Exit 0 when clean, 1 on a
mandatory policy violation, 2 on invalid configuration (one line per problem on stderr, no traceback).
--json (or the `json` command) prints the documented JSON document instead of the tree. --config-file sets every
value of FILE (a stack file's `config:`, such as the examples under examples/) over the stack's; --config after it.
diagram: a Mermaid flowchart of the architecture, derived from the resource graph.
deploy-policy --account ID [--role deploy|preview|boundary]: the IAM policies that role needs for this stack (or
the permissions boundary of the stack's roles), as a JSON object {policy name: policy document}
(offline/deploy_policy.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from offline import collect_less_often, skip_the_last_collection

collect_less_often()  # before the imports below: they are most of a cold preview's allocations

from offline.harness import PROJECT_DIR, Evaluation, evaluate  # noqa: E402
from offline.render import as_json, diagram, tree  # noqa: E402
from offline.stack_config import StackConfigError, config_file_values, load_stack_config  # noqa: E402

EXIT_OK, EXIT_POLICY, EXIT_CONFIG = 0, 1, 2


def _pairs(values: Sequence[str], flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise StackConfigError(f"{flag} {item!r}: expected KEY=VALUE")
        pairs[key] = value
    return pairs


def _warn(warnings: Sequence[str]) -> None:
    """Warnings go to stderr, as `pulumi preview` shows what the program logged with pulumi.log.warn."""
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m offline", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("preview", "json", "diagram", "deploy-policy"))
    parser.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument(
        "--config-file", type=Path, help="set the values of this file (a stack file's config:) over the stack's"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document instead of the tree")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="override a value")
    parser.add_argument(
        "--secret", action="append", default=[], metavar="KEY=VALUE", help="override a value, as a secret"
    )
    parser.add_argument("--account", help="deploy-policy: the 12-digit AWS account id the stack deploys to")
    parser.add_argument(
        "--role",
        choices=("deploy", "preview", "boundary"),
        default="deploy",
        help="deploy-policy: the deploy role's policies, the preview role's, or the stack's roles' boundary",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Imported here so that `--help` stays instant; settings pulls in pulumi_aws.
    from configuration.settings import ConfigError
    from offline.policy_findings import evaluate_policies

    if args.command == "deploy-policy" and not re.fullmatch(r"\d{12}", args.account or ""):
        print(f"--account {args.account or ''}: allowed a 12-digit AWS account id", file=sys.stderr)
        return EXIT_CONFIG
    try:
        from_file = config_file_values(args.config_file) if args.config_file else {}
        config = load_stack_config(PROJECT_DIR, args.stack).with_overrides(
            from_file | _pairs(args.config, "--config"), _pairs(args.secret, "--secret")
        )
        evaluation = evaluate(config)
    except ConfigError as error:
        _warn(error.warnings)
        print("\n".join(error.problems), file=sys.stderr)
        return EXIT_CONFIG
    except StackConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG

    _warn(evaluation.warnings)
    if args.command == "deploy-policy":
        return _print_policies(evaluation, args.account, args.role)
    if args.command == "diagram":
        print(diagram(evaluation))
        return EXIT_OK
    findings = evaluate_policies(evaluation)
    report = sys.stderr if args.json or args.command == "json" else sys.stdout
    if args.json or args.command == "json":
        print(json.dumps(as_json(evaluation), indent=2, sort_keys=False))
    else:
        print(tree(evaluation))
        print()
    print(f"Policies: {len(findings)} finding(s)", file=report)
    for finding in findings:
        print(f"    [{finding.enforcement}] {finding.rule}: {finding.name}: {finding.message}", file=report)
    return EXIT_POLICY if any(f.enforcement == "mandatory" for f in findings) else EXIT_OK


def _print_policies(evaluation: Evaluation, account: str, role: str) -> int:
    from components.iam import role_boundary_policy_name
    from offline.deploy_policy import UnknownResourceTypeError, boundary_policy, deploy_policies, preview_policies

    try:
        if role == "deploy":
            policies = deploy_policies(evaluation, account)
        elif role == "preview":
            policies = preview_policies(evaluation, account)
        else:
            config = evaluation.config
            policies = {role_boundary_policy_name(config.project, config.stack): boundary_policy(evaluation, account)}
    except UnknownResourceTypeError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    print(json.dumps(policies, indent=2))
    return EXIT_OK


if __name__ == "__main__":
    code = main()
    skip_the_last_collection()
    sys.exit(code)
