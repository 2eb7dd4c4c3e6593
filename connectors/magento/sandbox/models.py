"""Sandbox tables shaped like the Magento 2 entities the hub touches (catalogue, MSI, sales)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from connectors.sandbox.models import ListedRow, SandboxCredential

ALL_RESOURCES = "Magento_Backend::all"


class Token(SandboxCredential):
    """An integration's access token and the ACL resources it was granted."""

    token = models.CharField(max_length=64, unique=True)
    resources = models.JSONField(default=list, help_text=f'e.g. ["{ALL_RESOURCES}"]')

    def allows(self, resource: str) -> bool:
        return ALL_RESOURCES in self.resources or resource in self.resources


class Product(ListedRow):
    """A catalogue product as Magento stores it: select values as option ids, images as paths
    under ``pub/media/catalog/product``, categories as ids."""

    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    type_id = models.CharField(max_length=32, default="simple")
    status = models.PositiveSmallIntegerField(default=1)
    weight = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    custom_attributes = models.JSONField(
        default=dict, blank=True, help_text='attribute code -> value, e.g. {"color": "50"}'
    )
    media_gallery = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"file": "/l/i/linen-shirt-1.jpg", "label": "", "disabled": false, '
        '"types": ["image", "small_image", "thumbnail"]}], in position order',
    )
    category_ids = models.JSONField(default=list, blank=True, help_text="Category ids, in order.")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.sku


class ProductAttribute(models.Model):
    """A product attribute's metadata (``GET /V1/products/attributes``)."""

    attribute_code = models.CharField(max_length=64, unique=True)
    frontend_input = models.CharField(max_length=32, default="text")
    default_frontend_label = models.CharField(max_length=255)
    backend_type = models.CharField(max_length=16, default="varchar")
    is_user_defined = models.BooleanField(default=True)
    options = models.JSONField(
        default=list, blank=True, help_text='[{"value": "50", "label": "Navy"}] (select types)'
    )

    def __str__(self) -> str:
        return self.attribute_code


class Category(models.Model):
    """A catalogue category; level 0 is the root catalogue, level 1 the store's root."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=255)
    position = models.PositiveIntegerField(default=1)
    level = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    source_code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.source_code


class Stock(models.Model):
    """An MSI stock (the sales channel's view), fed by linked sources."""

    stock_id = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    sources = models.ManyToManyField(Source, related_name="stocks")

    def __str__(self) -> str:
        return f"{self.stock_id} {self.name}"


class SourceItem(ListedRow):
    sku = models.CharField(max_length=64)
    source_code = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal(0))
    status = models.PositiveSmallIntegerField(default=1)

    class Meta(ListedRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["sku", "source_code"], name="magento_source_item_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.sku}@{self.source_code}={self.quantity}"


class Reservation(models.Model):
    """MSI reservation: negative when an order is placed, compensated when it ships."""

    stock_id = models.PositiveIntegerField()
    sku = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=12, decimal_places=4)
    metadata = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.sku}: {self.quantity}"


class Cart(models.Model):
    """A guest quote, addressed by its masked id."""

    masked_id = models.CharField(max_length=32, unique=True)
    is_active = models.BooleanField(default=True)
    email = models.CharField(max_length=255, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_carrier_code = models.CharField(max_length=64, blank=True)
    shipping_method_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.masked_id


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    qty = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.sku} x{self.qty}"


class Order(ListedRow):
    increment_id = models.CharField(max_length=32, unique=True)
    ext_order_id = models.CharField(max_length=64, blank=True, db_index=True)
    quote_id = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=32, default="new")
    status = models.CharField(max_length=32, default="pending")
    customer_email = models.CharField(max_length=255)
    customer_firstname = models.CharField(max_length=100, blank=True)
    customer_lastname = models.CharField(max_length=100, blank=True)
    shipping_description = models.CharField(max_length=255, blank=True)
    payment_method = models.CharField(max_length=64)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    currency_code = models.CharField(max_length=3, default="GBP")
    shipping_address = models.JSONField(default=dict)
    billing_address = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.increment_id


class OrderItem(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    qty_ordered = models.PositiveIntegerField()
    qty_shipped = models.PositiveIntegerField(default=0)
    qty_refunded = models.PositiveIntegerField(default=0)
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Excluding tax.")
    tax_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    tax_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), help_text="Of the whole row."
    )

    def __str__(self) -> str:
        return f"{self.sku} x{self.qty_ordered}"


class OrderComment(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="comments")
    comment = models.TextField()
    is_customer_notified = models.BooleanField(default=False)
    is_visible_on_front = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.comment[:50]


class Shipment(ListedRow):
    increment_id = models.CharField(max_length=32, unique=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    source_code = models.CharField(max_length=64, default="default")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.increment_id


class ShipmentItem(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.CASCADE)
    sku = models.CharField(max_length=64)
    qty = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.sku} x{self.qty}"


class ShipmentTrack(ListedRow):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracks")
    track_number = models.CharField(max_length=100)
    title = models.CharField(max_length=100)
    carrier_code = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.title} {self.track_number}"


class CreditMemo(ListedRow):
    increment_id = models.CharField(max_length=32, unique=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="creditmemos")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    adjustment = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    comment = models.TextField(blank=True, help_text="The refund call's comment.comment.")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.increment_id


class CreditMemoItem(models.Model):
    creditmemo = models.ForeignKey(CreditMemo, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.CASCADE)
    sku = models.CharField(max_length=64)
    qty = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))

    def __str__(self) -> str:
        return f"{self.sku} x{self.qty}"
