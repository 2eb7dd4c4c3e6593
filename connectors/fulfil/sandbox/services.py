"""The Fulfil sandbox's writes: the API side (sale create, quote, confirm) the views call, and
the control surface of the demo, the tests and the ``fulfil_sandbox`` command (listed in
docs/connectors/fulfil.md, "Control surface").
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from connectors.fulfil.sandbox import catalogue
from connectors.fulfil.sandbox import models as m
from connectors.fulfil.sandbox.records import UserError
from connectors.sandbox.faults import sandbox_now, window_spend
from connectors.sandbox.formats import ean13
from connectors.sandbox.models import app_models_delete
from connectors.sandbox.webhooks import hmac_sha256

SYSTEM = "fulfil"
DEFAULT_API_KEY = "sk_sandbox_fulfil_0123456789abcdef"
DEFAULT_WEBHOOK_SECRET = base64.b64encode(b"fulfil-sandbox-webhook-secret-32b").decode()
COUNTRIES = {"GB": "United Kingdom", "IE": "Ireland", "FR": "France", "DE": "Germany"}
TOPIC_SHIPMENT_DONE = "stock.shipment.out.done"
TOPIC_INVENTORY = "product.inventory.updated"
TOPIC_RETURN = "sale.sale.return_confirmed"
COMPANY_ID = 1  # the one company of the instance, as res.user.get_preferences reports it


@dataclass(frozen=True)
class SandboxSetup:
    """What a connector needs to talk to this sandbox (ids as connector options)."""

    api_key: str
    webhook_secret: str
    warehouse_ids: str
    party_id: int
    channel_id: int
    skus: list[str]

    def options(self) -> dict[str, str]:
        return {
            "warehouse_ids": self.warehouse_ids,
            "party_id": str(self.party_id),
            "channel_id": str(self.channel_id),
        }


# --- account and catalogue ------------------------------------------------------------------


def account_get() -> m.SandboxAccount:
    account = m.SandboxAccount.objects.order_by("pk").first()
    if account is None:
        account = m.SandboxAccount.objects.create(
            api_key=DEFAULT_API_KEY, webhook_secret=DEFAULT_WEBHOOK_SECRET
        )
    return account


def account_configure(**changes) -> m.SandboxAccount:
    """Set ``api_key``, ``webhook_secret`` (base64), ``webhook_url``, ``rate_limit_per_minute``."""
    account = account_get()
    for name, value in changes.items():
        if value is not None:
            setattr(account, name, value)
    account.save()
    return account


def _basics() -> tuple[m.Warehouse, m.Party, m.Channel]:
    for code, name in COUNTRIES.items():
        m.Country.objects.get_or_create(code=code, defaults={"name": name})
    warehouse, _ = m.Warehouse.objects.get_or_create(code="WH", defaults={"name": "Warehouse"})
    m.Warehouse.objects.get_or_create(code="STORE", defaults={"name": "Shop floor"})
    party, _ = m.Party.objects.get_or_create(name="John Lewis Marketplace")
    m.PartyAddress.objects.get_or_create(
        party=party,
        name="John Lewis plc",
        defaults={"street": "171 Victoria Street", "city": "London", "zip": "SW1E 5NN"},
    )
    channel, _ = m.Channel.objects.get_or_create(name="John Lewis Marketplace")
    return warehouse, party, channel


@transaction.atomic
def catalogue_seed(*, products: int = 5, stock: int = 10, prefix: str = "FUL") -> SandboxSetup:
    """Warehouses, the JL party and channel, and ``products`` SKUs with valid EAN-13s: two
    variants per template of the demo brand (``catalogue.SPECS``: categories, description,
    weight, 0-4 media, colour/size/material attributes)."""
    account = account_get()
    warehouse, party, channel = _basics()
    now = sandbox_now(SYSTEM)
    skus = []
    for index in range(1, products + 1):
        sku = f"{prefix}-{index:04d}"
        defaults = {
            **catalogue.product_defaults(index),
            "list_price": Decimal(10 + index),
            "ean": ean13(index, "50"),
            "write_date": now,
        }
        product, created = m.Product.objects.get_or_create(code=sku, defaults=defaults)
        if created:
            catalogue.product_content_create(product, index)
            stock_set(sku, stock, warehouse=warehouse, notify=False)
        skus.append(sku)
    return SandboxSetup(
        api_key=account.api_key,
        webhook_secret=account.webhook_secret,
        warehouse_ids=str(warehouse.pk),
        party_id=party.pk,
        channel_id=channel.pk,
        skus=skus,
    )


def product_update(sku: str, **changes) -> m.Product:
    """Change a product's ``variant_name`` / ``list_price`` / ``ean`` / ``description`` /
    ``weight``; bumps its write_date."""
    product = _product(sku)
    for name, value in changes.items():
        setattr(product, name, value)
    product.write_date = sandbox_now(SYSTEM)
    product.save()
    return product


def product_media_add(sku: str, url: str) -> m.Media:
    """Add an image (an absolute URL or one relative to the instance) after the others."""
    product = _product(sku)
    last = product.media.order_by("-sequence").first()
    media = m.Media.objects.create(
        product=product, url=url, sequence=(last.sequence if last else 0) + 10
    )
    product_update(sku)
    return media


def product_attribute_set(sku: str, name: str, value: object) -> m.ProductAttribute:
    """Set an attribute of a product (a selection by its option's name; new attributes are
    text unless ``catalogue.ATTRIBUTES`` types them); bumps the product's write_date."""
    row = catalogue.attribute_set(_product(sku), name, value)
    product_update(sku)
    return row


def _product(sku: str) -> m.Product:
    try:
        return m.Product.objects.get(code=sku)
    except m.Product.DoesNotExist:
        raise UserError(f'Product "{sku}" does not exist.') from None


def _warehouse(warehouse: m.Warehouse | int | None) -> m.Warehouse:
    if isinstance(warehouse, m.Warehouse):
        return warehouse
    if warehouse is None:
        return m.Warehouse.objects.get(code="WH")
    return m.Warehouse.objects.get(pk=warehouse)


@transaction.atomic
def stock_set(
    sku: str, quantity: int, *, warehouse: m.Warehouse | int | None = None, notify: bool = True
) -> int:
    """Set the on-hand quantity (reservations kept) with a stock move; returns available."""
    product, location = _product(sku), _warehouse(warehouse)
    quant, _ = m.StockQuant.objects.get_or_create(product=product, warehouse=location)
    reserved = quant.quantity_on_hand - quant.quantity_available
    delta = quantity - quant.quantity_on_hand
    quant.quantity_on_hand = quantity
    quant.quantity_available = max(quantity - reserved, 0)
    quant.save()
    now = sandbox_now(SYSTEM)
    m.StockMove.objects.create(product=product, quantity=delta, warehouse=location, write_date=now)
    if notify:
        payload = {"product": product.pk, "code": sku, "warehouse": location.pk}
        webhook_send(TOPIC_INVENTORY, {**payload, "quantity_available": quant.quantity_available})
    return quant.quantity_available


def inventory(product_ids: list[int], warehouse_ids: list[int]) -> dict:
    """get_product_inventory: {product_id: {location_id: {quantity_on_hand, ...}}}."""
    result: dict[str, dict] = {str(pid): {} for pid in product_ids}
    quants = m.StockQuant.objects.filter(product_id__in=product_ids)
    if warehouse_ids:
        quants = quants.filter(warehouse_id__in=warehouse_ids)
    for quant in quants:
        result[str(quant.product_id)][str(quant.warehouse_id)] = {
            "quantity_on_hand": Decimal(quant.quantity_on_hand),
            "quantity_available": Decimal(quant.quantity_available),
        }
    return result


# --- sales (API side) ---------------------------------------------------------------------


SALE_FIELDS = {"reference", "party", "invoice_address", "shipment_address", "channel"}
SALE_FIELDS |= {"warehouse", "sale_date", "comment", "lines", "description", "company"}
ADDRESS_TEXT = ("name", "street", "street_bis", "city", "zip")
CONTACT_TYPES = {"phone", "mobile", "email", "fax", "website", "other"}


def user_preferences() -> dict:
    """res.user.get_preferences(True): the context the official client sends on every call."""
    return {
        "company": COMPANY_ID,
        "user": 1,
        "language": "en",
        "language_direction": "ltr",
        "timezone": "Europe/London",
        "groups": [],
    }


LINE_FIELDS = {"product", "quantity", "unit_price", "description", "unit", "warehouse"}


def _known(values: dict, allowed: set[str], model: str) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise UserError(f'Field "{unknown[0]}" does not exist on "{model}".')


def _related(model, pk, label: str, *, required_on: str = ""):
    """The row ``pk`` names; None when empty, unless the field is required on ``required_on``."""
    if pk in (None, ""):
        if required_on:
            raise UserError(f'The field "{label}" on "{required_on}" is required.')
        return None
    try:
        return model.objects.get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise UserError(f'The value "{pk}" of field "{label}" is not valid.') from None


@transaction.atomic
def address_create(values: dict, context: dict | None = None) -> m.PartyAddress:
    """party.address create; ``subdivision`` is accepted and not kept (no states here)."""
    _known(values, {"party", *ADDRESS_TEXT, "country", "subdivision"}, "party.address")
    party = _related(m.Party, values.get("party"), "Party", required_on="Address")
    country = _related(m.Country, values.get("country"), "Country")
    text = {k: str(values.get(k) or "") for k in ADDRESS_TEXT}
    return m.PartyAddress.objects.create(party=party, country=country, **text)


@transaction.atomic
def contact_mechanism_create(values: dict, context: dict | None = None) -> m.ContactMechanism:
    """party.contact_mechanism create: ``{party, type, value}``."""
    _known(values, {"party", "type", "value"}, "party.contact_mechanism")
    party = _related(m.Party, values.get("party"), "Party", required_on="Contact Mechanism")
    if values.get("type") not in CONTACT_TYPES:
        raise UserError(f'The value "{values.get("type")}" of field "Type" is not valid.')
    return m.ContactMechanism.objects.create(
        party=party, type=values["type"], value=str(values.get("value") or "")
    )


def _date(value) -> dt.date | None:
    if value in (None, False):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise UserError(f'The value "{value}" of field "Sale Date" is not a date.')


def _company(values: dict, context: dict | None) -> None:
    """Tryton's sale.company is required and defaults from the context's ``company``."""
    company = values.get("company") or (context or {}).get("company")
    if company is None:
        raise UserError('The field "Company" on "Sale" is required.')
    if company != COMPANY_ID:
        raise UserError(f'The value "{company}" of field "Company" is not valid.')


@transaction.atomic
def sale_create(values: dict, context: dict | None = None) -> m.Sale:
    """sale.sale create: lines come as ``[["create", [{...}]]]``; the company from context."""
    _known(values, SALE_FIELDS, "sale.sale")
    _company(values, context)
    party = _related(m.Party, values.get("party"), "Party", required_on="Sale")
    now = sandbox_now(SYSTEM)
    sale = m.Sale.objects.create(
        reference=str(values.get("reference") or ""),
        party=party,
        invoice_address=_related(m.PartyAddress, values.get("invoice_address"), "Invoice Address")
        or party.addresses.order_by("pk").first(),
        shipment_address=_related(
            m.PartyAddress, values.get("shipment_address"), "Shipment Address"
        ),
        channel=_related(m.Channel, values.get("channel"), "Channel"),
        warehouse=_related(m.Warehouse, values.get("warehouse"), "Warehouse")
        or m.Warehouse.objects.filter(code="WH").first(),
        sale_date=_date(values.get("sale_date")) or now.date(),
        comment=str(values.get("comment") or values.get("description") or ""),
        create_date=now,
        write_date=now,
    )
    for action in values.get("lines") or []:
        if not (isinstance(action, list) and len(action) == 2 and action[0] == "create"):
            raise UserError('Invalid value for field "Lines".', 'expected [["create", [...]]]')
        for line in action[1]:
            _line_create(sale, line)
    _total_update(sale)
    return sale


def _line_create(sale: m.Sale, values: dict) -> m.SaleLine:
    _known(values, LINE_FIELDS, "sale.line")
    product = _related(m.Product, values.get("product"), "Product", required_on="Sale Line")
    try:
        quantity = int(Decimal(str(values.get("quantity"))))
        unit_price = Decimal(str(values.get("unit_price")))
    except (ArithmeticError, ValueError, TypeError):
        raise UserError("Quantity and unit price must be numbers.") from None
    return m.SaleLine.objects.create(
        sale=sale,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        description=str(values.get("description") or product.variant_name),
    )


def _total_update(sale: m.Sale) -> None:
    sale.total_amount = sum((line.amount for line in sale.lines.all()), Decimal("0"))
    sale.write_date = sandbox_now(SYSTEM)
    sale.save(update_fields=["total_amount", "number", "write_date"])


@transaction.atomic
def sales_quote(ids: list[int]) -> None:
    """draft -> quotation (others ignored, like a Tryton workflow transition)."""
    for sale in m.Sale.objects.select_for_update().filter(pk__in=ids, state=m.SaleState.DRAFT):
        if not sale.lines.exists():
            raise UserError(f'Sale "{sale.reference or sale.pk}" has no lines to quote.')
        if sale.shipment_address_id is None:
            raise UserError(f'Sale "{sale.reference or sale.pk}" needs a shipment address.')
        sale.state = m.SaleState.QUOTATION
        sale.number = f"SO{sale.pk:05d}"
        sale.write_date = sandbox_now(SYSTEM)
        sale.save()


@transaction.atomic
def sales_confirm(ids: list[int]) -> None:
    """quotation -> confirmed; reserves the lines' quantities in the sale's warehouse."""
    for sale in m.Sale.objects.select_for_update().filter(pk__in=ids, state=m.SaleState.QUOTATION):
        for line in sale.lines.filter(quantity__gt=0):
            m.StockQuant.objects.filter(product=line.product, warehouse=sale.warehouse).update(
                quantity_available=F("quantity_available") - line.quantity
            )
            m.StockMove.objects.create(
                product=line.product,
                quantity=0,
                warehouse=sale.warehouse,
                state="assigned",
                write_date=sandbox_now(SYSTEM),
            )
        sale.state = m.SaleState.CONFIRMED
        sale.write_date = sandbox_now(SYSTEM)
        sale.save()


def sale_get(reference: str) -> m.Sale:
    """The (first, non-return) sale carrying this JL order number."""
    sale = m.Sale.objects.filter(reference=reference, total_amount__gte=0).order_by("pk").first()
    if sale is None:
        raise UserError(f'No sale with reference "{reference}".')
    return sale


# --- warehouse side: dispatch and returns ----------------------------------------------------


def _lines_for(sale: m.Sale, lines: dict[str, int] | None) -> list[tuple[m.Product, int]]:
    ordered = [(line.product, line.quantity) for line in sale.lines.filter(quantity__gt=0)]
    if lines is None:
        return ordered
    by_sku = {product.code: product for product, _ in ordered}
    missing = [sku for sku in lines if sku not in by_sku]
    if missing:
        raise UserError(f"SKUs not on sale {sale.reference}: {', '.join(missing)}")
    return [(by_sku[sku], quantity) for sku, quantity in lines.items()]


@transaction.atomic
def shipment_dispatch(
    reference: str,
    *,
    carrier: str,
    service: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    lines: dict[str, int] | None = None,
) -> m.ShipmentOut:
    """Ship (state done) the sale's lines, or just ``lines`` {sku: qty}, with any carrier."""
    sale = sale_get(reference)
    if sale.state not in (m.SaleState.CONFIRMED, m.SaleState.PROCESSING):
        raise UserError(f"Sale {reference} is {sale.state}: confirm it before shipping.")
    now = sandbox_now(SYSTEM)
    carrier_row, _ = m.Carrier.objects.get_or_create(name=carrier)
    service_row = None
    if service:
        service_row, _ = m.CarrierService.objects.get_or_create(carrier=carrier_row, name=service)
    tracking = None
    if tracking_number:
        tracking = m.ShipmentTracking.objects.create(
            tracking_number=tracking_number, tracking_url=tracking_url
        )
    shipment = m.ShipmentOut.objects.create(
        number=f"CS{m.ShipmentOut.objects.count() + 1:05d}",
        state="done",
        sale=sale,
        carrier=carrier_row,
        carrier_service=service_row,
        tracking=tracking,
        effective_date=now.date(),
        write_date=now,
    )
    for product, quantity in _lines_for(sale, lines):
        m.StockMove.objects.create(
            product=product,
            quantity=quantity,
            warehouse=sale.warehouse,
            shipment=shipment,
            write_date=now,
        )
        m.StockQuant.objects.filter(product=product, warehouse=sale.warehouse).update(
            quantity_on_hand=F("quantity_on_hand") - quantity
        )
    m.Sale.objects.filter(pk=sale.pk).update(state=m.SaleState.PROCESSING, write_date=now)
    webhook_send(
        TOPIC_SHIPMENT_DONE,
        {"id": shipment.pk, "number": shipment.number, "sales": [sale.pk], "reference": reference},
    )
    return shipment


@transaction.atomic
def sale_return(
    reference: str,
    *,
    lines: dict[str, int] | None = None,
    shipping_amount: Decimal = Decimal(0),
    shipping_product: str = "",
) -> m.Sale:
    """A confirmed return sale (negative quantities, same reference) for the JL order."""
    sale = sale_get(reference)
    now = sandbox_now(SYSTEM)
    returned = m.Sale.objects.create(
        reference=reference,
        state=m.SaleState.CONFIRMED,
        party=sale.party,
        invoice_address=sale.invoice_address,
        shipment_address=sale.shipment_address,
        channel=sale.channel,
        warehouse=sale.warehouse,
        sale_date=now.date(),
        comment=f"Return of {sale.number}",
        create_date=now,
        write_date=now,
    )
    prices = {line.product_id: line.unit_price for line in sale.lines.all()}
    for product, quantity in _lines_for(sale, lines):
        m.SaleLine.objects.create(
            sale=returned,
            product=product,
            quantity=-quantity,
            unit_price=prices[product.pk],
            description="Return",
        )
    if shipping_amount:
        product = _product(shipping_product) if shipping_product else shipping_product_get()
        m.SaleLine.objects.create(
            sale=returned,
            product=product,
            quantity=-1,
            unit_price=Decimal(shipping_amount),
            description="Shipping",
        )
    returned.number = f"SO{returned.pk:05d}"
    _total_update(returned)
    webhook_send(
        TOPIC_RETURN,
        {"id": returned.pk, "reference": reference, "total_amount": str(returned.total_amount)},
    )
    return returned


def shipping_product_get() -> m.Product:
    """The service product for shipping charges (``shipping_product_id`` option)."""
    product, _ = m.Product.objects.get_or_create(
        code="SHIPPING",
        defaults={
            "variant_name": "Shipping",
            "list_price": Decimal(0),
            "active": False,
            "write_date": sandbox_now(SYSTEM),
        },
    )
    return product


# --- webhooks --------------------------------------------------------------------------------


def webhook_sign(secret_b64: str, body: bytes) -> str:
    return hmac_sha256(base64.b64decode(secret_b64), body)


def webhook_send(topic: str, payload: dict) -> m.WebhookDelivery:
    """Sign and store one delivery; POST it when the account has a ``webhook_url``."""
    account = account_get()
    now = sandbox_now(SYSTEM)
    body = json.dumps({"topic": topic, "data": payload}, separators=(",", ":"))
    event_id = uuid.uuid4().hex
    # Only the signature header is published (fulfil-python-api README, "Verify Webhooks"); the
    # others are this sandbox's stand-ins until Fulfil confirms theirs.
    headers = {
        "Content-Type": "application/json",
        "X-Fulfil-Topic": topic,
        "X-Fulfil-Webhook-Id": event_id,
        "X-Fulfil-Timestamp": str(int(now.timestamp())),
        "X-Fulfil-Hmac-SHA256": webhook_sign(account.webhook_secret, body.encode()),
    }
    delivery = m.WebhookDelivery.objects.create(
        topic=topic,
        event_id=event_id,
        body=body,
        headers=headers,
        url=account.webhook_url,
        created_at=now,
    )
    if account.webhook_url:
        transaction.on_commit(lambda: webhook_post(delivery.pk))
    return delivery


def webhook_post(delivery_id: int) -> m.WebhookDelivery:
    """POST a stored delivery to its URL and record the answer (or the error)."""
    delivery = m.WebhookDelivery.objects.get(pk=delivery_id)
    delivery.post(delivery.url, timeout=(3, 10))
    delivery.save(update_fields=["response_status", "error"])
    return delivery


def sandbox_reset() -> None:
    """Delete every sandbox row (the account keeps its key and secret)."""
    app_models_delete("fulfil_sandbox", keep=(m.SandboxAccount,))


# --- rate limit -------------------------------------------------------------------------------


def call_count(now: dt.datetime) -> int | None:
    """Count one call; seconds to wait when over the per-minute limit, else None."""
    limit = account_get().rate_limit_per_minute
    if not limit:
        return None
    minute = now.replace(second=0, microsecond=0)
    return window_spend(m.CallWindow, limit=limit, now=now, count_refused=True, window_start=minute)
