"""Opaque cursors for the SCAYLE incremental reads (:mod:`connectors.watermark`).

``after`` is SCAYLE's ``cursor.next`` while a read is still paging; stock changes have their
own cursor, :class:`StockCursor`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from connectors.base import PermanentError
from connectors.watermark import WatermarkCursor, format_time, parse_time, parse_time_or_none

OVERLAP_SECONDS = 300


class ReadCursor(WatermarkCursor):
    vendor = "SCAYLE"
    check_times = True

    def seen(self, updated_at: object) -> ReadCursor:
        """This cursor with ``max`` raised to ``updated_at`` when newer."""
        stamp = parse_time_or_none(updated_at)
        if stamp is None:
            return self
        if not self.max or stamp > parse_time(self.max):
            return replace(self, max=format_time(stamp))
        return self

    def advance(self, next_page: str | None) -> ReadCursor:
        """The cursor after one page: keep paging, or restart from ``max`` minus the overlap."""
        if next_page:
            return replace(self, after=str(next_page))
        return self.restart(OVERLAP_SECONDS)


@dataclass(frozen=True)
class StockCursor:
    """Watermark for stock changes: the newest ``changedAt`` reported and, for the overlap
    window just before it, the quantities already reported (so they are not sent twice)."""

    max: str = ""
    recent: dict[str, int] | None = None

    @classmethod
    def decode(cls, text: str) -> StockCursor:
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            recent = {str(k): int(v) for k, v in (raw.get("recent") or {}).items()}
            cursor = cls(max=str(raw.get("max", "")), recent=recent)
            if cursor.max:
                parse_time(cursor.max)
            return cursor
        except (ValueError, TypeError, AttributeError):
            raise PermanentError(
                f"not a SCAYLE stock cursor: {text[:80]!r}", code="bad_cursor"
            ) from None

    def encode(self) -> str:
        body = {"max": self.max, "recent": dict(sorted((self.recent or {}).items()))}
        return json.dumps(body, separators=(",", ":"))

    def is_change(self, sku: str, quantity: int, changed_at: dt.datetime) -> bool:
        if not self.max:
            return True
        newest = parse_time(self.max)
        if changed_at > newest:
            return True
        window_start = newest - dt.timedelta(seconds=OVERLAP_SECONDS)
        return changed_at >= window_start and (self.recent or {}).get(sku) != quantity

    @classmethod
    def after(
        cls, levels: list[tuple[str, int, dt.datetime]], previous: StockCursor
    ) -> StockCursor:
        """The cursor once ``levels`` (sku, quantity, changedAt) have all been read."""
        stamps = [changed for _, _, changed in levels]
        if previous.max:
            stamps.append(parse_time(previous.max))
        if not stamps:
            return cls()
        newest = max(stamps)
        window_start = newest - dt.timedelta(seconds=OVERLAP_SECONDS)
        recent = {sku: qty for sku, qty, changed in levels if changed >= window_start}
        return cls(max=newest.astimezone(dt.UTC).isoformat(), recent=recent)
