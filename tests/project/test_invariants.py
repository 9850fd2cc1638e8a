"""Invariants of the whole program rather than of one component.

Protection: in prod every bucket and log group is `protect`ed, nothing else is; in dev nothing is.

No deprecated pulumi-aws API: pulumi-aws reports a deprecated resource, argument or result attribute with
`warnings.warn` from its own modules (a DeprecationWarning, or a plain UserWarning for deprecated result
attributes such as `get_region().name`), so pytest's per-module warning filters cannot attribute it to our
code. Instead, the program is evaluated with every warning recorded: it must raise none at all. The first
evaluation in a process imports pulumi-aws's lazily loaded submodules, which warn about their own
deprecated classes at import time whatever the program uses; the recorded run comes after a warm-up.
"""

from __future__ import annotations

import warnings

import pulumi_aws as aws
import pytest

from offline.harness import PROJECT_DIR, Evaluation, evaluate
from offline.stack_config import load_stack_config
from tests.conftest import ALL_OPTION_SECRETS, ALL_OPTIONS, evaluate_config


def warnings_raised_by(action: object) -> list[str]:
    assert callable(action)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_program_uses_no_deprecated_api(stack: str) -> None:
    # The optional paths too: every alarm variant, the partner endpoint, HTTPS, KMS, all task states.
    config = load_stack_config(PROJECT_DIR, stack).with_overrides(ALL_OPTIONS, ALL_OPTION_SECRETS)
    # Warm-up (the same configuration, cached for the other tests): pulumi-aws's import-time warnings about its
    # own deprecated classes. Then a fresh evaluation, every warning recorded.
    evaluate_config(config)
    assert warnings_raised_by(lambda: evaluate(config)) == []


def test_the_check_sees_a_deprecated_result_attribute() -> None:
    """The recorder catches what pulumi-aws emits for a deprecated attribute (so the test above can fail)."""
    # pulumi-aws result types have untyped constructors.
    region = aws.GetRegionResult(description="d", endpoint="e", id="i", name="n", region="r")  # type: ignore[no-untyped-call]
    assert any("deprecated" in line for line in warnings_raised_by(lambda: region.name))


DATA_TYPES = ("aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup")


def test_prod_protects_every_bucket_and_log_group_and_dev_none(dev: Evaluation, prod: Evaluation) -> None:
    """`pulumi destroy` or a replacing change must not silently drop prod's logs and archives; dev stays
    disposable. Compute and wiring are never protected: they can always be recreated."""
    prod_data = [r for r in prod.resources if r.type in DATA_TYPES]
    assert {r.type for r in prod_data} == set(DATA_TYPES)
    assert [r.name for r in prod_data if not r.protect] == []
    assert [r.name for r in prod.resources if r.protect and r.type not in DATA_TYPES] == []
    assert [r.name for r in dev.resources if r.protect] == []
