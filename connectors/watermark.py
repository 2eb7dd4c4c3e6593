"""Updated-at watermarks: ISO 8601 times (aware UTC, ``Z``, to the second) and the opaque cursor
of an incremental read on them (Shopify, SCAYLE).

A cursor is compact JSON: ``since`` (the watermark the read started from), ``after`` (the
vendor's page cursor while a read is still paging) and ``max`` (the newest updated-at seen so
far). When a read reaches the end the next one starts from ``max`` minus an overlap, so a
record saved in the same second as the last read is read again rather than missed (the hub
upserts and dedupes).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields
from typing import ClassVar, Self

from connectors.base import PermanentError


def parse_time(value: str) -> dt.datetime:
    """``value`` (``Z`` or an offset; naive means UTC) in UTC; ValueError if it is no time."""
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
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class WatermarkCursor:
    since: str = ""
    after: str = ""
    max: str = ""

    vendor: ClassVar[str] = ""  # names the cursor in the bad_cursor error
    check_times: ClassVar[bool] = False  # True: decode refuses a since/max that is no time

    @classmethod
    def decode(cls, text: str) -> Self:
        """The cursor in ``text`` ("": from the start); a PermanentError if it is not one."""
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            # each field as the type of its default: str, or int for Shopify's ``loc``
            values = {f.name: type(f.default)(raw.get(f.name, f.default)) for f in fields(cls)}
            cursor = cls(**values)
            if cls.check_times:
                for stamp in (cursor.since, cursor.max):
                    if stamp:
                        parse_time(stamp)
            return cursor
        except (ValueError, TypeError, AttributeError):
            message = f"not a {cls.vendor} cursor: {text[:80]!r}"
            raise PermanentError(message, code="bad_cursor") from None

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, separators=(",", ":"))

    def restart(self, overlap_seconds: int) -> Self:
        """The cursor for the next incremental read, once this one reached the end."""
        newest = self.max or self.since
        if not newest:
            return type(self)()
        since = parse_time(newest) - dt.timedelta(seconds=overlap_seconds)
        return type(self)(since=format_time(since), max=newest)
