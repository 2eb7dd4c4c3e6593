"""Sandbox tables: one shop's view of the marketplace (offers, orders, money, returns)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models


def _uuid() -> str:
    return str(uuid.uuid4())


class OrderState(models.TextChoices):
    STAGING = "STAGING"
    WAITING_ACCEPTANCE = "WAITING_ACCEPTANCE"
    WAITING_DEBIT_PAYMENT = "WAITING_DEBIT_PAYMENT"
    SHIPPING = "SHIPPING"
    SHIPPED = "SHIPPED"
    RECEIVED = "RECEIVED"
    CLOSED = "CLOSED"
    REFUSED = "REFUSED"
    CANCELED = "CANCELED"


class SandboxShop(models.Model):
    """A seller account; its ``api_key`` is what clients send raw in ``Authorization``."""

    shop_id = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=100)
    api_key = models.CharField(max_length=100, unique=True)
    currency = models.CharField(max_length=3, default="GBP")
    model = models.CharField(max_length=20, default="MARKETPLACE")
    acceptance_window_hours = models.PositiveIntegerField(default=24)
    lead_time_to_ship_days = models.PositiveIntegerField(default=2)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0.15"))
    enforce_call_limits = models.BooleanField(
        default=False, help_text="Answer 429 when the spec's maximum call frequency is exceeded."
    )
    # PC01 feature flags
    order_acceptance = models.CharField(max_length=20, default="NOT_AUTOMATIC")
    order_tax_mode = models.CharField(max_length=20, default="TAX_INCLUDED")
    multi_shipment = models.BooleanField(default=False)
    disable_seller_alternative_carrier = models.BooleanField(default=False)
    details_before_acceptance = models.BooleanField(default=False)
    returns_enabled = models.BooleanField(default=True)
    partial_acceptance = models.BooleanField(default=True)
    debit_delay_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Debit accepted orders on their own after this many seconds; empty = manual.",
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (#{self.shop_id})"


class SandboxOffer(models.Model):
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="offers")
    shop_sku = models.CharField(max_length=100)
    product_sku = models.CharField(max_length=100)
    product_title = models.CharField(max_length=200)
    category_code = models.CharField(max_length=50, default="H-FASHION")
    ean = models.CharField(max_length=20, blank=True)
    quantity = models.IntegerField(default=0)
    # PRI01 replaces the whole list: [{"price": "12.00", "discount_price": ..., ...}]
    prices = models.JSONField(default=list, blank=True)
    state_code = models.CharField(max_length=10, default="11")
    active = models.BooleanField(default=True)
    last_updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "shop_sku"], name="mirakl_sbx_offer_sku")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.shop_sku


class SandboxImport(models.Model):
    """An STO01 (stock) or PRI01 (pricing) CSV import, processed as it is polled or ages."""

    class Kind(models.TextChoices):
        STOCK = "STOCK"
        PRICING = "PRICING"

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="imports")
    import_id = models.CharField(max_length=36, unique=True, default=_uuid)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, default="WAITING")
    polls = models.PositiveIntegerField(default=0)
    file_text = models.TextField()
    lines_read = models.PositiveIntegerField(default=0)
    lines_in_success = models.PositiveIntegerField(default=0)
    lines_in_error = models.PositiveIntegerField(default=0)
    offers_updated = models.PositiveIntegerField(default=0)
    error_report = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.import_id} {self.status}"


class SandboxOrder(models.Model):
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="orders")
    order_id = models.CharField(max_length=60, unique=True)
    commercial_id = models.CharField(max_length=50)
    state = models.CharField(max_length=30, choices=OrderState.choices)
    state_reason_code = models.CharField(max_length=50, blank=True)
    customer = models.JSONField()
    shipping_type_code = models.CharField(max_length=30, default="STD")
    shipping_zone_code = models.CharField(max_length=30, default="UK")
    carrier_code = models.CharField(max_length=50, blank=True)
    carrier_name = models.CharField(max_length=100, blank=True)
    carrier_standard_code = models.CharField(max_length=50, blank=True)
    carrier_url = models.CharField(max_length=300, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    leadtime_to_ship = models.PositiveIntegerField(default=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    acceptance_deadline = models.DateTimeField()
    acceptance_decision_date = models.DateTimeField(null=True, blank=True)
    customer_debited_date = models.DateTimeField(null=True, blank=True)
    shipping_deadline = models.DateTimeField(null=True, blank=True)
    shipped_date = models.DateTimeField(null=True, blank=True)
    received_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "order_id"]
        indexes = [models.Index(fields=["shop", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.state}"


class SandboxOrderLine(models.Model):
    order = models.ForeignKey(SandboxOrder, on_delete=models.CASCADE, related_name="lines")
    line_id = models.CharField(max_length=70, unique=True)
    index = models.PositiveIntegerField()
    state = models.CharField(max_length=30, choices=OrderState.choices)
    state_reason_code = models.CharField(max_length=50, blank=True)
    offer = models.ForeignKey(SandboxOffer, null=True, on_delete=models.SET_NULL)
    offer_sku = models.CharField(max_length=100)
    product_sku = models.CharField(max_length=100)
    product_title = models.CharField(max_length=200)
    category_code = models.CharField(max_length=50)
    quantity = models.PositiveIntegerField()
    price_unit = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("20"))
    commission_fee = models.DecimalField(max_digits=12, decimal_places=2)
    commission_vat = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    debited_date = models.DateTimeField(null=True, blank=True)
    shipped_date = models.DateTimeField(null=True, blank=True)
    received_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "index"]

    def __str__(self) -> str:
        return self.line_id

    @property
    def price(self) -> Decimal:
        return self.price_unit * self.quantity


class SandboxAdjustment(models.Model):
    """A refund (OR28 / portal) or a cancellation (OR29 / OR30) on one order line."""

    class Kind(models.TextChoices):
        REFUND = "REFUND"
        CANCELATION = "CANCELATION"

    line = models.ForeignKey(SandboxOrderLine, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    adjustment_id = models.CharField(max_length=30, unique=True)
    order_refund_id = models.CharField(max_length=36, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(default=0)
    reason_code = models.CharField(max_length=50)
    commission_amount = models.DecimalField(max_digits=12, decimal_places=2)
    commission_vat = models.DecimalField(max_digits=12, decimal_places=2)
    state = models.CharField(max_length=30, default="REFUNDED")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.adjustment_id}"


class SandboxBillingCycle(models.Model):
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="billing_cycles")
    cycle_id = models.CharField(max_length=36, unique=True, default=_uuid)
    invoice_id = models.BigIntegerField(unique=True)
    payment_voucher_number = models.CharField(max_length=40)
    amount_to_seller = models.DecimalField(max_digits=14, decimal_places=2)
    amount_to_operator = models.DecimalField(max_digits=14, decimal_places=2)
    commission_excl_tax = models.DecimalField(max_digits=14, decimal_places=2)
    commission_tax = models.DecimalField(max_digits=14, decimal_places=2)
    pay_out_state = models.CharField(max_length=10, default="PAID")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"cycle {self.cycle_id} {self.amount_to_seller}"


class SandboxTransaction(models.Model):
    """A TL02 transaction line. ``amount`` is signed: positive credits the seller."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="transactions")
    transaction_id = models.CharField(max_length=36, unique=True, default=_uuid)
    type = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    balance = models.DecimalField(max_digits=14, decimal_places=2)
    payment_state = models.CharField(max_length=15, default="PENDING")
    order = models.ForeignKey(SandboxOrder, null=True, blank=True, on_delete=models.CASCADE)
    line = models.ForeignKey(SandboxOrderLine, null=True, blank=True, on_delete=models.CASCADE)
    adjustment_id = models.CharField(max_length=30, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    billing_cycle = models.ForeignKey(
        SandboxBillingCycle, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["shop", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} {self.payment_state}"


class SandboxReturn(models.Model):
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="returns")
    return_id = models.CharField(max_length=36, unique=True, default=_uuid)
    order = models.ForeignKey(SandboxOrder, on_delete=models.CASCADE, related_name="returns")
    rma = models.CharField(max_length=30)
    state = models.CharField(max_length=20, default="WAITING_ACCEPTANCE")
    reason_code = models.CharField(max_length=40, default="RETURN_CHANGED_MIND")
    rejection_reason_code = models.CharField(max_length=40, blank=True)
    lines = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"return {self.rma} {self.state}"


class SandboxOfferExport(models.Model):
    """An OF52 asynchronous offers export (completed on the second OF53 poll)."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="exports")
    tracking_id = models.CharField(max_length=36, unique=True, default=_uuid)
    export_type = models.CharField(max_length=30, default="text/csv")
    last_request_date = models.DateTimeField(null=True, blank=True)
    include_inactive_offers = models.BooleanField(
        default=False, help_text="Full export only: also list inactive offers."
    )
    polls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.tracking_id


class SandboxCall(models.Model):
    """One API call, kept so call-frequency limits can be enforced and audited."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="calls")
    operation = models.CharField(max_length=30)  # a limit key, e.g. "OF01:products"
    at = models.DateTimeField()
    counted = models.BooleanField(default=True, help_text="Counts toward the frequency limit.")
    over_limit = models.BooleanField(default=False)
    rejected = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["shop", "operation", "at"])]

    def __str__(self) -> str:
        return f"{self.operation} at {self.at:%H:%M:%S}"


class SandboxCatalogImport(models.Model):
    """A P41 product import or an OF01 offer import, processed as it is polled or ages.

    Both kinds share one sequence of integer ids (the spec's int64 ``import_id``), so a product
    import id never names an offer import.
    """

    class Kind(models.TextChoices):
        PRODUCT = "PRODUCT"
        OFFER = "OFFER"

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="catalog_imports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=30, default="WAITING")
    reason_status = models.CharField(max_length=300, blank=True)
    polls = models.PositiveIntegerField(default=0)
    file_text = models.TextField()
    mode = models.CharField(max_length=20, blank=True, help_text="OF01 import_mode")
    with_products = models.BooleanField(default=False)
    operator_format = models.BooleanField(default=False)
    conversion_type = models.CharField(max_length=20, blank=True, help_text="P41 only")
    lines_read = models.PositiveIntegerField(default=0)
    lines_in_success = models.PositiveIntegerField(default=0)
    lines_in_error = models.PositiveIntegerField(default=0)
    lines_with_warning = models.PositiveIntegerField(default=0)
    products_rejected = models.PositiveIntegerField(default=0)
    products_integrated = models.PositiveIntegerField(default=0)
    offer_inserted = models.PositiveIntegerField(default=0)
    offer_updated = models.PositiveIntegerField(default=0)
    offer_deleted = models.PositiveIntegerField(default=0)
    transformation_report = models.TextField(blank=True, help_text="P47")
    error_report = models.TextField(blank=True, help_text="P44 or OF03")
    new_product_report = models.TextField(blank=True, help_text="P45")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} {self.status}"

    @property
    def import_id(self) -> int:
        return self.pk


class SandboxProduct(models.Model):
    """A marketplace product created (or updated) by an integrated P41 line."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="products")
    shop_sku = models.CharField(max_length=100)
    product_sku = models.CharField(max_length=40, unique=True)
    category_code = models.CharField(max_length=50)
    ean = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200)
    attributes = models.JSONField(default=dict, help_text="Attribute code -> value, as imported")
    import_id = models.BigIntegerField(help_text="The last import that wrote this product")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "shop_sku"], name="mirakl_sbx_product_sku")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.shop_sku} ({self.product_sku})"
