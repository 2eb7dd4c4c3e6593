"""Per-token, per-scope, per-minute budgets with SCAYLE's ``x-ratelimit-*`` headers.

The window follows the sandbox clock, so ``sandbox clock advance scayle --seconds 60``
refills every budget.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from connectors.sandbox.faults import sandbox_now
from connectors.scayle.sandbox import models as m

DEFAULT_LIMITS = {  # requests per minute per scope: scayle.dev "Rate Limits" examples
    "globalRead": 1000,
    "productRead": 1000,
    "stocksRead": 2500,
    "stocksWrite": 2500,
    "ordersRead": 1000,
    "ordersWrite": 300,
    "fulfillmentWrite": 300,
}


def scope_limit(scope: str) -> int:
    stored = m.ScopeLimit.objects.filter(scope=scope).values_list("per_minute", flat=True).first()
    return stored if stored is not None else DEFAULT_LIMITS.get(scope, 1000)


def rate_spend(token: str, scope: str) -> tuple[bool, dict[str, str]]:
    """Count one request; return whether it is allowed and the headers to send."""
    now = sandbox_now("scayle")
    window_start = now.replace(second=0, microsecond=0)
    limit = scope_limit(scope)
    with transaction.atomic():
        window, _ = m.RateWindow.objects.get_or_create(
            token=token, scope=scope, window_start=window_start
        )
        allowed = window.count < limit
        if allowed:
            m.RateWindow.objects.filter(pk=window.pk).update(count=F("count") + 1)
            window.count += 1
    headers = {
        "x-ratelimit-scope": scope,
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(max(0, limit - window.count)),
        "x-ratelimit-reset": str(60 - now.second),
    }
    return allowed, headers
