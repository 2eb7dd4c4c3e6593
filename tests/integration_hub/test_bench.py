import json

import pytest
from django.core.management import CommandError, call_command

from integration_hub import bench, bench_latency
from integration_hub.models import Integration, Order, OutboundJob, Product

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_runs_every_code_path_and_leaves_nothing_behind(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(
        bench.SCALES,
        "small",
        {
            "orders": 30,
            "jobs": 40,
            "search_orders": 200,
            "lookups": 5,
            "skus": 500,
            "latency": "small",
            "recon_lines": 300,
            "recon_orders": 60,
            "export_orders": 50,
        },
    )
    monkeypatch.setitem(
        bench_latency.LATENCY_SCALES,
        "small",
        {"tick": 0.3, "passes": 3, "skus": 10, "changes": 3, "limits": "off"},
    )
    monkeypatch.setitem(
        bench_latency.ORDER_LATENCY_SCALES,
        "small",
        {"tick": 0.3, "passes": 3, "orders": 2, "limits": "off"},
    )
    out = tmp_path / "bench.json"
    call_command("hub", "bench", "--scale", "small", "--json", str(out))
    report = json.loads(out.read_text())
    names = [r["name"] for r in report["results"]]
    assert names == [
        "stock push planning (1% changed → STO01 file)",
        "order ingest (OR11 pages of 100 → upsert)",
        "outbox relay (claim + run + record)",
        "CX search (exact identifiers)",
        "stock change in source → STO01 submitted (sandbox loop)",
        "marketplace order paid → created in source (sandbox loop)",
        "reconciliation (TL02 lines vs orders, payouts)",
        "Excel export (Orders sheet, write-only)",
        "listings build + validate",
    ]
    assert [r["rows"] for r in report["results"]][:4] == [500, 30, 40, 10]
    latency = report["results"][4]
    assert 1 <= latency["rows"] <= 9  # one sample per change that reached an import
    assert latency["notes"]["changes not sent yet"] == 0
    assert 0 < latency["notes"]["p50 s"] <= latency["notes"]["max s"] < 2
    orders = report["results"][5]
    assert orders["rows"] >= 1  # paid orders that reached the source within the run
    assert orders["notes"]["orders placed"] == 6
    assert 0 < orders["notes"]["paid → in source p50 s"] < 2
    assert [r["rows"] for r in report["results"][6:]] == [300, 50, 500]
    listings = report["results"][8]["notes"]
    assert listings["incomplete"] == listings["baseline_incomplete"] == 50
    assert report["results"][0]["notes"] == {"changed": 5}
    assert all(r["seconds"] > 0 and r["baseline_seconds"] > 0 for r in report["results"])
    assert report["machine"]["cpus"] >= 1
    assert "| order ingest" in capsys.readouterr().out
    assert not Order.objects.exists() and not OutboundJob.objects.exists()
    assert not Product.objects.exists()
    assert not Integration.objects.filter(name__startswith="bench").exists()


def test_bench_refuses_outside_sandbox_mode(settings):
    settings.HUB_SANDBOX = False
    with pytest.raises(CommandError, match="needs HUB_SANDBOX=1") as error:
        call_command("hub", "bench")
    assert error.value.returncode == 2
