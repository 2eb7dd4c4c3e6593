"""Opaque cursors for the connector's incremental reads.

A cursor is compact JSON: ``since`` (the updated-at watermark the read started from),
``after`` (the GraphQL ``endCursor`` while a read is still paging), ``max`` (the newest
updated-at seen so far) and, for stock changes, ``loc`` (which configured location).
When a read reaches the end the next cursor starts again from ``max`` minus an overlap, so
an item updated in the same second as the last read is read again rather than missed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace

from connectors.base import PermanentError

EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class ReadCursor:
    since: str = ""
    after: str = ""
    max: str = ""
    loc: int = 0

    @classmethod
    def decode(cls, text: str) -> ReadCursor:
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            return cls(
                since=str(raw.get("since", "")),
                after=str(raw.get("after", "")),
                max=str(raw.get("max", "")),
                loc=int(raw.get("loc", 0)),
            )
        except (ValueError, TypeError, AttributeError):
            raise PermanentError(
                f"not a Shopify cursor: {text[:80]!r}", code="bad_cursor"
            ) from None

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, separators=(",", ":"))

    def seen(self, updated_at: str) -> ReadCursor:
        """This cursor with ``max`` raised to ``updated_at`` when newer."""
        if updated_at and (not self.max or parse_time(updated_at) > parse_time(self.max)):
            return replace(self, max=updated_at)
        return self

    def restart(self, overlap_seconds: int) -> ReadCursor:
        """The cursor for the next incremental read, once this one reached the end."""
        newest = self.max or self.since
        if not newest:
            return ReadCursor()
        since = parse_time(newest) - dt.timedelta(seconds=overlap_seconds)
        return ReadCursor(since=format_time(since), max=newest)

    def query_since(self, field: str = "updated_at") -> str:
        return f"{field}:>'{self.since}'" if self.since else ""


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_time_or_none(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
