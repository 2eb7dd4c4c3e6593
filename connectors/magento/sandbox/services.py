"""Writes of the Magento sandbox: the API views and the control surface both call these.

The control surface (also behind ``python manage.py magento_sandbox``) is listed in
docs/connectors/magento.md section 4.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from connectors.magento.sandbox import catalogue
from connectors.magento.sandbox import models as m
from connectors.magento.sandbox.errors import NO_SUCH_PRODUCT, MagentoError, no_such_entity
from connectors.sandbox.faults import sandbox_now
from connectors.sandbox.formats import ean13
from connectors.sandbox.models import app_models_delete

SYSTEM = "magento"
DEFAULT_TOKEN = "sandbox-magento-token"
SALES_STOCK_ID = 1
CARRIERS = {  # carrier_method -> (description, price per order)
    "flatrate_flatrate": ("Flat Rate - Fixed", Decimal("5.00")),
    "freeshipping_freeshipping": ("Free Shipping - Free", Decimal("0.00")),
    "tablerate_bestway": ("Best Way - Table Rate", Decimal("7.50")),
}
PAYMENT_METHODS = {"checkmo", "banktransfer", "purchaseorder", "free"}
VAT_PERCENT = Decimal("20")  # UK standard rate on every product; shipping is not taxed
CENT = Decimal("0.01")


def now() -> dt.datetime:
    """The sandbox clock, to the second (Magento stores timestamps without fractions)."""
    return sandbox_now(SYSTEM).replace(microsecond=0)


def token_create(*, name: str, token: str = "", resources: list[str] | None = None) -> m.Token:
    return m.Token.objects.create(
        name=name,
        token=token or secrets.token_hex(16),
        resources=resources if resources is not None else [m.ALL_RESOURCES],
    )


def _next_increment(model: type) -> str:
    last = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"{last + 1:09d}"


# --- catalogue and MSI ----------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, products: int = 12, reset: bool = False) -> list[m.Product]:
    """Two sources feeding stock 1, the default token, the attribute metadata and category
    tree, and ``products`` simple products ``MG-0001``... with their content (option ids,
    image paths, categories; see :mod:`connectors.magento.sandbox.catalogue`)."""
    if reset:
        sandbox_reset()
    stock, _ = m.Stock.objects.get_or_create(
        stock_id=SALES_STOCK_ID, defaults={"name": "Default Stock"}
    )
    for code, name in (("default", "Default Source"), ("warehouse_uk", "UK Warehouse")):
        source, _ = m.Source.objects.get_or_create(source_code=code, defaults={"name": name})
        stock.sources.add(source)
    if not m.Token.objects.filter(token=DEFAULT_TOKEN).exists():
        token_create(name="John Lewis hub", token=DEFAULT_TOKEN)
    options, categories = catalogue.attributes_seed(), catalogue.categories_seed()
    stamp = now()
    created = []
    for number in range(1, products + 1):
        sku = f"MG-{number:04d}"
        content = catalogue.product_content(number, options, categories)
        content["custom_attributes"]["ean"] = ean13(number)
        product, _ = m.Product.objects.update_or_create(
            sku=sku,
            defaults={
                **content,
                "price": Decimal("10.00") + number,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        stock_set(sku=sku, quantity=10 * number, source_code="default")
        stock_set(sku=sku, quantity=number % 3, source_code="warehouse_uk")
        created.append(product)
    return created


CONTENT_CODES = ("ean", "description")  # custom attributes product_update can set


def product_update(*, sku: str, **changes: object) -> m.Product:
    """Change a product's name/price/weight or its EAN/description and bump ``updated_at``
    like an admin save does (an empty description removes it, as clearing the field does)."""
    product = m.Product.objects.get(sku=sku)
    attributes = dict(product.custom_attributes)
    for code in CONTENT_CODES:
        value = changes.pop(code, None)
        if value is not None:
            attributes[code] = value
    product.custom_attributes = {code: value for code, value in attributes.items() if value}
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = now()
    product.save()
    return product


def stock_set(
    *, sku: str, quantity: int | Decimal, source_code: str = "default", status: int | None = None
) -> m.SourceItem:
    """Set a source item's quantity; status follows the quantity unless given."""
    if not m.Source.objects.filter(source_code=source_code).exists():
        raise no_such_entity("sourceCode", source_code)
    item, _ = m.SourceItem.objects.update_or_create(
        sku=sku,
        source_code=source_code,
        defaults={
            "quantity": Decimal(quantity),
            "status": status if status is not None else int(Decimal(quantity) > 0),
        },
    )
    return item


def salable_quantity(*, sku: str, stock_id: int) -> Decimal:
    """Sum of in-stock source quantities linked to the stock, plus its reservations."""
    stock = m.Stock.objects.filter(stock_id=stock_id).first()
    if stock is None:
        raise no_such_entity("stockId", stock_id)
    if not m.Product.objects.filter(sku=sku).exists():
        raise MagentoError(404, NO_SUCH_PRODUCT)
    sources = stock.sources.filter(enabled=True).values_list("source_code", flat=True)
    on_hand = m.SourceItem.objects.filter(sku=sku, source_code__in=list(sources), status=1)
    quantity = on_hand.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    reserved = m.Reservation.objects.filter(sku=sku, stock_id=stock_id)
    return quantity + (reserved.aggregate(total=Sum("quantity"))["total"] or Decimal(0))


# --- guest cart and order placement ---------------------------------------------------------


def cart_create() -> m.Cart:
    return m.Cart.objects.create(masked_id=secrets.token_hex(16), created_at=now())


def cart_get(masked_id: str, *, lock: bool = False) -> m.Cart:
    carts = m.Cart.objects.select_for_update() if lock else m.Cart.objects.all()
    cart = carts.filter(masked_id=masked_id, is_active=True).first()
    if cart is None:
        raise no_such_entity("cartId", masked_id)
    return cart


def cart_item_add(*, cart: m.Cart, sku: str, qty: int) -> m.CartItem:
    product = m.Product.objects.filter(sku=sku).first()
    if product is None:
        raise MagentoError(404, NO_SUCH_PRODUCT)
    if qty < 1:
        raise MagentoError(400, "The qty value is required to update quote item.")
    item, created = m.CartItem.objects.get_or_create(
        cart=cart, sku=sku, defaults={"name": product.name, "qty": qty, "price": product.price}
    )
    if not created:
        item.qty += qty
        item.save(update_fields=["qty"])
    return item


def cart_shipping_set(*, cart: m.Cart, information: Mapping) -> tuple[str, Decimal]:
    method = f"{information.get('shipping_carrier_code')}_{information.get('shipping_method_code')}"
    if method not in CARRIERS:
        raise MagentoError(
            400,
            "Carrier with such method not found: %1, %2",
            [information.get("shipping_carrier_code"), information.get("shipping_method_code")],
        )
    if not information.get("shipping_address"):
        raise MagentoError(400, "The shipping address is missing. Set the address and try again.")
    cart.shipping_address = dict(information["shipping_address"])
    cart.billing_address = dict(information.get("billing_address") or cart.shipping_address)
    cart.shipping_carrier_code = str(information["shipping_carrier_code"])
    cart.shipping_method_code = str(information["shipping_method_code"])
    cart.save()
    return CARRIERS[method]


def _cart_check(cart: m.Cart, payment_method: str, email: str) -> None:
    if payment_method not in PAYMENT_METHODS:
        raise MagentoError(400, "The requested Payment Method is not available.")
    if not cart.items.exists():
        raise MagentoError(400, "Cart %1 doesn't contain products", [cart.pk])
    if not cart.shipping_carrier_code:
        raise MagentoError(
            400, "The shipping method is missing. Select the shipping method and try again."
        )
    if not email:
        raise MagentoError(400, "Email has a wrong format")
    for item in cart.items.all():
        if salable_quantity(sku=item.sku, stock_id=SALES_STOCK_ID) < item.qty:
            raise MagentoError(400, "The requested qty is not available")


@transaction.atomic
def cart_place(
    *, masked_id: str, payment_method: str, email: str = "", billing: Mapping | None = None
) -> m.Order:
    """Place the quote: one order (taxed like the store, with the quote id), MSI reservations.

    Stock Magento copies no reference of ours: ``ext_order_id`` stays empty until someone
    saves it on the order (``POST /V1/orders``).
    """
    cart = cart_get(masked_id, lock=True)
    email = email or cart.email or str((billing or cart.billing_address).get("email") or "")
    _cart_check(cart, payment_method, email)
    method = f"{cart.shipping_carrier_code}_{cart.shipping_method_code}"
    description, shipping = CARRIERS[method]
    items = list(cart.items.all())
    subtotal = sum((item.price * item.qty for item in items), Decimal(0))
    taxes = {item.pk: item_tax(item.price * item.qty) for item in items}
    tax = sum(taxes.values(), Decimal(0))
    stamp = now()
    address = cart.shipping_address
    order = m.Order.objects.create(
        increment_id=_next_increment(m.Order),
        quote_id=cart.pk,
        customer_email=email,
        customer_firstname=str(address.get("firstname", "")),
        customer_lastname=str(address.get("lastname", "")),
        shipping_description=description,
        payment_method=payment_method,
        subtotal=subtotal,
        tax_amount=tax,
        shipping_amount=shipping,
        grand_total=subtotal + tax + shipping,
        shipping_address=address,
        billing_address=dict(billing or cart.billing_address),
        created_at=stamp,
        updated_at=stamp,
    )
    for item in items:
        m.OrderItem.objects.create(
            order=order,
            sku=item.sku,
            name=item.name,
            qty_ordered=item.qty,
            price=item.price,
            tax_percent=VAT_PERCENT,
            tax_amount=taxes[item.pk],
        )
        _reserve(order, item.sku, -item.qty, "order_placed")
    cart.is_active = False
    cart.save(update_fields=["is_active"])
    return order


def item_tax(row_total: Decimal) -> Decimal:
    """The row's VAT: catalogue prices exclude tax (Magento's default), rounded per row."""
    return (row_total * VAT_PERCENT / 100).quantize(CENT, rounding=ROUND_HALF_UP)


ORDER_WRITABLE = ("ext_order_id", "state", "status", "customer_email")


@transaction.atomic
def order_save(*, entity: Mapping) -> m.Order:
    """``POST /V1/orders`` with an ``entity_id``: the fields given are saved, the rest kept.

    (Magento's OrderUpdateTest saves ``{"entity_id", "state", "status"}`` this way.) Saving
    without an ``entity_id`` would create an order from the entity; the sandbox does not.
    """
    order_id = entity.get("entity_id")
    if not order_id:
        raise MagentoError(400, "The sandbox places orders through carts; give an entity_id.")
    order = m.Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise no_such_entity("entity_id", order_id)
    changed = [name for name in ORDER_WRITABLE if name in entity]
    for name in changed:
        setattr(order, name, str(entity[name] or ""))
    order.updated_at = now()
    order.save(update_fields=[*changed, "updated_at"])
    return order


def order_comment_add(*, order: m.Order, comment: str, notify: bool = False) -> m.OrderComment:
    return m.OrderComment.objects.create(
        order=order, comment=comment, is_customer_notified=notify, created_at=now()
    )


# --- fulfilment and refunds -----------------------------------------------------------------


def order_lookup(reference: str) -> m.Order:
    """An order by entity id, increment id or ext_order_id (the JL number)."""
    order = (
        m.Order.objects.filter(ext_order_id=reference).first()
        or m.Order.objects.filter(increment_id=reference).first()
        or (m.Order.objects.filter(pk=int(reference)).first() if reference.isdigit() else None)
    )
    if order is None:
        raise no_such_entity("orderId", reference)
    return order


def _quantities(order: m.Order, requested: Mapping[str, int] | None, field: str) -> dict:
    """order item -> quantity, defaulting to everything still open for ``field``."""
    open_qty = {item: item.qty_ordered - getattr(item, field) for item in order.items.all()}
    if requested is None:
        return {item: qty for item, qty in open_qty.items() if qty > 0}
    chosen = {}
    for sku, qty in requested.items():
        item = next((i for i in open_qty if i.sku == sku), None)
        if item is None or qty < 1 or qty > open_qty[item]:
            raise MagentoError(400, 'The quantity for "%1" is not valid.', [sku])
        chosen[item] = qty
    return chosen


@transaction.atomic
def order_ship(
    *,
    order: m.Order,
    carrier_title: str,
    carrier_code: str,
    track_number: str,
    items: Mapping[str, int] | None = None,
    source_code: str = "default",
) -> m.Shipment:
    """Ship lines (all open lines by default) from a source, with one track of any carrier."""
    quantities = _quantities(order, items, "qty_shipped")
    if not quantities:
        raise MagentoError(
            400,
            "Shipment Document Validation Error(s):\n"
            "The order does not allow a shipment to be created.",
        )
    stamp = now()
    shipment = m.Shipment.objects.create(
        increment_id=_next_increment(m.Shipment),
        order=order,
        source_code=source_code,
        created_at=stamp,
        updated_at=stamp,
    )
    for item, qty in quantities.items():
        m.ShipmentItem.objects.create(shipment=shipment, order_item=item, sku=item.sku, qty=qty)
        item.qty_shipped += qty
        item.save(update_fields=["qty_shipped"])
        _source_deduct(item.sku, source_code, qty, order)
    if track_number:
        m.ShipmentTrack.objects.create(
            shipment=shipment,
            track_number=track_number,
            title=carrier_title,
            carrier_code=carrier_code,
            created_at=stamp,
        )
    _order_state_refresh(order, stamp)
    return shipment


def _source_deduct(sku: str, source_code: str, qty: int, order: m.Order) -> None:
    """Shipping takes units off the source and compensates the order's reservation."""
    item = m.SourceItem.objects.filter(sku=sku, source_code=source_code).first()
    if item is not None:
        item.quantity = max(Decimal(0), item.quantity - qty)
        item.save(update_fields=["quantity"])
    _reserve(order, sku, qty, "shipment_created")


def _reserve(order: m.Order, sku: str, quantity: int, event_type: str) -> None:
    """An MSI reservation of the sales stock for ``order`` (negative: units held)."""
    m.Reservation.objects.create(
        stock_id=SALES_STOCK_ID,
        sku=sku,
        quantity=quantity,
        metadata={"event_type": event_type, "object_id": order.increment_id},
    )


def _order_state_refresh(order: m.Order, stamp: dt.datetime) -> None:
    items = list(order.items.all())
    if all(i.qty_refunded >= i.qty_ordered for i in items):
        order.state = order.status = "closed"
    elif all(i.qty_shipped + i.qty_refunded >= i.qty_ordered for i in items):
        order.state = order.status = "complete"
    else:
        order.state = order.status = "processing"
    order.updated_at = stamp
    order.save(update_fields=["state", "status", "updated_at"])


@transaction.atomic
def creditmemo_create(
    *,
    order: m.Order,
    items: Mapping[str, int] | None = None,
    shipping_amount: Decimal | None = None,
    adjustment: Decimal = Decimal(0),
    comment: str = "",
) -> m.CreditMemo:
    """Refund lines (all unrefunded by default) plus shipping (the order's, first memo only)."""
    quantities = _quantities(order, items, "qty_refunded")
    if shipping_amount is None:
        shipping_amount = Decimal(0) if order.creditmemos.exists() else order.shipping_amount
    subtotal = sum((item.price * qty for item, qty in quantities.items()), Decimal(0))
    taxes = {item: _refund_tax(item, qty) for item, qty in quantities.items()}
    tax = sum(taxes.values(), Decimal(0))
    if not quantities and not shipping_amount and not adjustment:
        raise MagentoError(400, "The credit memo's total must be positive.")
    stamp = now()
    memo = m.CreditMemo.objects.create(
        increment_id=_next_increment(m.CreditMemo),
        order=order,
        subtotal=subtotal,
        tax_amount=tax,
        shipping_amount=shipping_amount,
        adjustment=adjustment,
        grand_total=subtotal + tax + shipping_amount + adjustment,
        comment=comment,
        created_at=stamp,
        updated_at=stamp,
    )
    for item, qty in quantities.items():
        m.CreditMemoItem.objects.create(
            creditmemo=memo,
            order_item=item,
            sku=item.sku,
            qty=qty,
            price=item.price,
            tax_amount=taxes[item],
        )
        unshipped = max(0, item.qty_ordered - item.qty_shipped - item.qty_refunded)
        if unshipped:  # refunding what never shipped releases its reservation
            _reserve(order, item.sku, min(qty, unshipped), "creditmemo_created")
        item.qty_refunded += qty
        item.save(update_fields=["qty_refunded"])
    _order_state_refresh(order, stamp)
    return memo


def _refund_tax(item: m.OrderItem, qty: int) -> Decimal:
    """The item's tax still unrefunded, pro rata over its unrefunded units; all of it for
    the last units (Magento's creditmemo Tax total adds this to the memo itself)."""
    refunded = item.creditmemoitem_set.aggregate(total=Sum("tax_amount"))["total"] or 0
    remaining = item.tax_amount - refunded
    available = item.qty_ordered - item.qty_refunded
    if qty >= available:
        return remaining
    return (remaining * qty / available).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def order_cancel(*, order: m.Order) -> bool:
    """``POST /V1/orders/{id}/cancel``: False (like Magento's ``canCancel``) once anything
    shipped or the order is closed or cancelled; else cancel and release its reservations."""
    order = m.Order.objects.select_for_update().get(pk=order.pk)
    items = list(order.items.all())
    if order.state in ("canceled", "closed", "complete") or any(i.qty_shipped for i in items):
        return False
    for item in items:
        open_qty = item.qty_ordered - item.qty_refunded
        if open_qty > 0:
            _reserve(order, item.sku, open_qty, "order_canceled")
    order.state = order.status = "canceled"
    order.updated_at = now()
    order.save(update_fields=["state", "status", "updated_at"])
    return True


def sandbox_reset() -> None:
    """Delete every Magento sandbox row (faults and clock live in the shared sandbox app)."""
    app_models_delete("magento_sandbox")
