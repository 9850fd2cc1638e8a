"""A small evaluator of CloudWatch metric math and of an alarm over its result, for the stack's alarm expressions.

What it implements, as the CloudWatch user guide states it ("Using metric math", "Metric math syntax and functions",
"Comparison and logical operators", "Using IF expressions"; awsdocs/amazon-cloudwatch-user-guide
doc_source/using-metric-math.md), and nothing more:
- a time series is a mapping timestamp -> value over the query's timestamps; a missing timestamp has no datapoint;
- `TS op S` (comparison with a scalar) has a 0/1 datapoint where the series has one;
- `TS op TS` (comparison or logical) "treats the missing value in the other time series as 0" where only one
  has a value; `AND`/`&&`, `OR`/`||` are the logical operators, 0 is false, anything else true;
- `FILL(TS, S)` fills the missing values with S at every timestamp of the query;
- `IF(TS, S|TS, S|TS)` as the guide's tables give it (TRUE where the condition's datapoint is not 0).
The alarm (`alarm_state`) takes the last `evaluation_periods` timestamps and goes to ALARM when at least
`datapoints_to_alarm` of them breach; a missing datapoint counts as treat_missing_data says ("Configuring how
CloudWatch alarms treat missing data": notBreaching treats it as within the threshold, breaching as beyond it; with
every datapoint missing and `missing` the alarm goes to INSUFFICIENT_DATA). Comparison: GreaterThanThreshold only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Series = dict[int, float]  # timestamp -> value; absent: no datapoint
Value = Series | float

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[<>(),]))")
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}
_LOGICAL = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR"}


def _both(a: float, b: float) -> bool:
    return a != 0 and b != 0


def _either(a: float, b: float) -> bool:
    return a != 0 or b != 0


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        match = _TOKEN.match(expression, position)
        assert match, f"cannot read {expression[position:]!r}"
        tokens.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return tokens


@dataclass
class _Parser:
    tokens: list[str]
    series: Mapping[str, Series]
    timestamps: Sequence[int]
    position: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.position]
        assert expected is None or token == expected, f"expected {expected}, got {token}"
        self.position += 1
        return token

    def expression(self) -> Value:
        """logical := comparison ((AND | OR) comparison)*"""
        left = self.comparison()
        while self.peek() in _LOGICAL:
            operator = _LOGICAL[self.take()]
            right = self.comparison()
            left = _pairwise(left, right, _both if operator == "AND" else _either)
        return left

    def comparison(self) -> Value:
        left = self.operand()
        if self.peek() in _COMPARISONS:
            operator = _COMPARISONS[self.take()]
            left = _pairwise(left, self.operand(), operator)
        return left

    def operand(self) -> Value:
        token = self.take()
        if token == "(":
            value = self.expression()
            self.take(")")
            return value
        if token == "FILL":
            self.take("(")
            target = self.expression()
            self.take(",")
            filler = self.expression()
            self.take(")")
            assert isinstance(target, dict) and isinstance(filler, float)
            return {t: target.get(t, filler) for t in self.timestamps}
        if token == "IF":
            self.take("(")
            condition = self.expression()
            self.take(",")
            when_true = self.expression()
            self.take(",")
            when_false = self.expression()
            self.take(")")
            return _if(condition, when_true, when_false)
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return float(token)
        return dict(self.series[token])


def _pairwise(left: Value, right: Value, compare: Callable[[float, float], bool]) -> Value:
    if isinstance(left, float) and isinstance(right, float):
        return 1.0 if compare(left, right) else 0.0
    if isinstance(right, float):
        assert isinstance(left, dict)
        return {t: 1.0 if compare(v, right) else 0.0 for t, v in left.items()}
    if isinstance(left, float):
        return {t: 1.0 if compare(left, v) else 0.0 for t, v in right.items()}
    return {t: 1.0 if compare(left.get(t, 0.0), right.get(t, 0.0)) else 0.0 for t in sorted(set(left) | set(right))}


def _if(condition: Value, when_true: Value, when_false: Value) -> Series:
    """IF(TS, S|TS, S|TS) per the guide's tables: true and no datapoint in a true series gives 0; false and no
    datapoint in a false series drops the point; no condition datapoint drops it."""
    assert isinstance(condition, dict)
    result: Series = {}
    for t, value in condition.items():
        branch = when_true if value != 0 else when_false
        if isinstance(branch, float):
            result[t] = branch
        elif t in branch:
            result[t] = branch[t]
        elif value != 0:
            result[t] = 0.0
    return result


def evaluate(expression: str, series: Mapping[str, Series], timestamps: Sequence[int]) -> Series:
    """The time series `expression` yields over `timestamps`, with `series` as the queries' results."""
    parser = _Parser(_tokens(expression), series, timestamps)
    value = parser.expression()
    assert parser.peek() is None, f"unread: {parser.tokens[parser.position :]}"
    assert isinstance(value, dict), "an alarm's expression must yield a time series"
    return value


def alarm_state(
    result: Series,
    timestamps: Sequence[int],
    threshold: float,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    treat_missing_data: str,
) -> str:
    """ALARM, OK or INSUFFICIENT_DATA for a GreaterThanThreshold alarm over the last `evaluation_periods`."""
    window = timestamps[-evaluation_periods:]
    present = [result[t] for t in window if t in result]
    missing = len(window) - len(present)
    if not present and treat_missing_data == "missing":
        return "INSUFFICIENT_DATA"
    breaching = sum(value > threshold for value in present) + (missing if treat_missing_data == "breaching" else 0)
    return "ALARM" if breaching >= datapoints_to_alarm else "OK"
