"""The marketplace's catalogue structure: H11 categories, PM11 attributes, VL11 value lists.

Pulled hourly at most (the spec's maximum for all three). The three answers replace the
stored copy together, in one transaction, and only when all three were read: a failed pull
keeps the previous structure (a half-read structure would mark good SKUs incomplete).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from connectors.base import PermanentError, TransientError
from connectors.mirakl.limiter import CallDeferred
from integration_hub.columns import columns_problems
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import (
    Integration,
    MarketplaceAttribute,
    MarketplaceCategory,
    MarketplaceValueList,
    Requirement,
)
from integration_hub.services.runs import RunRecorder

logger = logging.getLogger("integration_hub.flows.catalogue")
CURSOR = "catalogue.structure_at"
EVERY = dt.timedelta(hours=1)


def structure_due(integration: Integration, *, now: dt.datetime) -> bool:
    last = cursor_get(integration, CURSOR)
    if not last or not MarketplaceCategory.objects.filter(integration=integration).exists():
        return True
    return now - dt.datetime.fromisoformat(last) >= EVERY


def structure_pull(integration: Integration, client, run: RunRecorder) -> bool:
    """Read H11, PM11 and VL11 and store them; False (previous copy kept) when a call failed.

    With no stored copy at all the failure is raised: the pass cannot build anything.
    """
    try:
        hierarchies = client.hierarchies_list()
        attributes = client.product_attributes_list()
        value_lists = client.value_lists_list()
        rows = structure_rows(integration, hierarchies, attributes, value_lists)
    except CallDeferred:
        raise
    except (TransientError, PermanentError) as error:
        if not MarketplaceCategory.objects.filter(integration=integration).exists():
            raise
        logger.warning("integration %s: catalogue structure not read: %s", integration, error)
        run.item_failed("structure_pull_failed")
        return False
    structure_store(integration, rows)
    run.add("categories", len(hierarchies))
    run.add("attributes", len(attributes))
    run.add("value_lists", len(value_lists))
    return True


def structure_rows(integration: Integration, hierarchies, attributes, value_lists) -> list:
    """The model rows for the three answers (duplicates: the last wins); a value that does not
    fit its column is a PermanentError, so the previous structure stays (never cut a code)."""
    now = timezone.now()
    rows: list = [
        MarketplaceCategory(
            integration=integration,
            code=h.code,
            label=h.label or "",
            level=max(0, int(h.level or 0)),
            parent_code=h.parent_code or "",
            fetched_at=now,
        )
        for h in {h.code: h for h in hierarchies}.values()
    ]
    rows += [
        _attribute_row(integration, a, now)
        for a in {(a.code, a.hierarchy_code): a for a in attributes}.values()
    ]
    rows += [
        MarketplaceValueList(
            integration=integration,
            code=v.code,
            label=v.label or "",
            values=[[item.code, item.label or item.code] for item in v.values],
            fetched_at=now,
        )
        for v in {v.code: v for v in value_lists}.values()
    ]
    for row in rows:
        values = {
            f.name: getattr(row, f.name) for f in row._meta.concrete_fields if f.name in _CHECKED
        }
        if problems := columns_problems(type(row), values):
            raise PermanentError(f"{type(row).__name__} {row.code!r}: " + "; ".join(problems))
    return rows


_CHECKED = {
    "code",
    "label",
    "parent_code",
    "hierarchy_code",
    "type",
    "values_list",
    "default_value",
}


@transaction.atomic
def structure_store(integration: Integration, rows: list) -> None:
    for model in (MarketplaceCategory, MarketplaceAttribute, MarketplaceValueList):
        model.objects.filter(integration=integration).delete()
    for model in (MarketplaceCategory, MarketplaceAttribute, MarketplaceValueList):
        model.objects.bulk_create([row for row in rows if type(row) is model], batch_size=500)
    cursor_set(integration, CURSOR, timezone.now().isoformat())


def _attribute_row(integration, attribute, now) -> MarketplaceAttribute:
    level = (attribute.requirement_level or "").upper()
    return MarketplaceAttribute(
        integration=integration,
        code=attribute.code,
        hierarchy_code=attribute.hierarchy_code or "",
        label=attribute.label or "",
        requirement_level=level if level in Requirement.values else Requirement.OPTIONAL,
        type=attribute.type or "TEXT",
        values_list=attribute.values_list or "",
        variant=bool(attribute.variant),
        roles=list(attribute.roles),
        validations=dict(attribute.validations),
        type_parameters=dict(attribute.type_parameters),
        description=attribute.description or "",
        example=attribute.example or "",
        default_value=attribute.default_value or "",
        fetched_at=now,
    )
