"""The SKU map from the source: products (SKU, EAN, title, price, ids) and sellable stock.

These reads only bring the source into the hub; the stock pass (flows/stock.py) reads stock
levels every minute and publishes them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from connectors.base import SourceProduct
from integration_hub.columns import columns_problems, unstorable_record
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration, Product
from integration_hub.services.runs import RunRecorder

CURSOR = "products.cursor"


def product_upsert(integration: Integration, item: SourceProduct) -> str:
    """Create or refresh one SKU; the marketplace offer SKU and buffer stay as ops set them."""
    fields = {
        "title": (item.title or "")[:255],
        "source_ids": dict(item.source_ids),
        "source_content": content_json(item.attributes),
        "source_categories": [str(name) for name in item.categories],
    }
    if item.barcode:  # an EAN ops set in the SKU map survives a source without one
        fields["ean"] = item.barcode[:14]
    if item.price is not None:
        fields["price"] = item.price
        fields["currency"] = item.currency or "GBP"
    if problems := columns_problems(Product, {**fields, "sku": item.sku}):
        _unstorable_record(integration, item.sku, problems)
        return "unstorable"
    with transaction.atomic():
        product = (
            Product.objects.select_for_update()
            .filter(integration=integration, sku=item.sku)
            .first()
        )
        if product is None:
            Product.objects.create(
                integration=integration, sku=item.sku, offer_sku=item.sku, **fields
            )
            return "created"
        if all(getattr(product, name) == value for name, value in fields.items()):
            return "unchanged"
        for name, value in fields.items():
            setattr(product, name, value)
        product.save()
        return "updated"


def content_json(attributes) -> dict:
    """The source's content as stored: multi-valued fields become lists, empty ones go."""
    content = {}
    for name, value in (attributes or {}).items():
        if isinstance(value, list | tuple):
            values = [str(v) for v in value if str(v).strip()]
            if values:
                content[str(name)] = values
        elif value is not None and str(value).strip():
            content[str(name)] = str(value)
    return content


def _unstorable_record(integration: Integration, sku: str, problems: list[str]) -> None:
    """A source value wider than its column is refused, never cut; the rest of the read goes on
    (left to the database, PostgreSQL would stop the pass and SQLite store a time bomb)."""
    unstorable_record(
        integration,
        kind="internal_error",
        subject_type="sku",
        subject_id=sku,
        what="SKU",
        sender="source",
        problem="; ".join(problems),
        then="It was not changed in the hub; fix it in the source.",
    )


def products_read(integration: Integration, connector, run: RunRecorder) -> None:
    """Bring the changed catalogue in, then validate the SKU map before anything is published."""
    from integration_hub.flows.sku_validation import products_validate

    cursor = cursor_get(integration, CURSOR)
    while True:
        page = connector.products_read(cursor)
        for item in page.items:
            outcome = product_upsert(integration, item)
            if outcome == "unstorable":
                run.item_failed(outcome)
            else:
                run.add(outcome)
        cursor = page.next_cursor
        cursor_set(integration, CURSOR, cursor)
        if not page.has_more:
            break
    products_validate(integration, run)


def stock_levels_read(integration: Integration, connector, run: RunRecorder) -> None:
    """Every SKU's sellable quantity in the source, as of now."""
    now = timezone.now()
    known = dict(
        Product.objects.filter(integration=integration).values_list("sku", "last_source_qty")
    )
    for level in connector.stock_read():
        if level.sku not in known:
            run.add("stock_unknown_sku")
            continue
        if problems := columns_problems(Product, {"last_source_qty": level.available}):
            _unstorable_record(integration, level.sku, problems)
            run.item_failed("stock_unstorable")
            continue
        if known[level.sku] != level.available:
            Product.objects.filter(integration=integration, sku=level.sku).update(
                last_source_qty=level.available, last_source_qty_at=now
            )
            run.add("stock_changed")


def products_pass(integration: Integration, run: RunRecorder) -> None:
    """Read the catalogue; also the stock levels when the stock pass (which reads them every
    minute) is switched off, so order acceptance still sees current stock."""
    from integration_hub.clients import source_connector_for

    connector = source_connector_for(integration)
    products_read(integration, connector, run)
    if not integration.flow_enabled("stock"):
        stock_levels_read(integration, connector, run)
