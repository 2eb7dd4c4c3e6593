"""One HTTP base for the connectors: the base owns the call, the vendor says what its errors mean.

:class:`HttpClient` sends a :class:`Call` on one ``requests.Session`` with explicit (connect,
read) timeouts. 2xx is success; 429, 5xx, timeouts and connection errors -> TransientError
(``retry_after`` from ``Retry-After``, seconds or an HTTP-date); 401/403 -> ConfigError; else
PermanentError. Reads are retried on a TransientError, writes only where the remote certainly
did nothing (429, 503, connect timeout); a ``Retry-After`` beyond ``max_wait_seconds`` goes back
to the caller's outbox. A write that may have reached the remote is never resent: it raises
:class:`OutcomeUnknownError`. Secrets are scrubbed from messages; no ``requests`` exception
(its text may hold a URL or a header) is chained. A vendor subclass builds the Call and
overrides only its quirks: ``error_fields``, ``success_body``, ``attempt_begin`` (a limiter
slot per attempt) and ``request_check`` (judge the request just before it goes out).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from connectors.base import (
    ConfigError,
    ConnectorError,
    OutcomeUnknownError,
    PermanentError,
    TransientError,
)

DEFAULT_TIMEOUT = (5.0, 30.0)
RETRY_AFTER_CAP = 30.0


def json_loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as Decimal."""
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


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), never < 0."""
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
    return max((when - (now or dt.datetime.now(dt.UTC))).total_seconds(), 0.0)


def backoff_seconds(attempt: int) -> float:
    """0.5 s doubling per attempt, at most 8 s, plus up to 0.5 s of jitter."""
    return min(8.0, 0.5 * 2 ** (attempt - 1)) + random.uniform(0, 0.5)  # noqa: S311


def retrying(
    *,
    attempts: int,
    retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], None] = time.sleep,
    retry_after_jitter: float = 0.0,
) -> Retrying:
    """Retry ``retryable`` errors after their ``Retry-After``, else after
    :func:`backoff_seconds`."""

    def wait(state: RetryCallState) -> float:
        retry_after = getattr(state.outcome.exception(), "retry_after", None)
        if retry_after is not None:
            return float(retry_after) + random.uniform(0, retry_after_jitter)  # noqa: S311
        return backoff_seconds(state.attempt_number)

    return Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        retry=retry_if_exception(retryable),
        wait=wait,
        sleep=sleep,
        reraise=True,
    )


@dataclass
class Call:
    """One logical request. ``what`` names it in messages (``GET orders``), ``name`` in the
    unknown-outcome one. ``expect``: "json" (empty body: None), "object" or "array" (that
    shape or a PermanentError), "text" or "none"."""

    method: str
    url: str
    what: str
    params: Any = None
    json_body: Any = None
    files: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    idempotent: bool = True
    expect: str = "json"
    name: str = ""


class HttpClient:
    """The HTTP caller every connector builds on. See the module docstring for the rules."""

    vendor = "Remote"  # starts every message
    retry_writes = True  # resend a write where the remote certainly did nothing
    lookup_hint = "look it up"  # what the caller does before resending an unknown write
    retry_after_jitter = 0.0  # seconds of jitter added to a Retry-After wait
    decimal_numbers = True  # False: JSON numbers stay as the vendor sent them (floats)
    detail_is_body = False  # True: an error's detail is the raw body (500 chars), not its message

    def __init__(
        self,
        *,
        secrets: tuple[str, ...] = (),
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        max_wait_seconds: float = RETRY_AFTER_CAP,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self.__secrets = tuple(secret for secret in secrets if secret)
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep
        self.clock = clock
        self.logger = logger or logging.getLogger(__name__)

    def send(self, call: Call) -> Any:
        """Send ``call`` under the retry rules; the parsed body, or a ConnectorError."""
        policy = retrying(
            attempts=self.max_attempts,
            retryable=lambda error: self.retryable(error, call),
            sleep=self.sleep,
            retry_after_jitter=self.retry_after_jitter,
        )
        return policy(self._attempt, call)

    def attempt_begin(self, call: Call) -> None:
        """Before every attempt (a retry too); an error raised here is raised as it is."""

    def attempt_failed(self, call: Call, error: TransientError) -> None:
        """After an attempt that failed with a TransientError (before any retry)."""

    def request_check(self, call: Call) -> None:
        """Just before the request goes out; raise to send nothing."""

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        """``(message, code)`` from an error body: JSON ``message``/``code``, else its text."""
        raw = response.content or b""
        try:
            body = self.decode(raw)
        except ValueError:
            text = raw.decode("utf-8", errors="replace")
            return " ".join(text.split())[:300], ""
        if not isinstance(body, dict):
            return str(body)[:300], ""
        message = str(body.get("message") or body.get("error") or "")[:500]
        code = next((str(body[k]) for k in ("code", "error_code", "errorCode") if body.get(k)), "")
        errors = body.get("errors")
        if not code and isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = str(errors[0].get("code") or "")
            message = message or str(errors[0].get("message") or "")
        return message, code

    def error_detail(self, response: requests.Response, message: str) -> str:
        return response.text[:500] if self.detail_is_body else message

    def failure_text(self, call: Call, status: int, message: str) -> str:
        return f"{self.vendor} {call.what} failed ({status}): {message or 'no message'}"

    def success_body(self, call: Call, response: requests.Response) -> Any:
        """The body of a 2xx answer in the shape ``call.expect`` asks for."""
        if call.expect == "none":
            return None
        if call.expect == "text":
            return response.content.decode("utf-8-sig", errors="replace")
        if call.expect == "json" and not response.content:
            return None
        try:
            body = self.decode(response.content)
        except ValueError:
            # A 2xx with a broken body is almost always a cut answer, not a contract change:
            # the same request normally succeeds when sent again. A write did happen, though.
            raise self.transient(
                f"{self.vendor} {call.what} answered with a body that is not JSON "
                "(malformed JSON in a success response)",
                status=response.status_code,
                detail=response.text[:200],
            ) from None
        wanted = {"object": dict, "array": list}.get(call.expect)
        if wanted is not None and not isinstance(body, wanted):
            raise PermanentError(
                f"{self.vendor} {call.what}: expected a JSON {wanted.__name__}, "
                f"got {type(body).__name__}"
            )
        return body

    def decode(self, raw: bytes) -> Any:
        return json_loads(raw) if self.decimal_numbers else json.loads(raw)

    def body_or_none(self, response: requests.Response) -> Any:
        """The decoded body of ``response``; None when it is empty or not JSON."""
        try:
            return self.decode(response.content or b"null")
        except ValueError:
            return None

    def encode(self, value: Any) -> bytes:
        return json_dumps(value).encode()

    def retryable(self, error: BaseException, call: Call) -> bool:
        if not isinstance(error, TransientError):
            return False
        if (error.retry_after or 0) > self.max_wait_seconds:
            return False  # a long Retry-After goes back to the caller's outbox
        # an OutcomeUnknownError is never nothing_done, so it is never resent
        return call.idempotent or (self.retry_writes and error.nothing_done)

    def _attempt(self, call: Call) -> Any:
        self.attempt_begin(call)
        try:
            response = self._request(call)
            if 200 <= response.status_code < 300:
                return self.success_body(call, response)
            raise self.error_for(call, response)
        except TransientError as error:
            self.attempt_failed(call, error)
            if call.idempotent or error.nothing_done:
                raise
            raise OutcomeUnknownError(
                f"{error.message}; the outcome of this {call.name or call.what} is unknown: "
                f"{self.lookup_hint} before sending it again",
                status=error.status,
                detail=error.detail,
                code=error.code,
            ) from error

    def _request(self, call: Call) -> requests.Response:
        headers, data = dict(call.headers), None
        if call.json_body is not None:
            data = self.encode(call.json_body)
            headers["Content-Type"] = "application/json"
        self.request_check(call)
        where = f"{self.vendor} {call.what}"
        started = time.monotonic()
        try:
            response = self.session.request(
                call.method,
                call.url,
                params=call.params,
                data=data,
                files=call.files,
                headers=headers,
                timeout=self.timeout,
            )
        # ``from None``: a requests exception's text may carry the URL or a header.
        except requests.ConnectTimeout:
            raise self.transient(f"{where} timed out", nothing_done=True) from None
        except requests.Timeout:
            raise self.transient(f"{where} timed out (read timeout)") from None
        except requests.RequestException as error:
            raise self.transient(f"{where} could not connect ({type(error).__name__})") from None
        level = logging.DEBUG if response.status_code < 400 else logging.INFO
        elapsed = time.monotonic() - started
        vendor, status = self.vendor.lower(), response.status_code
        self.logger.log(level, "%s %s -> %s in %.2fs", vendor, call.what, status, elapsed)
        return response

    def error_for(self, call: Call, response: requests.Response) -> ConnectorError:
        """Map a non-2xx answer to the connector error classes."""
        status = response.status_code
        message, code = self.error_fields(response)
        text = self.scrub(self.failure_text(call, status, message))
        detail = self.scrub(self.error_detail(response, message))
        if status == 429 or status >= 500:
            now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
            return TransientError(
                text,
                status=status,
                detail=detail,
                code=code,
                retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
                nothing_done=status in (429, 503),
            )
        kind = ConfigError if status in (401, 403) else PermanentError
        return kind(text, status=status, detail=detail, code=code)

    def transient(self, message: str, **kwargs: Any) -> TransientError:
        """A TransientError with the secrets scrubbed from its message and detail."""
        kwargs["detail"] = self.scrub(kwargs.get("detail", ""))
        return TransientError(self.scrub(message), **kwargs)

    def scrub(self, text: str) -> str:
        for secret in self.__secrets:
            text = text.replace(secret, "***")
        return text
