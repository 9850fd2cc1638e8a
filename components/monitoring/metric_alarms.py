"""Building blocks of the stack's CloudWatch alarms: every alarm notifies the alert topic when it fires and when
it recovers. PipelineAlarms and ServiceAlarms build theirs with these; creates only what they ask for."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

MINUTE = 60


def metric_alarm(
    name: str, description: str, topic_arn: pulumi.Input[str], opts: pulumi.ResourceOptions, **kwargs: Any
) -> aws.cloudwatch.MetricAlarm:
    """One alarm that notifies `topic_arn` when it fires and when it recovers; `kwargs` say what it watches."""
    topic = [topic_arn]
    return aws.cloudwatch.MetricAlarm(
        name, alarm_description=description, alarm_actions=topic, ok_actions=topic, opts=opts, **kwargs
    )


def above_zero_alarm(
    name: str,
    description: str,
    topic_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
    metric: tuple[str, str],  # (namespace, metric name)
    dimensions: dict[str, pulumi.Input[str]],
    statistic: str = "Sum",
    period: int = MINUTE,
    evaluation_periods: int = 1,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm on a count that should stay at zero: it fires as soon as the metric is above 0 for
    `evaluation_periods` periods; no data means nothing happened."""
    namespace, metric_name = metric
    return metric_alarm(
        name,
        description,
        topic_arn,
        opts,
        namespace=namespace,
        metric_name=metric_name,
        dimensions=dimensions,
        statistic=statistic,
        period=period,
        evaluation_periods=evaluation_periods,
        comparison_operator="GreaterThanThreshold",
        threshold=0,
        treat_missing_data="notBreaching",
    )
