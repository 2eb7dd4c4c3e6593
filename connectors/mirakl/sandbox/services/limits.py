"""Call-frequency limits from the spec ("Maximum usage"), counted per shop and operation.

Every call is recorded. ``over_limit`` says whether the call broke the spec's maximum, whether
or not the shop enforces it, so a soak test can assert a client stayed within the limits;
with ``enforce_call_limits`` on, such a call is answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count, Q

from connectors.mirakl.sandbox.catalog import CALL_LIMITS
from connectors.mirakl.sandbox.models import SandboxCall, SandboxShop


def retry_after(shop: SandboxShop, operation: str, now: dt.datetime) -> int | None:
    """Seconds until a call would be within every window, or None if it is within them now."""
    wait = 0.0
    for limit, seconds in CALL_LIMITS.get(operation, []):
        since = now - dt.timedelta(seconds=seconds)
        recent = SandboxCall.objects.filter(
            shop=shop, operation=operation, counted=True, rejected=False, at__gt=since
        ).order_by("-at")
        times = list(recent.values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            wait = max(wait, (times[-1] + dt.timedelta(seconds=seconds) - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else None


def call_record(
    shop: SandboxShop, operation: str, now: dt.datetime, *, counted: bool = True
) -> int | None:
    """Record one call; return Retry-After seconds when it must be refused with a 429."""
    wait = retry_after(shop, operation, now) if counted else None
    refused = wait is not None and shop.enforce_call_limits
    SandboxCall.objects.create(
        shop=shop,
        operation=operation,
        at=now,
        counted=counted,
        over_limit=wait is not None,
        rejected=refused,
    )
    return wait if refused else None


def call_stats(shop: SandboxShop) -> dict[str, dict[str, int]]:
    """Per operation: calls, over_limit (broke the spec's maximum) and rejected (got a 429)."""
    rows = (
        SandboxCall.objects.filter(shop=shop)
        .values("operation")
        .annotate(
            calls=Count("id"),
            over_limit=Count("id", filter=Q(over_limit=True)),
            rejected=Count("id", filter=Q(rejected=True)),
        )
    )
    return {
        row["operation"]: {k: row[k] for k in ("calls", "over_limit", "rejected")} for row in rows
    }
