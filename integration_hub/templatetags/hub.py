"""Display helpers shared by every screen: money with its currency, times in the hub's zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from integration_hub.selectors import web_link

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@register.filter
def money(amount, currency: str = "GBP") -> str:
    """``59.9|money:"GBP"`` -> "£59.90"; unknown currencies keep their code ("59.90 CHF")."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(amount)
    sign = "−" if value < 0 else ""
    number = f"{abs(value):,.2f}"
    code = (currency or "").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}".rstrip()


@register.filter
def when(value) -> str:
    """An aware datetime in the hub's time zone (TIME_ZONE) with the zone's name shown."""
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        local = timezone.localtime(value)
        return local.strftime("%d %b %Y %H:%M ") + (local.tzname() or "")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value)


@register.filter
def ago(seconds) -> str:
    """A duration in seconds in words, to the minute: "just now", "12 min ago",
    "3 h 5 min ago", "2 days ago"."""
    if seconds is None or seconds == "":
        return "never"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min ago" if minutes else f"{hours} h ago"
    return f"{hours // 24} days ago"


@register.filter
def tracking_link(pattern: str, tracking_number: str) -> str:
    """A carrier's SH21 tracking URL with the tracking number put in (Mirakl's {trackingId})."""
    if not pattern or not tracking_number:
        return ""
    return web_link(pattern.replace("{trackingId}", tracking_number))
