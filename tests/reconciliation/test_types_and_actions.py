"""Every spec transaction type is classified; manual match, write-off and undo are audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exceptions_queue.models import ExceptionItem
from reconciliation.actions import (
    ActionRefused,
    action_undo,
    line_match,
    line_write_off,
    order_write_off,
)
from reconciliation.matching import reconcile
from reconciliation.models import LineStatus, OrderReconciliation, OrderStatus, ReconciliationAction
from reconciliation.types import TRANSACTION_TYPES, UNKNOWN, type_info
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import order_with_lines, tl

SPEC = Path("/work/shared/reference/mirakl-mmp-seller-openapi.json")


def spec_transaction_types() -> list[str]:
    spec = json.loads(SPEC.read_text())
    operation = spec["paths"]["/api/sellerpayment/transactions_logs"]["get"]
    parameter = next(p for p in operation["parameters"] if p.get("name") == "transaction_type")
    return parameter["schema"]["items"]["enum"]


@pytest.mark.skipif(not SPEC.exists(), reason="the Mirakl spec is not on this machine")
def test_every_transaction_type_of_the_spec_is_classified():
    types = spec_transaction_types()
    assert len(types) > 40
    missing = [t for t in types if t not in TRANSACTION_TYPES]
    assert missing == []
    assert all(type_info(t).known for t in types)


def test_unknown_types_are_kept_and_flagged():
    assert type_info("SOMETHING_NEW") is UNKNOWN
    assert type_info(" order_amount ").category == "order_amount"


@pytest.fixture
def integration(db):
    return integration_make()


@pytest.fixture
def finance(role_user):
    return role_user("Finance")


def open_items(kind):
    return ExceptionItem.objects.filter(kind=kind, status__in=["open", "retrying"])


def test_manual_match_then_undo(integration, finance):
    order = order_with_lines(integration, "3001", [("10.00", "0", "0", "0")])
    stray = tl(integration, "ORDER_AMOUNT", "10.00", marketplace_order_id="TYPO-A")
    reconcile(integration)
    assert open_items("payout_unmatched").count() == 1
    action = line_match(line=stray, order=order, actor=finance, reason="order number mistyped")
    stray.refresh_from_db()
    assert stray.order_id == order.pk and stray.manual_match and stray.match_status == "matched"
    assert OrderReconciliation.objects.get(order=order).status == OrderStatus.MATCHED
    assert not open_items("payout_unmatched").exists()
    assert (action.actor, action.kind) == (finance, "match") and action.at is not None

    reconcile(integration)  # a later pass keeps the manual match
    stray.refresh_from_db()
    assert stray.order_id == order.pk

    undo = action_undo(action=action, actor=finance)
    stray.refresh_from_db()
    assert stray.order_id is None and stray.match_status == LineStatus.UNMATCHED
    assert undo.undoes == action and undo.kind == "undo"
    assert open_items("payout_unmatched").count() == 1
    with pytest.raises(ActionRefused, match="undone already"):
        action_undo(action=action, actor=finance)


def test_a_manual_match_recounts_the_payouts_open_items_at_once(integration, finance):
    from reconciliation.models import Payout

    order = order_with_lines(integration, "3005", [("10.00", "0", "0", "0")])
    stray = tl(integration, "ORDER_AMOUNT", "10.00", marketplace_order_id="TYPO-B", cycle="C-9")
    reconcile(integration)
    assert Payout.objects.get(cycle_id="C-9").open_items == 1
    line_match(line=stray, order=order, actor=finance, reason="order number mistyped")
    assert Payout.objects.get(cycle_id="C-9").open_items == 0  # not only after the next pass


def test_order_write_off_needs_a_reason_clears_the_item_and_undo_reopens(integration, finance):
    order = order_with_lines(integration, "3002", [("10.00", "0", "0", "0")])
    tl(integration, "ORDER_AMOUNT", "9.50", order=order)
    reconcile(integration)
    assert open_items("payout_variance").count() == 1
    with pytest.raises(ActionRefused, match="reason"):
        order_write_off(order=order, actor=finance, reason="")
    action = order_write_off(order=order, actor=finance, reason="goodwill discount agreed")
    row = OrderReconciliation.objects.get(order=order)
    assert row.status == OrderStatus.WRITTEN_OFF and row.write_off_reason
    assert not open_items("payout_variance").exists()
    reconcile(integration)
    assert OrderReconciliation.objects.get(order=order).status == OrderStatus.WRITTEN_OFF
    action_undo(action=action, actor=finance)
    assert OrderReconciliation.objects.get(order=order).status == OrderStatus.VARIANCE
    assert open_items("payout_variance").count() == 1
    assert ReconciliationAction.objects.count() == 2


def test_line_write_off_and_refusals(integration, finance):
    other = integration_make("other")
    stranger = order_with_lines(other, "9999", [("1.00", "0", "0", "0")])
    line = tl(integration, "SELLER_PENALTY_FEE", "-5.00", marketplace_order_id="GONE-A")
    reconcile(integration)
    with pytest.raises(ActionRefused, match="another integration"):
        line_match(line=line, order=stranger, actor=finance)
    write_off = line_write_off(line=line, actor=finance, reason="penalty disputed and accepted")
    line.refresh_from_db()
    assert line.match_status == LineStatus.WRITTEN_OFF
    assert not open_items("payout_unmatched").exists()
    with pytest.raises(ActionRefused, match="already written off"):
        line_write_off(line=line, actor=finance, reason="again")
    action_undo(action=write_off, actor=finance)
    line.refresh_from_db()
    assert line.match_status == LineStatus.UNMATCHED


def test_only_the_latest_action_on_a_line_can_be_undone(integration, finance):
    order = order_with_lines(integration, "3003", [("10.00", "0", "0", "0")])
    line = tl(integration, "ORDER_AMOUNT", "10.00", marketplace_order_id="NOPE-A")
    reconcile(integration)
    first = line_match(line=line, order=order, actor=finance)
    line.refresh_from_db()
    line_write_off(line=line, actor=finance, reason="duplicate of a credit")
    with pytest.raises(ActionRefused, match="later action"):
        action_undo(action=first, actor=finance)
