"""Firehose as the archives' delivery streams use it: the CreateDeliveryStream request the provider makes from the
recorded inputs, the prefix rules and their evaluation, and what a stream writes to its bucket for given records."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from offline.harness import Evaluation, RecordedResource
from tests.support.helpers import (
    delivery_stream,
)

EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"


def _logging(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "Enabled": options["enabled"],
        "LogGroupName": options["logGroupName"],
        "LogStreamName": options["logStreamName"],
    }


def _buffering(config: dict[str, Any]) -> dict[str, Any]:
    return {"SizeInMBs": int(config["bufferingSize"]), "IntervalInSeconds": int(config["bufferingInterval"])}


def _s3(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "RoleARN": config["roleArn"],
        "BucketARN": config["bucketArn"],
        "Prefix": config["prefix"],
        "ErrorOutputPrefix": config["errorOutputPrefix"],
        "BufferingHints": _buffering(config),
        "CompressionFormat": config["compressionFormat"],
        "CloudWatchLoggingOptions": _logging(config["cloudwatchLoggingOptions"]),
    }


def _processing(config: dict[str, Any]) -> dict[str, Any]:
    processors = []
    for processor in config["processors"]:
        entry: dict[str, Any] = {"Type": processor["type"]}
        if processor.get("parameters"):
            entry["Parameters"] = [
                {"ParameterName": p["parameterName"], "ParameterValue": p["parameterValue"]}
                for p in processor["parameters"]
            ]
        processors.append(entry)
    return {"Enabled": config["enabled"], "Processors": processors}


def create_request(resource: RecordedResource) -> dict[str, Any]:
    """The CreateDeliveryStream request the provider makes from the recorded inputs (secrets opened)."""
    inputs = resource.plain_inputs()
    request: dict[str, Any] = {
        "DeliveryStreamName": resource.state["name"],
        "DeliveryStreamType": "DirectPut",  # no kinesisSourceConfiguration / mskSourceConfiguration
        "DeliveryStreamEncryptionConfigurationInput": {"KeyType": inputs["serverSideEncryption"]["keyType"]},
    }
    assert inputs["serverSideEncryption"]["enabled"] is True
    assert "kinesisSourceConfiguration" not in inputs and "mskSourceConfiguration" not in inputs
    if inputs["destination"] == "extended_s3":
        config = inputs["extendedS3Configuration"]
        request["ExtendedS3DestinationConfiguration"] = {
            **_s3(config),
            "S3BackupMode": config.get("s3BackupMode", "Disabled"),  # the provider's default
        }
        if "processingConfiguration" in config:
            processing = _processing(config["processingConfiguration"])
            request["ExtendedS3DestinationConfiguration"]["ProcessingConfiguration"] = processing
    else:
        assert inputs["destination"] == "http_endpoint", inputs["destination"]
        config = inputs["httpEndpointConfiguration"]
        request["HttpEndpointDestinationConfiguration"] = {
            "EndpointConfiguration": {"Url": config["url"], "Name": config["name"], "AccessKey": config["accessKey"]},
            "BufferingHints": _buffering(config),
            "CloudWatchLoggingOptions": _logging(config["cloudwatchLoggingOptions"]),
            "RequestConfiguration": {"ContentEncoding": config["requestConfiguration"]["contentEncoding"]},
            "RoleARN": config["roleArn"],
            "RetryOptions": {"DurationInSeconds": int(config["retryDuration"])},
            "S3BackupMode": config["s3BackupMode"],
            "S3Configuration": _s3(config["s3Configuration"]),
        }
    return request


def s3_destination(request: dict[str, Any]) -> dict[str, Any]:
    """The part of the request that writes to the archive bucket (the destination, or the partner's backup)."""
    if "ExtendedS3DestinationConfiguration" in request:
        config: dict[str, Any] = request["ExtendedS3DestinationConfiguration"]
        return config
    backup: dict[str, Any] = request["HttpEndpointDestinationConfiguration"]["S3Configuration"]
    return backup


EXPRESSION = re.compile(r"!\{([^}]*)\}")


NAMESPACES = ("firehose", "timestamp", "partitionKeyFromQuery", "partitionKeyFromLambda")


ERROR_TYPE = "!{firehose:error-output-type}"


# Pattern letters this test can evaluate; the component uses one field per expression.
TIMESTAMP_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H"}


def prefix_problems(prefix: str, error_prefix: str | None) -> list[str]:
    """The documented semantic rules for Prefix / ErrorOutputPrefix that the API model cannot express."""
    problems = []
    for label, value in (("Prefix", prefix), ("ErrorOutputPrefix", error_prefix or "")):
        for expression in EXPRESSION.findall(value):
            namespace, sep, _ = expression.partition(":")
            if not sep or namespace not in NAMESPACES:
                problems.append(f"{label}: !{{{expression}}} is not a !{{namespace:value}} expression")
        if value.count("!{") != len(EXPRESSION.findall(value)):
            problems.append(f"{label}: '!{{' outside an expression")
    if EXPRESSION.search(prefix) and not error_prefix:
        problems.append("ErrorOutputPrefix can't be null when Prefix contains expressions")
    if error_prefix and EXPRESSION.search(error_prefix) and ERROR_TYPE not in error_prefix:
        problems.append("ErrorOutputPrefix with expressions must include !{firehose:error-output-type}")
    if ERROR_TYPE in prefix:
        problems.append("Prefix can't contain !{firehose:error-output-type}")
    return problems


def evaluate_prefix(prefix: str, at: datetime, error_type: str = "") -> str:
    """What Firehose makes of a prefix for records that arrived at `at` (error_type: processing-failed, ...)."""

    def replace(match: re.Match[str]) -> str:
        namespace, _, value = match.group(1).partition(":")
        if namespace == "firehose":
            assert value == "error-output-type", value
            return error_type
        assert namespace == "timestamp" and value in TIMESTAMP_FIELDS, match.group(0)
        return at.strftime(TIMESTAMP_FIELDS[value])

    evaluated = EXPRESSION.sub(replace, prefix)
    assert len(evaluated) <= 512, "neither prefix may exceed 512 characters after evaluation"
    return evaluated


def producer_records(ev: Evaluation, archive: str, events: list[dict[str, Any]]) -> list[str]:
    """The records the archive's producer puts to its stream, one per event.

    The app archive's producer is Fluent Bit's kinesis_firehose output, which ends every record with a
    newline (see above). The task stop archive's is the `stopped` rule's target to its stream: without an input
    transformer EventBridge puts the event as it is; with one it puts what the template renders, here the whole
    event (`<aws.events.event.json>`, "The full original event payload as JSON (with the detail field)",
    EventBridge user guide, Amazon EventBridge input transformation, Predefined variables,
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html) and what follows it.
    """
    if archive == "app-log-archive":
        return [json.dumps(event) + "\n" for event in events]
    arn = delivery_stream(ev, archive).state["arn"]
    (target,) = [t for t in ev.of_type(EVENT_TARGET) if t.inputs["arn"] == arn]
    transformer = target.inputs.get("inputTransformer")
    if transformer is None:
        return [json.dumps(event) for event in events]
    template: str = transformer["inputTemplate"]
    assert "inputPaths" not in transformer
    assert set(re.findall(r"<[^>]*>", template)) == {"<aws.events.event.json>"}, template
    return [template.replace("<aws.events.event.json>", json.dumps(event)) for event in events]


def archived_object(resource: RecordedResource, records: list[str]) -> str:
    """What Firehose writes to the archive bucket for these records, uncompressed.

    To S3 it concatenates the records with no delimiter of its own ("By default, Firehose concatenates data
    without any delimiters", Understand data delivery in Amazon Data Firehose,
    https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html), after its processors:
    AppendDelimiterToRecord adds a newline to each. With an HTTP endpoint destination the bucket holds the
    backup, and Firehose backs up the records untransformed ("Amazon Data Firehose can back up all untransformed
    records to your S3 bucket concurrently while delivering transformed records to the destination", Back up
    source records, https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-source-record-backup.html).
    """
    inputs = resource.plain_inputs()
    if inputs["destination"] == "http_endpoint":
        assert inputs["httpEndpointConfiguration"]["s3BackupMode"] == "AllData"
        return "".join(records)
    processing = inputs["extendedS3Configuration"].get("processingConfiguration", {"processors": []})
    types = [p["type"] for p in processing["processors"]]
    assert set(types) <= {"AppendDelimiterToRecord"}, types
    return "".join(record + "\n" * len(types) for record in records)
