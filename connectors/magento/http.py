"""HTTP for the Magento 2 REST API: one session, timeouts, error mapping, bounded retries.

Magento answers errors as ``{"message": "... %1 ...", "parameters": [...]}`` (or named
``%fieldName`` placeholders with a dict). We substitute the parameters so the hub shows the
sentence a person can act on. The bearer token lives only in the session headers: it never
reaches a message, a log line or an exception.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.retrying import read_retrying, retry_after_header

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)
_PLACEHOLDER = re.compile(r"%(\w+)")


def message_render(body: Any) -> str:
    """Magento's error sentence with ``%1`` / ``%name`` replaced by its parameters."""
    if not isinstance(body, Mapping):
        return ""
    message = str(body.get("message", ""))
    parameters = body.get("parameters") or []
    if isinstance(parameters, list):
        lookup = {str(index + 1): value for index, value in enumerate(parameters)}
    elif isinstance(parameters, Mapping):
        lookup = {str(key): value for key, value in parameters.items()}
    else:
        lookup = {}

    def substitute(match: re.Match) -> str:
        key = match.group(1)
        return str(lookup[key]) if key in lookup else match.group(0)

    return _PLACEHOLDER.sub(substitute, message)


def retry_after_seconds(response: requests.Response) -> float | None:
    return retry_after_header(response.headers.get("Retry-After"))


def error_for(response: requests.Response, what: str) -> ConnectorError:
    """Map a non-2xx answer to the connector's error classes."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    message = message_render(body) or response.reason or "no message"
    text = f"Magento {what} failed ({status}): {message}"
    detail = response.text[:500]
    if status in (401, 403):
        return ConfigError(text, status=status, detail=detail)
    if status == 429 or status >= 500:
        return TransientError(
            text, status=status, detail=detail, retry_after=retry_after_seconds(response)
        )
    return PermanentError(text, status=status, detail=detail)


class MagentoHttp:
    """A thin REST caller bound to one store: ``/rest/<store_code>/V1/<path>``."""

    def __init__(
        self,
        *,
        base_url: str,
        store_code: str,
        token: str,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        read_attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_root = f"{base_url.rstrip('/')}/rest/{store_code}/V1"
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self._token = token
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.sleep = sleep

    def read(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET with bounded, jittered retries on transient failures."""
        retrying = read_retrying(attempts=self.read_attempts, sleep=self.sleep)
        return retrying(self.call, "GET", path, params=params)

    def write(self, method: str, path: str, body: Any = None) -> Any:
        """A single attempt: writes are never blindly repeated (the caller re-checks)."""
        return self.call(method, path, body=body)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        what = f"{method} {path}"
        url = f"{self.api_root}/{path.lstrip('/')}"
        logger.debug("magento %s", what)
        try:
            response = self.session.request(
                method, url, params=params, json=body, timeout=self.timeout
            )
        except requests.Timeout:
            raise TransientError(f"Magento {what} timed out") from None
        except requests.RequestException as error:
            kind = type(error).__name__
            raise TransientError(f"Magento {what} could not connect ({kind})") from None
        if response.status_code >= 300:
            raise self._scrubbed(error_for(response, what))
        return self._json(response, what)

    def _scrubbed(self, error: ConnectorError) -> ConnectorError:
        """Belt and braces: a server that echoes the token must not put it in our errors."""
        if self._token:
            error.message = error.message.replace(self._token, "***")
            error.detail = error.detail.replace(self._token, "***")
            error.args = (error.message,)
        return error

    @staticmethod
    def _json(response: requests.Response, what: str) -> Any:
        if not response.content:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            raise TransientError(
                f"Magento {what} answered with a body that is not JSON",
                status=response.status_code,
                detail=response.text[:200],
            ) from None
