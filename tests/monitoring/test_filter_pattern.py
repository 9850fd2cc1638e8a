"""tests/support/filter_pattern.py against the examples of the CloudWatch Logs User Guide.

"Filter pattern syntax for metric filters, subscription filters, filter log events, and Live Tail", section "Using
filter patterns to match terms in unstructured log events"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html): CURRENT below, its example
events and what each example pattern returns. The guide's earlier "Filter and Pattern Syntax" page, section
"Matching Terms in Log Events" (awsdocs/amazon-cloudwatch-logs-user-guide, doc_source/FilterAndPatternSyntax.md):
EARLIER below.
"""

from __future__ import annotations

import pytest

from tests.support.filter_pattern import Kind, Term, matches, matching, parse

# The current page's example events.
BAD_REQUEST = "[ERROR 400] BAD REQUEST"
UNAUTHORIZED = "[ERROR 401] UNAUTHORIZED REQUEST"
MISSING = "[ERROR 419] MISSING ARGUMENTS"
INVALID = "[ERROR 420] INVALID ARGUMENTS"
INTERNAL = "[ERROR 500] INTERNAL SERVER ERROR"
CURRENT = [BAD_REQUEST, UNAUTHORIZED, MISSING, INVALID, INTERNAL]


def test_a_single_term() -> None:
    """CURRENT, "Match a single term": `ERROR` matches the four 4xx examples (and, containing the word, the 500)."""
    assert matching("ERROR", CURRENT) == CURRENT


def test_multiple_terms_must_all_appear() -> None:
    """CURRENT, "Match multiple terms": `ERROR ARGUMENTS` returns the 419 and 420 events, not the 400 and 401."""
    assert matching("ERROR ARGUMENTS", CURRENT) == [MISSING, INVALID]


def test_optional_terms_match_any() -> None:
    """CURRENT, "Match optional terms": `?ERROR ?ARGUMENTS` matches events with either word."""
    assert matching("?ERROR ?ARGUMENTS", CURRENT) == CURRENT
    assert not matches("?ERROR ?ARGUMENTS", "[WARN] UNAUTHORIZED REQUEST")


def test_optional_terms_combined_with_others_are_ignored() -> None:
    """CURRENT, the note under "Match optional terms": `?ERROR ?ARGUMENTS REQUEST` matches every event containing
    REQUEST, among them `[INFO] REQUEST FAILED` and `[WARN] UNAUTHORIZED REQUEST`: the question-mark terms have no
    effect. So a pattern mixing `?` with other terms is no OR: ROUTER_ERROR_PATTERN uses `?` terms only."""
    for event in ("[INFO] REQUEST FAILED", "[WARN] UNAUTHORIZED REQUEST", "[ERROR] 400 BAD REQUEST"):
        assert matches("?ERROR ?ARGUMENTS REQUEST", event)
    assert not matches("?ERROR ?ARGUMENTS REQUEST", MISSING)  # has ERROR and ARGUMENTS, but no REQUEST


def test_an_exact_phrase() -> None:
    """CURRENT, "Match exact phrases": `"INTERNAL SERVER ERROR"` returns the 500 event only."""
    assert matching('"INTERNAL SERVER ERROR"', CURRENT) == [INTERNAL]
    assert not matches('"INTERNAL SERVER ERROR"', "[ERROR 500] SERVER INTERNAL ERROR")


def test_include_and_exclude_terms() -> None:
    """CURRENT, "Include and exclude terms": `ERROR -ARGUMENTS` returns the 400 and 401 events, not the 419 and 420
    (and the 500, which has ERROR and no ARGUMENTS)."""
    assert matching("ERROR -ARGUMENTS", CURRENT) == [BAD_REQUEST, UNAUTHORIZED, INTERNAL]


def test_a_quoted_space_matches_everything() -> None:
    """CURRENT, "Match everything": `" "`."""
    assert matching('" "', [*CURRENT, "no-space-at-all"]) == [*CURRENT, "no-space-at-all"]


def test_patterns_are_case_sensitive() -> None:
    """CURRENT, the note before the examples: "Filter patterns are case sensitive."."""
    assert not matches("error", BAD_REQUEST)
    assert not matches('"bad request"', BAD_REQUEST)
    assert matches('"BAD REQUEST"', BAD_REQUEST)


def test_a_term_matches_inside_a_word() -> None:
    """EARLIER, example 1: `ERROR` matches `[ERROR] A fatal exception has occurred` and `Exiting with ERRORCODE: -1`;
    example 2: `ERROR -Exiting` leaves out the second."""
    fatal, exiting = "[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"
    assert matching("ERROR", [fatal, exiting]) == [fatal, exiting]
    assert matching("ERROR -Exiting", [fatal, exiting]) == [fatal]


def test_the_earlier_pages_multiple_term_examples() -> None:
    """EARLIER, example 3: `ERROR Exception` matches `[ERROR] Caught IllegalArgumentException` and `[ERROR] Unhandled
    Exception`; `Failed to process the request` (unquoted: five terms) matches `[WARN] Failed to process the request`
    and `[ERROR] Unable to continue: Failed to process the request`."""
    assert matches("ERROR Exception", "[ERROR] Caught IllegalArgumentException")
    assert matches("ERROR Exception", "[ERROR] Unhandled Exception")
    assert matches("Failed to process the request", "[WARN] Failed to process the request")
    assert matches("Failed to process the request", "[ERROR] Unable to continue: Failed to process the request")
    assert matches("Failed to process the request", "the request: to process Failed")  # terms, not a phrase


def test_the_earlier_pages_or_examples() -> None:
    """EARLIER, "OR Pattern Matching": of `ERROR WARN message`, `ERROR message` and `WARN message`, `ERROR` matches
    1 and 2, `?ERROR ?WARN` all three, `ERROR WARN` only 1, `ERROR -WARN` only 2."""
    events = ["ERROR WARN message", "ERROR message", "WARN message"]
    assert matching("ERROR", events) == events[:2]
    assert matching("?ERROR ?WARN", events) == events
    assert matching("ERROR WARN", events) == events[:1]
    assert matching("ERROR -WARN", events) == events[1:2]


def test_terms_with_other_characters_must_be_quoted() -> None:
    """EARLIER: "Metric filter terms that include characters other than alphanumeric or underscore must be placed
    inside double quotes"; CURRENT: "Enclose exact phrases and terms that include non-alphanumeric characters in
    double quotation marks". Refused rather than guessed at."""
    for pattern in ("ERROR]", "?cannot-be", "-a.b", "x:y"):
        with pytest.raises(ValueError, match="double quotation marks"):
            parse(pattern)
    assert parse('?"[ERROR" -"a.b" under_score') == [
        Term(Kind.OPTIONAL, "[ERROR"),
        Term(Kind.EXCLUDE, "a.b"),
        Term(Kind.INCLUDE, "under_score"),
    ]


@pytest.mark.parametrize(
    "pattern",
    ['{ $.eventType = "UpdateTrail" }', "[ip, user, status_code = 4*, bytes]", "%AUTHORIZED%", "", '"open', '""'],
)
def test_what_is_not_modelled_is_refused(pattern: str) -> None:
    """JSON, space-delimited and regex patterns (other sections of the page), an empty pattern, an unterminated or
    empty phrase: outside what tests/support/filter_pattern.py models."""
    with pytest.raises(ValueError):
        parse(pattern)
