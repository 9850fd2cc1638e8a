"""tests/support/metric_math.py against the CloudWatch user guide's own examples ("Using metric math": "Comparison and
logical operators" and "Using IF expressions"; awsdocs/amazon-cloudwatch-user-guide doc_source/using-metric-math.md):
the evaluator that judges the stack's alarm expressions gives what the guide says CloudWatch gives."""

from __future__ import annotations

import pytest

from tests.support.metric_math import Series, alarm_state, evaluate

TIMES = [0, 60, 120, 180]
# metric1 has values [30, 20, 0, 0] and metric2 [20, -, 20, -], "-" meaning no value at that timestamp.
GUIDE = {"metric1": {0: 30.0, 60: 20.0, 120: 0.0, 180: 0.0}, "metric2": {0: 20.0, 120: 20.0}}


def values(series: Series, times: list[int]) -> list[float | None]:
    return [series.get(t) for t in times]


@pytest.mark.parametrize(
    ("expression", "output"),
    [
        ("(metric1 < metric2)", [0, 0, 1, 0]),
        ("(metric1 >= 30)", [1, 0, 0, 0]),
        ("(metric1 > 15 AND metric2 > 15)", [1, 0, 0, 0]),
    ],
)
def test_the_guides_comparison_and_logical_examples(expression: str, output: list[float]) -> None:
    assert values(evaluate(expression, GUIDE, TIMES), TIMES) == output


TIMES5 = [0, 60, 120, 180, 240]
IF_GUIDE = {
    "metric1": {0: 1.0, 60: 1.0, 120: 0.0, 180: 0.0},
    "metric2": {0: 30.0, 120: 0.0, 180: 0.0, 240: 30.0},
    "metric3": {0: 0.0, 60: 0.0, 120: 20.0, 240: 20.0},
}


@pytest.mark.parametrize(
    ("expression", "output"),
    [
        ("IF(metric1, metric2, metric3)", [30, 0, 20, None, None]),
        ("IF(metric1, 5, metric3)", [5, 5, 20, None, None]),
        ("IF(metric1, metric2, 5)", [30, 0, 5, 5, None]),
    ],
)
def test_the_guides_if_examples(expression: str, output: list[float | None]) -> None:
    assert values(evaluate(expression, IF_GUIDE, TIMES5), TIMES5) == output


def test_fill_gives_every_timestamp_a_value() -> None:
    """FILL "fills the missing values of a time series" with the value given."""
    assert values(evaluate("FILL(metric2, 0)", GUIDE, TIMES), TIMES) == [20, 0, 20, 0]


def test_an_alarm_needs_its_datapoints_to_breach() -> None:
    """M out of N: ALARM when at least datapoints_to_alarm of the last evaluation_periods breach; notBreaching counts
    a missing datapoint as good ("Evaluating an alarm", "Configuring how CloudWatch alarms treat missing data")."""
    times = list(range(0, 300, 60))
    assert alarm_state({t: 1.0 for t in times}, times, 0, 5, 5, "notBreaching") == "ALARM"
    assert alarm_state({t: 1.0 for t in times[1:]}, times, 0, 5, 5, "notBreaching") == "OK"
    assert alarm_state({t: 1.0 for t in times[1:]}, times, 0, 5, 5, "breaching") == "ALARM"
    assert alarm_state({}, times, 0, 5, 5, "missing") == "INSUFFICIENT_DATA"
