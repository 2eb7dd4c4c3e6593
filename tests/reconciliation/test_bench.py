"""The finance benchmarks run their code paths (timing is never asserted)."""

from __future__ import annotations

import pytest

from reconciliation.bench import bench_excel_export, bench_reconcile
from reconciliation.models import OrderReconciliation

pytestmark = pytest.mark.django_db


def test_bench_reconcile_matches_every_order_and_finds_the_planted_variances():
    result = bench_reconcile({"recon_orders": 300, "recon_lines": 1500})
    assert result.rows == 1500 and result.baseline_seconds > 0
    assert result.notes["orders"] == 300
    assert result.notes["variances"] == 3  # every 100th order is 50p short
    assert OrderReconciliation.objects.filter(status="matched").count() == 297


def test_bench_excel_export_writes_every_order():
    result = bench_excel_export({"export_orders": 120})
    assert result.rows == 120 and result.seconds > 0 and result.baseline_seconds > 0
