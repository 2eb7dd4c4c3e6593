"""Journey of Finance: open a payout, match a stray line to its order, download the Excel file."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from reconciliation.models import LineStatus
from tests.browser.scenarios import payout_with_a_mistyped_line
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.browser


def test_finance_matches_a_line_and_downloads_excel(journey, roles, role_user):
    order, stray = payout_with_a_mistyped_line(integration_make())
    assert stray.match_status == LineStatus.UNMATCHED
    role_user("Finance", "fiona")
    page = journey.page
    journey.log_in("fiona")
    expect(page.get_by_role("heading", name="Payouts and variances")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(stray.line_id)  # its exception
    journey.shot("finance-home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Finance").click()
    expect(page.get_by_role("heading", name="Payouts", level=1)).to_be_visible()
    journey.shot("payouts")
    page.get_by_role("link", name="CYCLE-7", exact=True).click()
    expect(page.get_by_role("heading", name="Payout CYCLE-7", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(stray.line_id))).to_contain_text("88174559O3")
    expect(page.get_by_role("main")).to_contain_text("open item(s) in the queue")
    journey.shot("payout")

    page.get_by_role("link", name="queue", exact=True).click()
    line_row = page.get_by_role("row", name=re.compile(stray.line_id))
    expect(line_row).to_contain_text("88174559O3")
    journey.shot("queue")
    line_row.get_by_role("link", name="Match to an order").click()
    page.get_by_label("Customer order number or Mirakl order id").fill("8817455903")
    page.get_by_label("Reason").fill("The marketplace typed a letter O for a zero.")
    journey.shot("match-form")
    page.get_by_role("button", name="Match the line").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Line {stray.line_id} matched to order 8817455903"
    )
    done = page.get_by_role("row", name=re.compile(rf"fiona .*line {stray.line_id}"))
    expect(done).to_contain_text("8817455903")  # the queue's recent actions: who did what
    journey.shot("matched")
    stray.refresh_from_db()
    assert stray.order_id == order.pk and stray.match_status == LineStatus.MATCHED

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Finance").click()
    page.get_by_role("link", name="CYCLE-7", exact=True).click()
    expect(page.get_by_role("heading", name="Payout CYCLE-7", level=1)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this payout as Excel").click()
    download = download_info.value
    saved = journey.folder / download.suggested_filename
    download.save_as(saved)
    journey.shot("downloaded")
    workbook = openpyxl.load_workbook(saved, read_only=True)
    assert {"Payouts", "Transactions"} <= set(workbook.sheetnames)
    rows = list(workbook["Transactions"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    row = next(dict(zip(header, r, strict=True)) for r in body if stray.line_id in r)
    assert row["Billing cycle"] == "CYCLE-7" and row["Match status"] == "matched"
