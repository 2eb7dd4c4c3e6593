"""The SKU map as a file: marketplace offer SKU, EAN and buffer per source SKU.

Columns ``sku``, ``offer_sku``, ``ean``, ``buffer``. Imports are all-or-nothing with row
numbers; EANs are checked with python-stdnum (EAN-8/13, UPC-A and GTIN-14 check digits) and
kept as text both ways, so a spreadsheet never turns them into numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction
from stdnum import ean as ean_number

from integration_hub.columns import columns_problems
from integration_hub.models import Integration, Product
from integration_hub.services.carrier_mappings import ImportRejected, ImportReport
from integration_hub.tabular import TableError, table_read, table_write

COLUMNS = ["sku", "offer_sku", "ean", "buffer"]
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")


def ean_problem(value: str) -> str:
    """Why ``value`` is not a usable EAN/GTIN, or "" when it is."""
    if SCIENTIFIC.match(value):
        return "looks like a number the spreadsheet shortened (format the column as text)"
    if not (value.isascii() and value.isdigit()) or len(value) not in (8, 12, 13, 14):
        return "must be 8, 12, 13 or 14 digits"
    if not ean_number.is_valid(value):
        return "has a wrong check digit"
    return ""


def _row_problems(row, products: dict[str, Product]) -> list[str]:
    values, problems = row.values, []
    if values["sku"] not in products:
        problems.append(f"sku {values['sku']!r} is not in the SKU map (read the catalogue first)")
    ean = values.get("ean", "")
    if ean and (why := ean_problem(ean)):
        problems.append(f"ean {ean!r} {why}")
    buffer = values.get("buffer", "")
    if buffer and not (buffer.isascii() and buffer.isdigit() and int(buffer) <= 100_000):
        problems.append(f"buffer {buffer!r} must be a whole number from 0 (empty = the default)")
    # an offer SKU longer than the hub stores would be published, then fail its first order
    problems += columns_problems(Product, {"offer_sku": values.get("offer_sku") or None})
    return [f"row {row.number}: {problem}" for problem in problems]


def _repeated_skus(rows) -> list[str]:
    """One row per SKU: a second one would silently win over the first."""
    first_seen: dict[str, int] = {}
    errors = []
    for row in rows:
        first = first_seen.setdefault(row.values["sku"], row.number)
        if first != row.number:
            errors.append(f"row {row.number}: sku {row.values['sku']!r} repeats row {first}")
    return errors


def _offer_sku_clashes(rows, products: dict[str, Product]) -> list[str]:
    """Two SKUs may not end up with one offer SKU, inside the file or with the rest of the map."""
    final = {sku: p.offer_sku for sku, p in products.items()}
    numbers = {}
    for row in rows:
        final[row.values["sku"]] = row.values.get("offer_sku") or row.values["sku"]
        numbers[row.values["sku"]] = row.number
    owners: dict[str, str] = {}
    errors = []
    for sku, offer_sku in final.items():
        other = owners.setdefault(offer_sku, sku)
        if other != sku and (sku in numbers or other in numbers):
            where = numbers.get(sku) or numbers.get(other)
            errors.append(
                f"row {where}: offer_sku {offer_sku!r} is used by both {other!r} and {sku!r}"
            )
    return errors


def sku_mappings_import(integration: Integration, path: str | Path) -> ImportReport:
    try:
        rows = table_read(path, required=["sku"], optional=["offer_sku", "ean", "buffer"])
    except TableError as error:
        raise ImportRejected([str(error)]) from None
    products = {p.sku: p for p in Product.objects.filter(integration=integration)}
    errors = [problem for row in rows for problem in _row_problems(row, products)]
    errors += _repeated_skus(rows) or _offer_sku_clashes(rows, products)
    if errors:
        raise ImportRejected(errors)
    report = ImportReport()
    with transaction.atomic():
        for row in rows:
            outcome = _product_apply(products[row.values["sku"]], row.values)
            setattr(report, outcome, getattr(report, outcome) + 1)
    if report.updated:
        from integration_hub.flows.sku_validation import products_validate

        products_validate(integration)  # a new EAN may make a SKU publishable, or not
    return report


def _product_apply(product: Product, values: dict[str, str]) -> str:
    changes = {
        "offer_sku": values.get("offer_sku") or product.sku,
        "buffer_override": int(values["buffer"]) if values.get("buffer") else None,
    }
    if values.get("ean"):
        changes["ean"] = values["ean"]
    if all(getattr(product, name) == value for name, value in changes.items()):
        return "unchanged"
    if changes["offer_sku"] != product.offer_sku:
        # a new offer on the marketplace: publish its stock and price again
        changes.update(last_pushed_qty=None, last_pushed_price=None)
    for name, value in changes.items():
        setattr(product, name, value)
    product._change_reason = "SKU map import"  # in the change history, like carrier imports
    product.save(update_fields=list(changes))
    return "updated"


def sku_mappings_export(integration: Integration, path: str | Path) -> int:
    products = Product.objects.filter(integration=integration).order_by("sku")
    return table_write(
        path,
        COLUMNS,
        (
            [p.sku, p.offer_sku, p.ean, "" if p.buffer_override is None else p.buffer_override]
            for p in products
        ),
    )


def product_mapping_update(
    product: Product, *, offer_sku: str, buffer_override: int | None, reason: str = "SKU map screen"
) -> bool:
    """Change one SKU's offer SKU and buffer (the SKU map screen); False when nothing changed.

    Raises ``ValidationError`` keyed by field: a negative buffer, or an offer SKU another SKU
    of the same integration already uses. Saved through the model so the change history
    records it, and who (in a web request). A new offer SKU is a new offer on the
    marketplace: forgetting what was pushed makes the next stock and price passes publish it.
    """
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    offer_sku = offer_sku.strip() or product.sku
    errors = {}
    if buffer_override is not None and buffer_override < 0:
        errors["buffer_override"] = "The buffer cannot be negative; leave it empty for the default."
    owner = (
        Product.objects.filter(integration_id=product.integration_id, offer_sku=offer_sku)
        .exclude(pk=product.pk)
        .values_list("sku", flat=True)
        .first()
    )
    if owner:
        errors["offer_sku"] = f"Offer SKU {offer_sku!r} is already used by SKU {owner!r}."
    if errors:
        raise ValidationError(errors)
    changes = {"offer_sku": offer_sku, "buffer_override": buffer_override}
    if all(getattr(product, name) == value for name, value in changes.items()):
        return False
    if offer_sku != product.offer_sku:
        changes.update(last_pushed_qty=None, last_pushed_price=None)
    for name, value in changes.items():
        setattr(product, name, value)
    product._change_reason = reason
    try:
        with transaction.atomic():
            product.save(update_fields=[*changes, "updated_at"])
    except IntegrityError:  # another request took the offer SKU since the check above
        raise ValidationError(
            {"offer_sku": f"Offer SKU {offer_sku!r} was just taken by another SKU."}
        ) from None
    return True
