"""Reads for the catalogue screens (issue 21): listing counts and completeness, and how many
SKUs each catalogue mapping row reaches.

The reach counts are plain Python over one integration's products (one query loads their
content), which stays well under a second for 10,000 SKUs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from integration_hub.flows.listing_build import field_value
from integration_hub.flows.listing_rules import CatalogueStructure, structure_for
from integration_hub.flows.listings import source_fields_seen
from integration_hub.models import (
    AttributeMapping,
    CategoryMapping,
    Integration,
    ListingStatus,
    Product,
    ValueMapping,
)

# Statuses that passed the hub's own validation: the category's rules are met.
COMPLETE_STATUSES = (
    ListingStatus.READY,
    ListingStatus.SUBMITTED,
    ListingStatus.INTEGRATED,
    ListingStatus.LIVE,
)
OWN_FIELDS = ("sku", "ean", "title", "price")


def listing_status_counts(products: QuerySet[Product]) -> list[dict]:
    """One entry per listing status, in the order a SKU moves through them, zeros included."""
    found = {
        row["listing_status"]: row["n"]
        for row in products.order_by().values("listing_status").annotate(n=Count("id"))
    }
    return [
        {"status": status.value, "label": status.label, "count": found.get(status.value, 0)}
        for status in ListingStatus
    ]


def listing_completeness(products: QuerySet[Product], labels: dict[str, str]) -> list[dict]:
    """Per marketplace category ("" = none yet): SKUs, how many per status, % complete."""
    rows: dict[str, Counter] = {}
    grouped = products.order_by().values("listing_category", "listing_status")
    for row in grouped.annotate(n=Count("id")):
        rows.setdefault(row["listing_category"], Counter())[row["listing_status"]] += row["n"]
    table = []
    for category, counts in sorted(rows.items(), key=lambda item: (not item[0], item[0])):
        total = sum(counts.values())
        complete = sum(counts[status] for status in COMPLETE_STATUSES)
        table.append(
            {
                "category": category,
                "label": labels.get(category, ""),
                "skus": total,
                **{status.value: counts[status.value] for status in ListingStatus},
                "percent": round(100 * complete / total) if total else 0,
            }
        )
    return table


@dataclass
class ProductContent:
    """What the reach counts need of one product."""

    category: str
    categories: list[str]
    content: dict = field(default_factory=dict)


def products_content(integration: Integration) -> list[ProductContent]:
    """Every product of ``integration`` with its source content and the SKU map's own fields
    (mappable like source fields; the source wins on a clash, as in the builder)."""
    rows = Product.objects.filter(integration=integration).values_list(
        "listing_category", "source_categories", "source_content", *OWN_FIELDS
    )
    loaded = []
    for category, categories, content, *own in rows.iterator(chunk_size=2000):
        fields = {n: str(v) for n, v in zip(OWN_FIELDS, own, strict=True) if v not in (None, "")}
        loaded.append(ProductContent(category, list(categories or ()), {**fields, **content}))
    return loaded


def _key(text: str) -> str:
    return str(text).strip().casefold()


def _values(content: dict, source_field: str) -> list[str]:
    """The non-empty values of a source field (a list field gives each of its values)."""
    value = field_value(content, source_field)
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def source_categories_seen(products: Iterable[ProductContent]) -> list[tuple[str, int]]:
    """Every source category name with how many products are linked to it, most first."""
    seen: Counter[str] = Counter()
    names: dict[str, str] = {}
    for product in products:
        spelled: dict[str, str] = {}
        for name in product.categories:
            if str(name).strip():
                spelled.setdefault(_key(name), str(name).strip())
        for key, text in spelled.items():
            names.setdefault(key, text)
            seen[key] += 1
    return sorted(((names[key], n) for key, n in seen.items()), key=lambda row: (-row[1], row[0]))


def category_mapping_reach(
    mappings: Iterable[CategoryMapping], products: list[ProductContent]
) -> dict[int, int]:
    """Mapping pk -> products linked to its source category."""
    seen = Counter(key for p in products for key in {_key(n) for n in p.categories})
    return {mapping.pk: seen[_key(mapping.source_category)] for mapping in mappings}


def attribute_mapping_reach(
    mappings: Iterable[AttributeMapping], products: list[ProductContent]
) -> dict[int, int]:
    """Mapping pk -> products (in its category, or any) that carry its source field; a
    default-only mapping reaches every product in its category (or every product)."""
    reach = {}
    for mapping in mappings:
        scope = [
            p
            for p in products
            if not mapping.marketplace_category or p.category == mapping.marketplace_category
        ]
        if mapping.source_field.strip():
            scope = [p for p in scope if _values(p.content, mapping.source_field.strip())]
        reach[mapping.pk] = len(scope)
    return reach


def field_carriers(products: list[ProductContent], source_field: str) -> int:
    """How many products carry ``source_field`` (``name[n]`` counts the n-th value)."""
    return sum(1 for p in products if _values(p.content, source_field.strip()))


def attribute_source_values(
    attribute: str, products: list[ProductContent], structure: CatalogueStructure
) -> Counter[str]:
    """Casefolded source value -> products whose mapped field for ``attribute`` has it (the
    mapping of the product's category, else the one for every category)."""
    seen: Counter[str] = Counter()
    for product in products:
        rule = structure.field_rule(attribute, product.category)
        if rule is None or not rule.source_field:
            continue
        seen.update({_key(v) for v in _values(product.content, rule.source_field)})
    return seen


def source_values_seen(
    attribute: str, products: list[ProductContent], structure: CatalogueStructure
) -> list[tuple[str, int]]:
    """The source values feeding ``attribute`` as the products spell them, most common first."""
    spelled: dict[str, str] = {}
    for product in products:
        rule = structure.field_rule(attribute, product.category)
        if rule is not None and rule.source_field:
            for value in _values(product.content, rule.source_field):
                spelled.setdefault(_key(value), value)
    counts = attribute_source_values(attribute, products, structure)
    return sorted(((spelled[k], n) for k, n in counts.items()), key=lambda r: (-r[1], r[0]))


def value_mapping_reach(
    mappings: Iterable[ValueMapping], products: list[ProductContent], structure
) -> dict[int, int]:
    """Mapping pk -> products whose mapped field for its attribute has its source value."""
    by_attribute: dict[str, Counter[str]] = {}
    reach = {}
    for mapping in mappings:
        attribute = mapping.marketplace_attribute
        if attribute not in by_attribute:
            by_attribute[attribute] = attribute_source_values(attribute, products, structure)
        reach[mapping.pk] = by_attribute[attribute][_key(mapping.source_value)]
    return reach


# --- What the mapping editors show (one builder per kind, for the list and the form) --------


def _list_attributes(structure: CatalogueStructure) -> dict[str, tuple[str, list[str]]]:
    """LIST attribute code -> (its label, its value list codes), over every category."""
    found: dict[str, tuple[str, list[str]]] = {}
    for specs in structure.attributes.values():
        for spec in specs:
            if spec.type in ("LIST", "LIST_MULTIPLE_VALUES") and spec.values_list:
                label, lists = found.setdefault(spec.code, (spec.label, []))
                if spec.values_list not in lists:
                    lists.append(spec.values_list)
    return dict(sorted(found.items()))


def _attribute_labels(structure: CatalogueStructure) -> dict[str, str]:
    labels: dict[str, str] = {}
    for specs in structure.attributes.values():
        for spec in specs:
            labels.setdefault(spec.code, spec.label)
    return dict(sorted(labels.items()))


def _value_choices(structure: CatalogueStructure, lists: list[str]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for values_list in lists:
        for code, label in structure.value_choices(values_list):
            seen.setdefault(code, label)
    return list(seen.items())


def category_list_context(integration: Integration, params: Mapping[str, str]) -> dict:
    structure = structure_for(integration)
    products = products_content(integration)
    mappings = list(CategoryMapping.objects.filter(integration=integration))
    reach = category_mapping_reach(mappings, products)
    in_category = Counter(p.category for p in products)
    seen = [
        {"name": name, "products": n, "mapped": structure.category_map.get(_key(name), "")}
        for name, n in source_categories_seen(products)
    ]
    seen.sort(key=lambda row: bool(row["mapped"]))  # unmapped first, each most products first
    return {
        "pulled": structure.pulled,
        "rows": [
            {
                "mapping": m,
                "reach": reach[m.pk],
                "category": structure.categories.get(m.marketplace_category),
            }
            for m in mappings
        ],
        "seen": seen,
        "unmapped": sum(1 for row in seen if not row["mapped"]),
        "categories": [
            {"info": info, "skus": in_category[code]}
            for code, info in sorted(structure.categories.items())
        ],
    }


def attribute_list_context(integration: Integration, params: Mapping[str, str]) -> dict:
    structure = structure_for(integration)
    products = products_content(integration)
    category = params.get("category", "")
    category = category if category in structure.categories else ""
    mappings = list(AttributeMapping.objects.filter(integration=integration))
    reach = attribute_mapping_reach(mappings, products)
    by_target = {(m.marketplace_attribute, m.marketplace_category): m for m in mappings}
    known = structure.attribute_codes()
    return {
        "pulled": structure.pulled,
        "category": structure.categories.get(category),
        "categories": sorted(structure.categories.values(), key=lambda c: c.code),
        "category_skus": sum(1 for p in products if p.category == category) if category else 0,
        "attributes": [
            {
                "spec": spec,
                "mapping": by_target.get((spec.code, category)) or by_target.get((spec.code, "")),
                "own": bool(category) and (spec.code, category) in by_target,
                "hub_filled": spec.code in (structure.sku_column, structure.category_column),
            }
            for spec in structure.attributes_for(category)
        ],
        "rows": [
            {"mapping": m, "reach": reach[m.pk], "known": m.marketplace_attribute in known}
            for m in mappings
        ],
        "fields": source_fields_seen(integration),
    }


def _seen_values(attribute: str, lists: list[str], products, structure) -> list[dict]:
    rows = []
    for value, n in source_values_seen(attribute, products, structure):
        mapped = structure.value_map.get((attribute, _key(value)), "")
        matches = next(filter(None, (structure.value_code(vl, value) for vl in lists)), "")
        rows.append({"value": value, "products": n, "mapped": mapped, "matches": matches})
    return rows


def value_list_context(integration: Integration, params: Mapping[str, str]) -> dict:
    structure = structure_for(integration)
    products = products_content(integration)
    list_attributes = _list_attributes(structure)
    attribute = params.get("attribute", "")
    attribute = attribute if attribute in list_attributes else ""
    mappings = ValueMapping.objects.filter(integration=integration)
    if attribute:
        mappings = mappings.filter(marketplace_attribute=attribute)
    mappings = list(mappings)
    reach = value_mapping_reach(mappings, products, structure)
    labels = {
        code: dict(_value_choices(structure, lists))
        for code, (_label, lists) in list_attributes.items()
    }
    lists = list_attributes.get(attribute, ("", []))[1]
    return {
        "pulled": structure.pulled,
        "attribute": attribute,
        "list_attributes": [(code, label) for code, (label, _lists) in list_attributes.items()],
        "value_lists": lists,
        "rows": [
            {
                "mapping": m,
                "reach": reach[m.pk],
                "label": labels.get(m.marketplace_attribute, {}).get(m.marketplace_value),
            }
            for m in mappings
        ],
        "choices": _value_choices(structure, lists),
        "seen": _seen_values(attribute, lists, products, structure) if attribute else [],
    }


def _form_value(form, name: str) -> str:
    if form.is_bound:
        return str(form.data.get(name, "")).strip()
    value = form.initial.get(name) or getattr(form.instance, name, "")
    return str(value or "").strip()


def category_form_context(form, integration: Integration) -> dict:
    structure = structure_for(integration)
    names = source_categories_seen(products_content(integration))
    categories = sorted(structure.categories.values(), key=lambda c: c.code)
    return {
        "datalists": {
            "source_category": [(name, f"{n} products") for name, n in names],
            "marketplace_category": [(c.code, c.label) for c in categories],
        },
        "references": [
            {
                "title": "Marketplace categories",
                "columns": ["Code", "Label", "Level", "Parent"],
                "rows": [[c.code, c.label, c.level, c.parent_code] for c in categories],
            }
        ],
    }


def attribute_form_context(form, integration: Integration) -> dict:
    structure = structure_for(integration)
    category = _form_value(form, "marketplace_category")
    category = category if category in structure.categories else ""
    specs = structure.attributes_for(category)
    where = f"category {category}" if category else "every category (shared)"
    fields = source_fields_seen(integration)
    return {
        "datalists": {
            "marketplace_attribute": list(_attribute_labels(structure).items()),
            "marketplace_category": [(c.code, c.label) for c in structure.categories.values()],
            "source_field": [(n, f"{c} products") for n, c in fields],
        },
        "references": [
            {
                "title": f"Attributes of {where}",
                "columns": ["Code", "Label", "Requirement", "Type", "Value list", "Max length"],
                "rows": [
                    [
                        s.code,
                        s.label,
                        s.requirement.lower(),
                        s.type,
                        s.values_list,
                        s.max_length or "",
                    ]
                    for s in specs
                ],
            },
            {
                "title": "Source fields seen in the catalogue",
                "columns": ["Source field", "Products carrying it"],
                "rows": [[n, c] for n, c in fields],
            },
        ],
    }


def value_form_context(form, integration: Integration) -> dict:
    structure = structure_for(integration)
    list_attributes = _list_attributes(structure)
    attribute = _form_value(form, "marketplace_attribute")
    lists = list_attributes.get(attribute, ("", []))[1]
    choices = _value_choices(structure, lists)
    seen = _seen_values(attribute, lists, products_content(integration), structure) if lists else []
    return {
        "datalists": {
            "marketplace_attribute": [
                (code, label) for code, (label, _) in list_attributes.items()
            ],
            "source_value": [(row["value"], f"{row['products']} products") for row in seen],
            "marketplace_value": choices,
        },
        "references": [
            {
                "title": f"Value list {', '.join(lists)} of {attribute}" if lists else "Value list",
                "columns": ["Code", "Label"],
                "rows": [list(choice) for choice in choices],
                "empty": "Enter a LIST attribute code and press Show its values.",
            },
            {
                "title": "Source values seen for it",
                "columns": ["Source value", "Products", "Mapped to", "Matches a code or label"],
                "rows": [[r["value"], r["products"], r["mapped"], r["matches"]] for r in seen],
            },
        ],
    }


LIST_CONTEXT = {
    "categories": category_list_context,
    "attributes": attribute_list_context,
    "values": value_list_context,
}
FORM_CONTEXT = {
    "categories": category_form_context,
    "attributes": attribute_form_context,
    "values": value_form_context,
}


def mapping_warnings(mapping) -> list[str]:
    """A saved row that reaches no product yet: said, not refused (the products may follow)."""
    products = products_content(mapping.integration)
    if isinstance(mapping, CategoryMapping):
        if not category_mapping_reach([mapping], products)[mapping.pk]:
            return [
                f"No product is linked to source category {mapping.source_category!r} "
                "(0 products): saved anyway."
            ]
    elif isinstance(mapping, AttributeMapping):
        if mapping.source_field and not field_carriers(products, mapping.source_field):
            return [
                f"No product carries the source field {mapping.source_field!r} (0 products): "
                "saved anyway; compare its spelling with the source fields listed."
            ]
    elif isinstance(mapping, ValueMapping):
        structure = structure_for(mapping.integration)
        if not value_mapping_reach([mapping], products, structure)[mapping.pk]:
            return [
                f"No product has {mapping.source_value!r} in the field mapped to "
                f"{mapping.marketplace_attribute} (0 products): saved anyway."
            ]
    return []
