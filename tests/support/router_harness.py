"""Run `fluentbit/` in the real Fluent Bit, exactly as FireLens runs it in the task, with moto as AWS.

What the router gets, and where each part comes from:
- the main config FireLens generates (`firelens_config`): the forward input on the unix socket
  /var/run/fluent.sock (the app containers' stdout/stderr, sent by the awsfirelens log driver), the forward
  input on 24224, the health-check tcp input tagged `firelens-healthcheck`, a record_modifier (Match *)
  adding ecs_cluster/ecs_task_arn/ecs_task_definition, `@INCLUDE` of our config file, and a null output for
  the health check (aws-samples/amazon-ecs-firelens-under-the-hood, generated-configs/fluent-bit/
  generated_by_firelens.conf; amazon-ecs-agent agent/taskresource/firelens/firelensconfig_unix.go). No
  Mem_Buf_Limit: that is what Fargate generates (the EC2 agent adds one since amazon-ecs-agent pull request
  4405; Fargate does not document it);
- our files at the paths the image has them (`image_files`, read from the COPY lines of fluentbit/Dockerfile,
  bound read-only: the router reads them byte for byte as shipped, nothing is injected into them);
- the log_router container's environment, memory reservation and the task's metadata, from the program itself
  evaluated offline for the dev stack (`router_task`);
- records as the awsfirelens (fluentd) log driver sends them (`forward_message`): forward protocol over the
  unix socket, tag `<container>-firelens-<task id>`, keys container_id, container_name, source, log, the time
  as an EventTime (sub-second precision), and a nil options element as Docker's driver sends it
  (plugins/in_forward/fw_prot.c accepts it for that reason);
- AWS: moto's server (`FakeAws`) behind TLS with a throw-away CA, answering for the real regional hostnames
  the outputs use by default (`firehose.<region>.amazonaws.com`, `logs.<region>.amazonaws.com`).

Two engines:
- `BinaryEngine` (default; `FLUENT_BIT` overrides the path, `DEFAULT_BINARY` is ../shared/tools/fluent-bit/
  fluent-bit from the project root): the AWS build of Fluent Bit 1.9.10 that aws-for-fluent-bit 2.x runs.
  As root, tests/support/router_sandbox.py starts it in a private mount and network namespace (`unshare --mount
  --net`), chrooted into a root with the container's layout: /fluent-bit/etc (the generated config and our
  files), /var/fluent-bit/state (the task-storage volume), /var/run (the socket directory FireLens binds
  into the container), /etc/hosts pointing the AWS hostnames at a loopback address of the test's own, and
  /etc/ssl/certs/ca-bundle.crt holding only the test CA. Why these and not settings in our config:
  * TLS: 1.9.10's outputs verify certificates and, without `tls.ca_file`, load /etc/ssl/certs/ca-bundle.crt
    and /etc/ssl/certs/ (src/tls/openssl.c, load_system_certificates); they never read SSL_CERT_FILE. So the
    CA file is bound at that path instead of adding `tls.ca_file` to our outputs.
  * Endpoints: `kinesis_firehose` ignores `port` and always connects to 443 of its endpoint (measured, see
    ../shared/tools/fluent-bit/README.md), so the fake answers on port 443 of the real hostnames, resolved
    through /etc/hosts (c-ares reads it), instead of adding `endpoint` to our outputs.
  * The network namespace gives the router its own 24224, 2020 and 8877, so concurrent runs (other
    worktrees, parallel suites) never collide, and it cannot reach anything but the fake. The listening
    socket of the fake is opened inside that namespace and passed back over a unix socket.
  * 1.9's cloudwatch_logs looks for the `x-amzn-RequestId` header case-sensitively and treats every
    PutLogEvents as failed without it; moto answers `x-amzn-requestid`, so the fake renames the header.
- Failures (`Fault`, `FakeAws.fail`): the fake answers an API action with an AWS error of the JSON protocol
  (`__type` and `message`, what 1.9.10's outputs parse: src/aws/flb_aws_util.c, flb_aws_error and
  flb_aws_print_error) or, for PutRecordBatch, with Firehose's partial failure (HTTP 200, FailedPutCount > 0,
  ErrorCode/ErrorMessage per record), for a number of calls or until cleared, instead of moto; or stops serving,
  so that the router's connections are refused.
- `DockerEngine` (`FLUENT_BIT_IMAGE=<image built from fluentbit/>`, used by the GitHub checks): the image
  runs as the task runs it: user 0, read-only root, the generated config bound at
  /fluent-bit/etc/fluent-bit.conf (where FireLens writes it), the same /var/run, state and CA mounts,
  `--add-host` for the AWS hostnames and the host network to reach the fake.

Without an engine, `engine_or_skip_reason` returns why, and the tests are skipped with that reason. When
`FLUENT_BIT` or `FLUENT_BIT_IMAGE` is set explicitly (as .ci/run and the checks workflow do) and does not
work, that is an error, never a skip.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol

from components.service.httpd import STATE_PATH
from offline.harness import PROJECT_DIR, Evaluation, RecordedResource

FLUENTBIT_DIR = PROJECT_DIR / "fluentbit"
DEFAULT_BINARY = PROJECT_DIR.parent / "shared" / "tools" / "fluent-bit" / "fluent-bit"
BINARY_ENV = "FLUENT_BIT"
IMAGE_ENV = "FLUENT_BIT_IMAGE"
MAIN_CONFIG = "/fluent-bit/etc/fluent-bit.conf"  # where FireLens writes the generated config
SOCKET_DIR = "/var/run"  # FireLens binds the task's socket directory here
SOCKET_PATH = f"{SOCKET_DIR}/fluent.sock"
CA_BUNDLE = "/etc/ssl/certs/ca-bundle.crt"  # what 1.9.10 loads when an output sets no tls.ca_file
ACCOUNT = "123456789012"  # moto's default account, the one the offline mocks use too
HTTPS_PORT = 443
SANDBOX = Path(__file__).with_name("router_sandbox.py")
# What the router's container gets from outside its image, and how; the sandbox's root and DockerEngine both
# provide exactly these (the image provides our files).
CONTAINER_MOUNTS = {MAIN_CONFIG: ":ro", SOCKET_DIR: "", STATE_PATH: "", CA_BUNDLE: ":ro"}


# --- what the program and the image say ------------------------------------------------------------------


@dataclass(frozen=True)
class RouterTask:
    """The parts of the dev stack's task the router sees."""

    environment: dict[str, str]  # the log_router container definition's `environment`
    memory_reservation_mib: int
    cluster: str
    task_definition: str  # family:revision, as FireLens writes it
    app_container: str
    archive_bucket: str
    archive_prefix: str
    task_id: str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

    @property
    def region(self) -> str:
        return self.environment["AWS_REGION"]

    @property
    def task_arn(self) -> str:
        return f"arn:aws:ecs:{self.region}:{ACCOUNT}:task/{self.cluster}/{self.task_id}"

    def tag_of(self, container: str) -> str:
        """The tag FireLens gives the records of a container of this task that uses the awsfirelens driver."""
        return f"{container}-firelens-{self.task_id}"

    def container_id(self, container: str) -> str:
        """The runtime's id of a container of this task, as the log driver reports it (made up, but unique)."""
        return f"{self.task_id}-{zlib.crc32(container.encode())}"

    @property
    def metadata(self) -> dict[str, str]:
        """What FireLens's record_modifier adds to every record."""
        return {
            "ecs_cluster": self.cluster,
            "ecs_task_arn": self.task_arn,
            "ecs_task_definition": self.task_definition,
        }


def router_task(ev: Evaluation, app_container: str | None = None) -> RouterTask:
    """Read the router's environment, memory reservation and the task's metadata from an evaluated program: the
    task whose app container is `app_container` (default: the stack's httpd)."""
    from components.service.httpd import APP_CONTAINER, ROUTER_CONTAINER

    app_container = app_container or APP_CONTAINER

    def containers_of(definition: RecordedResource) -> dict[str, dict[str, Any]]:
        return {c["name"]: c for c in json.loads(definition.inputs["containerDefinitions"])}

    definitions = ev.of_type("aws:ecs/taskDefinition:TaskDefinition")
    task_definition = next(d for d in definitions if app_container in containers_of(d))
    containers = containers_of(task_definition)
    router = containers[ROUTER_CONTAINER]
    (cluster,) = ev.of_type("aws:ecs/cluster:Cluster")
    environment = {e["name"]: e["value"] for e in router["environment"]}
    stream = next(
        r
        for r in ev.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
        if r.state["name"] == environment["DELIVERY_STREAM"]
    )
    s3 = stream.inputs["extendedS3Configuration"]
    return RouterTask(
        environment=environment,
        memory_reservation_mib=int(router["memoryReservation"]),
        cluster=cluster.state["name"],
        task_definition=f"{task_definition.state['family']}:{task_definition.state['revision']}",
        app_container=app_container,
        archive_bucket=s3["bucketArn"].split(":::", 1)[1],
        archive_prefix=s3.get("prefix", ""),
    )


def image_files(dockerfile: Path = FLUENTBIT_DIR / "Dockerfile") -> dict[str, Path]:
    """Image path -> file in fluentbit/, from the Dockerfile's `COPY <file> <path>` lines."""
    files: dict[str, Path] = {}
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if not words or words[0].upper() not in {"COPY", "ADD"}:
            continue
        if len(words) != 3 or words[1].startswith("--") or words[0].upper() == "ADD":
            raise ValueError(f"{dockerfile.name}: only `COPY <file> <absolute path>` is understood: {line!r}")
        source, target = dockerfile.parent / words[1], words[2]
        if not source.is_file() or not target.startswith("/") or target.endswith("/"):
            raise ValueError(f"{dockerfile.name}: {line!r} does not copy one file to an absolute file path")
        files[target] = source
    return files


def firelens_config(task: RouterTask, include: str) -> str:
    """The main config FireLens generates for this task on Fargate, including `include` (our config file)."""
    metadata = "\n".join(f"    Record {key} {value}" for key, value in task.metadata.items())
    return f"""[INPUT]
    Name forward
    unix_path {SOCKET_PATH}

[INPUT]
    Name forward
    Listen 0.0.0.0
    Port 24224

[INPUT]
    Name tcp
    Tag firelens-healthcheck
    Listen 127.0.0.1
    Port 8877

[FILTER]
    Name record_modifier
    Match *
{metadata}

@INCLUDE {include}

[OUTPUT]
    Name null
    Match firelens-healthcheck
"""


# --- records as the awsfirelens log driver sends them ----------------------------------------------------


def _msgpack(value: Any) -> bytes:
    """The msgpack encoding of the few types the driver sends: str, dict, list, None, EventTime."""
    if value is None:
        return b"\xc0"
    if isinstance(value, EventTime):
        return b"\xd7\x00" + struct.pack(">II", value.seconds, value.nanoseconds)
    if isinstance(value, str):
        raw = value.encode()
        size = len(raw)
        if size < 32:
            return bytes([0xA0 | size]) + raw
        if size < 1 << 8:
            return b"\xd9" + bytes([size]) + raw
        if size < 1 << 16:
            return b"\xda" + struct.pack(">H", size) + raw
        return b"\xdb" + struct.pack(">I", size) + raw
    if isinstance(value, dict):
        if len(value) >= 16:
            raise ValueError("maps of 16 entries or more are not needed")
        return bytes([0x80 | len(value)]) + b"".join(_msgpack(k) + _msgpack(v) for k, v in value.items())
    if isinstance(value, list):
        if len(value) >= 16:
            raise ValueError("arrays of 16 entries or more are not needed")
        return bytes([0x90 | len(value)]) + b"".join(_msgpack(item) for item in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


@dataclass(frozen=True)
class EventTime:
    """Fluentd's EventTime (msgpack ext type 0): what the driver sends with sub-second precision on."""

    seconds: int
    nanoseconds: int

    @classmethod
    def of(cls, when: float) -> EventTime:
        seconds = int(when)
        return cls(seconds, round((when - seconds) * 1e9) % 1_000_000_000)


def firelens_record(task: RouterTask, line: str, source: str = "stdout", container: str = "") -> dict[str, str]:
    """The record the driver sends for one line a container (default: the app container) wrote."""
    name = container or task.app_container
    return {
        "container_id": task.container_id(name),
        "container_name": f"/ecs-{task.task_definition.replace(':', '-')}-{name}-a4eafbb3d4c7f1e1",
        "source": source,
        "log": line,
    }


def forward_message(tag: str, when: float, record: dict[str, str]) -> bytes:
    """One forward-protocol message, [tag, time, record, options] with nil options, as Docker's driver sends."""
    return _msgpack([tag, EventTime.of(when), record, None])


def encode_lines(
    task: RouterTask, lines: Iterable[tuple[str, str]], when: float | None = None, container: str = ""
) -> bytes:
    """(line, source) pairs as the log driver of `container` (default: the app container) sends them,
    stamped `when` (default: now)."""
    now = time.time() if when is None else when
    tag = task.tag_of(container or task.app_container)
    return b"".join(forward_message(tag, now, firelens_record(task, line, source, container)) for line, source in lines)


class ForwardConnection:
    """A connection to the router's forward input on its unix socket, as the log driver holds one."""

    def __init__(self, path: Path, timeout: float = 60.0) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._socket.connect(str(path))
                return
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def send(self, data: bytes) -> None:
        self._socket.sendall(data)

    def finish(self, timeout: float = 60.0) -> None:
        """Close our side and wait until the router closed its own: it has then read, filtered and buffered
        every record sent (the forward input processes what it reads before it sees the end of stream)."""
        self._socket.shutdown(socket.SHUT_WR)
        self._socket.settimeout(timeout)
        while self._socket.recv(4096):
            pass
        self._socket.close()

    def close(self) -> None:
        self._socket.close()


# --- a throw-away CA and the fake AWS ---------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca: Path
    certificate: Path
    key: Path


def make_certificates(directory: Path, hostnames: Iterable[str]) -> Certificates:
    """A CA made for this run only, and a server certificate it signs for `hostnames`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "router test CA (throw-away)")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = list(hostnames)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    paths.ca.write_bytes(ca.public_bytes(pem))
    paths.certificate.write_bytes(certificate.public_bytes(pem))
    paths.key.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


def aws_hostnames(region: str) -> list[str]:
    """The endpoints 1.9.10's kinesis_firehose and cloudwatch_logs call when no `endpoint` is set."""
    return [f"firehose.{region}.amazonaws.com", f"logs.{region}.amazonaws.com"]


@dataclass(frozen=True)
class Call:
    """One PutRecordBatch, PutLogEvents or CreateLogStream the router made, as the fake received it."""

    action: str
    body: dict[str, Any]
    status: int
    at: float
    fault: str = ""  # the name of the Fault the fake answered with instead of moto, if any


@dataclass(frozen=True)
class Fault:
    """What the fake answers an API action instead of moto: an HTTP status and a body made from the request.

    Build one with `Fault.error` (an AWS error of the JSON protocol), `Fault.partial_failure` (PutRecordBatch's
    HTTP 200 with failed records) or `Fault.unparsable` (a body that is no AWS answer). Nothing a faulted call
    carries is stored."""

    name: str
    status: int
    answer: Callable[[dict[str, Any]], bytes]
    content_type: str = "application/x-amz-json-1.1"

    @classmethod
    def error(cls, status: int, code: str, message: str) -> Fault:
        """An error as the JSON-protocol services (Firehose, CloudWatch Logs) return it: `__type` names the
        error shape of botocore's service model, `message` says why."""
        body = json.dumps({"__type": code, "message": message}).encode()
        return cls(f"{status} {code}", status, lambda _: body)

    @classmethod
    def partial_failure(
        cls, every: int = 2, code: str = "ServiceUnavailableException", message: str = "Slow down."
    ) -> Fault:
        """PutRecordBatch's answer when some records failed (the Firehose API reference, PutRecordBatch: HTTP 200,
        `FailedPutCount` > 0, and in `RequestResponses`, in request order, a `RecordId` for each record taken and
        `ErrorCode`/`ErrorMessage` for each failed one, the code being ServiceUnavailableException or
        InternalFailure). Every `every`-th record fails (1: all of them), starting with the first."""

        def answer(request: dict[str, Any]) -> bytes:
            responses: list[dict[str, str]] = [
                {"ErrorCode": code, "ErrorMessage": message}
                if n % every == 0
                else {"RecordId": secrets.token_urlsafe(48)}
                for n in range(len(request.get("Records", [])))
            ]
            failed = sum("ErrorCode" in r for r in responses)
            return json.dumps({"FailedPutCount": failed, "Encrypted": False, "RequestResponses": responses}).encode()

        return cls(f"200 FailedPutCount > 0 ({code}, 1 record in {every})", 200, answer)

    @classmethod
    def unparsable(cls, status: int, text: str) -> Fault:
        """A body that is no AWS answer, as from something between the router and the service (a proxy's HTML
        error page)."""
        body = text.encode()
        return cls(f"{status} unparsable", status, lambda _: body, "text/html")


@dataclass
class _FaultPlan:
    fault: Fault
    remaining: int | None  # calls left to answer with the fault; None: until cleared


class FakeAws:
    """moto's server app behind TLS, with a wiretap of the router's calls, a switch to take AWS down and faults
    per API action.

    Setup and read-back go through boto3 under `moto.mock_aws`, which shares its backends with the server
    app in this process. While `down` is set, every request gets 503 ServiceUnavailable, as from an outage.
    `fail(action, fault)` answers that action (e.g. "PutRecordBatch", "PutLogEvents", "CreateLogStream") with
    the fault instead, for `times` calls or until `clear(action)`; `stop_serving()` makes AWS unreachable.
    """

    def __init__(self, region: str, certificates: Certificates) -> None:
        from moto import mock_aws
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.region = region
        self.certificates = certificates
        self.down = threading.Event()
        self.calls: list[Call] = []
        self._faults: dict[str, _FaultPlan] = {}
        self._lock = threading.Lock()
        self._mock = mock_aws()
        self._mock.start()
        self._app = DomainDispatcherApplication(create_backend_app)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- serving ------------------------------------------------------------------------------------------

    def serve(self, listener: socket.socket) -> None:
        """Serve on an already listening socket (opened inside the router's network namespace, or here)."""
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificates.certificate, self.certificates.key)
        host, port = listener.getsockname()[:2]
        self._server = make_server(
            host,
            port,
            self._wsgi,
            threaded=True,
            request_handler=_QuietHandler(MotoRequestHandler),
            ssl_context=context,
            fd=listener.fileno(),
        )
        listener.close()  # the server holds its own duplicate
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        action = target.rsplit(".", 1)[-1]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # consumed here, read again by moto
        if self.down.is_set():
            self._record(action, body, 503)
            payload = json.dumps({"__type": "ServiceUnavailableException", "message": "test outage"}).encode()
            start_response("503 Service Unavailable", [("Content-Type", "application/x-amz-json-1.1")])
            return [payload]
        fault = self._take_fault(action)
        if fault is not None:
            answer = fault.answer(json.loads(body or b"{}"))
            self._record(action, body, fault.status, fault.name)
            headers = [("Content-Type", fault.content_type), ("x-amzn-RequestId", str(uuid.uuid4()))]
            start_response(f"{fault.status} {HTTPStatus(fault.status).phrase}", headers)
            return [answer]
        status: list[int] = []

        def respond(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(int(status_line.split()[0]))
            # 1.9's cloudwatch_logs reads x-amzn-RequestId case-sensitively; moto writes it in lower case.
            renamed = [("x-amzn-RequestId" if k.lower() == "x-amzn-requestid" else k, v) for k, v in headers]
            return start_response(status_line, renamed, exc_info)

        result = list(self._app(environ, respond))
        self._record(action, body, status[0] if status else 0)
        return result

    def _record(self, action: str, body: bytes, status: int, fault: str = "") -> None:
        if action in {"PutRecordBatch", "PutLogEvents", "CreateLogStream"}:
            with self._lock:
                self.calls.append(Call(action, json.loads(body or b"{}"), status, time.monotonic(), fault))

    # -- faults -------------------------------------------------------------------------------------------

    def fail(self, action: str, fault: Fault, times: int | None = None) -> None:
        """Answer `action` with `fault` for the next `times` calls (None: until `clear`)."""
        with self._lock:
            self._faults[action] = _FaultPlan(fault, times)

    def clear(self, action: str | None = None) -> None:
        """Let moto answer `action` again (None: every action)."""
        with self._lock:
            if action is None:
                self._faults.clear()
            else:
                self._faults.pop(action, None)

    def _take_fault(self, action: str) -> Fault | None:
        with self._lock:
            plan = self._faults.get(action)
            if plan is None:
                return None
            if plan.remaining is not None:
                plan.remaining -= 1
                if plan.remaining <= 0:
                    del self._faults[action]
            return plan.fault

    def stop_serving(self) -> None:
        """Close the listening socket: from now on the router's connections are refused, as when AWS cannot be
        reached. There is no way back within the run."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self.stop_serving()
        self._mock.stop()

    # -- AWS through boto3 ------------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=self.region)

    def create_destinations(self, task: RouterTask) -> None:
        """The bucket, delivery stream and log group the stack creates, with the names the router is given."""
        s3 = self.client("s3")
        s3.create_bucket(Bucket=task.archive_bucket, CreateBucketConfiguration={"LocationConstraint": self.region})
        self.client("firehose").create_delivery_stream(
            DeliveryStreamName=task.environment["DELIVERY_STREAM"],
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose",
                "BucketARN": f"arn:aws:s3:::{task.archive_bucket}",
                "Prefix": task.archive_prefix,
            },
        )
        self.client("logs").create_log_group(logGroupName=task.environment["APP_LOG_GROUP"])

    def firehose_records(self) -> list[bytes]:
        """Every record of every PutRecordBatch the fake accepted, as bytes, in order."""
        import base64

        with self._lock:
            calls = [c for c in self.calls if c.action == "PutRecordBatch" and c.status == 200 and not c.fault]
        return [base64.b64decode(r["Data"]) for c in calls for r in c.body["Records"]]

    def archived(self, task: RouterTask) -> list[dict[str, Any]]:
        """What the archive holds: every line of every object Firehose wrote to the bucket, parsed."""
        s3 = self.client("s3")
        lines: list[dict[str, Any]] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=task.archive_bucket):
            for item in page.get("Contents", []):
                data = s3.get_object(Bucket=task.archive_bucket, Key=item["Key"])["Body"].read()
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                lines.extend(json.loads(line, object_pairs_hook=_no_duplicate_keys) for line in data.splitlines())
        return lines

    def cloudwatch(self, task: RouterTask) -> dict[str, list[dict[str, Any]]]:
        """Each stream of the app log group with its events' messages parsed."""
        logs = self.client("logs")
        group = task.environment["APP_LOG_GROUP"]
        streams: dict[str, list[dict[str, Any]]] = {}
        for stream in logs.describe_log_streams(logGroupName=group)["logStreams"]:
            name = stream["logStreamName"]
            events = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True)["events"]
            streams[name] = [json.loads(e["message"], object_pairs_hook=_no_duplicate_keys) for e in events]
        return streams


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise ValueError(f"keys sent more than once: {duplicated}")
    return dict(pairs)


def _QuietHandler(base: type) -> type:  # noqa: N802 - a class factory
    """moto's request handler without the per-request access log line on stderr."""

    class Quiet(base):  # type: ignore[misc]
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    return Quiet


# --- engines ---------------------------------------------------------------------------------------------


class RouterProcess(Protocol):
    @property
    def pid(self) -> int:
        """The Fluent Bit process in this machine's /proc, for memory readings."""
        ...

    def signal(self, signum: int) -> None: ...

    def wait(self, timeout: float) -> int: ...

    def logs(self) -> str: ...

    def kill(self) -> None: ...


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    def start(
        self, root: Path, task: RouterTask, environment: dict[str, str], fake: FakeAws, address: str
    ) -> RouterProcess: ...


@dataclass
class _Subprocess:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@dataclass(frozen=True)
class BinaryEngine:
    """The Fluent Bit binary, in its own mount and network namespace, chrooted (tests/support/router_sandbox.py)."""

    binary: Path
    wrapper: tuple[str, ...] = ()  # a command to run Fluent Bit under, e.g. valgrind (scripts/benchmark.py)
    name: str = "binary"

    def start(
        self, root: Path, task: RouterTask, environment: dict[str, str], fake: FakeAws, address: str
    ) -> RouterProcess:
        mounts = root / "mounts"
        mounts.write_text(mounts.read_text() + f"{self.binary.resolve()} /fluent-bit/bin/fluent-bit\n")
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        log_path = root.parent / "router.log"
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **environment}
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    *("unshare", "--mount", "--net", "--propagation", "private", sys.executable, str(SANDBOX)),
                    *(str(root), str(child.fileno()), address, str(HTTPS_PORT), *self.wrapper),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[child.fileno()],
            )
        child.close()
        parent.settimeout(20)
        try:
            _, fds, _, _ = socket.recv_fds(parent, 16, 1)
        except (TimeoutError, OSError) as error:
            process.kill()
            raise RuntimeError(f"the sandbox did not start: {log_path.read_text(errors='replace')}") from error
        finally:
            parent.close()
        if not fds:
            process.kill()
            raise RuntimeError(f"the sandbox did not start: {log_path.read_text(errors='replace')}")
        fake.serve(socket.socket(fileno=fds[0]))
        return _Subprocess(process, log_path)


@dataclass
class _Container:
    name: str
    pid: int

    def signal(self, signum: int) -> None:
        subprocess.run(["docker", "kill", "--signal", signal.Signals(signum).name, self.name], check=True)

    def wait(self, timeout: float) -> int:
        result = subprocess.run(["docker", "wait", self.name], capture_output=True, text=True, timeout=timeout)
        return int(result.stdout.strip() or "-1")

    def logs(self) -> str:
        result = subprocess.run(["docker", "logs", self.name], capture_output=True, text=True)
        return result.stdout + result.stderr

    def kill(self) -> None:
        subprocess.run(["docker", "rm", "--force", self.name], capture_output=True)


@dataclass(frozen=True)
class DockerEngine:
    """The image built from fluentbit/, run the way ECS runs the task's log_router container."""

    image: str
    name: str = "docker"

    def start(
        self, root: Path, task: RouterTask, environment: dict[str, str], fake: FakeAws, address: str
    ) -> RouterProcess:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, HTTPS_PORT))
        listener.listen(128)
        fake.serve(listener)
        name = f"router-test-{secrets.token_hex(4)}"
        run = subprocess.run(self.run_command(name, root, task, environment, address), capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"docker run {self.image} failed: {run.stderr}")
        inspect = ["docker", "inspect", "--format", "{{.State.Pid}}", name]
        pid = subprocess.run(inspect, check=True, capture_output=True, text=True).stdout.strip()
        return _Container(name, int(pid))

    def run_command(
        self, name: str, root: Path, task: RouterTask, environment: dict[str, str], address: str
    ) -> list[str]:
        """`docker run` of the image as ECS runs the log_router container: user 0, read-only root, the memory
        reservation, FireLens's config and socket directory bound in, the state volume; plus the test's CA,
        the AWS hostnames and the host network, to reach the fake AWS."""
        command = ["docker", "run", "--detach", "--name", name, "--user", "0", "--read-only", "--network", "host"]
        command += [f"--memory-reservation={task.memory_reservation_mib}m"]
        for path, mode in CONTAINER_MOUNTS.items():
            command += ["--volume", f"{root / path.lstrip('/')}:{path}{mode}"]
        for hostname in aws_hostnames(task.region):
            command += ["--add-host", f"{hostname}:{address}"]
        for key, value in environment.items():
            command += ["--env", f"{key}={value}"]
        return [*command, self.image]


def engine_or_skip_reason() -> Engine | str:
    """The engine to run the router in, or why there is none (the tests are then skipped with it).

    An explicitly configured engine that does not work raises instead: a CI run must never skip silently."""
    image = os.environ.get(IMAGE_ENV)
    if image:
        if shutil.which("docker") is None:
            raise RuntimeError(f"{IMAGE_ENV}={image} is set but there is no docker command")
        return DockerEngine(image)
    configured = os.environ.get(BINARY_ENV)
    binary = Path(configured) if configured else DEFAULT_BINARY
    problem = _binary_problem(binary)
    if problem and configured:
        raise RuntimeError(f"{BINARY_ENV}={configured}: {problem}")
    return problem or BinaryEngine(binary)


def _binary_problem(binary: Path) -> str | None:
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        return f"no Fluent Bit binary at {binary} (set {BINARY_ENV} or {IMAGE_ENV})"
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "running the Fluent Bit binary needs root and unshare (private mount and network namespace)"
    return None


# --- one router run --------------------------------------------------------------------------------------


@dataclass
class RouterRun:
    """A router started for a test: send records, stop it, read its memory use and its log."""

    task: RouterTask
    process: RouterProcess
    socket_path: Path

    def connect(self, timeout: float = 60.0) -> ForwardConnection:
        return ForwardConnection(self.socket_path, timeout)

    def send_lines(self, lines: Iterable[tuple[str, str]], when: float | None = None, container: str = "") -> None:
        """Send (line, source) pairs on one connection and wait until the router has taken them all in."""
        connection = self.connect()
        connection.send(self.encode(lines, when, container))
        connection.finish()

    def encode(self, lines: Iterable[tuple[str, str]], when: float | None = None, container: str = "") -> bytes:
        return encode_lines(self.task, lines, when, container)

    def memory_kib(self) -> tuple[int, int]:
        """(current, peak) resident set size of the Fluent Bit process, in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
        return int(values["VmRSS"]), int(values["VmHWM"])

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 40.0) -> int:
        self.process.signal(signum)
        return self.process.wait(timeout)

    def logs(self) -> str:
        return self.process.logs()


def prepare_root(
    root: Path,
    task: RouterTask,
    certificates: Certificates,
    address: str,
    config_files: dict[str, Path],
    main_config: str,
) -> None:
    """The container's filesystem as FireLens and the image give it (files the sandbox binds are listed in
    `mounts`): the generated main config, our files, the socket directory, the state volume, hosts, CA."""
    main = root / MAIN_CONFIG.lstrip("/")
    main.parent.mkdir(parents=True)
    main.write_text(main_config)
    (root / SOCKET_DIR.lstrip("/")).mkdir(parents=True)
    (root / STATE_PATH.lstrip("/")).mkdir(parents=True)
    (root / CA_BUNDLE.lstrip("/")).parent.mkdir(parents=True)
    (root / "etc/hosts").write_text(
        "127.0.0.1 localhost\n" + "".join(f"{address} {name}\n" for name in aws_hostnames(task.region))
    )
    shutil.copyfile(certificates.ca, root / CA_BUNDLE.lstrip("/"))
    (root / "mounts").write_text("".join(f"{source} {target}\n" for target, source in config_files.items()))


def private_address() -> str:
    """A loopback address of this test's own, so that concurrent runs never share one."""
    return f"127.{secrets.randbelow(250) + 2}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


@contextlib.contextmanager
def running_router(
    engine: Engine,
    task: RouterTask,
    workdir: Path,
    config_files: dict[str, Path] | None = None,
    main_config: str | None = None,
) -> Iterator[tuple[RouterRun, FakeAws]]:
    """Start the router with `config_files` (image path -> file; default: fluentbit/ as the Dockerfile
    copies it) and `main_config` (default: what FireLens generates, including our config file) against a
    fresh fake AWS holding the stack's destinations; kill whatever is left at the end."""
    from components.service.httpd import ROUTER_CONFIG_FILE

    address = private_address()
    workdir.mkdir(parents=True, exist_ok=True)
    certificates = make_certificates(workdir, aws_hostnames(task.region))
    fake = FakeAws(task.region, certificates)
    root = workdir / "root"
    try:
        fake.create_destinations(task)
        main = main_config if main_config is not None else firelens_config(task, ROUTER_CONFIG_FILE)
        prepare_root(root, task, certificates, address, config_files or image_files(), main)
        environment = {
            **task.environment,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        process = engine.start(root, task, environment, fake, address)
        run = RouterRun(task, process, root / SOCKET_PATH.lstrip("/"))
        try:
            yield run, fake
        finally:
            process.kill()
    finally:
        fake.close()


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def access_line(path: str, status: int = 200, when: float | None = None) -> str:
    """An httpd access line in the common format, with the request time `when` (default: now)."""
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(time.time() if when is None else when))
    return f'10.0.1.23 - - [{stamp}] "GET {path} HTTP/1.1" {status} 512'


def shutdown_loss(
    engine: Engine, task: RouterTask, workdir: Path, delay: float, config_files: dict[str, Path] | None = None
) -> int:
    """How many of a burst of 300 access lines never reach Firehose when SIGTERM comes `delay` seconds after
    the last one was written, as when ECS stops the router right after the app container exited.

    The connection is opened first and kept, as the log driver holds one for the container's life."""
    burst = 300
    with running_router(engine, task, workdir, config_files) as (run, fake):
        connection = run.connect()
        time.sleep(0.5)  # the router has accepted the connection, as the driver's long before the burst
        connection.send(run.encode((access_line(f"/burst/{n}"), "stdout") for n in range(burst)))
        time.sleep(delay)
        run.stop()
        connection.close()
        delivered = {json.loads(record)["path"] for record in fake.firehose_records()}
    return burst - len(delivered & {f"/burst/{n}" for n in range(burst)})


def ingest_rate(
    engine: Engine,
    task: RouterTask,
    workdir: Path,
    payload: bytes,
    records: int,
    config_files: dict[str, Path] | None = None,
    main_config: str | None = None,
) -> tuple[float, float]:
    """(records per second of wall time, records per CPU second of Fluent Bit) to take `payload` in: from the
    first byte sent until the router closed the connection, i.e. had read, filtered and buffered it all."""
    with running_router(engine, task, workdir, config_files, main_config) as (run, _):
        connection = run.connect()
        time.sleep(0.5)
        cpu_before, start = cpu_seconds(run.process.pid), time.perf_counter()
        connection.send(payload)
        connection.finish(timeout=600)
        wall, cpu = time.perf_counter() - start, cpu_seconds(run.process.pid) - cpu_before
    return records / wall, records / max(cpu, 1e-9)
