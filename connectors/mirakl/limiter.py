"""Per-integration, per-operation call limiter for the Mirakl seller API.

Mirakl publishes a *maximum call frequency* for most operations (``Call Frequency`` in the
seller OpenAPI spec). Going over it earns 429s or, worse, a phone call from the operator, so
every process of the hub (web and workers) shares one budget through Django's cache
(``caches["default"]``: Redis, or the database cache). How the slots work, and ``rules`` /
``tighten``, is in ``docs/connectors/mirakl.md`` ("How the limiter works"): a slot is taken
with ``cache.add`` (atomic on Redis, LocMem and the DB cache), its value is its expiry and
its cache timeout the window, so it frees itself.

``margin_seconds`` keeps each slot that much longer than its window: Django's database cache
stores expiries to the second, and a request reaches Mirakl later than it took its slot, so
without a margin two calls can land a little less than W seconds apart at Mirakl's end (the
chaos soak caught exactly that). The hub's clients use 2 s; the default is 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
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
# persona is every 15 minutes, see PARTNER_RULES). Look-ups by order id are "OR11:ids": the
# spec's "Synchronous: at each order page display" publishes no number, so the hub reads it
# as a brisk person opening an order page every two seconds (30 a minute); every batch of
# 100 ids is one call. "OF52:full" is a full export (no last_request_date: once per day);
# "OF52" a differential one (once per minute).
DEFAULT_RULES: dict[str, tuple[Rule, ...]] = {
    "A01": (Rule(1, DAY),),
    "SH21": (Rule(1, DAY),),
    "SH12": (Rule(1, DAY),),
    "OR11": (Rule(1, MINUTE),),
    "OR11:ids": (Rule(30, MINUTE),),
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
    # catalogue: OF01 is offers only here (with products the spec allows once every 15 min)
    "H11": (Rule(1, HOUR),),
    "PM11": (Rule(1, HOUR),),
    "VL11": (Rule(1, HOUR),),
    "P41": (Rule(1, 15 * MINUTE),),
    "P42": (Rule(1, MINUTE),),
    "OF01": (Rule(1, MINUTE),),
    "OF02": (Rule(1, MINUTE),),
    "OF03": (Rule(1, MINUTE),),
}

# The spec's "External Partner" persona (partner API keys): only OR11 differs, its poll may
# run every 15 minutes at most (the look-up by ids stays "at each order page display").
PARTNER_RULES: dict[str, tuple[Rule, ...]] = {"OR11": (Rule(1, 15 * MINUTE),)}

# Operations the client calls that the spec does not limit; a per-integration rule may still
# tighten them.
UNLIMITED_OPERATIONS = frozenset(
    {"PC01", "RE01", "OR21", "OR23", "OR24", "OR28", "OR29", "OR30", "OF21", "OF54"}
    | {"RT21", "RT25", "RT27", "ST01", "ST11", "ST23", "ST24"}
    | {"P44", "P45", "P47"}  # "each time a report is needed"
)
KNOWN_OPERATIONS = frozenset(DEFAULT_RULES) | UNLIMITED_OPERATIONS

_UNITS = {"s": 1, "m": MINUTE, "h": HOUR, "d": DAY}
_RULE_RE = re.compile(r"^(\d+)\s*/\s*(\d+)\s*([smhd]?)$")
_MIN_WAIT = 0.05
# How long the slot of a failed call stays taken in a long window (A01, SH21, IV01 ...): the
# next try waits this long, not a day. Mirakl may count failed calls too, so not zero.
FAILED_CALL_HOLD = 300.0


def rules_parse(text: str) -> tuple[Rule, ...]:
    """``"1/900"``, ``"1/15m"`` or ``"10/60, 30/1h"`` -> rules; ValueError says what is wrong."""
    rules = []
    for part in str(text).split(","):
        match = _RULE_RE.match(part.strip().lower())
        if not match:
            raise ValueError(
                f"{part.strip()!r} is not CALLS/WINDOW (e.g. 1/900 for once every 900 seconds, "
                "1/15m, 20/1h)"
            )
        calls, window = int(match[1]), int(match[2]) * _UNITS[match[3] or "s"]
        if calls < 1 or not 1 <= window <= 7 * DAY:
            raise ValueError(f"{part.strip()!r}: at least 1 call, in a window of 1 s to 7 days")
        rules.append(Rule(calls, window))
    return tuple(rules)


def rule_text(rule: Rule) -> str:
    """``Rule(1, 900)`` -> ``"1/15m"`` (the shortest exact unit)."""
    for unit, seconds in (("d", DAY), ("h", HOUR), ("m", MINUTE)):
        if rule.window % seconds == 0:
            return f"{rule.calls}/{rule.window // seconds}{unit}"
    return f"{rule.calls}/{rule.window}s"


def call_limit_operation(name: str) -> str:
    """An operation as written by a person (``or11``, ``OR11:IDS``) as the limiter names it."""
    code, colon, variant = name.strip().partition(":")
    return f"{code.upper()}{colon}{variant.lower()}"


def call_limits_parse(limits: Mapping[str, str]) -> dict[str, tuple[Rule, ...]]:
    """Per-integration limits ``{"OR11": "1/15m"}`` -> rules, refusing any that do not tighten.

    A rule only ever adds to the spec's maximum (see :func:`rules_tighten`), so a looser one
    would silently change nothing: it is refused with the spec's figure instead.
    """
    if not isinstance(limits, Mapping):
        raise ValueError('call limits must map an operation to its rule, e.g. {"OR11": "1/15m"}')
    parsed: dict[str, tuple[Rule, ...]] = {}
    for op, text in limits.items():
        if op not in KNOWN_OPERATIONS:
            raise ValueError(
                f"unknown operation {op!r}; use one of {', '.join(sorted(KNOWN_OPERATIONS))}"
            )
        try:
            rules = rules_parse(text)
        except ValueError as error:
            raise ValueError(f"{op}: {error}") from None
        for rule in rules:
            ceiling = _covering_rule(DEFAULT_RULES.get(op, ()), rule)
            if ceiling is not None:
                raise ValueError(
                    f"{op}: {rule_text(rule)} does not tighten Mirakl's maximum of "
                    f"{rule_text(ceiling)}; a per-integration limit can only be stricter"
                )
        parsed[op] = rules
    return parsed


def _covering_rule(spec: tuple[Rule, ...], rule: Rule) -> Rule | None:
    """The spec rule that already allows no more than ``rule`` does (so it adds nothing)."""
    for ceiling in spec:
        if ceiling.window >= rule.window and ceiling.calls <= rule.calls:
            return ceiling
    return None


def rules_tighten(
    base: Mapping[str, tuple[Rule, ...]], extra: Mapping[str, tuple[Rule, ...]]
) -> dict[str, tuple[Rule, ...]]:
    """Every rule of ``base`` plus every rule of ``extra``: a call must pass all of them, so the
    result is never looser than ``base``. Of two rules with one window the stricter stays
    (their slots would share keys)."""
    merged = {op: tuple(rules) for op, rules in base.items()}
    for op, rules in extra.items():
        by_window = {rule.window: rule for rule in merged.get(op, ())}
        for rule in rules:
            kept = by_window.get(rule.window)
            by_window[rule.window] = rule if kept is None or rule.calls < kept.calls else kept
        merged[op] = tuple(sorted(by_window.values(), key=lambda r: r.window))
    return merged


def wait_words(seconds: float, *, now: float | None = None) -> str:
    """When a wait of ``seconds`` ends, for people: "06:13 UTC tomorrow" (rounded up)."""
    start = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC)
    end = start + dt.timedelta(seconds=seconds)
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    days = (end.date() - start.date()).days
    clock = f"{end:%H:%M} UTC"
    if days == 0 and seconds >= 15 * MINUTE:
        return f"{clock} today"
    if days == 0:
        return f"{clock} (in {math.ceil(seconds / MINUTE)} min)"
    if days == 1:
        return f"{clock} tomorrow"
    return f"{clock} on {end.day} {end:%b}"


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
        tighten: Mapping[str, tuple[Rule, ...]] | None = None,
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
        self.rules = rules_tighten({**DEFAULT_RULES, **(rules or {})}, tighten or {})
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

    def acquire(self, op: str) -> tuple[str, ...]:
        """Take one call of ``op``: return at once, sleep until a slot frees, or defer.

        Returns the slots taken, for :meth:`give_back` when the call then fails.
        """
        rules = self.rules.get(op, ()) if self.mode == "on" else ()
        waited = 0.0
        taken: tuple[str, ...] = ()
        while rules:
            wait, taken = self._try_take(op, rules)
            if wait <= 0:
                break
            if waited + wait > self.max_wait_seconds:
                logger.info("mirakl %s deferred %.1fs (scope %s)", op, wait, self.scope)
                raise CallDeferred(
                    f"Mirakl {op}: call budget spent; next call allowed after "
                    f"{wait_words(wait, now=self._clock())}",
                    retry_after=wait,
                )
            self._sleep(wait)
            waited += wait
        self.granted[op] += 1
        CALL_COUNTS[(self.scope, op)] += 1
        return taken

    def give_back(self, slots: tuple[str, ...], *, after: float = FAILED_CALL_HOLD) -> None:
        """A call that failed (5xx, timeout, 429) did not do its work: its slots in windows
        longer than ``after`` free themselves ``after`` seconds from now instead of at the end
        of the window, so one failed A01 or SH21 does not spend the day's budget. Slots of
        shorter windows keep their hold (the next call waits that long anyway)."""
        now = self._clock()
        for key in slots:
            window = int(key.rsplit(":", 2)[1])
            if window > after:
                self.cache.set(key, now + after, timeout=after)

    def release(self, slots: tuple[str, ...]) -> None:
        """The call was never sent (refused before sending): its slots are free at once."""
        self.cache.delete_many(list(slots))

    def _try_take(self, op: str, rules: tuple[Rule, ...]) -> tuple[float, tuple[str, ...]]:
        """Take a slot in every rule: (0, the slots), or release what was taken: (wait, ())."""
        taken: list[str] = []
        for rule in sorted(rules, key=lambda r: r.window):
            key, wait = self._take_slot(op, rule)
            if key is None:
                self.cache.delete_many(taken)
                return wait, ()
            taken.append(key)
        return 0.0, tuple(taken)

    def _take_slot(self, op: str, rule: Rule) -> tuple[str | None, float]:
        now = self._clock()
        hold = rule.window + self.margin_seconds
        keys = [f"mirakl-limit:{self.scope}:{op}:{rule.window}:{n}" for n in range(rule.calls)]
        for key in keys:
            if self.cache.add(key, now + hold, timeout=hold):
                return key, 0.0
        expiries = [v for v in self.cache.get_many(keys).values() if v is not None]
        earliest = min(expiries, default=now)
        # Clamp: another host's clock may be skewed, and a slot that is still in the cache is
        # taken whatever its stored expiry says; it is gone after at most W (+ margin) seconds.
        return None, min(max(earliest - now, _MIN_WAIT), float(hold))
