"""HTTP for the SCAYLE Admin API: timeouts, per-scope pacing, error mapping, bounded retries.

SCAYLE answers errors as ``{"errors": [{"errorKey", "message", "context"}]}`` and reports a
per-minute budget per *scope* in ``x-ratelimit-*`` headers. We remember the last budget of
every scope and wait for its reset before a call would spend the last few requests; a 429
becomes a TransientError whose ``retry_after`` is the scope's reset. The access token lives
only in the session headers: it never reaches a message, a log line or an exception.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.retrying import RETRY_AFTER_CAP, read_retrying
from connectors.scayle import contract

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)
LOW_REMAINING = 5  # pause before spending the last requests of a scope's window


@dataclass
class ScopeBudget:
    limit: int
    remaining: int
    resets_at: float  # monotonic clock


def _number(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def error_text(body: Any) -> tuple[str, str]:
    """``(errorKey, "KEY: message; KEY2: message2")`` from SCAYLE's error body."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list) or not errors:
        return "", ""
    parts, first_key = [], ""
    for error in errors:
        if not isinstance(error, Mapping):
            continue
        key, message = str(error.get("errorKey") or ""), str(error.get("message") or "")
        first_key = first_key or key
        parts.append(f"{key}: {message}" if key else message)
    return first_key, "; ".join(parts)


def retry_after_of(response: requests.Response) -> float | None:
    """The scope's reset, else ``Retry-After`` (seconds)."""
    reset = _number(response.headers.get(contract.RATE_RESET))
    return reset if reset is not None else _number(response.headers.get("Retry-After"))


def _redact(text: str, secret: str) -> str:
    """Remove the token should the remote system echo it back."""
    return text.replace(secret, "***") if secret else text


def error_for(response: requests.Response, what: str, secret: str) -> ConnectorError:
    """Map a non-2xx answer to the connector's error classes."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    code, message = error_text(body)
    text = _redact(
        f"SCAYLE {what} failed ({status}): {message or response.reason or 'no message'}", secret
    )
    detail = _redact(response.text[:500], secret)
    if status in (401, 403):
        return ConfigError(text, status=status, detail=detail, code=code)
    if status == 429 or status >= 500:
        return TransientError(
            text, status=status, detail=detail, code=code, retry_after=retry_after_of(response)
        )
    return PermanentError(text, status=status, detail=detail, code=code)


class ScayleHttp:
    """A thin JSON caller for ``<source_url>/<path>`` with the access-token header."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        read_attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_root = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({contract.AUTH_HEADER: token, "Accept": "application/json"})
        self._secret = token
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.sleep = sleep
        self.clock = clock
        self.budgets: dict[str, ScopeBudget] = {}

    def read(self, path: str, params: Mapping[str, Any] | None = None, *, scope: str) -> Any:
        """GET with bounded, jittered retries on transient failures."""
        retrying = read_retrying(
            attempts=self.read_attempts, sleep=self.sleep, retry_after_jitter=0.25
        )
        return retrying(self.call, "GET", path, params=params, scope=scope)

    def write(self, method: str, path: str, body: Any = None, *, scope: str) -> Any:
        """A single attempt: writes are never blindly repeated (the caller re-checks)."""
        return self.call(method, path, body=body, scope=scope)

    def call(
        self,
        method: str,
        path: str,
        *,
        scope: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        what = f"{method} {path.split('?')[0]}"
        self._pace(scope, what)
        logger.debug("scayle %s", what)
        try:
            response = self.session.request(
                method,
                f"{self.api_root}/{path.lstrip('/')}",
                params=params,
                json=body,
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise TransientError(f"SCAYLE {what} timed out") from None
        except requests.RequestException as error:
            kind = type(error).__name__
            raise TransientError(f"SCAYLE {what} could not connect ({kind})") from None
        self._remember(scope, response)
        if response.status_code >= 300:
            raise error_for(response, what, self._secret)
        return self._json(response, what)

    def _pace(self, scope: str, what: str) -> None:
        """Wait for the scope's reset when its budget is nearly spent (or give up if long)."""
        budget = self.budgets.get(scope)
        if budget is None or budget.remaining > LOW_REMAINING:
            return
        wait = budget.resets_at - self.clock()
        if wait <= 0:
            return
        if wait > RETRY_AFTER_CAP:
            raise TransientError(f"SCAYLE {what} postponed: {scope} budget spent", retry_after=wait)
        logger.info("scayle %s: %s budget low, waiting %.1fs", what, scope, wait)
        self.sleep(wait)
        self.budgets.pop(scope, None)

    def _remember(self, scope: str, response: requests.Response) -> None:
        headers = response.headers
        remaining = _number(headers.get(contract.RATE_REMAINING))
        if remaining is None:
            return
        budget = ScopeBudget(
            limit=int(_number(headers.get(contract.RATE_LIMIT)) or 0),
            remaining=int(remaining),
            resets_at=self.clock() + (_number(headers.get(contract.RATE_RESET)) or 0.0),
        )
        self.budgets[scope] = budget
        reported = headers.get(contract.RATE_SCOPE)
        if reported and reported != scope:
            self.budgets[reported] = budget

    @staticmethod
    def _json(response: requests.Response, what: str) -> Any:
        if not response.content:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            raise TransientError(
                f"SCAYLE {what} answered with a body that is not JSON",
                status=response.status_code,
                detail=response.text[:200],
            ) from None
