"""CloudWatch Logs filter patterns for unstructured log events, matched as the user guide documents them: to check a
metric filter pattern against log lines without AWS (tests/fluentbit/test_router_errors.py).

Sources: the CloudWatch Logs User Guide's "Filter pattern syntax for metric filters, subscription filters, filter
log events, and Live Tail", section "Using filter patterns to match terms in unstructured log events"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), and, where it says more,
the same guide's earlier page "Filter and Pattern Syntax", section "Matching Terms in Log Events"
(awsdocs/amazon-cloudwatch-logs-user-guide, doc_source/FilterAndPatternSyntax.md).
tests/monitoring/test_filter_pattern.py
runs their examples. What they say, and so what `matches` does:
- patterns are case sensitive;
- a term matches wherever it appears in the event: `ERROR` matches `Exiting with ERRORCODE: -1` (earlier page,
  example 1), so a term is a substring here, not a word;
- terms separated by spaces must all appear (`ERROR ARGUMENTS`);
- an exact phrase, and any term with characters other than letters, digits and underscore, is written in double
  quotation marks (`"INTERNAL SERVER ERROR"`); such a term unquoted is refused here (ValueError), not guessed at;
- a minus sign before a term excludes the events containing it (`ERROR -ARGUMENTS`);
- a question mark before terms matches the events containing any of them (`?ERROR ?ARGUMENTS`); combined with
  included or excluded terms, the question-mark terms are ignored (`?ERROR ?ARGUMENTS REQUEST` matches what
  `REQUEST` matches);
- `" "` matches every event.
Not modelled, refused with ValueError: JSON (`{ ... }`), space-delimited (`[ ... ]`) and regular-expression
(`%...%`) patterns, and escapes inside quotes (the guide documents none for unstructured patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_BARE_TERM = re.compile(r"[A-Za-z0-9_]+")


class Kind(Enum):
    INCLUDE = ""
    EXCLUDE = "-"
    OPTIONAL = "?"


@dataclass(frozen=True)
class Term:
    kind: Kind
    text: str  # the term or the phrase, without its quotation marks


def parse(pattern: str) -> list[Term]:
    """The terms of an unstructured filter pattern, in order; ValueError for what the documented syntax does not
    cover."""
    stripped = pattern.strip()
    if not stripped:
        raise ValueError('an empty pattern is not modelled here (use " " to match everything)')
    if stripped[0] in "{[" or stripped.startswith("%"):
        raise ValueError(f"only unstructured patterns are modelled, not {pattern!r}")
    terms: list[Term] = []
    position = 0
    while position < len(pattern):
        if pattern[position].isspace():
            position += 1
            continue
        kind = Kind.INCLUDE
        if pattern[position] in "-?":
            kind = Kind(pattern[position])
            position += 1
        if position < len(pattern) and pattern[position] == '"':
            end = pattern.find('"', position + 1)
            if end == -1:
                raise ValueError(f"unterminated quotation mark at {position} in {pattern!r}")
            text = pattern[position + 1 : end]
            if not text:
                raise ValueError(f"an empty phrase is not documented: {pattern!r}")
            if "\\" in text:
                raise ValueError(f"escapes inside quotation marks are not documented: {pattern!r}")
            position = end + 1
            if position < len(pattern) and not pattern[position].isspace():
                raise ValueError(f"a quoted phrase must be followed by a space: {pattern!r}")
        else:
            end = position
            while end < len(pattern) and not pattern[end].isspace():
                end += 1
            text = pattern[position:end]
            if not _BARE_TERM.fullmatch(text):
                raise ValueError(
                    f"{text!r} in {pattern!r}: terms with characters other than letters, digits and underscore "
                    "must be in double quotation marks"
                )
            position = end
        terms.append(Term(kind, text))
    return terms


def matches(pattern: str, message: str) -> bool:
    """Whether CloudWatch Logs, by the documented semantics above, counts `message` as matching `pattern`."""
    terms = parse(pattern)
    if all(term.kind is Kind.INCLUDE and not term.text.strip() for term in terms):
        return True  # `" "`
    required = [t.text for t in terms if t.kind is Kind.INCLUDE]
    excluded = [t.text for t in terms if t.kind is Kind.EXCLUDE]
    optional = [t.text for t in terms if t.kind is Kind.OPTIONAL]
    if required or excluded:  # question-mark terms combined with others are ignored
        return all(text in message for text in required) and not any(text in message for text in excluded)
    return any(text in message for text in optional)


def matching(pattern: str, messages: list[str]) -> list[str]:
    """The messages `pattern` matches, in order."""
    return [message for message in messages if matches(pattern, message)]
