"""Settlement file import (row-numbered, all or nothing, idempotent) and the Excel export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from integration_hub.services.carrier_mappings import ImportRejected
from reconciliation.export import workbook_write
from reconciliation.imports import settlement_file_import
from reconciliation.matching import reconcile
from reconciliation.models import Payout, SettlementImport, Source, TransactionLine
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import D, order_with_lines, settle_line, tl

pytestmark = pytest.mark.django_db

HEADER = "transaction_id,date,type,amount,currency,order_id,billing_cycle_id,payment_state\n"


@pytest.fixture
def integration():
    return integration_make()


def write(tmp_path, body: str, name="report.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_file_import_creates_lines_and_a_payout_and_twice_doubles_nothing(integration, tmp_path):
    order = order_with_lines(integration, "2001", [("12.00", "0", "1.50", "0.30")])
    path = write(
        tmp_path,
        "F1,2026-11-01,ORDER_AMOUNT,10.00,GBP,2001-A,CYC-F,PAID\n"
        "F2,01/11/2026,ORDER_AMOUNT_TAX,2.00,GBP,2001-A,CYC-F,PAID\n"
        'F3,2026-11-01,COMMISSION_FEE,"-1.50",GBP,2001-A,CYC-F,PAID\n'
        "F4,2026-11-01,COMMISSION_VAT,-0.30,GBP,2001-A,CYC-F,PAID\n"
        "F5,2026-11-02,PAYMENT,-10.20,GBP,,CYC-F,PAID\n",
    )
    report = settlement_file_import(integration, path)
    assert report.created == 5
    again = settlement_file_import(integration, path)
    assert (again.created, again.unchanged) == (0, 5)
    assert TransactionLine.objects.filter(integration=integration).count() == 5
    assert SettlementImport.objects.count() == 2
    line = TransactionLine.objects.get(line_id="F2")
    assert line.date_created == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert line.source == Source.FILE and line.amount == Decimal("2.00")
    reconcile(integration)
    assert order.reconciliation.status == "matched"
    payout = Payout.objects.get(cycle_id="CYC-F")
    assert payout.amount_to_seller == D("10.20") and payout.status == "matched"


def test_bad_rows_are_listed_by_number_and_nothing_is_imported(integration, tmp_path):
    path = write(
        tmp_path,
        "G1,2026-11-01,ORDER_AMOUNT,10.00,GBP,,,PAID\n"
        "G2,yesterday,ORDER_AMOUNT,ten,GBP,,,PAID\n"
        "G1,2026-11-01,ORDER_AMOUNT,1.001,POUNDS,,,MAYBE\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        settlement_file_import(integration, path)
    errors = rejected.value.errors
    assert "row 3: amount 'ten' is not a number" in errors
    assert any(e.startswith("row 3: date 'yesterday'") for e in errors)
    assert "row 4: amount '1.001' has more than 2 decimal places" in errors
    assert any(e.startswith("row 4: currency") for e in errors)
    assert any(e.startswith("row 4: payment_state 'MAYBE'") for e in errors)
    assert "row 4: transaction_id 'G1' repeats row 2" in errors
    assert not TransactionLine.objects.exists()


def test_values_too_large_or_long_for_their_columns_are_row_numbered_errors(integration, tmp_path):
    """Issue 18: 99999999999999999.99 was stored and then broke every finance screen."""
    path = write(
        tmp_path,
        "H1,2026-11-01,ORDER_AMOUNT,99999999999999999.99,GBP,,,PAID\n"
        "H2,2026-11-01,ORDER_AMOUNT,1E+30,GBP,,,PAID\n"
        "H3,9999-12-31T23:00:00+05:00,ORDER_AMOUNT,1.00,GBP,,,PAID\n"
        f"{'L' * 101},2026-11-01,ORDER_AMOUNT,1.00,GBP,,,PAID\n"
        "H5,2026-11-01,ORDER_AMOUNT,999999999999.99,GBP,,,PAID\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        settlement_file_import(integration, path)
    errors = rejected.value.errors
    assert "row 2: amount 99999999999999999.99 has more than 12 digits before the point" in errors
    assert "row 3: amount '1E+30' is too large" in errors
    assert any(
        e.startswith("row 4: date '9999-12-31T23:00:00+05:00' is not between") for e in errors
    )
    assert "row 5: transaction_id is 101 characters long, at most 64" in errors
    assert not [e for e in errors if e.startswith("row 6")]  # the largest amount that fits
    assert not TransactionLine.objects.exists()


def test_missing_column_and_unknown_type(integration, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("transaction_id,type,amount\nH1,ORDER_AMOUNT,1\n")
    with pytest.raises(ImportRejected, match="missing column"):
        settlement_file_import(integration, path)
    ok = write(tmp_path, "H2,2026-11-01,SOMETHING_NEW,-1.00,GBP,,,PAID\n")
    settlement_file_import(integration, ok)
    line = TransactionLine.objects.get(line_id="H2")
    assert line.category == "unknown" and not line.known


def test_the_api_record_wins_over_a_file_row_with_the_same_id(integration, tmp_path):
    tl(integration, "ORDER_AMOUNT", "10.00", line_id="SAME")
    path = write(tmp_path, "SAME,2026-11-01,ORDER_AMOUNT,99.00,GBP,,,PAID\n")
    report = settlement_file_import(integration, path)
    assert report.unchanged == 1
    assert TransactionLine.objects.get(line_id="SAME").amount == D("10.00")


def test_xlsx_import(integration, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["transaction_id", "date", "type", "amount"])
    sheet.append(["X1", dt.datetime(2026, 11, 3, 10, 0), "SUBSCRIPTION_FEE", -25])
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    settlement_file_import(integration, path)
    line = TransactionLine.objects.get(line_id="X1")
    assert line.amount == D("-25.00") and line.date_created.day == 3


def sheet_rows(path, name):
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook[name].iter_rows(values_only=True))
    return rows[0], rows[1:], workbook[name]


def test_export_reopened_shows_the_expected_sums_typed_and_escaped(integration, tmp_path):
    order = order_with_lines(integration, "=cmd|' /C calc'!A0", [("24.00", "3.60", "3.00", "0.60")])
    settle_line(integration, order, 1, "24.00", "3.60", "3.00", "0.60", cycle="CYC-1")
    tl(integration, "SUBSCRIPTION_FEE", "-10.00", cycle="CYC-1")
    tl(integration, "REFUND_ORDER_AMOUNT", "-5.00", order=order, cycle="CYC-1")
    tl(integration, "PAYMENT", "-9.00", cycle="CYC-1")
    Payout.objects.create(integration=integration, cycle_id="CYC-1", amount_to_seller=D("9.00"))
    reconcile(integration)
    path = tmp_path / "out.xlsx"
    counts = workbook_write(path, integration=integration)
    assert counts == {"Payouts": 1, "Orders": 1, "Transactions": 9, "Journal": 1}

    header, rows, sheet = sheet_rows(path, "Orders")
    for name in (
        "Order ID",
        "Customer order number",
        "Expected net",
        "Settled net",
        "Variance",
        "Status",
    ):
        assert name in header
    row = dict(zip(header, rows[0], strict=True))
    assert row["Customer order number"] == "'=cmd|' /C calc'!A0"  # escaped, not a formula
    assert row["Expected net"] == pytest.approx(24.00)
    assert row["Settled net"] == pytest.approx(19.00)
    assert row["Variance"] == pytest.approx(-5.00)
    assert sheet.cell(row=2, column=header.index("Settled net") + 1).number_format.startswith('"£"')

    header, rows, _ = sheet_rows(path, "Journal")
    journal = dict(zip(header, rows[0], strict=True))
    assert journal["Sales"] == pytest.approx(24.00)
    assert journal["Shipping"] == pytest.approx(3.60)
    assert journal["Commission"] == pytest.approx(-3.00)
    assert journal["VAT on commission"] == pytest.approx(-0.60)
    assert journal["Refunds"] == pytest.approx(-5.00)
    assert journal["Fees"] == pytest.approx(-10.00)
    assert journal["Payout"] == pytest.approx(9.00)
    assert journal["Difference"] == pytest.approx(0)

    header, rows, sheet = sheet_rows(path, "Transactions")
    assert isinstance(rows[0][header.index("Date")], dt.datetime)
    assert sheet.cell(row=2, column=header.index("Date") + 1).number_format == "yyyy-mm-dd hh:mm"
    amounts = [r[header.index("Amount")] for r in rows]
    assert all(isinstance(a, (int, float)) for a in amounts)
    assert sum(amounts) == pytest.approx(0)  # lines minus the payout: every penny explained


def test_export_for_one_cycle(integration, tmp_path):
    tl(integration, "SUBSCRIPTION_FEE", "-10.00", cycle="A")
    tl(integration, "SUBSCRIPTION_FEE", "-20.00", cycle="B")
    reconcile(integration)
    path = tmp_path / "b.xlsx"
    counts = workbook_write(path, integration=integration, cycle_id="B")
    assert counts["Transactions"] == 1 and counts["Payouts"] == 1
    header, rows, _ = sheet_rows(path, "Journal")
    assert rows[0][header.index("Fees")] == pytest.approx(-20.00)
