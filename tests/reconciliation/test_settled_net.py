"""Settled net is every line bound to the order; expected net predicts the kinds the order
carries; a payout ties out with its transfer (issue 16: "exact to the marketplace")."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from exceptions_queue.models import ExceptionItem
from reconciliation.export import workbook_write
from reconciliation.matching import reconcile
from reconciliation.models import (
    ExpectedFee,
    ExpectedRefund,
    OrderReconciliation,
    OrderStatus,
    Payout,
    TransactionLine,
)
from reconciliation.refunds import order_refunds_store
from reconciliation.selectors import order_line_breakdown
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import D, order_with_lines, settle_line, tl

pytestmark = pytest.mark.django_db

# 70.00 paid, 8.49 commission and 1.69 VAT on it: the order's own figures net 59.82
LINE = ("70.00", "0", "8.49", "1.69")


@pytest.fixture
def integration():
    return integration_make()


def row_of(order) -> OrderReconciliation:
    return OrderReconciliation.objects.get(order=order)


def open_variances():
    return ExceptionItem.objects.filter(kind="payout_variance", status__in=["open", "retrying"])


def test_an_order_fee_the_order_does_not_carry_is_not_matched(integration):
    order = order_with_lines(integration, "2001", [LINE])
    settle_line(integration, order, 1, *LINE)
    tl(integration, "ORDER_FEE_AMOUNT", "0.66", order=order)
    reconcile(integration)
    row = row_of(order)
    assert row.settled_net == D("60.48")  # was 59.82, "matched"
    assert row.expected_net == D("59.82")
    assert row.status == OrderStatus.VARIANCE and row.variance == D("0.66")
    assert row.settled_order_fees == D("0.66") and row.expected_order_fees == D("0")


def test_an_order_fee_the_order_carries_is_expected_and_matches(integration):
    order = order_with_lines(integration, "2002", [LINE])
    settle_line(integration, order, 1, *LINE)
    tl(integration, "ORDER_FEE_AMOUNT", "0.66", order=order)
    ExpectedFee.objects.create(
        order=order, order_line=order.lines.get(), code="GIFT-WRAP", amount=D("0.66")
    )
    reconcile(integration)
    row = row_of(order)
    assert row.status == OrderStatus.MATCHED
    assert row.expected_net == row.settled_net == D("60.48")
    assert row.expected_order_fees == row.settled_order_fees == D("0.66")
    assert not open_variances().exists()
    [line] = order_line_breakdown(order)
    assert line["expected"] == line["settled"] == D("60.48")


def test_a_seller_fee_is_in_the_settled_net_and_a_variance_that_names_its_kind(integration):
    order = order_with_lines(integration, "2003", [LINE])
    settle_line(integration, order, 1, *LINE)
    # the operator's fee on the order: no order line, not in the OR11 order
    tl(integration, "SELLER_FEE_ON_ORDER", "-0.55", order=order, marketplace_line_id="")
    tl(integration, "SELLER_FEE_ON_ORDER_TAX", "-0.11", order=order, marketplace_line_id="")
    reconcile(integration)
    row = row_of(order)
    assert row.settled_net == D("59.16") and row.expected_net == D("59.82")
    assert row.status == OrderStatus.VARIANCE and row.variance == D("-0.66")
    assert row.settled_other == D("-0.66")
    assert row.settled_other_kinds == {
        "SELLER_FEE_ON_ORDER": "-0.55",
        "SELLER_FEE_ON_ORDER_TAX": "-0.11",
    }
    item = open_variances().get(subject_type="order")
    assert (
        "Not predicted by the order: SELLER_FEE_ON_ORDER -0.55, SELLER_FEE_ON_ORDER_TAX -0.11"
        in (item.message)
    )
    rows = {r["line"]: r for r in order_line_breakdown(order)}
    assert rows["not tied to a line"]["settled"] == D("-0.66")


def test_settled_net_is_credited_minus_debited_over_every_line_bound_to_the_order(integration):
    order = order_with_lines(integration, "2004", [LINE])
    settle_line(integration, order, 1, *LINE)
    kinds = [
        ("ORDER_FEE_AMOUNT", "1.00"),
        ("SELLER_FEE_ON_ORDER", "-0.55"),
        ("SELLER_FEE_ON_ORDER_TAX", "-0.11"),
        ("SELLER_PENALTY_FEE", "-2.00"),
        ("OPERATOR_REMITTED_ORDER_AMOUNT_TAX", "-11.67"),
        ("PURCHASE_COMMISSION_FEE", "-0.40"),
        ("MANUAL_CREDIT", "3.00"),
        ("BRAND_NEW_TYPE", "0.07"),  # unknown to the hub: still money, still counted
    ]
    for kind, amount in kinds:
        tl(integration, kind, amount, order=order)
    for line in TransactionLine.objects.filter(order__isnull=True, marketplace_order_id="2004-A"):
        amount = line.amount
        line.amount_credited = max(amount, D(0))
        line.amount_debited = max(-amount, D(0))
        line.save()
    tl(integration, "ORDER_AMOUNT", "99.00", order=order, payment_state="NOT_APPLICABLE")
    reconcile(integration)
    row = row_of(order)
    paid = TransactionLine.objects.filter(order=order).exclude(payment_state="NOT_APPLICABLE")
    assert row.settled_net == sum(x.amount_credited - x.amount_debited for x in paid)
    buckets = ("sales", "shipping", "commission", "commission_vat", "refunds", "order_fees")
    parts = sum((getattr(row, f"settled_{b}") for b in buckets), D(0)) + row.settled_other
    assert row.settled_net == parts
    assert set(row.settled_other_kinds) == {k for k, _a in kinds} - {"ORDER_FEE_AMOUNT"}
    assert row.variance == row.settled_net - row.expected_net == D("-10.66")


def test_refunded_fees_are_expected_back(integration):
    order = order_with_lines(integration, "2005", [LINE])
    line = order.lines.get()
    order.raw = {
        "order_lines": [
            {
                "order_line_id": line.marketplace_line_id,
                "fees": [{"code": "GIFT-WRAP", "amount": 0.66}],
                "refunds": [
                    {
                        "id": "R1",
                        "amount": 10.0,
                        "shipping_amount": 0,
                        "commission_amount": 1.21,
                        "commission_tax_amount": 0.24,
                        "fees": [{"code": "GIFT-WRAP", "amount": 0.66}],
                        "refund_state": "REFUNDED",
                    }
                ],
            }
        ]
    }
    order.save()
    assert order_refunds_store(order) == 2
    assert ExpectedFee.objects.get().amount == D("0.66")
    assert ExpectedRefund.objects.get().fees == D("0.66")
    settle_line(integration, order, 1, *LINE)
    for kind, amount in [
        ("ORDER_FEE_AMOUNT", "0.66"),
        ("REFUND_ORDER_AMOUNT", "-8.33"),
        ("REFUND_ORDER_AMOUNT_TAX", "-1.67"),
        ("REFUND_COMMISSION_FEE", "1.21"),
        ("REFUND_COMMISSION_VAT", "0.24"),
        ("REFUND_ORDER_FEE_AMOUNT", "-0.66"),
    ]:
        tl(integration, kind, amount, order=order)
    reconcile(integration)
    row = row_of(order)
    assert row.status == OrderStatus.MATCHED, (row.expected_net, row.settled_net)
    assert row.expected_order_fees == row.settled_order_fees == D("0")
    order.raw["order_lines"][0]["fees"] = []  # a fee gone from the order is gone from expected
    order.save()
    order_refunds_store(order)
    assert not ExpectedFee.objects.exists()


# --- payouts --------------------------------------------------------------------------------


def test_payout_ties_out_over_every_line_of_the_cycle(integration):
    order = order_with_lines(integration, "2010", [LINE])
    settle_line(integration, order, 1, *LINE, cycle="C-1")
    tl(integration, "ORDER_FEE_AMOUNT", "0.66", order=order, cycle="C-1")
    tl(integration, "SELLER_FEE_ON_ORDER", "-0.55", order=order, cycle="C-1")
    tl(integration, "SELLER_FEE_ON_ORDER_TAX", "-0.11", order=order, cycle="C-1")
    tl(integration, "SUBSCRIPTION_FEE", "-25.00", cycle="C-1")
    tl(integration, "RESERVE_FUNDING", "-5.00", cycle="C-1")
    tl(integration, "MANUAL_CREDIT", "2.00", cycle="C-1")
    tl(integration, "PAYMENT", "-31.82", cycle="C-1")
    Payout.objects.create(integration=integration, cycle_id="C-1", amount_to_seller=D("31.82"))
    reconcile(integration)
    payout = Payout.objects.get(cycle_id="C-1")
    assert payout.status == "matched" and payout.lines_total == D("31.82")
    assert payout.variance == D("0.00")


def test_payout_whose_lines_do_not_sum_to_the_transfer_is_a_variance(integration):
    tl(integration, "SUBSCRIPTION_FEE", "-25.00", cycle="C-2")
    tl(integration, "ORDER_AMOUNT", "100.00", cycle="C-2", marketplace_order_id="Z-A")
    Payout.objects.create(integration=integration, cycle_id="C-2", amount_to_seller=D("76.00"))
    reconcile(integration)
    payout = Payout.objects.get(cycle_id="C-2")
    assert payout.status == "variance" and payout.variance == D("-1.00")
    item = open_variances().get(subject_type="payout")
    assert "its lines add up to 75.00" in item.message


def test_payout_whose_payment_line_differs_from_the_transfer_is_a_variance(integration):
    tl(integration, "SUBSCRIPTION_FEE", "-25.00", cycle="C-3")
    tl(integration, "ORDER_AMOUNT", "100.00", cycle="C-3", marketplace_order_id="Z-A")
    tl(integration, "PAYMENT", "-70.00", cycle="C-3")
    Payout.objects.create(integration=integration, cycle_id="C-3", amount_to_seller=D("75.00"))
    reconcile(integration)
    payout = Payout.objects.get(cycle_id="C-3")
    assert payout.status == "variance" and payout.variance == D("-5.00")
    assert "its PAYMENT line says 70.00" in open_variances().get(subject_type="payout").message


def test_a_transfer_with_no_line_at_all_is_a_variance_not_open(integration):
    Payout.objects.create(integration=integration, cycle_id="C-4", amount_to_seller=D("12.00"))
    reconcile(integration)
    payout = Payout.objects.get(cycle_id="C-4")
    assert payout.status == "variance" and payout.variance == D("-12.00")


def test_money_never_paid_out_is_not_in_the_payout(integration):
    tl(integration, "ORDER_AMOUNT", "10.00", cycle="C-5", marketplace_order_id="Z-A")
    tl(integration, "ORDER_AMOUNT", "4.00", cycle="C-5", payment_state="NOT_APPLICABLE")
    Payout.objects.create(integration=integration, cycle_id="C-5", amount_to_seller=D("10.00"))
    reconcile(integration)
    assert Payout.objects.get(cycle_id="C-5").status == "matched"


# --- the workbook ---------------------------------------------------------------------------


def test_orders_sheet_settled_net_includes_every_line_and_says_what_was_not_predicted(
    integration, tmp_path
):
    order = order_with_lines(integration, "2020", [LINE])
    settle_line(integration, order, 1, *LINE, cycle="C-9")
    tl(integration, "ORDER_FEE_AMOUNT", "0.66", order=order, cycle="C-9")
    tl(integration, "SELLER_FEE_ON_ORDER", "-0.55", order=order, cycle="C-9")
    ExpectedFee.objects.create(
        order=order, order_line=order.lines.get(), code="GIFT-WRAP", amount=D("0.66")
    )
    reconcile(integration)
    path = tmp_path / "out.xlsx"
    workbook_write(path, integration=integration)
    rows = list(openpyxl.load_workbook(path)["Orders"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Settled net"] == pytest.approx(59.93)  # 59.82 + 0.66 - 0.55
    assert row["Expected net"] == pytest.approx(60.48)
    assert row["Variance"] == pytest.approx(-0.55)
    assert row["Order fees"] == row["Expected order fees"] == pytest.approx(0.66)
    assert row["Other fees"] == pytest.approx(-0.55)
    assert row["Not predicted by the order"] == "SELLER_FEE_ON_ORDER -0.55"
    parts = ("Sales", "Shipping", "Commission", "VAT on commission", "Refunds", "Order fees")
    assert sum(row[p] for p in (*parts, "Other fees")) == pytest.approx(row["Settled net"])


def test_a_written_off_seller_fee_leaves_the_order_matched(integration):
    from reconciliation.models import LineStatus

    order = order_with_lines(integration, "2030", [LINE])
    settle_line(integration, order, 1, *LINE)
    fee = tl(integration, "SELLER_FEE_ON_ORDER", "-0.55", order=order)
    reconcile(integration)
    assert row_of(order).status == OrderStatus.VARIANCE
    TransactionLine.objects.filter(pk=fee.pk).update(match_status=LineStatus.WRITTEN_OFF)
    reconcile(integration, now=dt.datetime.now(dt.UTC))
    assert row_of(order).status == OrderStatus.MATCHED
    assert row_of(order).settled_other_kinds == {}


def test_order_page_shows_the_fees_and_the_kinds_not_predicted(client, role_user, integration):
    from django.urls import reverse

    order = order_with_lines(integration, "2040", [LINE])
    settle_line(integration, order, 1, *LINE)
    tl(integration, "ORDER_FEE_AMOUNT", "0.66", order=order)
    tl(integration, "SELLER_PENALTY_FEE", "-2.00", order=order, marketplace_line_id="")
    reconcile(integration)
    client.force_login(role_user("Finance"))
    page = client.get(reverse("reconcile-order", args=[order.pk])).content.decode()
    assert "Order fees (paid by the customer)" in page
    assert "SELLER_PENALTY_FEE -2.00" in page
    assert "not tied to a line" in page


def test_the_migration_has_every_order_read_again_for_its_fees(integration):
    import importlib

    from django.apps import apps

    from integration_hub.flows.orders_pull import cursor_get, cursor_set
    from reconciliation.refunds import CURSOR

    migration = importlib.import_module(
        "reconciliation.migrations.0002_order_fees_and_settled_kinds"
    )
    cursor_set(integration, CURSOR, "2026-11-01T00:00:00+00:00")
    migration.order_payloads_reread(apps, None)
    assert cursor_get(integration, CURSOR) == ""
