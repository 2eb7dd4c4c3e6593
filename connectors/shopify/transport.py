"""Shopify's GraphQL Admin API on :class:`connectors.http.HttpClient`: only Shopify's quirks.

* Every document is a POST to one shop's ``graphql.json`` with ``X-Shopify-Access-Token``. A
  ``query`` is a read; a ``mutation`` is a write, sent once: when it may have reached Shopify
  (5xx other than 503, read timeout, a cut answer) it raises :class:`OutcomeUnknownError`.
* Errors come in a 200 body (``errors[].extensions.code``): ``THROTTLED`` (nothing was run)
  waits ``(requestedQueryCost - currentlyAvailable) / restoreRate``, ``ACCESS_DENIED`` (a
  missing scope) is a ConfigError, anything else a PermanentError. ``userErrors`` stay with
  the client.
* The last ``extensions.cost.throttleStatus`` is kept; an attempt pauses first while the bucket
  holds less than the document cost last time.
* Only throttling (``THROTTLED``, HTTP 429) is waited out in process; 5xx and timeouts go back
  to the hub's rows at once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import requests

from connectors.base import ConfigError, ConnectorError, PermanentError, TransientError
from connectors.http import Call, HttpClient

logger = logging.getLogger(__name__)

_OPERATION = re.compile(r"\s*(query|mutation)\b\s*(\w*)")


@dataclass
class ThrottleStatus:
    maximum: float
    available: float
    restore_rate: float
    seen_at: float

    def available_now(self, clock: float) -> float:
        refilled = self.available + (clock - self.seen_at) * self.restore_rate
        return min(self.maximum, refilled)


class ShopifyGraphQL(HttpClient):
    """POST GraphQL documents to one shop's ``graphql.json`` and return ``data``."""

    vendor = "Shopify"
    retry_after_jitter = 0.25
    min_available = 100.0  # the cost assumed for a document not sent before

    def __init__(
        self,
        *,
        endpoint: str,
        token: str,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_wait: float = 10.0,
    ) -> None:
        super().__init__(
            secrets=(token,),
            session=session,
            timeout=timeout,
            max_attempts=max_retries + 1,
            max_wait_seconds=max_wait,
            logger=logger,
        )
        self.endpoint = endpoint
        self._token = token
        self.throttle: ThrottleStatus | None = None
        self._costs: dict[str, float] = {}

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run one document and return its ``data``; raise connector errors (see the module)."""
        mutation, name = _operation(query)
        headers = {"X-Shopify-Access-Token": self._token, "Accept": "application/json"}
        body = {"query": query, "variables": variables or {}}
        call = Call("POST", self.endpoint, name, json_body=body, headers=headers)
        call.idempotent = not mutation
        return self.send(call)

    def attempt_begin(self, call: Call) -> None:
        """Sleep until the bucket holds what this document cost last time (or a floor)."""
        if self.throttle is None or self.throttle.restore_rate <= 0:
            return
        expected = self._costs.get(call.json_body["query"], self.min_available)
        needed = min(expected, self.throttle.maximum)
        available = self.throttle.available_now(self.clock())
        if available >= needed:
            return
        wait = (needed - available) / self.throttle.restore_rate
        logger.info("shopify: cost bucket at %.0f, pausing %.2fs", available, wait)
        self.sleep(min(wait, self.max_wait_seconds))

    def retryable(self, error: BaseException, call: Call) -> bool:
        throttled = isinstance(error, TransientError) and (
            error.status == 429 or error.code == "THROTTLED"
        )
        return throttled and super().retryable(error, call)

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        try:
            errors = _dict(self.decode(response.content or b"{}")).get("errors")
        except ValueError:
            errors = None
        if not errors:
            return super().error_fields(response)
        return _messages(errors)[:500], next(iter(_codes(errors)), "")

    def failure_text(self, call: Call, status: int, message: str) -> str:
        if status in (401, 403):
            # Shopify's text is generic ("wrong password"); what to fix is the token.
            return f"Shopify refused the access token (HTTP {status})"
        return super().failure_text(call, status, message)

    def success_body(self, call: Call, response: requests.Response) -> dict:
        body = super().success_body(call, response)
        status = response.status_code
        if not isinstance(body, dict):
            raise self.transient(f"Shopify {call.what} sent an unexpected JSON body", status=status)
        self._remember_cost(call.json_body["query"], body)
        if body.get("errors"):
            raise self._graphql_error(body)
        if not isinstance(body.get("data"), dict):
            raise self.transient(f"Shopify {call.what} answered without data", status=status)
        return body["data"]

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

    def _graphql_error(self, body: dict) -> ConnectorError:
        errors = body["errors"]
        if not isinstance(errors, list):
            # Shopify reports some auth and routing failures as {"errors": "text"}.
            return PermanentError(f"Shopify error: {str(errors)[:300]}", code="graphql_error")
        codes = _codes(errors)
        if "THROTTLED" in codes:
            return TransientError(
                "Shopify GraphQL cost limit (THROTTLED)",
                retry_after=_throttle_wait(body),
                code="THROTTLED",
                nothing_done=True,
            )
        messages = _messages(errors)[:500]
        if "ACCESS_DENIED" in codes:
            # The token lacks a scope: a person must change the app's configuration.
            return ConfigError(f"Shopify denied access: {messages}", code="ACCESS_DENIED")
        code = next(iter(codes), "graphql_error")
        return PermanentError(f"Shopify GraphQL error: {messages}", code=code)


def _operation(document: str) -> tuple[bool, str]:
    """Whether ``document`` is a mutation, and its operation name ("graphql" if anonymous).

    A document whose first operation cannot be read counts as a mutation: a write is never
    resent blindly after an unknown outcome, while a read taken for a write is only not retried.
    """
    match = _OPERATION.match(document)
    if match is None:
        return not document.lstrip().startswith("{"), "graphql"
    return match.group(1) == "mutation", match.group(2) or "graphql"


def _throttle_wait(body: dict) -> float:
    cost = _cost_of(body)
    status = _dict(cost.get("throttleStatus"))
    try:
        requested = float(cost.get("requestedQueryCost") or 0)
        available = float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 0)
    except (TypeError, ValueError):
        return 1.0
    if rate <= 0:
        return 1.0
    return max(requested - available, 0) / rate or 1.0


def _codes(errors: Any) -> list[str]:
    """The ``extensions.code`` values of a GraphQL ``errors`` list, sorted, without blanks."""
    if not isinstance(errors, list):
        return []
    codes = {str(_dict(_dict(e).get("extensions")).get("code") or "") for e in errors}
    return sorted(codes - {""})


def _messages(errors: Any) -> str:
    if not isinstance(errors, list):
        return str(errors)
    return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)


def _dict(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one (a malformed body is not a crash)."""
    return value if isinstance(value, dict) else {}


def _cost_of(body: dict) -> dict:
    return _dict(_dict(body.get("extensions")).get("cost"))
