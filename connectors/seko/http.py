"""HTTP for SEKO iHub on :class:`connectors.http.HttpClient`: only SEKO's quirks.

* The API key is a query parameter, so it is part of every URL: the URL is built here (commas
  and tildes literal, SEKO's list separators) and the key is scrubbed from every message.
* A refused business call is HTTP 200 with ``Response.CallStatus.Success: false``: a
  PermanentError whose ``code`` comes from SEKO's wording (``contract`` [Q7]).
* An unknown key is 401 ``{"Message": ...}``; an unknown service an IIS 404 page, which is a
  wrong URL or service version (ConfigError), never a missing record.
* Writes are single attempts: the order flow looks the order up by its GUID instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError
from connectors.http import Call, HttpClient
from connectors.seko import contract

logger = logging.getLogger(__name__)

ENVELOPE = "envelope"  # a Call.expect of SEKO's own: ``{"Response": {"CallStatus": ...}}``


def query_encode(params: Mapping[str, str]) -> str:
    """``a=1&b=x,y``: commas and tildes stay literal (SEKO's list separators; saves length)."""
    return "&".join(f"{quote(k, safe='')}={quote(str(v), safe=',~')}" for k, v in params.items())


def call_status(body: Any) -> Mapping | None:
    """``Response.CallStatus`` of SEKO's envelope; None when the body is not one."""
    inner = body.get("Response") if isinstance(body, Mapping) else None
    status = inner.get("CallStatus") if isinstance(inner, Mapping) else None
    return status if isinstance(status, Mapping) else None


def call_status_text(status: Mapping | None) -> str:
    for key in contract.CALL_STATUS_TEXT_KEYS:
        if status and status.get(key):
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


class SekoHttp(HttpClient):
    """Calls ``<source_url>/<service>/v1/<endpoint>?api_key=...`` and unwraps ``Response``."""

    vendor = "SEKO"
    retry_writes = False  # the order flow looks the order up after any failed submit
    lookup_hint = "look the order up by its GUID"
    decimal_numbers = False
    detail_is_body = True

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        key_param: str = contract.KEY_PARAM,
        read_attempts: int = 3,
        **options: Any,
    ) -> None:
        """``options``: ``session``, ``timeout``, ``sleep`` (see :class:`HttpClient`)."""
        if key_param not in contract.KEY_PARAMS:
            raise ConfigError(f"SEKO key_param must be one of {', '.join(contract.KEY_PARAMS)}")
        super().__init__(secrets=(api_key,), max_attempts=read_attempts, logger=logger, **options)
        self.api_root = base_url.rstrip("/")
        self.__key = api_key
        self.key_param = key_param
        self.session.headers.update({"Accept": "application/json"})

    def url_for(self, path: str, params: Mapping[str, str] | None = None) -> str:
        query = query_encode({**(params or {}), self.key_param: self.__key})
        return f"{self.api_root}/{path.lstrip('/')}?{query}"

    def query_length(self, params: Mapping[str, str]) -> int:
        """Length of the query string SEKO will see for ``params`` (key included)."""
        return len(query_encode({**params, self.key_param: self.__key}))

    def read(self, path: str, params: Mapping | None = None, *, expect: str = ENVELOPE) -> Any:
        """GET with bounded, jittered retries on transient failures (Retry-After honoured);
        ``expect="json"`` for a bare JSON body (echo has no ``Response.CallStatus``)."""
        return self.send(self._call("GET", path, params, expect=expect))

    def write(self, path: str, body: Any) -> dict:
        """One POST: never repeated blindly (the caller looks the order up instead)."""
        return self.send(self._call("POST", path, json_body=body, idempotent=False))

    def _call(self, method: str, path: str, params: Mapping | None = None, **kwargs: Any) -> Call:
        kwargs.setdefault("expect", ENVELOPE)
        return Call(method, self.url_for(path, params), f"{method} {path.split('?')[0]}", **kwargs)

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        body = self.body_or_none(response)
        message = str(body.get("Message") or "") if isinstance(body, Mapping) else ""
        return message or call_status_text(call_status(body)) or response.reason or "-", ""

    def error_for(self, call: Call, response: requests.Response) -> ConnectorError:
        error = super().error_for(call, response)
        if response.status_code != 404:
            return error
        hint = f"{error.message}; check the source URL and service version"
        return ConfigError(hint, status=404, detail=error.detail)

    def success_body(self, call: Call, response: requests.Response) -> Any:
        """``Response`` of SEKO's envelope; ``Success: false`` is a PermanentError."""
        if call.expect != ENVELOPE:
            return super().success_body(call, response)
        body = self.body_or_none(response)
        status = call_status(body)
        if status is None:
            raise self.transient(
                f"SEKO {call.what} answered with a body that is not a SEKO response",
                status=response.status_code,
                detail=response.text[:200],
            )
        if str(status.get("Success")).lower() != "true":
            text = self.scrub(call_status_text(status) or "refused without a message")
            raise PermanentError(
                f"SEKO {call.what} refused: {text}",
                status=response.status_code,
                detail=text,
                code=refusal_code(text),
            )
        return dict(body["Response"])
