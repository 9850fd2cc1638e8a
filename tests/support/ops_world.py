"""A deployed stack for `python -m ops verify` to check, without AWS.

moto (in-process) holds the resources a stack's outputs name, taken from the offline preview of that stack: the
archive buckets and the Athena results bucket, the delivery-error and task-stop log groups, the ECS cluster, task
definition and service, the Athena workgroup. A local HTTP server stands in for the ALB and the app (`serviceUrl`
points at it), and behind it for the log router and Firehose: every request it answers lands in the app archive
(and with the WAF, in the WAF log archive) the way they write it:
- the access record is the one the real Fluent Bit wrote for an access line (tests/fixtures/app_log_records.json,
  captured by scripts/archive_fixture.py and checked against the engine), with the request's method, path, status
  and line, and the ECS metadata of the deployed task definition;
- objects are GZIP, one record per line, under the archive's prefix and the UTC day's Hive partitions, named
  `<stream>-1-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz` ("Amazon S3 object name format", Firehose developer guide: the stream
  name, its version, the arrival time and a random id, with the compression's file extension);
- a WAF log record carries the request in `httpRequest` (`uri`, `args`: the query string; AWS WAF developer guide,
  "Log fields for web ACL traffic").
Stopping a task (moto's StopTask) writes its STOPPED event, as EventBridge delivers it (tests/support/ecs_events.py), to
the task-stop archive and the task-stop log group. Athena's GetQueryResults runs the query on the local engine
(tests/support/local_athena.py) over the app archive's objects, through the Glue table the program defines.

`Defect` names what the pipeline gets wrong, so that each failure of verify can be shown.
"""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
import botocore.loaders
import botocore.session
import pytest

from components.archive.layout import time_path
from offline.harness import Evaluation
from ops.aws import Aws
from ops.checks import Run
from ops.outputs import from_json
from ops.verify import Result, verify
from tests.support.ecs_events import stopped
from tests.support.local_athena import LocalAthena, glue_table_input

if TYPE_CHECKING:
    from moto.athena.models import AthenaBackend, QueryResults
    from moto.ecs.models import EC2ContainerServiceBackend

# moto's models are imported where a world is built, not with this module: importing moto's EC2 and ECS models
# takes most of a second, which every test process would pay while collecting, not only the one running these tests.

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app_log_records.json"


class Defect(Enum):
    LOST = "the router or Firehose writes nothing"
    BLANK_LINES = "every record followed by a blank line (a newline appended to records that end with one)"
    NOT_GZIP = "objects written without compression"
    UNPARSED = "the access line not parsed (no method, path, status)"
    NO_METADATA = "no ECS metadata on the records (FireLens metadata off)"
    OLD_REVISION = "the records come from tasks of an older task definition"
    DELIVERY_ERROR = "Firehose logs a delivery error"
    APP_ANSWERS_503 = "the app answers 503"
    STOP_NOT_ARCHIVED = "the STOPPED event never reaches the stop archive"


def _real_access_record() -> dict[str, Any]:
    """An access line's record as the real router put it to Firehose."""
    records = json.loads(FIXTURE.read_text())["records"]
    parsed = [json.loads(r["record"]) for r in records]
    return next(record for record in parsed if "method" in record)


@dataclass
class World:
    ev: Evaluation
    outputs: dict[str, Any]  # the stack's outputs, serviceUrl at the local server
    defects: set[Defect] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)  # the paths the app answered
    clients: dict[str, Any] = field(default_factory=dict, repr=False)  # one per service: creating one takes ~20 ms

    @property
    def region(self) -> str:
        return str(self.outputs["region"])

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = boto3.client(service, region_name=self.region)
        return self.clients[service]

    def reset(self) -> None:
        """Working again, and as if nothing had been written yet: no defect, empty archives and error logs."""
        self.defects.clear()
        self.requests.clear()
        s3, logs = self.client("s3"), self.client("logs")
        for archive in self.outputs["archives"].values():
            for item in s3.list_objects_v2(Bucket=archive["bucket"]).get("Contents", []):
                s3.delete_object(Bucket=archive["bucket"], Key=item["Key"])
        for group in [a["deliveryErrorLogGroup"] for a in self.outputs["archives"].values()]:
            logs.delete_log_group(logGroupName=group)
            logs.create_log_group(logGroupName=group)

    # --- what the pipeline writes -----------------------------------------------------------------------------

    def deliver(self, archive: str, records: list[dict[str, Any]]) -> None:
        """Firehose writes one object of `records` into an archive (outputs' `archives` key)."""
        if Defect.LOST in self.defects:
            return
        target = self.outputs["archives"][archive]
        now = datetime.now(UTC)
        separator = "\n\n" if Defect.BLANK_LINES in self.defects else "\n"
        body = "".join(json.dumps(record) + separator for record in records).encode()
        if Defect.NOT_GZIP not in self.defects:
            body = gzip.compress(body)
        name = f"{target['deliveryStream']}-1-{now:%Y-%m-%d-%H-%M-%S}-{uuid.uuid4()}.gz"
        key = target["prefix"] + time_path(now) + name
        self.client("s3").put_object(Bucket=target["bucket"], Key=key, Body=body)
        if Defect.DELIVERY_ERROR in self.defects:
            self.log(target["deliveryErrorLogGroup"], "S3.AccessDenied: Access was denied. Check the role's policy.")

    def log(self, group: str, message: str) -> None:
        logs = self.client("logs")
        stream = f"stream-{uuid.uuid4().hex}"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        event = {"timestamp": int(datetime.now(UTC).timestamp() * 1000), "message": message}
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[event])

    def answer(self, method: str, target: str) -> int:
        """What the ALB, the app and the router do with one request: the status, and the records written."""
        status = 503 if Defect.APP_ANSWERS_503 in self.defects else 200
        self.requests.append(target)
        service = self.outputs["services"]["httpd"]
        revision = service["taskDefinitionArn"].rsplit("/", 1)[-1]
        if Defect.OLD_REVISION in self.defects:
            family, number = revision.rsplit(":", 1)
            revision = f"{family}:{int(number) - 1}"
        now = datetime.now(UTC)
        line = f'10.0.1.25 - - [{now:%d/%b/%Y:%H:%M:%S +0000}] "{method} {target} HTTP/1.1" {status} 45'
        record = _real_access_record()
        record.update(log=line, method=method, path=target, status=str(status), time=f"{now:%Y-%m-%dT%H:%M:%SZ}")
        record.update(
            ecs_cluster=service["clusterName"],
            ecs_task_definition=revision,
            ecs_task_arn=f"arn:aws:ecs:{self.region}:123456789012:task/{service['clusterName']}/{uuid.uuid4().hex}",
        )
        if Defect.UNPARSED in self.defects:
            for key in ("method", "path", "status", "client", "protocol", "bytes"):
                record.pop(key, None)
        if Defect.NO_METADATA in self.defects:
            for key in ("ecs_cluster", "ecs_task_arn", "ecs_task_definition"):
                record.pop(key)
        self.deliver("appLogs", [record])
        if "wafLogs" in self.outputs["archives"]:
            uri, _, query = target.partition("?")
            waf = {
                "timestamp": int(now.timestamp() * 1000),
                "action": "ALLOW",
                "httpRequest": {"clientIp": "198.51.100.7", "httpMethod": method, "uri": uri, "args": query},
            }
            self.deliver("wafLogs", [waf])
        return status

    def stop_event(self, cluster_arn: str, task_arn: str, reason: str) -> None:
        """EventBridge delivers the task's STOPPED event to the stop archive (Firehose) and the task-stop log group."""
        event = stopped(cluster_arn, "UserInitiated", reason, (0, 0), task_id=task_arn.rsplit("/", 1)[-1])
        event["detail"]["taskArn"] = event["resources"][0] = task_arn
        if Defect.STOP_NOT_ARCHIVED not in self.defects:
            self.deliver("taskStops", [event])
        self.log(self.outputs["taskStopLogGroup"], json.dumps(event))


def _serve(world: World) -> ThreadingHTTPServer:
    class Alb(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = world.answer("GET", self.path)
            body = b"<html><body><h1>It works!</h1></body></html>\n"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Alb)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


# The deploy role's trust policy as docs/ADOPTING.md writes it (what it trusts plays no part here).
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
)


def deploy_role(world: World) -> str:
    """The stack's deploy role as docs/ADOPTING.md names it, created tagged with the stack's tags."""
    tags = world.outputs["stackTags"]
    return f"{tags['project']}-{tags['stack']}-deploy"


def create_role(world: World, role: str, tags: dict[str, str]) -> None:
    tagged = [{"Key": key, "Value": value} for key, value in tags.items()]
    world.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Tags=tagged)


def as_role(role: str) -> str:
    """The ARN GetCallerIdentity gives a session of `role` (what the deploy workflow's credentials are)."""
    return f"arn:aws:sts::123456789012:assumed-role/{role}/GitHubActions"


def _create_resources(world: World, running: int) -> None:
    outputs, region = world.outputs, world.region
    s3 = world.client("s3")
    location = {"LocationConstraint": region}
    buckets = [a["bucket"] for a in outputs["archives"].values()] + [outputs["athenaResultsBucket"]]
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=location)
    logs = world.client("logs")
    for group in [a["deliveryErrorLogGroup"] for a in outputs["archives"].values()] + [outputs["taskStopLogGroup"]]:
        logs.create_log_group(logGroupName=group)
    ec2 = world.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    ecs = world.client("ecs")
    for service in outputs["services"].values():
        ecs.create_cluster(clusterName=service["clusterName"])
        family, revision = service["taskDefinitionArn"].rsplit("/", 1)[-1].rsplit(":", 1)
        for _ in range(int(revision)):
            definition = ecs.register_task_definition(
                family=family,
                # moto cannot start an awsvpc task (its network interface lacks private_dns_name): its tasks run in
                # bridge mode, which nothing here depends on.
                networkMode="bridge",
                containerDefinitions=[
                    {"name": "httpd", "image": "public.ecr.aws/docker/library/httpd:2.4.65", "memory": 512}
                ],
            )["taskDefinition"]
        network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
        ecs.create_service(
            cluster=service["clusterName"],
            serviceName=service["serviceName"],
            taskDefinition=definition["taskDefinitionArn"],
            desiredCount=max(running, 1),
            launchType="FARGATE",
            networkConfiguration=network,
        )
        ecs.run_task(
            cluster=service["clusterName"],
            taskDefinition=definition["taskDefinitionArn"],
            launchType="FARGATE",
            startedBy="ecs-svc/1234567890123456789",
        )
    create_role(world, deploy_role(world), outputs["stackTags"])
    world.client("athena").create_work_group(
        Name=outputs["athenaWorkgroup"],
        Configuration={"ResultConfiguration": {"OutputLocation": f"s3://{outputs['athenaResultsBucket']}/"}},
    )


def _athena_on_the_local_engine(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """GetQueryResults answers what the query finds in the app archive's objects, read through the Glue tables."""
    from moto.athena.models import AthenaBackend, QueryResults

    tables = [glue_table_input(r) for r in world.ev.of_type("aws:glue/catalogTable:CatalogTable")]

    def results(backend: AthenaBackend, exec_id: str) -> QueryResults:
        s3 = world.client("s3")
        bucket = world.outputs["archives"]["appLogs"]["bucket"]
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        objects = {
            f"s3://{bucket}/{o['Key']}": s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed
        }
        rows = LocalAthena(tables, objects).query(backend.executions[exec_id].query)
        names = list(rows[0]) if rows else ["path"]
        data = [{"Data": [{"VarCharValue": name} for name in names]}]
        data += [{"Data": [{"VarCharValue": str(row[name])} for name in names]} for row in rows]
        return QueryResults(rows=data, column_info=[{"Name": name, "Type": "varchar"} for name in names])

    monkeypatch.setattr(AthenaBackend, "get_query_results", results)


def fail_athena_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.athena.models import Execution

    monkeypatch.setattr(Execution, "status", property(lambda self: "FAILED"), raising=False)


def _stops_reach_eventbridge(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.stop_task

    def stop_task(backend: EC2ContainerServiceBackend, cluster_str: str, task_str: str, reason: str) -> Any:
        task = original(backend, cluster_str, task_str, reason)
        world.stop_event(task.cluster_arn, task.task_arn, reason)
        return task

    monkeypatch.setattr(EC2ContainerServiceBackend, "stop_task", stop_task)


@contextmanager
def deployed(ev: Evaluation, monkeypatch: pytest.MonkeyPatch, running: int = 1) -> Iterator[World]:
    """The stack of `ev` deployed in moto, its ECS service with `running` tasks (0: still rolling out)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", str(running))
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # the subnet needs no AMI; loading them takes 0.5 s
    from moto import mock_aws

    with mock_aws():
        world = World(ev, json.loads(json.dumps(ev.outputs)))
        server = _serve(world)
        world.outputs["serviceUrl"] = f"http://127.0.0.1:{server.server_address[1]}"
        assert urlsplit(world.outputs["serviceUrl"]).hostname == "127.0.0.1"
        _create_resources(world, running)
        _athena_on_the_local_engine(world, monkeypatch)
        _stops_reach_eventbridge(world, monkeypatch)
        try:
            yield world
        finally:
            server.shutdown()
            server.server_close()


@dataclass(frozen=True)
class Call:
    """An AWS API call verify made."""

    service: str  # the IAM service prefix, e.g. s3
    operation: str  # e.g. ListObjectsV2
    params: dict[str, Any]


# One loader for every session of the tests: it parses each service's model once (botocore caches per loader).
_LOADER = botocore.loaders.create_loader()


def fresh_session(region: str) -> boto3.Session:
    """A new boto3 session (its own events and credentials) that reads the service models once for all tests."""
    core = botocore.session.Session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(region_name=region, botocore_session=core)


def recording_session(region: str, calls: list[Call]) -> boto3.Session:
    """A boto3 session whose clients record every call they make, with its parameters (botocore's
    before-parameter-build event)."""
    session = fresh_session(region)

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append(Call(model.service_model.signing_name, model.name, dict(params)))

    session.events.register("before-parameter-build", record)
    return session


def run_checks(
    world: World,
    timeout: float = 10,
    stop_task: bool = False,
    outputs: dict[str, Any] | None = None,
    session: boto3.Session | None = None,
    caller: str = "",
) -> dict[str, Result]:
    """Every check against the world, as `ops verify` runs them (polling quickly, a marker of their own), with the
    world's outputs or `outputs` read instead; with `caller`, as the deploy role of that ARN (--deploy-role)."""
    lines: list[str] = []  # what verify says while it runs
    run = Run(
        from_json(outputs or world.outputs),
        Aws(world.region, session or fresh_session(world.region)),
        f"ops-verify-{uuid.uuid4().hex}",
        timeout,
        stop_task=stop_task,
        caller=caller,
        deploy_role=bool(caller),
        poll_seconds=0.05,
        say=lines.append,
    )
    return {result.check.name: result for result in verify(run)}


def statuses(results: dict[str, Result]) -> dict[str, str]:
    return {name: result.outcome.status for name, result in results.items()}
