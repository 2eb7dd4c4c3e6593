"""The read-retry policy shared by the source connectors' HTTP callers.

Transient errors (timeouts, 429, 5xx) are retried a bounded number of times with jittered
exponential backoff, or after the remote's ``Retry-After`` when it sent one. A wait longer than
``retry_after_cap`` is not slept in-process: the error goes back to the caller, whose outbox or
next pass retries from its own rows. Writes are never retried here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from tenacity import RetryCallState, Retrying, stop_after_attempt

from connectors.base import TransientError

RETRY_AFTER_CAP = 30.0


def backoff_seconds(attempt: int) -> float:
    """0.5 s doubling per attempt, at most 8 s, plus up to 0.5 s of jitter."""
    return min(8.0, 0.5 * 2 ** (attempt - 1)) + random.uniform(0, 0.5)  # noqa: S311


def retry_after_header(value: str | None) -> float | None:
    """``Retry-After`` in seconds (never negative), or None when absent or not a number."""
    try:
        return max(0.0, float(value or ""))
    except ValueError:
        return None


def read_retrying(
    *,
    attempts: int,
    sleep: Callable[[float], None] = time.sleep,
    retry_after_cap: float = RETRY_AFTER_CAP,
    retry_after_jitter: float = 0.0,
) -> Retrying:
    """A tenacity ``Retrying`` for idempotent reads under the policy above."""

    def retryable(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome and state.outcome.failed else None
        if not isinstance(error, TransientError):
            return False
        return error.retry_after is None or error.retry_after <= retry_after_cap

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after + random.uniform(0, retry_after_jitter)  # noqa: S311
        return backoff_seconds(state.attempt_number)

    return Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        retry=retryable,
        wait=wait,
        sleep=sleep,
        reraise=True,
    )
