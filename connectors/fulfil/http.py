"""HTTP for Fulfil on :class:`connectors.http.HttpClient`: the v2 model API, the v3 JSON-RPC API.

The base owns the session, timeouts, retries, Retry-After (seconds or HTTP-date) and scrubbing;
this module keeps only what is Fulfil's:

* Auth is the ``X-API-KEY`` header, set on the session only (messages are scrubbed too, in
  case Fulfil echoes it).
* Bodies use the official client's JSON encoding (fulfil_client 3.x serialization):
  ``{"__class__": "Decimal", "decimal": "12.50"}``, ``{"__class__": "date", "iso_string":
  "2026-11-22"}``; the older parts form (``year``, ``month``, ...) is read too.
* Every v2 call carries the user context as the ``context`` query parameter, like the official
  client: fetched once from ``res.user.get_preferences(True)`` unless the option gives it.
* v2 errors: ``{type: "UserError", message, description}``: the message with its description,
  ``code`` = ``type``; a 429/5xx message quotes ``X-Sentry-ID`` for Fulfil support.
* v3 errors: a JSON-RPC ``error`` (in a 2xx or not) is judged by its code, not the status:
  -32000/-32001 -> ConfigError, -32003 (rate limit) and -32603 -> TransientError,
  -32002/-32602 (and other codes) -> PermanentError.
* ``retry=False`` calls (creates) are sent once: the connector looks the sale up after any
  failed create. One that may have reached Fulfil raises OutcomeUnknownError.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.http import Call, HttpClient, parse_retry_after

logger = logging.getLogger(__name__)

RPC_AUTH_CODES = {-32000, -32001}
RPC_RATE_LIMITED = -32003
RPC_TRANSIENT_CODES = {RPC_RATE_LIMITED, -32603}


# --- Fulfil JSON (fulfil_client.serialization, 3.x) -----------------------------------------


def _encode(value: Any) -> Any:
    """The official client's encoding: dates and datetimes as ``iso_string`` objects.

    Datetimes go as naive UTC (Tryton stores naive UTC); the official client sends
    ``isoformat()`` of whatever it is given, and the hub only ever holds aware UTC.
    """
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return {"__class__": "datetime", "iso_string": naive.isoformat()}
    if isinstance(value, dt.date):
        return {"__class__": "date", "iso_string": value.isoformat()}
    raise TypeError(f"cannot encode {type(value).__name__}")


def _decode_datetime(obj: dict) -> dt.datetime:
    if obj.get("iso_string"):
        value = dt.datetime.fromisoformat(str(obj["iso_string"]).replace("Z", "+00:00"))
    else:
        parts = ("year", "month", "day", "hour", "minute", "second", "microsecond")
        value = dt.datetime(*(int(obj.get(k) or 0) for k in parts))
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _decode_date(obj: dict) -> dt.date:
    if obj.get("iso_string"):
        return dt.date.fromisoformat(str(obj["iso_string"])[:10])
    return dt.date(int(obj["year"]), int(obj["month"]), int(obj["day"]))


DECODERS: dict[str, Callable[[dict], Any]] = {
    "Decimal": lambda obj: Decimal(str(obj["decimal"])),
    "datetime": _decode_datetime,
    "date": _decode_date,
}


def _decode(obj: dict) -> Any:
    """Both forms the official client reads: ``iso_string`` (3.x) or the parts (2.x, Tryton)."""
    kind = obj.get("__class__")
    decoder = DECODERS.get(kind) if isinstance(kind, str) else None
    if decoder is None:
        return obj
    try:
        return decoder(obj)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise ValueError(f"bad Fulfil {kind} value: {error}") from None


def json_dumps(value: Any) -> str:
    """Fulfil JSON: Decimal, date and datetime as the official client's ``__class__`` objects."""
    return json.dumps(value, default=_encode, separators=(",", ":"))


def json_loads(raw: bytes | str) -> Any:
    """Parse Fulfil JSON: ``__class__`` objects decoded, numbers with a fraction as Decimal."""
    return json.loads(raw, object_hook=_decode, parse_float=Decimal)


# --- the caller ------------------------------------------------------------------------------


def _rpc_error_in(body: Any) -> dict | None:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


class FulfilHttp(HttpClient):
    """One configured connection to ``https://{subdomain}.fulfil.io``."""

    vendor = "Fulfil"
    retry_writes = False  # order_create looks the sale up after any failed create
    lookup_hint = "look the sale up by its reference"

    def __init__(
        self, *, base_url: str, api_key: str, context: dict | None, **options: Any
    ) -> None:
        """``context``: None = fetch it once; ``options`` go to :class:`HttpClient`."""
        super().__init__(secrets=(api_key,), logger=logger, **options)
        self.base_url = base_url.rstrip("/")
        self.session.headers.update({"X-API-KEY": api_key, "Accept": "application/json"})
        self._rpc_ids = itertools.count(1)
        self._context = context

    def __repr__(self) -> str:
        return f"FulfilHttp(base_url={self.base_url!r})"

    # --- public -------------------------------------------------------------------------

    def v2_get(self, model: str, params: list[tuple[str, str]]) -> Any:
        """``GET /api/v2/model/<model>`` (list), retried."""
        return self._v2("GET", f"/api/v2/model/{model}", [*params, self._context_param()])

    def v2_call(self, model: str, method: str, args: list, *, retry: bool = True) -> Any:
        """``PUT /api/v2/model/<model>/<method>`` with the positional args as a JSON array;
        ``retry=False``: sent once (a create)."""
        path = f"/api/v2/model/{model}/{method}"
        return self._v2("PUT", path, [self._context_param()], args, idempotent=retry)

    def context(self) -> dict:
        """The user context (company, language, timezone...) every v2 call carries.

        Fetched once like the official client (``Client.refresh_context``): Tryton reads the
        company and the user's defaults from it, e.g. a sale's required company.
        """
        if self._context is None:
            path = "/api/v2/model/res.user/get_preferences"
            found = self._v2("PUT", path, [("context", "{}")], [True])
            if not isinstance(found, dict):
                kind = type(found).__name__
                raise PermanentError(
                    f"Fulfil res.user.get_preferences answered a malformed body ({kind})"
                )
            self._context = found
        return self._context

    def rpc(self, method: str, params: dict, *, retry: bool = True) -> Any:
        """``POST /api/v3/jsonrpc`` with one JSON-RPC 2.0 call; returns its ``result``."""
        envelope = {"jsonrpc": "2.0", "id": next(self._rpc_ids), "method": method, "params": params}
        url = self.base_url + "/api/v3/jsonrpc"
        return self.send(
            Call("POST", url, method, json_body=envelope, idempotent=retry, expect="rpc")
        )

    # --- Fulfil's quirks on the base ----------------------------------------------------

    def decode(self, raw: bytes) -> Any:
        return json_loads(raw)

    def encode(self, value: Any) -> bytes:
        return json_dumps(value).encode()

    def success_body(self, call: Call, response: requests.Response) -> Any:
        """The body, or the JSON-RPC error it carries; ``expect="rpc"``: its ``result``."""
        body = super().success_body(call, response)
        error = _rpc_error_in(body)
        if error is not None:
            raise self.rpc_error(call, error, response)
        if call.expect != "rpc":
            return body
        if not isinstance(body, dict) or "result" not in body:
            raise self.transient(f"Fulfil {call.what}: the answer is not a JSON-RPC response")
        return body["result"]

    def error_for(self, call: Call, response: requests.Response) -> ConnectorError:
        error = _rpc_error_in(self.body_or_none(response))
        if error is not None:
            return self.rpc_error(call, error, response)
        return super().error_for(call, response)

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        """v2 ``message (description)`` and ``type``; a 429/5xx quotes ``X-Sentry-ID``."""
        body, status = self.body_or_none(response), response.status_code
        message, code = response.reason or "no message", ""
        if isinstance(body, dict):
            message = str(body.get("message") or message)
            description = str(body.get("description") or "")
            if description and description != message:
                message = f"{message} ({description})"
            code = str(body.get("type") or body.get("code") or "")
        sentry = response.headers.get("X-Sentry-ID", "")
        if sentry and (status == 429 or status >= 500):
            message += f" [X-Sentry-ID {sentry}]"
        return message, code

    def rpc_error(self, call: Call, error: dict, response: requests.Response) -> ConnectorError:
        """Map a JSON-RPC ``error`` object (v3) by its code to the shared error classes."""
        try:
            code = int(error.get("code"))
        except (TypeError, ValueError, OverflowError):
            code = -32603
        message = self.scrub(str(error.get("message") or "no message"))
        text = f"Fulfil {call.what} failed (JSON-RPC {code}): {message}"
        fields: dict[str, Any] = {"status": response.status_code, "code": str(code)}
        if code in RPC_AUTH_CODES:
            return ConfigError(text, **fields)
        if code in RPC_TRANSIENT_CODES:
            retry_after = self._rpc_retry_after(error, response)
            # a rate-limited call was refused before Fulfil did anything
            nothing_done = code == RPC_RATE_LIMITED
            return TransientError(
                text, retry_after=retry_after, nothing_done=nothing_done, **fields
            )
        return PermanentError(text, detail=message, **fields)

    # --- internals ----------------------------------------------------------------------

    def _v2(self, method: str, path: str, params: list, args: Any = None, **kw: Any) -> Any:
        url, what = self.base_url + path, f"{method} {path}"
        return self.send(Call(method, url, what, params=params, json_body=args, **kw))

    def _rpc_retry_after(self, error: dict, response: requests.Response) -> float | None:
        """``error.data.retry_after``, else the ``Retry-After`` header."""
        data = error.get("data") if isinstance(error.get("data"), dict) else {}
        header = str(data.get("retry_after") or "") or response.headers.get("Retry-After")
        return parse_retry_after(header, dt.datetime.fromtimestamp(self.clock(), dt.UTC))

    def _context_param(self) -> tuple[str, str]:
        return ("context", json_dumps(self.context()))
