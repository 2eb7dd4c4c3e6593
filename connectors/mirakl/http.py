"""HTTP transport for the Mirakl seller API: auth, error mapping, retries and JSON bodies.

Everything that touches ``requests`` lives here; :mod:`connectors.mirakl.client` only says
which operation, path and body. Rules applied to every call:

* ``Authorization: <api key>`` (raw, no ``Bearer``), ``Accept: application/json``, the
  ``shop_id`` query parameter when configured, explicit (connect, read) timeouts.
* 429 -> TransientError(retry_after from ``Retry-After``: seconds or an HTTP-date);
  5xx, timeouts, connection errors -> TransientError; 401/403 -> ConfigError; other 4xx ->
  PermanentError carrying Mirakl's ``{status, message}`` and any error ``code``.
* Retries happen here (tenacity, jittered exponential backoff, ``max_attempts``) and only for
  TransientError. A ``Retry-After`` longer than ``max_wait_seconds`` is re-raised at once so
  the caller's outbox reschedules instead of a worker sleeping. Every attempt takes its own
  call-limiter slot: Mirakl counts a retried call like any other.
* Non-idempotent writes (OR28 refunds, OR30 cancelations) are retried only when Mirakl
  certainly did nothing (429, 503, connect timeout). Any other failure after the request may
  have reached Mirakl raises :class:`OutcomeUnknownError`: the caller must look the order up
  before sending again.
* The API key never appears in messages, reprs or logs.
* An optional ``request_validator`` (:mod:`connectors.mirakl.spec_check`) judges each request
  to the instance before it goes out; a refusal is a PermanentError and nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.mirakl import spec_check
from connectors.mirakl.limiter import CallDeferred

logger = logging.getLogger("connectors.mirakl")

Params = list[tuple[str, str]]

# Mirakl documents error codes only for OR21 and OR32 and not where they sit in the body, so
# any of these keys is read; a known code quoted in the message is picked up as a fallback.
_CODE_KEYS = ("code", "error_code", "errorCode")
KNOWN_ERROR_CODES = (
    "ORDER_FULFILLED_UNAUTHORIZED",
    "ORDER_INVALID_STATE",
    "ORDER_LINE_ACCEPTANCE_DECISION_MISSING",
    "ORDER_LINE_DUPLICATE_ID",
    "ORDER_LINE_NOT_FOUND",
    "ORDER_LINE_NULL_ELEMENT",
    "ORDER_NOT_FOUND",
    "ORDER_PARTIAL_ACCEPTANCE_DISABLED",
    "VALIDATION_ERROR",
)


class OutcomeUnknownError(TransientError):
    """A non-idempotent write failed after it may have reached Mirakl; look before resending."""


def json_loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as Decimal (money is never a float)."""
    return json.loads(text, parse_float=Decimal)


def json_dumps(value: Any) -> str:
    """Serialise JSON with Decimal written as an exact number literal (``12.50``)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("cannot send a non-finite amount")
        return format(value, "f")
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}:{json_dumps(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(json_dumps(v) for v in value) + "]"
    return json.dumps(value)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


class MiraklHttp:
    """One configured connection to a Mirakl instance. Not shared between integrations."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        shop_id: int | str | None = None,
        limiter=None,
        timeout: tuple[float, float] = (5, 30),
        session: requests.Session | None = None,
        max_attempts: int = 3,
        max_wait_seconds: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        request_validator: Callable[..., None] | None = None,
    ) -> None:
        if not base_url:
            raise ConfigError("the Mirakl base URL is missing")
        if not api_key:
            raise ConfigError("the Mirakl API key is missing")
        base_url = base_url.rstrip("/")
        self.base_url = base_url.removesuffix("/api")
        self.__api_key = api_key
        self.shop_id = shop_id
        self.limiter = limiter
        self.timeout = timeout
        self.session = session or requests.Session()
        self.max_attempts = max(1, max_attempts)
        self.max_wait_seconds = max_wait_seconds
        self._sleep = sleep
        self._clock = clock
        # None: spec_check.request_check when spec_check.enabled_by_default (the tests), else off
        self.request_validator = request_validator
        self.request_counts: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"MiraklHttp(base_url={self.base_url!r}, shop_id={self.shop_id!r})"

    # --- public -------------------------------------------------------------------------

    def acquire(self, op: str) -> None:
        """Take one call of ``op`` from the limiter (no-op without a limiter)."""
        if self.limiter is not None:
            self.limiter.acquire(op)

    def call(
        self,
        op: str,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        json_body: Any = None,
        files: dict | None = None,
        expect: str = "object",
        idempotent: bool = True,
        limit: bool = True,
        limit_as: str | None = None,
    ) -> Any:
        """One logical call: HTTP attempts, each taking a limiter slot first (a retry is one
        more call in Mirakl's window); returns the parsed body.

        ``expect``: "object" or "array" (JSON parsed with Decimal; another shape is a
        PermanentError), "text" (str) or "none" (204, body ignored).
        ``path`` is a path below the base URL, or an absolute URL (OF54 download links).
        ``limit=False`` skips the limiter (continuation pages already paid for);
        ``limit_as`` names the limiter rule when it differs from ``op`` (``OR11:ids``).
        """

        def attempt():
            if limit:  # every attempt is a call in Mirakl's window, a retry too
                self.acquire(limit_as or op)
            return self._attempt(
                op, method, path, list(params), json_body, files, expect, idempotent
            )

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: self._should_retry(exc, idempotent)),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(attempt)

    # --- one attempt --------------------------------------------------------------------

    def _attempt(self, op, method, path, params, json_body, files, expect, idempotent):
        try:
            response = self._send(op, method, path, params, json_body, files)
            return self._read(op, method, path, response, expect, idempotent)
        except TransientError as exc:
            if idempotent or getattr(exc, "nothing_done", False) or isinstance(exc, CallDeferred):
                raise
            raise OutcomeUnknownError(
                f"{exc.message}; the outcome of this {op} is unknown: look the order up before "
                "sending it again",
                status=exc.status,
                detail=exc.detail,
            ) from exc

    def _send(self, op, method, path, params, json_body, files) -> requests.Response:
        url, headers, on_instance = self._target(path)
        query = [(k, _query_value(v)) for k, v in params if v is not None]
        if on_instance and self.shop_id not in (None, ""):
            query.append(("shop_id", str(self.shop_id)))
        data = None
        if json_body is not None:
            data = json_dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if on_instance:
            self._request_check(op, method, url, query, json_body, files)
        self.request_counts[op] += 1
        started = time.monotonic()
        where = f"Mirakl {op} {method} {urlsplit(url).path}"
        try:
            response = self.session.request(
                method,
                url,
                params=query,
                data=data,
                files=files,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.ConnectTimeout as exc:
            raise self._transient(f"{where}: connect timeout", nothing_done=True) from exc
        except requests.Timeout as exc:
            raise self._transient(f"{where}: read timeout") from exc
        except requests.ConnectionError as exc:
            raise self._transient(f"{where}: connection error ({type(exc).__name__})") from exc
        except requests.RequestException as exc:
            raise self._transient(f"{where}: {type(exc).__name__}") from exc
        elapsed = time.monotonic() - started
        level = logging.DEBUG if response.status_code < 400 else logging.INFO
        logger.log(level, "%s -> %s in %.2fs", where, response.status_code, elapsed)
        return response

    def _request_check(self, op, method, url, query, json_body, files) -> None:
        """The request as it will go out, judged before sending (SpecViolation if refused)."""
        validator = self.request_validator
        if validator is None and spec_check.enabled_by_default:
            validator = spec_check.request_check
        if validator is not None:
            validator(method, url, query, json_body, files, op=op, base_url=self.base_url)

    def _target(self, path: str) -> tuple[str, dict[str, str], bool]:
        """The URL, its headers, and whether it is on the configured instance.

        Download links (OF54) are absolute URLs. The key and ``shop_id`` go only to the
        configured instance: same scheme and host as ``base_url`` (so https, unless the
        configured URL itself is http, which only a sandbox is). Any other URL, a presigned
        storage link or a plain-http link to the instance's host, gets neither.
        """
        headers = {"Accept": "application/json"}
        if path.startswith(("http://", "https://")):
            url = path
            target, base = urlsplit(url), urlsplit(self.base_url)
            if (target.scheme, target.netloc.lower()) != (base.scheme, base.netloc.lower()):
                return url, headers, False
        else:
            url = self.base_url + path
        headers["Authorization"] = self.__api_key
        return url, headers, True

    def _read(self, op, method, path, response, expect, idempotent) -> Any:
        status = response.status_code
        where = f"Mirakl {op} {method} {urlsplit(response.url or path).path or path}"
        if 200 <= status < 300:
            return self._success_body(where, response, expect)
        message, code = _error_fields(response)
        text = f"{where} failed with HTTP {status}" + (f": {message}" if message else "")
        retry_after = parse_retry_after(
            response.headers.get("Retry-After"), dt.datetime.fromtimestamp(self._clock(), dt.UTC)
        )
        if status == 429 or status >= 500:
            nothing_done = status in (429, 503)
            raise self._transient(
                text,
                status=status,
                retry_after=retry_after,
                detail=message,
                nothing_done=nothing_done,
            )
        if status in (401, 403):
            raise ConfigError(self._scrub(text), status=status, detail=self._scrub(message))
        raise PermanentError(
            self._scrub(text), status=status, detail=self._scrub(message), code=code
        )

    def _success_body(self, where: str, response: requests.Response, expect: str) -> Any:
        if expect == "none":
            return None
        if expect == "text":
            return response.content.decode("utf-8-sig", errors="replace")
        try:
            body = json_loads(response.content)
        except ValueError as exc:
            # A 2xx with a broken body is almost always a truncated response (proxy reset,
            # cut connection), not a contract change: the same request normally succeeds
            # when sent again, so it is transient. Writes that are not idempotent turn this
            # into OutcomeUnknownError in _attempt, because the write did happen.
            raise self._transient(f"{where}: malformed JSON in a success response") from exc
        wanted = dict if expect == "object" else list
        if not isinstance(body, wanted):
            raise PermanentError(
                f"{where}: expected a JSON {wanted.__name__}, got {type(body).__name__}"
            )
        return body

    # --- retry policy -------------------------------------------------------------------

    def _should_retry(self, exc: BaseException, idempotent: bool) -> bool:
        if not isinstance(exc, TransientError) or isinstance(
            exc, CallDeferred | OutcomeUnknownError
        ):
            return False
        if exc.retry_after is not None and exc.retry_after > self.max_wait_seconds:
            return False
        return idempotent or getattr(exc, "nothing_done", False)

    def _wait(self, retry_state) -> float:
        exc = retry_state.outcome.exception()
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        backoff = wait_random_exponential(multiplier=0.5, max=self.max_wait_seconds)
        return backoff(retry_state)

    # --- helpers ------------------------------------------------------------------------

    def _transient(self, message: str, *, nothing_done: bool = False, **kwargs) -> TransientError:
        kwargs["detail"] = self._scrub(kwargs.get("detail", ""))
        exc = TransientError(self._scrub(message), **kwargs)
        exc.nothing_done = nothing_done
        return exc

    def _scrub(self, text: str) -> str:
        if not text:
            return text
        return text.replace(self.__api_key, "***")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    return str(value)


def format_datetime(value: dt.datetime) -> str:
    """ISO-8601 UTC with ``Z`` (milliseconds kept when present): what Mirakl expects."""
    if value.tzinfo is None:
        raise PermanentError(f"refusing to send a naive datetime ({value.isoformat()})")
    value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def _error_fields(response: requests.Response) -> tuple[str, str]:
    """Mirakl's ``{status, message}`` (plus any error code) from an error body, JSON or not."""
    raw = response.content or b""
    try:
        body = json_loads(raw)
    except ValueError:
        text = raw.decode("utf-8", errors="replace").strip()
        return " ".join(text.split())[:300], _code_in(text)
    if not isinstance(body, dict):
        return str(body)[:300], ""
    message = str(body.get("message") or body.get("error") or "")[:500]
    code = next((str(body[k]) for k in _CODE_KEYS if body.get(k)), "")
    errors = body.get("errors")
    if not code and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = str(errors[0].get("code") or "")
        message = message or str(errors[0].get("message") or "")
    return message, code or _code_in(message)


def _code_in(text: str) -> str:
    return next((code for code in KNOWN_ERROR_CODES if code in text), "")


__all__ = [
    "ConnectorError",
    "MiraklHttp",
    "OutcomeUnknownError",
    "format_datetime",
    "json_dumps",
    "json_loads",
    "parse_retry_after",
]
