"""Validation before publishing: a SKU that fails is neither stocked nor priced on the marketplace.

Checked for every SKU of an integration after each catalogue read (and after a SKU-map
import or edit):

* every field the source's catalogue carries (``SourceConnector.catalogue_fields``: EAN,
  title, price for most sources; only the EAN for SEKO) is present;
* the EAN/GTIN has a valid check digit (python-stdnum) and no other SKU has the same one;
* the price, where there is one, is above zero.

A failing SKU raises one exception per SKU and problem kind (``invalid_ean``,
``missing_attribute``), owned by merchandising, and clears it by itself once the SKU passes.
The offer SKU's uniqueness is a database constraint, so it cannot fail here.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from connectors.registry import source_class_for
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.models import Integration, Product, Validation
from integration_hub.services.runs import RunRecorder
from integration_hub.services.sku_mappings import ean_problem

KINDS = ("invalid_ean", "missing_attribute")


def catalogue_fields(integration: Integration) -> frozenset[str]:
    """The fields every SKU of this integration must carry before it is published."""
    return source_class_for(integration.source_kind).catalogue_fields


def sku_problems(
    values: dict, required: frozenset[str], ean_owners: dict[str, list[str]]
) -> list[dict[str, str]]:
    """``[{kind, message}]`` for one SKU (``values``: sku, ean, title, price; ``ean_owners``:
    the SKUs carrying each EAN)."""
    problems = []
    ean = values["ean"]
    if ean:
        why = ean_problem(ean)
        if why:
            problems.append({"kind": "invalid_ean", "message": f"EAN {ean!r} {why}"})
        elif len(ean_owners.get(ean, ())) > 1:
            others = ", ".join(sku for sku in ean_owners[ean] if sku != values["sku"])
            problems.append({"kind": "invalid_ean", "message": f"EAN {ean} is also on {others}"})
    elif "ean" in required:
        problems.append({"kind": "missing_attribute", "message": "no EAN / GTIN"})
    if "title" in required and not values["title"].strip():
        problems.append({"kind": "missing_attribute", "message": "no title"})
    price = values["price"]
    if price is None:
        if "price" in required:
            problems.append({"kind": "missing_attribute", "message": "no price"})
    elif price <= Decimal("0"):
        problems.append(
            {"kind": "missing_attribute", "message": f"price {price} is not above zero"}
        )
    return problems


def products_validate(integration: Integration, run: RunRecorder | None = None) -> dict:
    """Validate every SKU of ``integration``; store the result and raise/clear exceptions.

    Only SKUs whose result changed are written, so a pass over an unchanged catalogue costs
    one read. Returns ``{"valid": n, "invalid": n, "changed": n}``.
    """
    required = catalogue_fields(integration)
    rows = list(
        Product.objects.filter(integration=integration).values(
            "pk", "sku", "ean", "title", "price", "validation_status", "validation_errors"
        )
    )
    ean_owners: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["ean"]:
            ean_owners[row["ean"]].append(row["sku"])
    counts = {"valid": 0, "invalid": 0, "changed": 0}
    for row in rows:
        problems = sku_problems(row, required, ean_owners)
        status = Validation.INVALID if problems else Validation.VALID
        counts[status] += 1
        if status == row["validation_status"] and problems == row["validation_errors"]:
            continue
        counts["changed"] += 1
        _result_store(integration, row, status, problems, row["validation_errors"])
    if run is not None:
        run.add("skus_invalid", counts["invalid"])
    return counts


@transaction.atomic
def _result_store(integration, row, status, problems, previous) -> None:
    Product.objects.filter(pk=row["pk"]).update(
        validation_status=status, validation_errors=problems
    )
    by_kind = defaultdict(list)
    for problem in problems:
        by_kind[problem["kind"]].append(problem["message"])
    for kind in KINDS:
        if kind in by_kind:
            exception_record(
                integration=integration,
                kind=kind,
                subject_type="sku",
                subject_id=row["sku"],
                payload={"product_id": row["pk"]},
                message=(
                    f"SKU {row['sku']} is not published on the marketplace: "
                    + "; ".join(by_kind[kind])
                    + "."
                ),
            )
        elif any(p["kind"] == kind for p in previous or []):
            exception_clear(
                integration=integration,
                kind=kind,
                subject_type="sku",
                subject_id=row["sku"],
                note="the SKU passes validation now",
            )


def product_revalidate(product: Product) -> bool:
    """Validate ``product`` (and its EAN twins) again; True when it is valid now."""
    products_validate(product.integration)
    product.refresh_from_db(fields=["validation_status", "validation_errors"])
    return product.validation_status == Validation.VALID
