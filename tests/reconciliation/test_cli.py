"""`hub sync settlements`, `hub reconcile export|import|match`: the CLI contract."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reconciliation.models import OrderReconciliation, TransactionLine
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import order_with_lines, settle_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    integration = integration_make()
    order = order_with_lines(integration, "5001", [("10.00", "0", "1.00", "0.20")])
    settle_line(integration, order, 1, "10.00", "0", "1.00", "0.20", cycle="C5")
    return integration


def test_reconcile_match_and_export(integration, tmp_path, capsys):
    call_command("hub", "reconcile", "match", "--integration", "acme")
    assert "orders matched 1" in capsys.readouterr().out
    assert OrderReconciliation.objects.get().status == "matched"
    path = tmp_path / "out.xlsx"
    call_command("hub", "reconcile", "export", str(path), "--integration", "acme", "--cycle", "C5")
    assert "Transactions 4" in capsys.readouterr().out
    assert openpyxl.load_workbook(path).sheetnames == [
        "Payouts",
        "Orders",
        "Transactions",
        "Journal",
    ]


def test_reconcile_export_usage_errors(integration, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("hub", "reconcile", "export", str(tmp_path / "x.csv"))
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="no integration named 'nope'"):
        call_command(
            "hub", "reconcile", "export", str(tmp_path / "x.xlsx"), "--integration", "nope"
        )


def test_reconcile_import_reports_rows_and_refuses_bad_files(integration, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("transaction_id,date,type,amount\nB1,2026-11-01,ORDER_AMOUNT,abc\n")
    with pytest.raises(CommandError) as error:
        call_command("hub", "reconcile", "import", str(bad))
    assert error.value.returncode == 2 and "nothing imported: 1 problem" in str(error.value)
    assert "row 2: amount 'abc' is not a number" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("transaction_id,date,type,amount\nB1,2026-11-01,SUBSCRIPTION_FEE,-5\n")
    call_command("hub", "reconcile", "import", str(good))
    assert "1 created" in capsys.readouterr().out
    assert TransactionLine.objects.filter(line_id="B1").exists()
