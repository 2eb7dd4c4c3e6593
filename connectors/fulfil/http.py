"""HTTP for Fulfil: the v2 model API, the v3 JSON-RPC API, error mapping and bounded retries.

* Auth is the ``X-API-KEY`` header, set on the session only: the key never reaches a message,
  a log line or an exception (every message is scrubbed too, in case Fulfil echoes it).
* v2 bodies use the official client's JSON encoding (fulfil_client 3.x serialization):
  ``{"__class__": "Decimal", "decimal": "12.50"}``, ``{"__class__": "date", "iso_string":
  "2026-11-22"}``; the older parts form (``year``, ``month``, ...) is read too.
* Every v2 call carries the user context as the ``context`` query parameter, like the official
  client: fetched once from ``res.user.get_preferences(True)`` unless the option gives it.
* v2 errors: 400 ``{type: "UserError", message, description}`` -> PermanentError; 401/403 ->
  ConfigError; 429 -> TransientError(retry_after); 5xx -> TransientError with ``X-Sentry-ID``.
* v3 errors: JSON-RPC ``error.code`` -32000/-32001 -> ConfigError, -32003 -> TransientError,
  -32002/-32602 (and other client codes) -> PermanentError, -32603 -> TransientError.
* Reads are retried (tenacity, jittered exponential backoff, Retry-After honoured up to
  ``max_wait_seconds``); writes are sent once, the caller re-checks before resending.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, stop_after_attempt, wait_random_exponential

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)
RPC_AUTH_CODES = {-32000, -32001}
RPC_TRANSIENT_CODES = {-32003, -32603}


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


# --- errors --------------------------------------------------------------------------------


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _body(response: requests.Response) -> Any:
    try:
        return json_loads(response.content or b"null")
    except ValueError:
        return None


def http_error(response: requests.Response, what: str) -> ConnectorError:
    """Map a non-2xx answer (v2 or v3) to the shared error classes."""
    status = response.status_code
    body = _body(response)
    rpc_error = body.get("error") if isinstance(body, dict) else None
    if isinstance(rpc_error, dict):
        return rpc_error_for(rpc_error, what, response)
    message, code = _v2_message(body, response)
    text = f"Fulfil {what} failed ({status}): {message}"
    if status == 429 or status >= 500:
        sentry = response.headers.get("X-Sentry-ID", "")
        if sentry:
            text += f" [X-Sentry-ID {sentry}]"
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return TransientError(text, status=status, retry_after=retry_after, code=code)
    if status in (401, 403):
        return ConfigError(text, status=status, code=code)
    return PermanentError(text, status=status, code=code, detail=message)


def _v2_message(body: Any, response: requests.Response) -> tuple[str, str]:
    if not isinstance(body, dict):
        return (response.reason or "no message"), ""
    message = str(body.get("message") or response.reason or "no message")
    description = str(body.get("description") or "")
    if description and description != message:
        message = f"{message} ({description})"
    code = str(body.get("type") or body.get("code") or "")
    return message, code


def rpc_error_for(error: dict, what: str, response: requests.Response) -> ConnectorError:
    """Map a JSON-RPC ``error`` object (v3) to the shared error classes."""
    try:
        code = int(error.get("code"))
    except (TypeError, ValueError):
        code = -32603
    message = str(error.get("message") or "no message")
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    text = f"Fulfil {what} failed (JSON-RPC {code}): {message}"
    status = response.status_code
    if code in RPC_AUTH_CODES:
        return ConfigError(text, status=status, code=str(code))
    if code in RPC_TRANSIENT_CODES:
        retry_after = retry_after_seconds(
            str(data.get("retry_after") or "") or response.headers.get("Retry-After")
        )
        return TransientError(text, status=status, retry_after=retry_after, code=str(code))
    return PermanentError(text, status=status, code=str(code), detail=message)


# --- retry policy ---------------------------------------------------------------------------


def _retryable(error: BaseException | None, max_wait: float) -> bool:
    if not isinstance(error, TransientError):
        return False
    return error.retry_after is None or error.retry_after <= max_wait


class FulfilHttp:
    """One configured connection to ``https://{subdomain}.fulfil.io``."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        read_attempts: int = 3,
        max_wait_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        context: dict | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"X-API-KEY": api_key, "Accept": "application/json"})
        self.__api_key = api_key
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep
        self._rpc_ids = itertools.count(1)
        self._context = context

    def __repr__(self) -> str:
        return f"FulfilHttp(base_url={self.base_url!r})"

    # --- public -------------------------------------------------------------------------

    def v2_get(self, model: str, params: list[tuple[str, str]]) -> Any:
        """``GET /api/v2/model/<model>`` (list), retried."""
        params = [*params, self._context_param()]
        return self._retried(self._send, "GET", f"/api/v2/model/{model}", params, None)

    def v2_call(self, model: str, method: str, args: list, *, retry: bool = True) -> Any:
        """``PUT /api/v2/model/<model>/<method>`` with the positional args as a JSON array."""
        path = f"/api/v2/model/{model}/{method}"
        params = [self._context_param()]
        if not retry:
            return self._send("PUT", path, params, args)
        return self._retried(self._send, "PUT", path, params, args)

    def context(self) -> dict:
        """The user context (company, language, timezone...) every v2 call carries.

        Fetched once like the official client (``Client.refresh_context``): Tryton reads the
        company and the user's defaults from it, e.g. a sale's required company.
        """
        if self._context is None:
            path = "/api/v2/model/res.user/get_preferences"
            found = self._retried(self._send, "PUT", path, [("context", "{}")], [True])
            if not isinstance(found, dict):
                kind = type(found).__name__
                raise PermanentError(
                    f"Fulfil res.user.get_preferences answered a malformed body ({kind})"
                )
            self._context = found
        return self._context

    def _context_param(self) -> tuple[str, str]:
        return ("context", json_dumps(self.context()))

    def rpc(self, method: str, params: dict, *, retry: bool = True) -> Any:
        """``POST /api/v3/jsonrpc`` with one JSON-RPC 2.0 call; returns its ``result``."""
        if not retry:
            return self._rpc_once(method, params)
        return self._retried(self._rpc_once, method, params)

    # --- internals ----------------------------------------------------------------------

    def _retried(self, call: Callable, *args: Any) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(self.read_attempts),
            retry=lambda state: bool(
                state.outcome
                and state.outcome.failed
                and _retryable(state.outcome.exception(), self.max_wait_seconds)
            ),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(call, *args)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        return wait_random_exponential(multiplier=0.5, max=8)(state)

    def _rpc_once(self, method: str, params: dict) -> Any:
        envelope = {"jsonrpc": "2.0", "id": next(self._rpc_ids), "method": method}
        envelope["params"] = params
        body = self._send("POST", "/api/v3/jsonrpc", [], envelope, what=method)
        if not isinstance(body, dict) or "result" not in body:
            raise TransientError(f"Fulfil {method}: the answer is not a JSON-RPC response")
        return body["result"]

    def _send(self, method: str, path: str, params: list, payload: Any, *, what: str = "") -> Any:
        what = what or f"{method} {path}"
        data = None if payload is None else json_dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                data=data,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise TransientError(f"Fulfil {what} timed out") from None
        except requests.RequestException as error:
            kind = type(error).__name__
            raise TransientError(f"Fulfil {what} could not connect ({kind})") from None
        logger.info("fulfil %s -> %s", what, response.status_code)
        if not 200 <= response.status_code < 300:
            raise self._scrubbed(http_error(response, what))
        try:
            body = json_loads(response.content or b"null")
        except ValueError:
            raise TransientError(
                f"Fulfil {what} answered {response.status_code} with a body that is not JSON",
                status=response.status_code,
            ) from None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            raise self._scrubbed(rpc_error_for(body["error"], what, response))
        return body

    def _scrubbed(self, error: ConnectorError) -> ConnectorError:
        key = self.__api_key
        for name in ("message", "detail"):
            value = getattr(error, name, "")
            if key and value and key in value:
                setattr(error, name, value.replace(key, "***"))
        error.args = (error.message,)
        return error
