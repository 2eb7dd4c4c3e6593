"""HTTP for the SCAYLE Admin API on :class:`connectors.http.HttpClient`: only SCAYLE's quirks.

* Errors are ``{"errors": [{"errorKey", "message", "context"}]}``: every message is shown, the
  first ``errorKey`` is the error's ``code``.
* A per-minute budget per *scope* comes in ``x-ratelimit-*`` headers. The last budget of every
  scope is remembered and, before an attempt would spend its last few requests, we wait for
  its reset (or hand a long wait back to the caller); a 429 waits for the scope's reset, else
  ``Retry-After``.
* The access token lives only in the session headers. Writes are single attempts: the order
  flow looks the order up by its referenceKey instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from connectors.base import ConnectorError, TransientError
from connectors.http import Call, HttpClient
from connectors.scayle import contract

logger = logging.getLogger(__name__)

LOW_REMAINING = 5  # pause before spending the last requests of a scope's window


@dataclass
class ScopeBudget:
    remaining: int
    resets_at: float  # monotonic clock


@dataclass
class ScayleCall(Call):
    scope: str = ""  # the rate-limit scope the call spends


def _number(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except ValueError:
        return None


class ScayleHttp(HttpClient):
    """A thin JSON caller for ``<source_url>/<path>`` with the access-token header."""

    vendor = "SCAYLE"
    retry_writes = False  # the order flow looks the order up after any failed write
    lookup_hint = "look the order up by its referenceKey"
    decimal_numbers = False
    detail_is_body = True
    retry_after_jitter = 0.25  # workers sharing a scope do not all come back at its reset

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        read_attempts: int = 3,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        """``clock`` (monotonic) times the scopes' budgets; ``options``: ``session``,
        ``timeout``, ``sleep`` (see :class:`HttpClient`)."""
        super().__init__(secrets=(token,), max_attempts=read_attempts, logger=logger, **options)
        self.api_root = base_url.rstrip("/")
        self.session.headers.update({contract.AUTH_HEADER: token, "Accept": "application/json"})
        self.budget_clock = clock
        self.budgets: dict[str, ScopeBudget] = {}

    def read(self, path: str, params: Mapping[str, Any] | None = None, *, scope: str) -> Any:
        """GET with bounded, jittered retries on transient failures."""
        return self.send(self._call("GET", path, scope, params=params))

    def write(self, method: str, path: str, body: Any = None, *, scope: str) -> Any:
        """A single attempt: writes are never blindly repeated (the caller re-checks)."""
        return self.send(self._call(method, path, scope, json_body=body, idempotent=False))

    def _call(self, method: str, path: str, scope: str, **kwargs: Any) -> ScayleCall:
        url, what = f"{self.api_root}/{path.lstrip('/')}", f"{method} {path.split('?')[0]}"
        return ScayleCall(method, url, what, scope=scope, **kwargs)

    def attempt_begin(self, call: ScayleCall) -> None:
        """Wait for the scope's reset when its budget is nearly spent (or give up if long)."""
        budget = self.budgets.get(call.scope)
        if budget is None or budget.remaining > LOW_REMAINING:
            return
        wait = budget.resets_at - self.budget_clock()
        if wait <= 0:
            return
        if wait > self.max_wait_seconds:
            message = f"SCAYLE {call.what} postponed: {call.scope} budget spent"
            raise TransientError(message, retry_after=wait, nothing_done=True)
        logger.info("scayle %s: %s budget low, waiting %.1fs", call.what, call.scope, wait)
        self.sleep(wait)
        self.budgets.pop(call.scope, None)

    def success_body(self, call: ScayleCall, response: requests.Response) -> Any:
        self._remember(call.scope, response)
        return super().success_body(call, response)

    def error_for(self, call: ScayleCall, response: requests.Response) -> ConnectorError:
        """The base mapping; a 429 or 5xx waits for the scope's reset when SCAYLE names one."""
        self._remember(call.scope, response)
        error = super().error_for(call, response)
        reset = _number(response.headers.get(contract.RATE_RESET))
        if isinstance(error, TransientError) and reset is not None:
            error.retry_after = reset
        return error

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        """Every ``errorKey: message`` of the body joined by ``; ``, and the first errorKey."""
        body = self.body_or_none(response)
        errors = body.get("errors") if isinstance(body, Mapping) else None
        parts, first_key = [], ""
        for error in errors if isinstance(errors, list) else []:
            if not isinstance(error, Mapping):
                continue
            key, message = str(error.get("errorKey") or ""), str(error.get("message") or "")
            first_key = first_key or key
            parts.append(f"{key}: {message}" if key else message)
        return "; ".join(parts) or response.reason or "", first_key

    def _remember(self, scope: str, response: requests.Response) -> None:
        headers = response.headers
        remaining = _number(headers.get(contract.RATE_REMAINING))
        if remaining is None:
            return
        budget = ScopeBudget(
            remaining=int(remaining),
            resets_at=self.budget_clock() + (_number(headers.get(contract.RATE_RESET)) or 0.0),
        )
        self.budgets[scope] = budget
        reported = headers.get(contract.RATE_SCOPE)
        if reported and reported != scope:
            self.budgets[reported] = budget
