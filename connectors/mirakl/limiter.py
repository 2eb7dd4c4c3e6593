"""Per-integration, per-operation call limiter for the Mirakl seller API.

Mirakl publishes a *maximum call frequency* for most operations (``Call Frequency`` in the
seller OpenAPI spec). Going over it earns 429s or, worse, a phone call from the operator, so
every process of the hub (web and workers) shares one budget through Django's cache
(``caches["default"]``: Redis, or the database cache).

Design: a rule "N calls per W seconds" owns N slot keys
``mirakl-limit:{scope}:{op}:{W}:{n}``. Taking a call means ``cache.add`` on a free slot (atomic
on Redis, LocMem and the DB cache); the slot's value is its expiry timestamp and its cache
timeout is W, so it frees itself. When every slot is taken, the wait is the earliest expiry
minus now. An operation with several rules (TL02: 20 a minute *and* 60 an hour) must pass all
of them; rules are tried from the shortest window to the longest, and if a later rule is full
the slots already taken for this call are released again. If the process dies between the two
steps, the taken slot simply expires: the over-reservation is bounded by one slot for W
seconds, which errs on the safe side.

``margin_seconds`` keeps each slot that much longer than its window: Django's database cache
stores expiries to the second, and a request reaches Mirakl later than it took its slot, so
without a margin two calls can land a little less than W seconds apart at Mirakl's end (the
chaos soak caught exactly that). The hub's clients use 2 s; the default is 0.

``acquire(op)`` sleeps when the wait is at most ``max_wait_seconds``; otherwise it raises
:class:`CallDeferred` (a TransientError with ``retry_after``) so the caller's outbox
reschedules the work: deferred, never dropped. ``mode="off"`` disables limiting (sandboxes,
tests). Calls are always counted in-process (``granted`` and :data:`CALL_COUNTS`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from connectors.base import TransientError

logger = logging.getLogger("connectors.mirakl.limiter")

DAY = 86_400
HOUR = 3_600
MINUTE = 60

#: Process-wide count of granted calls per (scope, operation code), for soak assertions.
CALL_COUNTS: Counter[tuple[str, str]] = Counter()


@dataclass(frozen=True)
class Rule:
    """At most ``calls`` calls in any ``window`` seconds."""

    calls: int
    window: int


# The spec's MAXIMUM call frequency per operation ("Call Frequency" in each description).
# Operations missing here are event-driven in the spec ("at each new order", "at each refund",
# "on each page view") or publish nothing (PC01, OF54, RT21/RT25/RT27): they are not limited.
# "OR11" is the update-date poll (spec: asynchronous, once per minute; the "External Partner"
# persona is every 15 minutes); look-ups by order id are "OR11:ids", which the spec treats as
# synchronous ("at each order page display") and so has no limit. "OF52:full" is a full export
# (no last_request_date: once per day); "OF52" a differential one (once per minute).
DEFAULT_RULES: dict[str, tuple[Rule, ...]] = {
    "A01": (Rule(1, DAY),),
    "SH21": (Rule(1, DAY),),
    "SH12": (Rule(1, DAY),),
    "OR11": (Rule(1, MINUTE),),
    "OF24": (Rule(1, MINUTE),),
    "STO01": (Rule(1, MINUTE),),
    "STO02": (Rule(1, 15),),
    "STO03": (Rule(1, MINUTE),),
    "PRI01": (Rule(1, MINUTE),),
    "PRI02": (Rule(1, MINUTE),),
    "PRI03": (Rule(1, MINUTE),),
    "OF52": (Rule(1, MINUTE),),
    "OF52:full": (Rule(1, DAY),),
    "OF53": (Rule(1, 10),),
    "TL02": (Rule(20, MINUTE), Rule(60, HOUR)),
    "IV01": (Rule(1, DAY),),
    "SBC11": (Rule(1, DAY),),
    "RT11": (Rule(1, 5 * MINUTE),),
}

_MIN_WAIT = 0.05


class CallDeferred(TransientError):
    """The call budget is spent for longer than we may wait; retry after ``retry_after``."""


class CallLimiter:
    """Sliding-window call budget shared through Django's cache. See the module docstring."""

    def __init__(
        self,
        scope: str,
        *,
        mode: str = "on",
        rules: Mapping[str, tuple[Rule, ...]] | None = None,
        max_wait_seconds: float = 30,
        margin_seconds: float = 0.0,
        cache=None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if mode not in ("on", "off"):
            raise ValueError(f"limiter mode must be 'on' or 'off', not {mode!r}")
        self.scope = scope
        self.mode = mode
        self.rules = {**DEFAULT_RULES, **(rules or {})}
        self.max_wait_seconds = max_wait_seconds
        self.margin_seconds = margin_seconds
        self._cache = cache
        self._clock = clock
        self._sleep = sleep
        self.granted: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"CallLimiter(scope={self.scope!r}, mode={self.mode!r})"

    @property
    def cache(self):
        if self._cache is None:
            from django.core.cache import caches

            self._cache = caches["default"]
        return self._cache

    def acquire(self, op: str) -> None:
        """Take one call of ``op``: return at once, sleep until a slot frees, or defer."""
        rules = self.rules.get(op, ()) if self.mode == "on" else ()
        waited = 0.0
        while rules:
            wait = self._try_take(op, rules)
            if wait <= 0:
                break
            if waited + wait > self.max_wait_seconds:
                logger.info("mirakl %s deferred %.1fs (scope %s)", op, wait, self.scope)
                raise CallDeferred(
                    f"Mirakl {op}: call budget spent, retry in {wait:.0f}s", retry_after=wait
                )
            self._sleep(wait)
            waited += wait
        self.granted[op] += 1
        CALL_COUNTS[(self.scope, op)] += 1

    def _try_take(self, op: str, rules: tuple[Rule, ...]) -> float:
        """Take a slot in every rule and return 0, or release what was taken and return the wait."""
        taken: list[str] = []
        for rule in sorted(rules, key=lambda r: r.window):
            key, wait = self._take_slot(op, rule)
            if key is None:
                self.cache.delete_many(taken)
                return wait
            taken.append(key)
        return 0.0

    def _take_slot(self, op: str, rule: Rule) -> tuple[str | None, float]:
        now = self._clock()
        hold = rule.window + self.margin_seconds
        keys = [self._key(op, rule, n) for n in range(rule.calls)]
        for key in keys:
            if self.cache.add(key, now + hold, timeout=hold):
                return key, 0.0
        expiries = [v for v in self.cache.get_many(keys).values() if v is not None]
        earliest = min(expiries, default=now)
        # Clamp: another host's clock may be skewed, and a slot that is still in the cache is
        # taken whatever its stored expiry says; it is gone after at most W (+ margin) seconds.
        return None, min(max(earliest - now, _MIN_WAIT), float(hold))

    def _key(self, op: str, rule: Rule, n: int) -> str:
        return f"mirakl-limit:{self.scope}:{op}:{rule.window}:{n}"
