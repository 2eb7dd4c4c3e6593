"""One GraphQL Admin API endpoint: auth, timeouts, cost-based throttling and error mapping.

Shopify answers GraphQL with HTTP 200 and reports the query cost in ``extensions.cost``. This
class keeps the last ``throttleStatus`` and pauses before the bucket runs dry, retries a
``THROTTLED`` answer or an HTTP 429 a bounded number of times, and turns everything else into
the three connector errors. The access token never leaves the request headers.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from connectors.base import ConfigError, PermanentError, TransientError

logger = logging.getLogger(__name__)


class _Throttled(TransientError):
    """Shopify asked us to slow down (429 or THROTTLED): the request was not executed."""


@dataclass
class ThrottleStatus:
    maximum: float
    available: float
    restore_rate: float
    seen_at: float

    def available_now(self, clock: float) -> float:
        refilled = self.available + (clock - self.seen_at) * self.restore_rate
        return min(self.maximum, refilled)


class ShopifyGraphQL:
    """POST GraphQL documents to one shop's ``graphql.json`` and return ``data``."""

    def __init__(
        self,
        *,
        endpoint: str,
        token: str,
        session: requests.Session,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_wait: float = 10.0,
        min_available: float = 100.0,
    ) -> None:
        self.endpoint = endpoint
        self._token = token
        self.session = session
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.min_available = min_available
        self.throttle: ThrottleStatus | None = None
        self._costs: dict[str, float] = {}
        self.sleep = time.sleep
        self.clock = time.monotonic

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run one document; retry throttling within bounds; raise connector errors."""
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            retry=retry_if_exception(self._worth_waiting),
            wait=self._wait_for,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._execute_once, query, variables or {})
        except _Throttled as exc:
            raise TransientError(
                exc.message, retry_after=exc.retry_after, status=exc.status, code=exc.code
            ) from None

    def _worth_waiting(self, exc: BaseException) -> bool:
        if not isinstance(exc, _Throttled):
            return False
        return (exc.retry_after or 0) <= self.max_wait

    @staticmethod
    def _wait_for(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = getattr(exc, "retry_after", None) or 1.0
        return delay + random.uniform(0, 0.25)  # noqa: S311  (jitter, not crypto)

    def _execute_once(self, query: str, variables: dict[str, Any]) -> dict:
        self._pause_before_empty_bucket(self._costs.get(query, self.min_available))
        response = self._post({"query": query, "variables": variables})
        body = self._json(response)
        self._remember_cost(query, body)
        errors = body.get("errors")
        if errors:
            self._raise_graphql_errors(errors, body)
        data = body.get("data")
        if not isinstance(data, dict):
            raise TransientError("Shopify answered without data", status=response.status_code)
        return data

    def _pause_before_empty_bucket(self, expected_cost: float) -> None:
        """Sleep until the bucket holds what this document cost last time (or a floor)."""
        if self.throttle is None or self.throttle.restore_rate <= 0:
            return
        needed = min(expected_cost, self.throttle.maximum)
        available = self.throttle.available_now(self.clock())
        if available >= needed:
            return
        wait = (needed - available) / self.throttle.restore_rate
        logger.info("shopify: cost bucket at %.0f, pausing %.2fs", available, wait)
        self.sleep(min(wait, self.max_wait))

    def _post(self, payload: dict) -> requests.Response:
        headers = {
            "X-Shopify-Access-Token": self._token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            response = self.session.post(
                self.endpoint, data=json.dumps(payload), headers=headers, timeout=self.timeout
            )
        except requests.Timeout:
            raise TransientError(f"Shopify timed out after {self.timeout}s") from None
        except requests.RequestException as exc:
            raise TransientError(f"cannot reach Shopify: {type(exc).__name__}") from None
        self._raise_for_status(response)
        return response

    @staticmethod
    def _raise_for_status(response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = response.text[:500]
        if status == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise _Throttled(
                "Shopify rate limit (HTTP 429)", retry_after=retry_after, status=429, detail=detail
            )
        if status in (401, 403):
            raise ConfigError(
                f"Shopify refused the access token (HTTP {status})", status=status, detail=detail
            )
        if status >= 500:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise TransientError(
                f"Shopify server error (HTTP {status})",
                retry_after=retry_after,
                status=status,
                detail=detail,
            )
        raise PermanentError(
            f"Shopify rejected the request (HTTP {status})", status=status, detail=detail
        )

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            raise TransientError(
                "Shopify sent a body that is not JSON", status=response.status_code
            ) from None
        if not isinstance(body, dict):
            raise TransientError(
                "Shopify sent an unexpected JSON body", status=response.status_code
            )
        return body

    def _remember_cost(self, query: str, body: dict) -> None:
        cost = _cost_of(body)
        status = cost.get("throttleStatus")
        if not isinstance(status, dict):
            return
        try:
            if cost.get("requestedQueryCost") is not None:
                self._costs[query] = float(cost["requestedQueryCost"])
            self.throttle = ThrottleStatus(
                maximum=float(status["maximumAvailable"]),
                available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]),
                seen_at=self.clock(),
            )
        except (KeyError, TypeError, ValueError):
            return

    def _raise_graphql_errors(self, errors: Any, body: dict) -> None:
        if not isinstance(errors, list):
            # Shopify reports some auth and routing failures as {"errors": "text"}.
            raise PermanentError(f"Shopify error: {str(errors)[:300]}", code="graphql_error")
        codes = {
            str(_dict(e.get("extensions")).get("code", "")) for e in errors if isinstance(e, dict)
        }
        if "THROTTLED" in codes:
            raise _Throttled(
                "Shopify GraphQL cost limit (THROTTLED)",
                retry_after=self._throttle_wait(body),
                code="THROTTLED",
            )
        messages = "; ".join(
            str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
        )
        code = next(iter(sorted(codes - {""})), "graphql_error")
        if "ACCESS_DENIED" in codes:
            # The token lacks a scope: a person must change the app's configuration.
            raise ConfigError(f"Shopify denied access: {messages[:500]}", code="ACCESS_DENIED")
        raise PermanentError(f"Shopify GraphQL error: {messages[:500]}", code=code)

    @staticmethod
    def _throttle_wait(body: dict) -> float:
        cost = _cost_of(body)
        status = cost.get("throttleStatus")
        status = status if isinstance(status, dict) else {}
        try:
            requested = float(cost.get("requestedQueryCost") or 0)
            available = float(status.get("currentlyAvailable") or 0)
            rate = float(status.get("restoreRate") or 0)
        except (TypeError, ValueError):
            return 1.0
        if rate <= 0:
            return 1.0
        return max(requested - available, 0) / rate or 1.0


def _dict(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one (a malformed body is not a crash)."""
    return value if isinstance(value, dict) else {}


def _cost_of(body: dict) -> dict:
    return _dict(_dict(body.get("extensions")).get("cost"))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None
