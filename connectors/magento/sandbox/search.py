"""Magento ``searchCriteria`` as the real API reads it, applied to a Django queryset.

Filter groups are ANDed, the filters inside one group ORed. Condition types: eq, neq, gt,
gteq, lt, lteq, in, nin, like (``%`` wildcards), null, notnull. A page past the end answers
the last page again, exactly like Magento (magento2#3787).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import InvalidOperation

from django.db.models import Q, QuerySet

from connectors.magento.sandbox.errors import MagentoError, required

_FILTER = re.compile(
    r"^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type)\]$"
)
_SORT = re.compile(r"^searchCriteria\[sortOrders\]\[(\d+)\]\[(field|direction)\]$")
_LOOKUPS = {"eq": "exact", "gt": "gt", "gteq": "gte", "lt": "lt", "lteq": "lte"}


@dataclass
class SearchCriteria:
    groups: list[list[dict]] = field(default_factory=list)
    sort_orders: list[dict] = field(default_factory=list)
    page_size: int | None = None
    current_page: int = 1

    def as_json(self) -> dict:
        body: dict = {"filter_groups": [{"filters": group} for group in self.groups]}
        if self.sort_orders:
            body["sort_orders"] = self.sort_orders
        if self.page_size is not None:
            body["page_size"] = self.page_size
        body["current_page"] = self.current_page
        return body


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise MagentoError(400, 'The "%1" value is invalid.', [name]) from None


def criteria_parse(query: Mapping[str, str]) -> SearchCriteria:
    """Read ``searchCriteria[...]`` query parameters; Magento requires at least the key."""
    if not any(key.startswith("searchCriteria") for key in query):
        raise required("searchCriteria")
    groups: dict[int, dict[int, dict]] = {}
    sorts: dict[int, dict] = {}
    for key, value in query.items():
        if match := _FILTER.match(key):
            group, index, part = int(match[1]), int(match[2]), match[3]
            groups.setdefault(group, {}).setdefault(index, {})[part] = value
        elif match := _SORT.match(key):
            sorts.setdefault(int(match[1]), {})[match[2]] = value
    criteria = SearchCriteria(
        groups=[
            [{"condition_type": "eq", **groups[g][f]} for f in sorted(groups[g])]
            for g in sorted(groups)
        ],
        sort_orders=[sorts[s] for s in sorted(sorts) if "field" in sorts[s]],
    )
    if "searchCriteria[pageSize]" in query:
        criteria.page_size = max(1, _integer(query["searchCriteria[pageSize]"], "pageSize"))
    if "searchCriteria[currentPage]" in query:
        page = _integer(query["searchCriteria[currentPage]"], "currentPage")
        criteria.current_page = max(1, page)
    return criteria


def as_time(value: str) -> dt.datetime:
    """Magento compares dates as ``YYYY-MM-DD HH:MM:SS`` in UTC (a bare date means midnight)."""
    text = value.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text[:19], pattern).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise ValueError(value)


# field -> (ORM path, how a query-string value becomes its ORM value: str, int, Decimal, as_time)
Fields = Mapping[str, tuple[str, Callable[[str], object]]]


def _like_regex(value: str) -> str:
    return "^" + ".*".join(re.escape(part) for part in value.split("%")) + "$"


def _condition(spec: dict, fields: Fields) -> Q:
    name = spec.get("field", "")
    if name not in fields:
        raise MagentoError(400, 'Cannot filter by "%1": the field is not supported.', [name])
    path, convert = fields[name]
    condition = spec.get("condition_type", "eq")
    value = spec.get("value", "")
    try:
        if condition in _LOOKUPS:
            return Q(**{f"{path}__{_LOOKUPS[condition]}": convert(value)})
        if condition == "neq":
            return ~Q(**{path: convert(value)})
        if condition in ("in", "nin"):
            values = [convert(v.strip()) for v in value.split(",") if v.strip()]
            clause = Q(**{f"{path}__in": values})
            return clause if condition == "in" else ~clause
        if condition == "like":
            return Q(**{f"{path}__iregex": _like_regex(value)})
        if condition in ("null", "notnull"):
            return Q(**{f"{path}__isnull": condition == "null"})
    except (ValueError, InvalidOperation):
        raise MagentoError(
            400, 'The "%1" value is invalid for field "%2".', [value, name]
        ) from None
    raise MagentoError(400, 'Invalid condition type "%1".', [condition])


def queryset_search(
    queryset: QuerySet, criteria: SearchCriteria, fields: Fields
) -> tuple[list, int]:
    """The requested page of ``queryset`` and the total count, Magento style."""
    for group in criteria.groups:
        clause = Q()
        for spec in group:
            clause |= _condition(spec, fields)
        queryset = queryset.filter(clause)
    ordering = []
    for order in criteria.sort_orders:
        if order["field"] not in fields:
            raise MagentoError(400, 'Cannot sort by "%1".', [order["field"]])
        prefix = "-" if order.get("direction", "ASC").upper() == "DESC" else ""
        ordering.append(prefix + fields[order["field"]][0])
    queryset = queryset.order_by(*ordering, "pk")
    total = queryset.count()
    if criteria.page_size is None:
        return list(queryset), total
    last_page = max(1, math.ceil(total / criteria.page_size))
    page = min(criteria.current_page, last_page)  # past the end: the last page again
    start = (page - 1) * criteria.page_size
    return list(queryset[start : start + criteria.page_size]), total
