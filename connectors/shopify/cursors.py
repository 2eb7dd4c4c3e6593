"""Opaque cursors for the connector's incremental reads (:mod:`connectors.watermark`).

``after`` is the GraphQL ``endCursor`` while a read is still paging and, for stock changes,
``loc`` says which configured location is being read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from connectors.watermark import WatermarkCursor, parse_time

EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class ReadCursor(WatermarkCursor):
    loc: int = 0

    vendor = "Shopify"

    def seen(self, updated_at: str) -> ReadCursor:
        """This cursor with ``max`` raised to ``updated_at`` when newer."""
        if updated_at and (not self.max or parse_time(updated_at) > parse_time(self.max)):
            return replace(self, max=updated_at)
        return self

    def query_since(self, field: str = "updated_at") -> str:
        return f"{field}:>'{self.since}'" if self.since else ""
