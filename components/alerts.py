"""STUB (to be replaced): the SNS topic every alert goes to, with an optional e-mail subscription."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class AlertsArgs:
    email: str | None = None


class Alerts(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:alerts:Alerts", name, None, opts)
        self.topic_arn = pulumi.Output.from_input("stub")
        self.register_outputs({"topicArn": self.topic_arn})
