"""The log router's delivery failures as CloudWatch Logs sees them: the metric filter pattern for the router's own
log group, and the metric it publishes. Plain values (no Pulumi): the component that creates the metric filter and
the alarm reads them, and the tests check them against lines the real Fluent Bit printed.

The log_router container's stdout and stderr reach its log group through the awslogs driver, one event per line.
ROUTER_ERROR_PATTERN matches the lines Fluent Bit 1.9.10 (AWS's line, the one aws-for-fluent-bit 2.34.x runs) prints
when a put fails and when a chunk is dropped after its retries, and no line it prints in normal operation (start-up,
deliveries, shutdown). The phrases were read off the real binary's output in tests/support/router_harness.py, with the
fake AWS answering each failure (tests/fluentbit/test_router_errors.py, recorded in
tests/fixtures/router_error_lines.json), and
traced to their source (amazon-contributing/upstream-to-fluent-bit, branch 1.9.10, commit dca14592):

- "Failed to send records": kinesis_firehose's flush failed (plugins/out_kinesis_firehose/firehose.c,
  cb_firehose_flush). Once per failed attempt, whatever failed: an error answer (AccessDeniedException,
  ResourceNotFoundException, InvalidArgumentException), throttling (ServiceUnavailableException), a 5xx, records
  failed inside an HTTP 200 (FailedPutCount > 0, how Firehose reports per-record throttling), no connection.
- "Failed to send events": cloudwatch_logs's flush failed (plugins/out_cloudwatch_logs/cloudwatch_logs.c,
  cb_cloudwatch_flush). Once per failed attempt: PutLogEvents or CreateLogStream answered an error
  (AccessDeniedException, ThrottlingException, ResourceNotFoundException, ...), a 5xx, no connection.
- "cannot be retried": the engine dropped a chunk whose retries (Retry_Limit) all failed (src/flb_engine.c,
  `chunk '...' cannot be retried`): records lost. Printed for any output, ours being the only two that can fail.

So the metric counts failed delivery attempts, one per output and chunk, plus dropped chunks. The other failure
lines are left out on purpose: the API error lines (`PutRecordBatch API responded with error='...'`, `Throughput
limits for ... may have been exceeded.`, `Thoughput limits may have been exceeded`, sic) tell why, but are missing
for some failures (no connection, an unparsable answer) and would count one failure twice; `Failed to send log
records`/`Failed to send log events` are printed once, twice or not at all per attempt, depending on the path; the
engine's `failed to flush chunk '...', retry in N seconds` is not printed for the last attempt nor during
shutdown. A broader term such as `Failed` or `warn` would match a normal line: at start-up, `[ warn]
[aws_credentials] Failed to initialize profile provider: ...`.

Syntax (CloudWatch Logs User Guide, "Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail", section "Using filter patterns to match terms in unstructured log events",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html): patterns are case
sensitive; exact phrases and terms with characters other than letters, digits and underscore go in double quotation
marks; a question mark before terms matches events containing any of them, and cannot be combined with included or
excluded terms (the question-mark terms would be ignored). So the pattern is optional phrases only, each specific
enough to need no exclusion, and one pattern covers every failure: one metric filter per log group.
"""

from __future__ import annotations

import re
from typing import Final

ROUTER_ERROR_PHRASES: Final[tuple[str, ...]] = (
    "Failed to send records",  # kinesis_firehose: a PutRecordBatch attempt failed
    "Failed to send events",  # cloudwatch_logs: a CreateLogStream/PutLogEvents attempt failed
    "cannot be retried",  # engine: a chunk dropped after Retry_Limit failed retries
)
"""The phrases of the pattern, each matching lines of one kind (see the module's docstring)."""

DROPPED_PHRASE: Final[str] = "cannot be retried"
"""The phrase of the lines that say records were lost, not just delayed."""

ROUTER_ERROR_PATTERN: Final[str] = " ".join(f'?"{phrase}"' for phrase in ROUTER_ERROR_PHRASES)
"""The metric filter pattern: any line containing one of the phrases."""

METRIC_VALUE: Final[str] = "1"
"""Each matching line counts 1."""
METRIC_DEFAULT_VALUE: Final[float] = 0.0
"""Published for the router's lines that do not match, as the user guide recommends ("Configuring metric values
for a metric filter"): 0 instead of no data while the router logs normally; no log line at all is still no data."""
METRIC_UNIT: Final[str] = "Count"
METRIC_STATISTIC: Final[str] = "Sum"
"""The alarm reads the sum per period: failed attempts plus dropped chunks; any count above 0 is a failure."""

_METRIC_TEXT = re.compile(r"[^:*$]{1,255}")  # botocore's logs model: MetricNamespace and MetricName


def metric_namespace(project: str, stack: str) -> str:
    """`<project>/<stack>/LogRouter`: one namespace per stack, so that two stacks in one account and region keep
    their metrics apart. Raises ValueError for a name CloudWatch Logs refuses."""
    return _checked(f"{project}/{stack}/LogRouter", "namespace")


def metric_name(service: str) -> str:
    """`<service>/DeliveryErrors`: one metric per service, since a metric filter with an unstructured pattern
    publishes no dimensions (CloudWatch Logs User Guide, "Filter pattern syntax for metric filters": dimensions
    are only available for JSON and space-delimited filter patterns). Raises ValueError for a name CloudWatch Logs
    refuses."""
    return _checked(f"{service}/DeliveryErrors", "name")


def _checked(text: str, what: str) -> str:
    if not _METRIC_TEXT.fullmatch(text):
        raise ValueError(f"{text!r} is no valid CloudWatch Logs metric {what}: 1 to 255 characters, none of ':*$'")
    return text
