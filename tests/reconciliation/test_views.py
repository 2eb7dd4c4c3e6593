"""The finance screens: what Finance and Admin see and do, and who gets a 403."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reconciliation.matching import reconcile
from reconciliation.models import (
    LineStatus,
    OrderReconciliation,
    Payout,
    ReconciliationAction,
    TransactionLine,
)
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import D, order_with_lines, settle_line, tl

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    integration = integration_make()
    order = order_with_lines(integration, "4001", [("20.00", "0", "2.00", "0.40")])
    settle_line(integration, order, 1, "20.00", "0", "2.00", "0.40", cycle="CYC-V")
    short = order_with_lines(integration, "4002", [("10.00", "0", "0", "0")])
    tl(integration, "ORDER_AMOUNT", "9.00", order=short, cycle="CYC-V")
    stray = tl(integration, "ORDER_AMOUNT", "5.00", cycle="CYC-V", marketplace_order_id="4003-A",
               commercial_id="4003")  # fmt: skip
    Payout.objects.create(integration=integration, cycle_id="CYC-V", amount_to_seller=D("30.00"))
    reconcile(integration)
    return {"integration": integration, "order": order, "short": short, "stray": stray}


@pytest.fixture
def finance_client(client, role_user):
    client.force_login(role_user("Finance"))
    return client


@pytest.mark.parametrize("role", ["Ops", "CX", None])
def test_other_roles_get_a_403_on_every_finance_screen(client, role_user, world, role):
    client.force_login(role_user(role))
    for name, kwargs in [
        ("payout-list", {}),
        ("reconcile-queue", {}),
        ("reconcile-margin", {}),
        ("reconcile-export", {}),
        ("reconcile-import", {}),
        ("reconcile-order", {"pk": world["order"].pk}),
        ("reconcile-line-write-off", {"pk": world["stray"].pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    response = client.post(
        reverse("reconcile-line-write-off", kwargs={"pk": world["stray"].pk}), {"reason": "nope!"}
    )
    assert response.status_code == 403
    assert TransactionLine.objects.get(pk=world["stray"].pk).match_status == LineStatus.UNMATCHED


def test_payout_list_and_detail_show_status_variance_orders_and_lines(finance_client, world):
    page = finance_client.get(reverse("payout-list")).content.decode()
    assert "CYC-V" in page and "Variance" in page and "Download the Excel workbook" in page
    payout = Payout.objects.get(cycle_id="CYC-V")
    assert payout.status == "variance" and payout.variance == D("1.60") and payout.open_items == 2
    detail = finance_client.get(reverse("payout-detail", args=[payout.pk])).content.decode()
    assert "4001" in detail and "4002" in detail and world["stray"].line_id in detail
    assert "£1.60" in detail and "£31.60" in detail


def test_queue_lists_variances_and_unmatched_lines_with_actions(finance_client, world):
    page = finance_client.get(reverse("reconcile-queue")).content.decode()
    assert "4002" in page and world["stray"].line_id in page
    assert reverse("reconcile-line-match", args=[world["stray"].pk]) in page
    assert ">Integration</label>" in page and "[invalid name]" not in page


def test_match_write_off_and_undo_through_the_screens(finance_client, world):
    stray = world["stray"]
    match_url = reverse("reconcile-line-match", args=[stray.pk])
    assert finance_client.get(match_url).status_code == 200
    missing = finance_client.post(match_url, {"order_number": "NOPE", "reason": ""})
    assert "no order &#x27;NOPE&#x27;" in missing.content.decode()
    response = finance_client.post(match_url, {"order_number": "4002", "reason": "typo"})
    assert response.status_code == 302
    stray.refresh_from_db()
    assert stray.order_id == world["short"].pk
    assert OrderReconciliation.objects.get(order=world["short"]).status == "variance"  # 14 vs 10

    write_off_url = reverse("reconcile-order-write-off", args=[world["short"].pk])
    assert "Write off" in finance_client.get(write_off_url).content.decode()
    no_reason = finance_client.post(write_off_url, {"reason": ""})
    assert no_reason.status_code == 200
    assert OrderReconciliation.objects.get(order=world["short"]).status == "variance"
    finance_client.post(write_off_url, {"reason": "customer goodwill agreed"})
    assert OrderReconciliation.objects.get(order=world["short"]).status == "written_off"

    action = ReconciliationAction.objects.get(kind="write_off")
    assert action.actor.username == "user-finance"
    finance_client.post(reverse("reconcile-action-undo", args=[action.pk]), {})
    assert OrderReconciliation.objects.get(order=world["short"]).status == "variance"
    assert ReconciliationAction.objects.filter(kind="undo", undoes=action).exists()


def test_order_page_shows_the_line_breakdown(finance_client, world):
    page = finance_client.get(reverse("reconcile-order", args=[world["short"].pk])).content.decode()
    assert "4002-A-1" in page and "Write off this variance" in page


def test_margin_by_sku_and_month(finance_client, world):
    response = finance_client.get(reverse("reconcile-margin"))
    page = response.content.decode()
    assert "SKU-1" in page and "By month" in page
    skus = response.context["skus"].data.data
    assert {row["sku"] for row in skus} == {"SKU-1"}
    assert sum(row["net"] for row in skus) == D("17.60") + D("9.00")


def test_download_button_returns_the_workbook(finance_client, world):
    response = finance_client.get(reverse("reconcile-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="reconciliation-all-')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Payouts", "Orders", "Transactions", "Journal"]


def test_import_screen_rejects_with_row_numbers_then_imports(finance_client, world):
    url = reverse("reconcile-import")
    bad = SimpleUploadedFile(
        "s.csv", b"transaction_id,date,type,amount\nZ1,2026-11-01,ORDER_AMOUNT,x\n"
    )
    page = finance_client.post(url, {"integration": world["integration"].pk, "file": bad})
    assert "row 2: amount &#x27;x&#x27; is not a number" in page.content.decode()
    good = SimpleUploadedFile(
        "s.csv", b"transaction_id,date,type,amount\nZ1,2026-11-01,SUBSCRIPTION_FEE,-9\n"
    )
    response = finance_client.post(url, {"integration": world["integration"].pk, "file": good})
    assert response.status_code == 302
    assert TransactionLine.objects.get(line_id="Z1").match_status == LineStatus.OTHER
