"""The sandbox's model registry: Tryton model names, their fields, reads and searches.

Reads follow dotted paths through Many2One fields (``carrier.name``) and answer them flat
(``{"carrier.name": "DPD"}``); x2many fields answer id lists. Searches translate a v2 Tryton
domain (``[["code", "in", [...]], ["OR", [...], [...]]]``) or a v3 Mongo-style ``where``
(``{"or": [{"updated_at": {"gt": ...}}, ...]}``) into a Django ``Q``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, Q, QuerySet

from connectors.fulfil.sandbox import models as m


class UserError(Exception):
    """A Fulfil ``UserError`` (HTTP 400 on v2, -32602 on v3)."""

    def __init__(self, message: str, description: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.description = description


@dataclass(frozen=True)
class Field:
    orm: str = ""  # ORM lookup path; empty for computed fields
    kind: str = "str"  # int str decimal datetime date bool m2o x2m const
    target: str = ""  # model name for m2o / x2m
    get: Callable[[Any], Any] | None = None  # computed value (read only)
    const: Any = None


def _f(orm: str, kind: str = "str", target: str = "") -> Field:
    return Field(orm=orm, kind=kind, target=target)


ID = _f("id", "int")
EMPTY_VALUE_KINDS = ("integer", "float", "date", "datetime")


def _default_image(product: m.Product) -> str:
    """The variant's first image, as the product's ``image`` URL."""
    first = product.media.order_by("sequence", "pk").first()
    return first.url if first else ""


# Tryton model name -> (sandbox table, its fields other than ``id``).
SPECS: dict[str, tuple[type[Model], dict[str, Field]]] = {
    "product.product": (
        m.Product,
        {
            "template": _f("template", "m2o", "product.template"),
            "code": _f("code"),
            "variant_name": _f("variant_name"),
            "rec_name": Field(get=lambda o: f"[{o.code}] {o.variant_name}"),
            "description": _f("description"),
            "brand": _f("brand", "m2o", "product.brand"),
            "list_price": _f("list_price", "decimal"),
            "ean": _f("ean"),
            "weight": _f("weight", "decimal"),
            "weight_uom": _f("weight_uom", "m2o", "product.uom"),
            "media": _f("media", "x2m", "product.media"),
            "image": Field(get=_default_image),
            "attributes": _f("attributes", "x2m", "product.product.attribute"),
            "active": _f("active", "bool"),
            "write_date": _f("write_date", "datetime"),
        },
    ),
    "product.template": (
        m.Template,
        {
            "name": _f("name"),
            "categories": _f("categories", "x2m", "product.category"),
            "products": _f("products", "x2m", "product.product"),
        },
    ),
    "product.category": (
        m.Category,
        {"name": _f("name"), "parent": _f("parent", "m2o", "product.category")},
    ),
    "product.brand": (m.Brand, {"name": _f("name")}),
    "product.uom": (m.Uom, {"name": _f("name"), "symbol": _f("symbol")}),
    "product.media": (
        m.Media,
        {
            "product": _f("product", "m2o", "product.product"),
            "url": _f("url"),
            "sequence": _f("sequence", "int"),
        },
    ),
    "product.attribute": (
        m.Attribute,
        {"name": _f("name"), "display_name": _f("display_name"), "type_": _f("kind")},
    ),
    "product.attribute.selection_option": (
        m.AttributeOption,
        {"name": _f("name"), "attribute": _f("attribute", "m2o", "product.attribute")},
    ),
    "product.product.attribute": (
        m.ProductAttribute,
        {
            "product": _f("product", "m2o", "product.product"),
            "attribute": _f("attribute", "m2o", "product.attribute"),
            "value": Field(get=lambda o: o.value),
            "value_char": _f("value_char"),
            "value_numeric": _f("value_numeric", "decimal"),
            "value_boolean": _f("value_boolean", "bool"),
            "value_selection": _f("value_selection", "m2o", "product.attribute.selection_option"),
            # typed columns the sandbox's attribute types never fill
            **{f"value_{kind}": Field(kind="const") for kind in EMPTY_VALUE_KINDS},
        },
    ),
    "stock.location": (
        m.Warehouse,
        {
            "name": _f("name"),
            "code": _f("code"),
            "type": Field(kind="const", const="warehouse"),
        },
    ),
    "country.country": (m.Country, {"code": _f("code"), "name": _f("name")}),
    "party.party": (m.Party, {"name": _f("name")}),
    "party.address": (
        m.PartyAddress,
        {
            "party": _f("party", "m2o", "party.party"),
            **{n: _f(n) for n in ("name", "street", "street_bis", "city", "zip")},
            "country": _f("country", "m2o", "country.country"),
        },
    ),
    "party.contact_mechanism": (
        m.ContactMechanism,
        {"party": _f("party", "m2o", "party.party"), "type": _f("type"), "value": _f("value")},
    ),
    "sale.channel": (m.Channel, {"name": _f("name")}),
    "sale.sale": (
        m.Sale,
        {
            "reference": _f("reference"),
            "number": _f("number"),
            "state": _f("state"),
            "party": _f("party", "m2o", "party.party"),
            "invoice_address": _f("invoice_address", "m2o", "party.address"),
            "shipment_address": _f("shipment_address", "m2o", "party.address"),
            "channel": _f("channel", "m2o", "sale.channel"),
            "warehouse": _f("warehouse", "m2o", "stock.location"),
            "sale_date": _f("sale_date", "date"),
            "comment": _f("comment"),
            "total_amount": _f("total_amount", "decimal"),
            "lines": _f("lines", "x2m", "sale.line"),
            "shipments": _f("shipments", "x2m", "stock.shipment.out"),
            "create_date": _f("create_date", "datetime"),
            "write_date": _f("write_date", "datetime"),
        },
    ),
    "sale.line": (
        m.SaleLine,
        {
            "sale": _f("sale", "m2o", "sale.sale"),
            "product": _f("product", "m2o", "product.product"),
            "quantity": _f("quantity", "int"),
            "unit_price": _f("unit_price", "decimal"),
            "description": _f("description"),
            "amount": Field(kind="decimal", get=lambda o: o.amount),
        },
    ),
    "carrier": (m.Carrier, {"name": _f("name"), "rec_name": _f("name")}),
    "carrier.service": (
        m.CarrierService,
        {"name": _f("name"), "carrier": _f("carrier", "m2o", "carrier")},
    ),
    "shipment.tracking": (
        m.ShipmentTracking,
        {"tracking_number": _f("tracking_number"), "tracking_url": _f("tracking_url")},
    ),
    "stock.shipment.out": (
        m.ShipmentOut,
        {
            "number": _f("number"),
            "state": _f("state"),
            "carrier": _f("carrier", "m2o", "carrier"),
            "carrier_service": _f("carrier_service", "m2o", "carrier.service"),
            "tracking_number": _f("tracking", "m2o", "shipment.tracking"),
            "effective_date": _f("effective_date", "date"),
            "sales": Field(orm="sale", kind="x2m", target="sale.sale", get=lambda o: [o.sale_id]),
            "outgoing_moves": _f("moves", "x2m", "stock.move"),
            "write_date": _f("write_date", "datetime"),
        },
    ),
    "stock.move": (
        m.StockMove,
        {
            "product": _f("product", "m2o", "product.product"),
            "quantity": _f("quantity", "int"),
            "state": _f("state"),
            "shipment": _f("shipment", "m2o", "stock.shipment.out"),
            "write_date": _f("write_date", "datetime"),
        },
    ),
}

# v3 JSON-RPC names (see connectors/fulfil/contract.py Q1) -> Tryton model names.
V3_MODELS = {
    "product": "product.product",
    "sales_order": "sale.sale",
    "customer_shipment": "stock.shipment.out",
    "stock_move": "stock.move",
}


# v3 names the change stamps ``updated_at`` / ``created_at`` (fulfil-cli 0.6.0
# output/table.py); the Tryton names are not v3 fields here.
V3_FIELD_NAMES = {"updated_at": "write_date", "created_at": "create_date"}


def v3_field(name: str) -> str:
    """The Tryton path of a v3 field path (``updated_at`` -> ``write_date``)."""
    head, dot, rest = name.partition(".")
    if head in V3_FIELD_NAMES.values():
        raise UserError(f'Field "{head}" does not exist; v3 calls it "updated_at"/"created_at".')
    return V3_FIELD_NAMES.get(head, head) + dot + rest


def spec(model: str) -> tuple[type[Model], dict[str, Field]]:
    try:
        return SPECS[model]
    except KeyError:
        raise UserError(f'Model "{model}" does not exist.') from None


def _field(fields: dict[str, Field], model: str, name: str) -> Field:
    if name == "id":
        return ID  # every model has one; reads answer it first anyway
    try:
        return fields[name]
    except KeyError:
        raise UserError(f'Field "{name}" does not exist on "{model}".') from None


# --- reads ---------------------------------------------------------------------------------


def value_read(model: str, obj: Any, path: str) -> Any:
    """One (possibly dotted) field of ``obj``: ids for relations, None past a null link."""
    _, fields = spec(model)
    head, _, rest = path.partition(".")
    field = _field(fields, model, head)
    if field.kind == "const":
        return field.const
    if field.get is not None and not rest:
        return field.get(obj)
    if field.kind == "x2m":
        related = list(getattr(obj, field.orm).all().order_by("pk"))
        if rest:
            return [value_read(field.target, item, rest) for item in related]
        return [item.pk for item in related]
    value = getattr(obj, field.orm)
    if field.kind == "m2o":
        if value is None:
            return None
        return value_read(field.target, value, rest) if rest else value.pk
    if rest:
        raise UserError(f'Field "{head}" of "{model}" has no sub-fields.')
    return value


def record_read(model: str, obj: Any, names: list[str]) -> dict:
    return {"id": obj.pk, **{name: value_read(model, obj, name) for name in names}}


# --- searches ------------------------------------------------------------------------------


def _lookup(model: str, path: str) -> tuple[str, Field]:
    _, fields = spec(model)
    head, _, rest = path.partition(".")
    field = _field(fields, model, head)
    if rest:
        if field.kind not in ("m2o", "x2m"):
            raise UserError(f'Field "{head}" of "{model}" has no sub-fields.')
        orm, leaf = _lookup(field.target, rest)
        return f"{field.orm}__{orm}", leaf
    if field.get is not None and field.kind != "x2m" or not (field.orm or field.kind == "const"):
        raise UserError(f'Field "{head}" of "{model}" cannot be searched.')
    return field.orm, field


def _coerce(field: Field, value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_coerce(field, v) for v in value]
    if value is None:
        return None
    if field.kind == "datetime" and isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if field.kind == "decimal":
        return Decimal(str(value))
    return value


_V2_OPS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "in": "in"}
_V2_OPS |= {"like": "contains", "ilike": "icontains"}


def clause_q(model: str, name: str, operator: str, value: Any) -> Q:
    orm, field = _lookup(model, name)
    if field.kind == "const":
        match = {"=": value == field.const, "!=": value != field.const}.get(operator)
        if match is None:
            raise UserError(f'Operator "{operator}" is not supported on "{name}".')
        return Q() if match else Q(pk__in=[])
    value = _coerce(field, value)
    if operator in ("like", "ilike") and isinstance(value, str):
        value = value.strip("%")
    if value is None and operator in ("=", "!="):
        q = Q(**{f"{orm}__isnull": True})
        return q if operator == "=" else ~q
    if operator in ("!=", "not in"):
        return ~Q(**{f"{orm}__{'exact' if operator == '!=' else 'in'}": value})
    if operator not in _V2_OPS:
        raise UserError(f'Operator "{operator}" is not supported.')
    return Q(**{f"{orm}__{_V2_OPS[operator]}": value})


def domain_q(model: str, domain: Any) -> Q:
    """A v2 Tryton domain as a Q: clauses are [field, operator, value]; "OR"/"AND" heads."""
    if not isinstance(domain, list | tuple):
        raise UserError("Invalid domain.", f"expected a list, got {type(domain).__name__}")
    items = list(domain)
    if _is_clause(items):
        return clause_q(model, *items[:3])
    join = "AND"
    if items and items[0] in ("OR", "AND"):
        join, items = items[0], items[1:]
    q = Q()
    for item in items:
        part = domain_q(model, item)
        q = (q | part) if join == "OR" and q else (q & part)
    return q


def _is_clause(items: list) -> bool:
    return (
        len(items) in (3, 4)
        and isinstance(items[0], str)
        and isinstance(items[1], str)
        and items[0] not in ("OR", "AND")
    )


_V3_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "ne": "!=", "in": "in"}
_V3_OPS |= {"not_in": "not in"}


def where_q(model: str, where: Any) -> Q:
    """A v3 ``where`` (v3 field names): field: value (equality) or {op: value}; ``or`` /
    ``and`` lists."""
    if not isinstance(where, dict):
        raise UserError("Invalid where.", "expected an object")
    q = Q()
    for key, value in where.items():
        if key in ("or", "and"):
            parts = [where_q(model, part) for part in value or []]
            combined = Q()
            for part in parts:
                combined = (combined | part) if key == "or" and combined else (combined & part)
            q &= combined
        elif isinstance(value, dict):
            for op, operand in value.items():
                q &= _where_op(model, v3_field(key), op, operand)
        else:
            q &= clause_q(model, v3_field(key), "=", value)
    return q


def _where_op(model: str, name: str, op: str, operand: Any) -> Q:
    if op in _V3_OPS:
        return clause_q(model, name, _V3_OPS[op], operand)
    orm, _ = _lookup(model, name)
    lookups = {"contains": "contains", "startswith": "startswith", "endswith": "endswith"}
    if op not in lookups:
        raise UserError(f'Operator "{op}" is not supported.')
    return Q(**{f"{orm}__{lookups[op]}": operand})


def search(model: str, q: Q, order: list[tuple[str, str]]) -> QuerySet:
    """The rows of ``model`` matching ``q`` in ``order`` (then by id)."""
    keys = []
    for name, direction in order:
        orm, _ = _lookup(model, name)
        keys.append(("-" if str(direction).upper() == "DESC" else "") + orm)
    return spec(model)[0].objects.filter(q).order_by(*keys, "pk")
