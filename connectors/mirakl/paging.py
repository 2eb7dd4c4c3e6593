"""Offset and seek pagination over the Mirakl seller API, always to the end.

* Offset (OR11, OF21, IV01): ``max=100`` and ``offset`` until ``offset >= total_count``
  (or an empty/short page when ``total_count`` is missing).
* Seek (TL02, SBC11, RT11, PRI02): the first request carries the filters; each next one only
  ``page_token`` (Mirakl ignores every other parameter then) until ``next_page_token`` is
  absent.

The limiter is charged for the first request of a listing only, unless
``charge_every_page`` (TL02, whose maximum counts every call).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from connectors.base import PermanentError

PAGE_MAX = 100


class PagingMixin:
    _http = None  # set by MiraklClient

    def _offset_items(
        self,
        op: str,
        path: str,
        params: list,
        key: str,
        *,
        limit_as: str | None = None,
    ) -> Iterator[dict]:
        offset = 0
        while True:
            query = [*params, ("max", PAGE_MAX), ("offset", offset)]
            body = self._http.call(
                op, "GET", path, params=query, limit=offset == 0, limit_as=limit_as
            )
            items = body.get(key) or []
            if not isinstance(items, list):
                raise PermanentError(f"Mirakl {op}: {key!r} is not a list")
            yield from items
            offset += len(items)
            total = _total_count(op, body.get("total_count"))
            if not items or (total is not None and offset >= total):
                return
            if total is None and len(items) < PAGE_MAX:
                return

    def _seek_items(
        self, op: str, path: str, params: list, *, charge_every_page: bool = False
    ) -> Iterator[dict]:
        token = None
        seen: set[str] = set()
        while True:
            query = [("page_token", token)] if token else params
            body = self._http.call(
                op, "GET", path, params=query, limit=charge_every_page or token is None
            )
            data = body.get("data") or []
            if not isinstance(data, list):
                raise PermanentError(f"Mirakl {op}: 'data' is not a list")
            yield from data
            token = body.get("next_page_token")
            if token is not None and not isinstance(token, str):
                raise PermanentError(f"Mirakl {op}: next_page_token {token!r} is not text")
            if not token:
                return
            if token in seen:
                raise PermanentError(f"Mirakl {op}: next_page_token {token!r} repeated")
            seen.add(token)


def _total_count(op: str, value) -> int | None:
    """``total_count`` as an int; a malformed one is the server's fault, not a crash."""
    if value is None:
        return None
    if isinstance(value, int | str) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):
            return int(value)
    raise PermanentError(f"Mirakl {op}: total_count {value!r} is not a whole number")
