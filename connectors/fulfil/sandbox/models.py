"""Sandbox tables standing in for Fulfil's Tryton models (which for which: ``records.SPECS``)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from connectors.sandbox.models import WebhookOutbox


class SandboxAccount(models.Model):
    """The one Fulfil instance: its API key, webhook secret/URL and rate limit."""

    api_key = models.CharField(max_length=100)
    webhook_secret = models.CharField(max_length=200, help_text="base64, as Fulfil shows it")
    webhook_url = models.URLField(blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=0, help_text="0 = no limit")

    def __str__(self) -> str:
        return "Fulfil sandbox account"


class CallWindow(models.Model):
    """Calls counted per minute for the sandbox's 429s."""

    window_start = models.DateTimeField(unique=True)
    calls = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.window_start:%H:%M}: {self.calls} calls"


class Warehouse(models.Model):
    """stock.location with type 'warehouse'."""

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.name


class Uom(models.Model):
    """product.uom: units of measure (Kilogram, Gram...)."""

    name = models.CharField(max_length=50, unique=True)
    symbol = models.CharField(max_length=10)

    def __str__(self) -> str:
        return self.symbol


class Brand(models.Model):
    """product.brand."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """product.category: a tree through ``parent``."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="childs"
    )

    def __str__(self) -> str:
        return self.name


class Template(models.Model):
    """product.template: what the variants of one product share."""

    name = models.CharField(max_length=200)
    categories = models.ManyToManyField(Category, blank=True, related_name="templates")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """product.product (a variant): ``code`` is the SKU, ``ean`` the barcode."""

    template = models.ForeignKey(
        Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    code = models.CharField(max_length=100, unique=True)
    variant_name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL)
    list_price = models.DecimalField(max_digits=12, decimal_places=4)
    ean = models.CharField(max_length=20, blank=True)
    weight = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    weight_uom = models.ForeignKey(
        Uom, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    write_date = models.DateTimeField()

    def __str__(self) -> str:
        return self.code


class Media(models.Model):
    """product.media: an image of a variant (``url`` absolute or relative to the instance)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    url = models.CharField(max_length=500)
    sequence = models.PositiveIntegerField(default=10)

    def __str__(self) -> str:
        return self.url


class AttributeType(models.TextChoices):
    CHAR = "char"
    SELECTION = "selection"
    NUMERIC = "numeric"
    BOOLEAN = "boolean"


class Attribute(models.Model):
    """product.attribute: a named property of products; selections have options."""

    name = models.CharField(max_length=100, unique=True)
    display_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=AttributeType.choices)  # Tryton: type_

    def __str__(self) -> str:
        return self.name


class AttributeOption(models.Model):
    """product.attribute.selection_option: one choice of a selection attribute."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class ProductAttribute(models.Model):
    """product.product.attribute: one attribute's value on one variant (typed columns)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attributes")
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE)
    value_char = models.CharField(max_length=500, blank=True)
    value_numeric = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    value_boolean = models.BooleanField(default=False)
    value_selection = models.ForeignKey(
        AttributeOption, null=True, blank=True, on_delete=models.PROTECT
    )

    def __str__(self) -> str:
        return f"{self.product_id} {self.attribute}: {self.value}"

    @property
    def value(self) -> str:
        """The value as Fulfil shows it."""
        kind = self.attribute.kind
        if kind == AttributeType.SELECTION:
            return self.value_selection.name if self.value_selection else ""
        if kind == AttributeType.NUMERIC:
            return "" if self.value_numeric is None else format(self.value_numeric.normalize(), "f")
        if kind == AttributeType.BOOLEAN:
            return "True" if self.value_boolean else "False"
        return self.value_char


class StockQuant(models.Model):
    """Quantities per product and warehouse, as get_product_inventory reports them."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="quants")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    quantity_on_hand = models.IntegerField(default=0)
    quantity_available = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="fulfil_sb_quant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity_available}"


class Country(models.Model):
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.code


class Party(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class PartyAddress(models.Model):
    """party.address (fields as in fulfil-python-api examples/create-sale-order.py)."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=200, blank=True)
    street = models.CharField(max_length=200, blank=True)
    street_bis = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class ContactMechanism(models.Model):
    """party.contact_mechanism: a phone or an email of a party."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contact_mechanisms")
    type = models.CharField(max_length=20)
    value = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.type}: {self.value}"


class Channel(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class SaleState(models.TextChoices):
    DRAFT = "draft"
    QUOTATION = "quotation"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    DONE = "done"
    CANCELLED = "cancelled"


class Sale(models.Model):
    """sale.sale; a return is a sale with negative quantities (negative total)."""

    reference = models.CharField(max_length=100, blank=True, db_index=True)
    number = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=20, choices=SaleState.choices, default=SaleState.DRAFT)
    party = models.ForeignKey(Party, on_delete=models.PROTECT)
    invoice_address = models.ForeignKey(
        PartyAddress, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shipment_address = models.ForeignKey(
        PartyAddress, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.PROTECT)
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT)
    sale_date = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    create_date = models.DateTimeField()
    write_date = models.DateTimeField()

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk} ({self.reference})"


class SaleLine(models.Model):
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))


class Carrier(models.Model):
    """carrier: any name the demo wants (DPD, Royal Mail, a made-up courier...)."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class CarrierService(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class ShipmentTracking(models.Model):
    """shipment.tracking: the Many2One behind ``tracking_number``."""

    tracking_number = models.CharField(max_length=100)
    tracking_url = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.tracking_number


class ShipmentOut(models.Model):
    """stock.shipment.out for one sale."""

    number = models.CharField(max_length=30)
    state = models.CharField(max_length=20, default="done")
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.PROTECT)
    carrier_service = models.ForeignKey(
        CarrierService, null=True, blank=True, on_delete=models.PROTECT
    )
    tracking = models.ForeignKey(ShipmentTracking, null=True, blank=True, on_delete=models.SET_NULL)
    effective_date = models.DateField(null=True, blank=True)
    write_date = models.DateTimeField()

    def __str__(self) -> str:
        return self.number


class StockMove(models.Model):
    """stock.move: every stock change, and the outgoing moves of a shipment."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.IntegerField()
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.SET_NULL)
    shipment = models.ForeignKey(
        ShipmentOut, null=True, blank=True, on_delete=models.CASCADE, related_name="moves"
    )
    state = models.CharField(max_length=20, default="done")
    write_date = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.product_id}: {self.quantity:+d}"


class WebhookDelivery(WebhookOutbox):
    """A signed webhook the sandbox built (and POSTed when a hub URL is configured)."""

    topic = models.CharField(max_length=100)
    event_id = models.CharField(max_length=64, unique=True)
    headers = models.JSONField(default=dict)
    url = models.URLField(blank=True)
    response_status = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.topic} {self.event_id}"
