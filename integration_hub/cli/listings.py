"""`hub listings [--integration NAME] [--status S] [--json]`: why is each SKU not live?"""

from __future__ import annotations

from integration_hub.cli.output import json_dump
from integration_hub.models import Integration, ListingStatus, Product

COLUMNS = ("sku", "status", "category", "missing", "errors")
ERROR_KINDS = ("invalid", "rejected")


def register(subparsers) -> None:
    parser = subparsers.add_parser("listings", help="each SKU's listing status and what it lacks")
    parser.add_argument("--integration", metavar="NAME", help="needed when there are several")
    parser.add_argument("--status", choices=ListingStatus.values, help="only SKUs in this status")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=listings_show)


def listing_row(product: Product) -> dict:
    """One SKU as `hub listings` shows it: missing attribute codes, then every error message."""
    problems = product.listing_problems or []
    missing = [p["attribute"] for p in problems if p.get("kind") == "missing" and p["attribute"]]
    errors = [p["message"] for p in problems if p.get("kind") in ERROR_KINDS]
    if not product.listing_category:  # only the category is missing: say why
        errors += [p["message"] for p in problems if p.get("kind") == "missing"]
    return {
        "sku": product.sku,
        "status": product.listing_status,
        "category": product.listing_category,
        "missing": list(dict.fromkeys(missing)),
        "errors": list(dict.fromkeys(errors)),  # a rejection names each attribute once
    }


def listing_counts_text(counts: dict[str, int]) -> str:
    """``listings_refresh``'s counts as one line, statuses in their order."""
    if counts.get("not_pulled"):
        return "listings: not built (the catalogue structure was never pulled)"
    shown = ", ".join(f"{counts.get(status, 0)} {status}" for status in ListingStatus.values)
    return f"listings: {shown} ({counts.get('changed', 0)} changed)"


def listings_show(command, options) -> None:
    from integration_hub.cli.mappings import integration_pick

    integration: Integration = integration_pick(options["integration"])
    products = Product.objects.filter(integration=integration).order_by("sku")
    if options["status"]:
        products = products.filter(listing_status=options["status"])
    products = products.only("sku", "listing_status", "listing_category", "listing_problems")
    rows = [listing_row(product) for product in products]
    if options["json"]:
        json_dump(command, rows)
        return
    if not rows:
        command.stdout.write(f"no {options['status'] or ''} listings for {integration.name}")
        return
    for line in _table(rows):
        command.stdout.write(line.rstrip())


def _table(rows: list[dict]) -> list[str]:
    cells = [
        [row[name] for name in COLUMNS[:3]] + [", ".join(row["missing"]), "; ".join(row["errors"])]
        for row in rows
    ]
    widths = [max(len(name), *(len(line[i]) for line in cells)) for i, name in enumerate(COLUMNS)]
    widths[-1] = 0  # the last column is never padded
    return [
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True))
        for line in [list(COLUMNS), *cells]
    ]
