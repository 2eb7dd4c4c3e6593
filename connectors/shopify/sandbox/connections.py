"""Shopify's ids, timestamps, money and cursor-paged connections, for the sandbox's nodes."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from graphql import GraphQLError

MAX_PAGE = 250


def gid(kind: str, pk: object) -> str:
    return f"gid://shopify/{kind}/{pk}"


def pk_of(value: str | None, kind: str) -> int | None:
    prefix = f"gid://shopify/{kind}/"
    if not value or not value.startswith(prefix):
        return None
    tail = value[len(prefix) :].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


def stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money_bag(amount: Decimal, currency: str) -> dict:
    money = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": money}


def money_in(value: object) -> Decimal | None:
    """An amount sent in a mutation's input; None when absent or not a number."""
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _cursor(pk: object) -> str:
    return base64.b64encode(f"cursor:{pk}".encode()).decode()


def _cursor_pk(cursor: str) -> str:
    try:
        return base64.b64decode(cursor.encode()).decode().split(":", 1)[1]
    except (ValueError, IndexError, UnicodeDecodeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort. ({cursor})") from None


def connection(items: Sequence, wrap: Callable, first: int | None, after: str | None) -> dict:
    """A Shopify connection over ``items`` (already filtered and sorted)."""
    if first is None:
        raise GraphQLError("you must provide one of first or last")
    if not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"The first argument must be between 0 and {MAX_PAGE}.")
    start = 0
    if after:
        wanted = _cursor_pk(after)
        keys = [str(item.pk) for item in items]
        start = keys.index(wanted) + 1 if wanted in keys else len(items)
    window = list(items[start : start + first])
    edges = [{"cursor": _cursor(item.pk), "node": wrap(item)} for item in window]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": start + first < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(window[0].pk) if window else None,
            "endCursor": _cursor(window[-1].pk) if window else None,
        },
    }
