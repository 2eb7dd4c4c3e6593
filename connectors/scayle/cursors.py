"""Opaque cursors for the SCAYLE incremental reads.

A cursor is compact JSON: ``since`` (the updatedAt watermark the read started from),
``after`` (SCAYLE's ``cursor.next`` while a read is still paging) and ``max`` (the newest
updatedAt seen so far). When a read reaches the end, the next one starts from ``max`` minus an
overlap, so a record saved in the same moment as the last read is read again, not missed
(the hub upserts and dedupes).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace

from connectors.base import PermanentError

OVERLAP_SECONDS = 300


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_time_or_none(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        return parse_time(str(value))
    except ValueError:
        return None


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ReadCursor:
    since: str = ""
    after: str = ""
    max: str = ""

    @classmethod
    def decode(cls, text: str) -> ReadCursor:
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            cursor = cls(
                since=str(raw.get("since", "")),
                after=str(raw.get("after", "")),
                max=str(raw.get("max", "")),
            )
            for stamp in (cursor.since, cursor.max):
                if stamp:
                    parse_time(stamp)
            return cursor
        except (ValueError, TypeError, AttributeError):
            raise PermanentError(f"not a SCAYLE cursor: {text[:80]!r}", code="bad_cursor") from None

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, separators=(",", ":"))

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
        newest = self.max or self.since
        if not newest:
            return ReadCursor()
        since = parse_time(newest) - dt.timedelta(seconds=OVERLAP_SECONDS)
        return ReadCursor(since=format_time(since), max=newest)


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
