"""AWS clients for ops, from boto3's usual credential and region chain (AWS_ENDPOINT_URL included), in the
stack's region, and the one check that they can reach AWS at all.

`preflight()` turns the two ways nothing can work (no credentials, no endpoint) into one line, before any check
runs; a failure of one call later belongs to the check that made it.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

# Quick to give up on a dead endpoint; retries of throttled calls are boto3's standard mode.
CLIENT_CONFIG = Config(connect_timeout=10, read_timeout=30, retries={"mode": "standard", "max_attempts": 5})
# The first call only asks whether AWS answers at all: one retry, so that an endpoint that refuses connections or
# never answers is reported after two attempts, not five with their backoff (up to a minute behind connect timeouts).
PREFLIGHT_CONFIG = CLIENT_CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": 2}))
AWS_ERRORS = (BotoCoreError, ClientError)


class AwsUnavailableError(Exception):
    """No call to AWS can succeed: one line saying why."""


class Aws:
    def __init__(self, region: str, session: boto3.Session | None = None) -> None:
        self.region = region
        self._session = session or boto3.Session(region_name=region)
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, region_name=self.region, config=CLIENT_CONFIG)
        return self._clients[service]

    def preflight(self) -> str:
        """The caller's identity ARN, or AwsUnavailableError."""
        try:
            sts = self._session.client("sts", region_name=self.region, config=PREFLIGHT_CONFIG)
            return str(sts.get_caller_identity()["Arn"])
        except NoCredentialsError:
            raise AwsUnavailableError(
                "no AWS credentials found (environment, profile, SSO or instance role): sign in, e.g. `aws sso login`"
            ) from None
        except EndpointConnectionError as error:
            endpoint = error.kwargs.get("endpoint_url", "its endpoint")
            raise AwsUnavailableError(f"cannot reach AWS at {endpoint}") from None
        except ClientError as error:
            raise AwsUnavailableError(f"AWS refused the credentials: {describe(error)}") from None
        except BotoCoreError as error:
            raise AwsUnavailableError(f"cannot call AWS: {error}") from None


def describe(error: Exception) -> str:
    """An AWS error in one line: the error code and message for a refused call, boto's text otherwise."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip()
    return str(error)
