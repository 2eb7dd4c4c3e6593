"""Matching on crafted cases: every order and payout, with the tolerance and the queue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exceptions_queue.models import ExceptionItem
from reconciliation.matching import reconcile
from reconciliation.models import (
    LineStatus,
    OrderReconciliation,
    OrderStatus,
    Payout,
    ReconciliationOptions,
    TransactionLine,
)
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import D, order_with_lines, refund, settle_line, tl

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    return integration_make()


def status_of(order) -> OrderReconciliation:
    return OrderReconciliation.objects.get(order=order)


def open_items(kind):
    return ExceptionItem.objects.filter(kind=kind, status__in=["open", "retrying", "ignored"])


def test_multi_line_order_with_commission_vat_matches(integration):
    order = order_with_lines(
        integration, "1001", [("24.00", "3.60", "3.00", "0.60"), ("12.00", "0", "1.50", "0.30")]
    )
    settle_line(integration, order, 1, "24.00", "3.60", "3.00", "0.60")
    settle_line(integration, order, 2, "12.00", "0", "1.50", "0.30")
    reconcile(integration)
    row = status_of(order)
    assert row.status == OrderStatus.MATCHED
    assert row.expected_net == row.settled_net == D("36.00") + D("3.60") - D("5.40")
    assert row.settled_commission_vat == D("-0.90")
    assert not open_items("payout_variance").exists()
    assert set(TransactionLine.objects.values_list("match_status", flat=True)) == {"matched"}
    assert TransactionLine.objects.filter(order_line__isnull=True).count() == 0


def test_missing_commission_vat_line_is_a_variance_bound_to_the_order(integration):
    order = order_with_lines(integration, "1002", [("24.00", "0", "3.00", "0.60")])
    lines = settle_line(integration, order, 1, "24.00", "0", "3.00", "0.60")
    TransactionLine.objects.filter(pk__in=[x.pk for x in lines], type="COMMISSION_VAT").delete()
    reconcile(integration)
    row = status_of(order)
    assert row.status == OrderStatus.VARIANCE and row.variance == D("0.60")
    item = open_items("payout_variance").get()
    assert item.order_id == order.pk and item.subject_id == order.marketplace_order_id
    assert "variance 0.60" in item.message


def test_missing_line_of_a_multi_line_order_is_a_variance(integration):
    order = order_with_lines(
        integration, "1003", [("10.00", "0", "1.00", "0.20"), ("20.00", "0", "2.00", "0.40")]
    )
    settle_line(integration, order, 1, "10.00", "0", "1.00", "0.20")
    reconcile(integration)
    row = status_of(order)
    assert row.status == OrderStatus.VARIANCE
    assert row.variance == -(D("20.00") - D("2.40"))


def test_penny_rounding_within_tolerance_matches_beyond_it_does_not(integration):
    close = order_with_lines(integration, "1004", [("10.00", "0", "0", "0")])
    tl(integration, "ORDER_AMOUNT", "8.33", order=close)
    tl(integration, "ORDER_AMOUNT_TAX", "1.66", order=close)  # 9.99: one penny short
    far = order_with_lines(integration, "1005", [("10.00", "0", "0", "0")])
    tl(integration, "ORDER_AMOUNT", "9.98", order=far)
    reconcile(integration)
    assert status_of(close).status == OrderStatus.MATCHED
    assert status_of(far).status == OrderStatus.VARIANCE
    ReconciliationOptions.objects.create(integration=integration, tolerance=D("0.05"))
    reconcile(integration)
    assert status_of(far).status == OrderStatus.MATCHED
    assert not open_items("payout_variance").exists()  # the variance cleared itself


def test_partial_refund_with_commission_given_back_matches(integration):
    order = order_with_lines(integration, "1006", [("30.00", "5.00", "4.50", "0.90")])
    settle_line(integration, order, 1, "30.00", "5.00", "4.50", "0.90")
    refund(order, 1, "R1", "10.00", shipping="0", commission="1.50", commission_vat="0.30")
    reconcile(integration)
    assert status_of(order).status == OrderStatus.VARIANCE  # refund expected, not settled yet
    tl(integration, "REFUND_ORDER_AMOUNT", "-8.33", order=order)
    tl(integration, "REFUND_ORDER_AMOUNT_TAX", "-1.67", order=order)
    tl(integration, "REFUND_COMMISSION_FEE", "1.50", order=order)
    tl(integration, "REFUND_COMMISSION_VAT", "0.30", order=order)
    reconcile(integration)
    row = status_of(order)
    assert row.status == OrderStatus.MATCHED
    assert row.settled_refunds == D("-10.00") and row.settled_commission == D("-3.00")
    assert row.settled_net == D("35.00") - D("5.40") - D("10.00") + D("1.80")
    assert not open_items("payout_variance").exists()


def test_stray_line_is_unmatched_and_queued_once(integration):
    stray = tl(
        integration, "ORDER_AMOUNT", "5.00", marketplace_order_id="GHOST-A", commercial_id="GHOST"
    )
    reconcile(integration)
    reconcile(integration)
    stray.refresh_from_db()
    assert stray.match_status == LineStatus.UNMATCHED and stray.queued
    item = open_items("payout_unmatched").get()
    assert item.subject_id == stray.line_id and "GHOST" in item.message
    assert item.occurrences == 1


def test_stray_line_matches_itself_once_the_order_arrives(integration):
    stray = tl(integration, "ORDER_AMOUNT", "10.00", marketplace_order_id="1007-A")
    reconcile(integration)
    order_with_lines(integration, "1007", [("10.00", "0", "0", "0")])
    reconcile(integration)
    stray.refresh_from_db()
    assert stray.match_status == LineStatus.MATCHED and not stray.queued
    assert not open_items("payout_unmatched").exists()


def test_fee_lines_without_order_are_explained_by_type_and_unknown_types_flagged(integration):
    fee = tl(integration, "SUBSCRIPTION_FEE", "-25.00")
    odd = tl(integration, "BRAND_NEW_TYPE", "-1.00")
    reconcile(integration)
    fee.refresh_from_db()
    odd.refresh_from_db()
    assert fee.match_status == LineStatus.OTHER
    assert odd.match_status == LineStatus.UNKNOWN and odd.category == "unknown" and not odd.known
    assert open_items("payout_unmatched").get().subject_id == odd.line_id


def test_shipped_long_ago_without_transactions_is_unsettled(integration):
    old = order_with_lines(integration, "1008", [("10.00", "0", "1", "0.2")], shipped_days_ago=20)
    recent = order_with_lines(integration, "1009", [("10.00", "0", "1", "0.2")], shipped_days_ago=2)
    waiting = order_with_lines(integration, "1010", [("10.00", "0", "1", "0.2")], state="SHIPPING")
    reconcile(integration)
    assert status_of(old).status == OrderStatus.UNSETTLED
    assert not OrderReconciliation.objects.filter(order__in=[recent, waiting]).exists()
    assert open_items("payout_variance").get().order_id == old.pk


def test_cancelled_lines_and_not_applicable_money_are_left_out(integration):
    order = order_with_lines(
        integration, "1011", [("10.00", "0", "0", "0"), ("5.00", "0", "0", "0")]
    )
    order.lines.filter(line_index=2).update(state="CANCELED")
    tl(integration, "ORDER_AMOUNT", "10.00", order=order)
    tl(integration, "ORDER_AMOUNT", "5.00", order=order, line_no=2, payment_state="NOT_APPLICABLE")
    reconcile(integration)
    assert status_of(order).status == OrderStatus.MATCHED


def test_payout_total_check_against_the_transfer(integration):
    order = order_with_lines(integration, "1012", [("20.00", "0", "2.00", "0.40")])
    settle_line(integration, order, 1, "20.00", "0", "2.00", "0.40", cycle="CYCLE-1")
    tl(integration, "SUBSCRIPTION_FEE", "-10.00", cycle="CYCLE-1")
    tl(integration, "PAYMENT", "-7.60", cycle="CYCLE-1")
    Payout.objects.create(integration=integration, cycle_id="CYCLE-1", amount_to_seller=D("7.60"))
    Payout.objects.create(integration=integration, cycle_id="CYCLE-2", amount_to_seller=D("7.60"))
    tl(integration, "ORDER_AMOUNT", "9.00", cycle="CYCLE-2", marketplace_order_id="X-A")
    reconcile(integration)
    good = Payout.objects.get(cycle_id="CYCLE-1")
    assert good.status == "matched" and good.lines_total == D("7.60") and good.open_items == 0
    bad = Payout.objects.get(cycle_id="CYCLE-2")
    assert bad.status == "variance" and bad.variance == D("1.40") and bad.open_items == 1
    item = open_items("payout_variance").get(subject_type="payout")
    assert item.subject_id == "CYCLE-2"
    Payout.objects.filter(cycle_id="CYCLE-2").update(amount_to_seller=D("9.00"))
    reconcile(integration)
    assert not open_items("payout_variance").filter(subject_type="payout").exists()


def test_cycle_seen_in_lines_before_its_payout_is_listed_open(integration):
    tl(integration, "SUBSCRIPTION_FEE", "-10.00", cycle="CYCLE-9")
    reconcile(integration)
    payout = Payout.objects.get(cycle_id="CYCLE-9")
    assert payout.status == "open" and payout.lines_total == Decimal("-10.00")


def test_retry_from_the_queue_rematches_the_order(integration):
    from exceptions_queue.services import exception_retry

    order = order_with_lines(integration, "1013", [("10.00", "0", "0", "0")])
    reconcile(integration)  # shipped yesterday, nothing settled: no row yet
    tl(integration, "ORDER_AMOUNT", "9.00", order=order)
    reconcile(integration)
    item = open_items("payout_variance").get()
    tl(integration, "ORDER_AMOUNT", "1.00", order=order)
    assert exception_retry(item.pk) == "resolved"
    assert status_of(order).status == OrderStatus.MATCHED
    item.refresh_from_db()
    assert item.status == "resolved"
