"""Fulfil's JSON, as the sandbox reads and writes it (written apart from the connector).

Source: the official client, fulfil-client 3.2.0 ``fulfil_client/serialization.py``: Decimal
as ``{"__class__": "Decimal", "decimal": "12.50"}``; date and datetime as
``{"__class__": <kind>, "iso_string": <isoformat>}``. Its decoder also takes the older parts
form (``year``, ``month``, ``day``, ``hour``, ...), which fulfil-client 2.x and Tryton send, so
the sandbox reads both and answers in the 3.x form. Naive datetimes are UTC (Tryton).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any


def _datetime_in(obj: dict) -> dt.datetime:
    iso = obj.get("iso_string")
    if iso:
        value = dt.datetime.fromisoformat(iso)
    else:
        clock = (obj.get(part, 0) for part in ("hour", "minute", "second", "microsecond"))
        value = dt.datetime(obj["year"], obj["month"], obj["day"], *clock)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _date_in(obj: dict) -> dt.date:
    iso = obj.get("iso_string")
    if iso:
        return dt.date.fromisoformat(iso)
    return dt.date(obj["year"], obj["month"], obj["day"])


READERS = {
    "Decimal": lambda obj: Decimal(obj["decimal"]),
    "datetime": _datetime_in,
    "date": _date_in,
}


def _hook(obj: dict) -> Any:
    kind = obj.get("__class__")
    if not isinstance(kind, str) or kind not in READERS:
        return obj
    try:
        return READERS[kind](obj)
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise ValueError(f'Invalid value for "{kind}": {error}') from None


def loads(raw: bytes | str) -> Any:
    """A request body or query parameter in Fulfil's JSON."""
    return json.loads(raw, object_hook=_hook)


def _out(value: Any) -> dict:
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return {"__class__": "datetime", "iso_string": utc.isoformat()}
    if isinstance(value, dt.date):
        return {"__class__": "date", "iso_string": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """An answer body in Fulfil's JSON (the official client's 3.x form)."""
    return json.dumps(value, default=_out)
