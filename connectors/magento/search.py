"""Magento ``searchCriteria`` query strings, page walking and keyset cursors.

Two Magento habits shape this module:

* Asking for a page past the end returns the **last page again** (magento2#3787, #8099), so a
  full walk stops on ``total_count``, never on an empty page.
* Walking ``currentPage`` under a moving filter (``updated_at gt T``) skips rows when a row
  changes mid-walk. Incremental reads therefore use a keyset cursor ``(updated_at, entity_id)``
  and always ask for page 1 of "rows after the cursor", ordered by the same pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

MAGENTO_TIME = "%Y-%m-%d %H:%M:%S"

Filter = tuple[str, str, str]  # field, value, condition_type


def search_params(
    groups: Sequence[Sequence[Filter]],
    *,
    page_size: int,
    current_page: int,
    sort: Sequence[tuple[str, str]] = (),
) -> dict[str, str]:
    """Query parameters for ``searchCriteria``: groups are ANDed, filters in a group ORed."""
    params: dict[str, str] = {}
    for i, group in enumerate(groups):
        for j, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{i}][filters][{j}]"
            params[f"{prefix}[field]"] = field
            params[f"{prefix}[value]"] = value
            params[f"{prefix}[condition_type]"] = condition
    for k, (field, direction) in enumerate(sort):
        params[f"searchCriteria[sortOrders][{k}][field]"] = field
        params[f"searchCriteria[sortOrders][{k}][direction]"] = direction
    params["searchCriteria[pageSize]"] = str(page_size)
    params["searchCriteria[currentPage]"] = str(current_page)
    return params


def pages_walk(
    fetch: Callable[[dict[str, str]], Any], groups: Sequence[Sequence[Filter]], *, page_size: int
) -> Iterator[dict]:
    """Every item of a list endpoint, page by page, stopping on ``total_count``."""
    page = 1
    seen = 0
    while True:
        params = search_params(groups, page_size=page_size, current_page=page)
        body = fetch(params) or {}
        items = body.get("items") or []
        total = int(body.get("total_count") or 0)
        yield from items
        seen += len(items)
        if not items or seen >= total or page * page_size >= total:
            return
        page += 1


@dataclass(frozen=True)
class Keyset:
    """Resume point of an incremental read: rows after ``(updated_at, entity_id)``."""

    updated_at: str = ""
    entity_id: int = 0

    @classmethod
    def parse(cls, cursor: str) -> Keyset:
        if not cursor:
            return cls()
        stamp, _, entity_id = cursor.partition("|")
        dt.datetime.strptime(stamp, MAGENTO_TIME)  # raises ValueError on a foreign cursor
        return cls(updated_at=stamp, entity_id=int(entity_id or 0))

    def encode(self) -> str:
        return f"{self.updated_at}|{self.entity_id}" if self.updated_at else ""

    def groups(self) -> list[list[Filter]]:
        """``updated_at > T OR (updated_at = T AND entity_id > id)`` as two ANDed OR-groups."""
        if not self.updated_at:
            return []
        return [
            [("updated_at", self.updated_at, "gteq")],
            [("updated_at", self.updated_at, "gt"), ("entity_id", str(self.entity_id), "gt")],
        ]


KEYSET_SORT = (("updated_at", "ASC"), ("entity_id", "ASC"))


SETTLE_SECONDS = 300  # a second this old cannot gain new rows (allows for clock skew)


def keyset_next(
    items: list[dict], cursor: Keyset, *, has_more: bool, now: dt.datetime | None = None
) -> Keyset:
    """Where the next read starts.

    On the final page, if the newest second we saw is recent, we rewind to the start of that
    second so a row saved in it after our read (timestamps have one-second resolution) is
    read again rather than skipped. Re-reading a few rows is harmless: consumers upsert. Once
    that second is older than ``SETTLE_SECONDS`` the cursor moves past it for good.
    """
    if not items:
        return cursor
    last = items[-1]
    stamp = str(last.get("updated_at") or last.get("created_at") or "")
    position = Keyset(updated_at=stamp, entity_id=int(last.get("entity_id") or 0))
    if has_more:
        return position
    seen = magento_time_parse(stamp)
    now = now or dt.datetime.now(dt.UTC)
    if seen is not None and (now - seen).total_seconds() > SETTLE_SECONDS:
        return position
    return Keyset(updated_at=stamp, entity_id=0)


def magento_time_parse(value: str | None) -> dt.datetime | None:
    """Magento's ``YYYY-MM-DD HH:MM:SS`` (UTC) as an aware datetime."""
    if not value:
        return None
    try:
        parsed = dt.datetime.strptime(value[:19], MAGENTO_TIME)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC)
