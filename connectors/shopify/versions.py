"""Which Shopify Admin API version the connector speaks, and how long Shopify supports it.

Shopify releases a stable version at the start of each quarter (``YYYY-01``, ``-04``, ``-07``,
``-10``) and supports each for a minimum of 12 months
(https://shopify.dev/docs/api/usage/versioning, "Release schedule"). Past that, Shopify
"falls forward" and answers with the oldest supported version, whose names and behaviour may
differ from what the connector was written for, so the hub warns before it happens.
"""

from __future__ import annotations

import datetime as dt
import re

# 2026-10 is the newest stable version on 2026-12-03 (released 2026-10-01, supported at
# least until 2027-10-01); the documents in graphql.py and returns.py are checked against
# its schema (connectors/shopify/sandbox/admin_2026-10.schema.json.gz).
API_VERSION = "2026-10"
SUPPORT_MONTHS = 12
WARN_MONTHS = 3
_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def support_ends(version: str) -> dt.date | None:
    """The first day Shopify no longer guarantees ``version`` (None if not a stable name)."""
    match = _VERSION.match(version)
    if not match:
        return None
    return _month_start_shift(dt.date(int(match[1]), int(match[2]), 1), SUPPORT_MONTHS)


def api_version_warning(version: str, *, today: dt.date) -> str:
    """A sentence for people when ``version`` is unsupported or within 3 months of it; else ""."""
    ends = support_ends(version)
    if ends is None:
        return (
            f"Shopify API version {version!r} is not a stable version name (YYYY-01/04/07/10): "
            f"set the integration's api_version option, e.g. {API_VERSION}."
        )
    if today >= ends:
        return (
            f"Shopify API version {version} left Shopify's support window on {ends:%Y-%m-%d}; "
            f"Shopify now answers with a newer version. Move the integration to {API_VERSION} "
            "(option api_version) after checking docs/connectors/shopify.md."
        )
    if today >= _month_start_shift(ends, -WARN_MONTHS):
        return (
            f"Shopify API version {version} leaves Shopify's support window on "
            f"{ends:%Y-%m-%d}: plan the move to a newer version (option api_version)."
        )
    return ""


def _month_start_shift(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
