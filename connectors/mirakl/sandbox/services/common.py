"""Shared helpers: the API error, money rounding, the sandbox clock."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from connectors.sandbox.faults import sandbox_now

SYSTEM = "mirakl"
CENT = Decimal("0.01")


class MiraklError(Exception):
    """An error answered as Mirakl does: ``{"status": ..., "message": ...}``."""

    def __init__(self, status: int, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def money(value: Decimal | int | str | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def now_for(now: dt.datetime | None = None) -> dt.datetime:
    """The sandbox clock unless the caller already read it (one request = one 'now')."""
    return now or sandbox_now(SYSTEM)


def body_items(body: object, key: str) -> list:
    """The non-empty list under ``key`` of a JSON object body; a 400 when there is none."""
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise MiraklError(400, f"'{key}' is required")
    return items


def vat_part(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a tax-included amount."""
    return money(gross * rate / (Decimal(100) + rate))
