"""The stack's pipeline alarms by label (tests of the alarms and of the dashboard that shows them)."""

from __future__ import annotations

from offline.harness import Evaluation, RecordedResource
from tests.support.helpers import ALARM, inside

COMPONENT = "httpd-firelens:monitoring:PipelineAlarms"
QUEUE = "aws:sqs/queue:Queue"


def alarms(ev: Evaluation) -> dict[str, RecordedResource]:
    """The pipeline alarms by label (the part of the name after `pipeline-alarms-`)."""
    found = {r.name.removeprefix("pipeline-alarms-"): r for r in inside(ev, COMPONENT, "pipeline-alarms", ALARM)}
    assert found, "the stack creates no pipeline alarms"
    return found
