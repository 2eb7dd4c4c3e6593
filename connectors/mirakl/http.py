"""HTTP for the Mirakl seller API on :class:`connectors.http.HttpClient`: only Mirakl's quirks.

* ``Authorization: <api key>`` (raw, no ``Bearer``) and ``shop_id`` go only to the configured
  instance; download links (OF54) elsewhere get neither.
* Every attempt takes its own call-limiter slot: Mirakl counts a retried call like any other.
  A :class:`CallDeferred` from the limiter is raised at once, never retried. An attempt that
  fails (5xx, timeout, 429) gives a slot of a long window back after a few minutes
  (:meth:`CallLimiter.give_back`): one failed A01 must not block A01 for a day.
* OR28 refunds and OR30 cancelations (``idempotent=False``) are resent only when Mirakl
  certainly did nothing (429, 503, connect timeout); otherwise :class:`OutcomeUnknownError`.
* Errors are ``{status, message}`` with a ``code`` somewhere, or only quoted in the message.
* An optional ``request_validator`` judges each request to the instance before it goes out; a
  refusal is a PermanentError and nothing is sent. The tests set the official spec's check
  (tests/support/mirakl_spec.py) as ``default_request_validator`` for every client.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.base import ConfigError, OutcomeUnknownError, PermanentError, TransientError
from connectors.http import Call, HttpClient, parse_retry_after
from connectors.mirakl.limiter import CallDeferred

logger = logging.getLogger("connectors.mirakl")

# Mirakl documents error codes only for OR21 and OR32 and not where they sit in the body, so
# any of the usual keys is read; a known code quoted in the message is picked up as a fallback.
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


@dataclass
class MiraklCall(Call):
    limit_rule: str = ""  # the limiter rule this call spends; "" spends none
    slots: tuple[str, ...] = ()  # the limiter slots the current attempt took
    failed: TransientError | None = None  # the last attempt's error, if it failed
    on_instance: bool = True  # on the configured instance: key, shop_id and the spec check


class MiraklHttp(HttpClient):
    """One configured connection to a Mirakl instance. Not shared between integrations."""

    vendor = "Mirakl"
    lookup_hint = "look the order up"
    default_request_validator: Callable[..., None] | None = None  # without request_validator

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        shop_id: int | str | None = None,
        limiter=None,
        request_validator: Callable[..., None] | None = None,
        **options: Any,
    ) -> None:
        """``options``: ``timeout``, ``session``, ``max_attempts``, ``max_wait_seconds``,
        ``sleep``, ``clock`` (see :class:`HttpClient`)."""
        if not base_url:
            raise ConfigError("the Mirakl base URL is missing")
        if not api_key:
            raise ConfigError("the Mirakl API key is missing")
        super().__init__(secrets=(api_key,), logger=logger, **options)
        self.base_url = base_url.rstrip("/").removesuffix("/api")
        self.__api_key = api_key
        self.shop_id = shop_id
        self.limiter = limiter
        self.request_validator = request_validator or type(self).default_request_validator
        self.request_counts: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"MiraklHttp(base_url={self.base_url!r}, shop_id={self.shop_id!r})"

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
        """One logical call of operation ``op``; the parsed body (``expect`` as in :class:`Call`).

        ``path`` is below the base URL, or an absolute URL (OF54 download links).
        ``limit=False`` skips the limiter (continuation pages already paid for);
        ``limit_as`` names the limiter rule when it differs from ``op`` (``OR11:ids``).
        """
        url, headers, on_instance = self._target(path)
        query = [(k, _query_value(v)) for k, v in params if v is not None]
        if on_instance and self.shop_id not in (None, ""):
            query.append(("shop_id", str(self.shop_id)))
        call = MiraklCall(
            method=method,
            url=url,
            what=f"{op} {method} {urlsplit(url).path}",
            name=op,
            params=query,
            json_body=json_body,
            files=files,
            headers=headers,
            idempotent=idempotent,
            expect=expect,
            limit_rule=(limit_as or op) if limit else "",
            on_instance=on_instance,
        )
        return self.send(call)

    def attempt_begin(self, call: MiraklCall) -> None:
        """Take the attempt's limiter slot. When a retry may not be sent yet, the caller is
        told what went wrong (the last attempt's error, to retry after the wait), not only that
        the budget is spent."""
        if not call.limit_rule or self.limiter is None:
            return
        try:
            call.slots = self.limiter.acquire(call.limit_rule) or ()
        except CallDeferred as deferred:
            if call.failed is None:
                raise
            call.failed.retry_after = max(call.failed.retry_after or 0, deferred.retry_after)
            raise call.failed from None

    def attempt_failed(self, call: MiraklCall, error: TransientError) -> None:
        """A failed call does not spend a daily budget as if it had succeeded."""
        call.failed = error
        if call.slots and self.limiter is not None:
            self.limiter.give_back(call.slots)
            call.slots = ()

    def request_check(self, call: MiraklCall) -> None:
        """The request as it will go out, judged before sending (SpecViolation if refused)."""
        validator = self.request_validator
        if validator is not None and call.on_instance:
            request = (call.method, call.url, call.params, call.json_body, call.files)
            try:
                validator(*request, op=call.name, base_url=self.base_url)
            except PermanentError:  # nothing goes out: the call spends no budget
                if call.slots and self.limiter is not None:
                    self.limiter.release(call.slots)
                    call.slots = ()
                raise
        self.request_counts[call.name] += 1

    def retryable(self, error: BaseException, call: Call) -> bool:
        return not isinstance(error, CallDeferred) and super().retryable(error, call)

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        message, code = super().error_fields(response)
        return message, code or _code_in(message)

    def failure_text(self, call: Call, status: int, message: str) -> str:
        return f"Mirakl {call.what} failed with HTTP {status}" + (f": {message}" if message else "")

    def _target(self, path: str) -> tuple[str, dict[str, str], bool]:
        """The URL, its headers, and whether it is on the configured instance: same scheme and
        host as ``base_url`` (so https, unless only a sandbox's http). Any other URL, a
        presigned storage link or plain http to the instance's host, gets no key."""
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


def _code_in(text: str) -> str:
    return next((code for code in KNOWN_ERROR_CODES if code in text), "")


__all__ = ["MiraklHttp", "OutcomeUnknownError", "format_datetime", "parse_retry_after"]
