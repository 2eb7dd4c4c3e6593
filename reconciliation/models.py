"""Settlement data from the marketplace (TL02 lines, SBC11 payouts, IV01 documents) and what
matching made of it. Money is Decimal; signs follow the seller's balance (credits positive)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from integration_hub import columns
from integration_hub.models import Integration, Order, OrderLine

MONEY = {"max_digits": 14, "decimal_places": 2}


class Source(models.TextChoices):
    API = "api", "Marketplace API"
    FILE = "file", "Imported file"


class LineStatus(models.TextChoices):
    """Where one transaction line stands."""

    MATCHED = "matched", "Matched to an order"
    UNMATCHED = "unmatched", "No order in the hub"
    OTHER = "other", "Not an order line (fee, payout ...)"
    UNKNOWN = "unknown", "Unknown transaction type"
    WRITTEN_OFF = "written_off", "Written off"


class OrderStatus(models.TextChoices):
    """Where one order stands against what was settled for it."""

    MATCHED = "matched", "Matched"
    VARIANCE = "variance", "Variance"
    UNSETTLED = "unsettled", "Unsettled"
    PENDING = "pending", "Not settled yet"
    WRITTEN_OFF = "written_off", "Written off"


class PayoutStatus(models.TextChoices):
    OPEN = "open", "No transfer yet"
    MATCHED = "matched", "Matched"
    VARIANCE = "variance", "Variance"


class ReconciliationOptions(models.Model):
    """Per-integration matching options; without a row the settings' defaults apply."""

    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="reconciliation_options"
    )
    tolerance = columns.DecimalField(
        **MONEY,
        default=Decimal("0.01"),
        help_text="A difference up to this amount (per order, per payout) counts as matched.",
    )
    unsettled_after_days = models.PositiveIntegerField(
        default=14, help_text="An order shipped this many days ago with no transaction is queued."
    )

    class Meta:
        verbose_name_plural = "reconciliation options"

    def __str__(self) -> str:
        return f"{self.integration} ±{self.tolerance}, {self.unsettled_after_days} days"


class Payout(models.Model):
    """One seller billing cycle (SBC11): what the marketplace transferred, and our check of it."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="payouts")
    cycle_id = models.CharField("billing cycle", max_length=64)
    date_created = models.DateTimeField(null=True, blank=True, db_index=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount_to_seller = columns.DecimalField(**MONEY, null=True, blank=True)
    amount_to_operator = columns.DecimalField(**MONEY, null=True, blank=True)
    pay_out_state = models.CharField(max_length=20, blank=True)
    pay_out_reference = models.CharField(max_length=100, blank=True)
    pay_out_date = models.DateTimeField(null=True, blank=True)
    payment_voucher_number = models.CharField(max_length=100, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    lines_total = columns.DecimalField(**MONEY, null=True, blank=True)
    variance = columns.DecimalField(**MONEY, null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.OPEN, db_index=True
    )
    open_items = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "cycle_id"], name="payout_unique_cycle")
        ]

    def __str__(self) -> str:
        return self.cycle_id


class AccountingDocument(models.Model):
    """An IV01 invoice or credit note (the commission invoice of a cycle, manual ones)."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    document_id = models.CharField(max_length=64)
    invoice_id = models.BigIntegerField(null=True, blank=True)
    type = models.CharField(max_length=30)
    state = models.CharField(max_length=30, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    issue_date = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    total_excl_taxes = columns.DecimalField(**MONEY, null=True, blank=True)
    total_incl_taxes = columns.DecimalField(**MONEY, null=True, blank=True)
    total_taxes = columns.DecimalField(**MONEY, null=True, blank=True)
    payment_state = models.CharField(max_length=30, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    payment_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "document_id"], name="accountingdocument_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.document_id}"


class TransactionLine(models.Model):
    """One TL02 transaction line (or a row of an imported settlement file), upserted on its id."""

    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="transaction_lines"
    )
    line_id = models.CharField("transaction id", max_length=64)
    type = models.CharField(max_length=60)
    category = models.CharField(max_length=30)
    known = models.BooleanField(default=True)
    amount = columns.DecimalField(**MONEY)
    amount_credited = columns.DecimalField(**MONEY, null=True, blank=True)
    amount_debited = columns.DecimalField(**MONEY, null=True, blank=True)
    balance = columns.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    payment_state = models.CharField(max_length=20, blank=True)
    date_created = models.DateTimeField(null=True, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)
    transaction_date = models.DateTimeField(null=True, blank=True)
    accounting_document_id = models.CharField(max_length=64, blank=True)
    accounting_document_number = models.CharField(max_length=64, blank=True)
    billing_cycle_id = models.CharField(max_length=64, blank=True)
    marketplace_order_id = models.CharField(max_length=64, blank=True)
    commercial_id = models.CharField(max_length=64, blank=True)
    marketplace_line_id = models.CharField(max_length=80, blank=True)
    refund_id = models.CharField(max_length=64, blank=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="transaction_lines"
    )
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manual_match = models.BooleanField(default=False)
    match_status = models.CharField(max_length=12, choices=LineStatus.choices, blank=True)
    write_off_reason = models.CharField(max_length=500, blank=True)
    queued = models.BooleanField(default=False, help_text="A payout_unmatched item is open.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)

    class Meta:
        ordering = ["date_created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "line_id"], name="transactionline_unique_id"
            )
        ]
        indexes = [
            models.Index(fields=["integration", "order"], name="tline_order_idx"),
            models.Index(fields=["integration", "billing_cycle_id"], name="tline_cycle_idx"),
            models.Index(fields=["integration", "match_status"], name="tline_status_idx"),
            models.Index(fields=["marketplace_order_id"], name="tline_mirakl_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.type} {self.amount}"


class ExpectedRefund(models.Model):
    """A refund the order says was made (OR11 ``order_lines[].refunds``), as matching expects it.

    Amounts are as the marketplace shows them (positive); the refund debits the seller and the
    refunded commission credits them back.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    refund_id = models.CharField(max_length=64)
    amount = columns.DecimalField(**MONEY, default=0)
    shipping_amount = columns.DecimalField(**MONEY, default=0)
    commission = columns.DecimalField(**MONEY, default=0)
    commission_vat = columns.DecimalField(**MONEY, default=0)
    fees = columns.DecimalField(
        **MONEY, default=0, help_text="Order fees refunded with it (refunds[].fees[])."
    )
    state = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "refund_id"], name="expectedrefund_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.refund_id} {self.amount}"


class ExpectedFee(models.Model):
    """A fee the customer paid on an order line (OR11 ``order_lines[].fees[]``), which the
    marketplace credits to the seller as ORDER_FEE_AMOUNT; matching expects it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=100)
    amount = columns.DecimalField(**MONEY, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_line", "code"], name="expectedfee_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class OrderReconciliation(models.Model):
    """One order: what it says it is worth (expected) vs what was settled for it."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="reconciliation")
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3, default="GBP")
    expected_sales = columns.DecimalField(**MONEY, default=0)
    expected_shipping = columns.DecimalField(**MONEY, default=0)
    expected_commission = columns.DecimalField(**MONEY, default=0)
    expected_commission_vat = columns.DecimalField(**MONEY, default=0)
    expected_refunds = columns.DecimalField(**MONEY, default=0)
    expected_order_fees = columns.DecimalField(**MONEY, default=0)
    expected_net = columns.DecimalField(**MONEY, default=0)
    settled_sales = columns.DecimalField(**MONEY, default=0)
    settled_shipping = columns.DecimalField(**MONEY, default=0)
    settled_commission = columns.DecimalField(**MONEY, default=0)
    settled_commission_vat = columns.DecimalField(**MONEY, default=0)
    settled_refunds = columns.DecimalField(**MONEY, default=0)
    settled_order_fees = columns.DecimalField(**MONEY, default=0)
    settled_other = columns.DecimalField(
        **MONEY, default=0, help_text="Lines bound to the order that the order does not predict."
    )
    settled_other_kinds = models.JSONField(
        default=dict, blank=True, help_text="settled_other per transaction type, e.g. penalties."
    )
    settled_net = columns.DecimalField(
        **MONEY, default=0, help_text="Every line bound to the order: credited minus debited."
    )
    variance = columns.DecimalField(**MONEY, default=0)
    status = models.CharField(max_length=12, choices=OrderStatus.choices, db_index=True)
    write_off_reason = models.CharField(max_length=500, blank=True)
    queued = models.BooleanField(default=False, help_text="A payout_variance item is open.")
    digest = models.CharField(
        max_length=40, blank=True, help_text="Of the figures, to skip rewriting unchanged rows."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-order_id"]
        indexes = [models.Index(fields=["integration", "status"], name="orderrecon_status_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.variance}"


class ReconciliationAction(models.Model):
    """Who matched, wrote off or undid what, and when (finance's audit trail)."""

    class Kind(models.TextChoices):
        MATCH = "match", "Manual match"
        WRITE_OFF = "write_off", "Write-off"
        UNDO = "undo", "Undo"

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line = models.ForeignKey(
        TransactionLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


class SettlementImport(models.Model):
    """A settlement file finance imported by hand (kept for the audit trail)."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows)"
