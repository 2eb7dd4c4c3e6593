"""HTTP for SEKO iHub: one session, timeouts, the key as a query parameter, error mapping.

SEKO answers a refused business call with HTTP 200 and ``CallStatus.Success: false``; an
unknown key with 401 ``{"Message": "Authorization has been denied for this request."}``; an
unknown service with an IIS 404 page. The API key is a query parameter, so it is part of
every URL: we never put a URL, a ``requests`` exception text or an unscrubbed body into a
message, a log line or an exception.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.retrying import read_retrying, retry_after_header
from connectors.seko import contract

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)


def query_encode(params: Mapping[str, str]) -> str:
    """``a=1&b=x,y``: commas and tildes stay literal (SEKO's list separators; saves length)."""
    return "&".join(f"{quote(k, safe='')}={quote(str(v), safe=',~')}" for k, v in params.items())


def retry_after_seconds(response: requests.Response) -> float | None:
    return retry_after_header(response.headers.get("Retry-After"))


def call_status_text(body: Any) -> str:
    status = (body.get("Response") or {}).get("CallStatus") if isinstance(body, Mapping) else None
    if not isinstance(status, Mapping):
        return ""
    for key in contract.CALL_STATUS_TEXT_KEYS:
        if status.get(key):
            return str(status[key])
    return ""


def refusal_code(text: str) -> str:
    lowered = text.lower()
    if contract.NO_FREE_STOCK_MARKER in lowered:
        return "no_free_stock"
    if any(marker in lowered for marker in contract.DUPLICATE_MARKERS):
        return "duplicate"
    if any(marker in lowered for marker in contract.NOT_FOUND_MARKERS):
        return "not_found"
    return "rejected"


class SekoHttp:
    """Calls ``<source_url>/<service>/v1/<endpoint>?api_key=...`` and unwraps ``Response``."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        key_param: str = contract.KEY_PARAM,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        read_attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if key_param not in contract.KEY_PARAMS:
            raise ConfigError(f"SEKO key_param must be one of {', '.join(contract.KEY_PARAMS)}")
        self.api_root = base_url.rstrip("/")
        self._key = api_key
        self.key_param = key_param
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json"})
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.sleep = sleep

    def url_for(self, path: str, params: Mapping[str, str] | None = None) -> str:
        query = query_encode({**(params or {}), self.key_param: self._key})
        return f"{self.api_root}/{path.lstrip('/')}?{query}"

    def query_length(self, params: Mapping[str, str]) -> int:
        """Length of the query string SEKO will see for ``params`` (key included)."""
        return len(query_encode({**params, self.key_param: self._key}))

    def read(self, path: str, params: Mapping[str, str] | None = None) -> dict:
        """GET with bounded, jittered retries on transient failures (Retry-After honoured)."""
        retrying = read_retrying(attempts=self.read_attempts, sleep=self.sleep)
        return retrying(self.call, "GET", path, params=params)

    def echo(self, path: str) -> Any:
        """GET a service that answers a bare JSON body (echo has no ``Response.CallStatus``)."""
        return self.call("GET", path, envelope=False)

    def write(self, path: str, body: Any) -> dict:
        """One POST: never repeated blindly (the caller looks the order up instead)."""
        return self.call("POST", path, body=body)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        envelope: bool = True,
    ) -> Any:
        what = f"{method} {path.split('?')[0]}"
        logger.debug("seko %s", what)
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            response = self.session.request(
                method, self.url_for(path, params), data=data, headers=headers, timeout=self.timeout
            )
        except requests.Timeout:
            raise TransientError(f"SEKO {what} timed out") from None
        except requests.RequestException as error:
            kind = type(error).__name__
            raise TransientError(f"SEKO {what} could not connect ({kind})") from None
        if response.status_code >= 300:
            raise self._error_for(response, what)
        if not envelope:
            return self._json_of(response, what)
        return self._response_of(response, what)

    def scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def _error_for(self, response: requests.Response, what: str) -> ConnectorError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        message = ""
        if isinstance(body, Mapping):
            message = str(body.get("Message") or "") or call_status_text(body)
        text = self.scrub(f"SEKO {what} failed ({status}): {message or response.reason or '-'}")
        detail = self.scrub(response.text[:500])
        if status in (401, 403):
            return ConfigError(text, status=status, detail=detail)
        if status == 404:
            return ConfigError(
                f"{text}; check the source URL and service version", status=status, detail=detail
            )
        if status == 429 or status >= 500:
            retry_after = retry_after_seconds(response)
            return TransientError(text, status=status, detail=detail, retry_after=retry_after)
        return PermanentError(text, status=status, detail=detail)

    def _json_of(self, response: requests.Response, what: str, kind: str = "JSON") -> Any:
        try:
            return json.loads(response.content)
        except ValueError:
            raise self._malformed(response, what, kind) from None

    def _malformed(self, response: requests.Response, what: str, kind: str) -> TransientError:
        return TransientError(
            f"SEKO {what} answered with a body that is not {kind}",
            status=response.status_code,
            detail=self.scrub(response.text[:200]),
        )

    def _response_of(self, response: requests.Response, what: str) -> dict:
        body = self._json_of(response, what, "a SEKO response")
        inner = body.get("Response") if isinstance(body, Mapping) else None
        status = inner.get("CallStatus") if isinstance(inner, Mapping) else None
        if not isinstance(status, Mapping):
            raise self._malformed(response, what, "a SEKO response")
        if str(status.get("Success")).lower() != "true":
            text = self.scrub(call_status_text(body) or "refused without a message")
            code = refusal_code(text)
            raise PermanentError(
                f"SEKO {what} refused: {text}", status=response.status_code, detail=text, code=code
            )
        return dict(inner)
