"""`hub bench`: the hub's real code paths timed beside a baseline on the same data.

Every benchmark generates its data, runs the hub's path, then a baseline doing the same logical
work in the plainest way (a bulk insert, one UPDATE, one indexed SELECT), and reports time, rows
per second, peak Python memory and the ratio hub/baseline. Everything runs inside one database
transaction that is rolled back at the end, so a bench never leaves rows behind.

The benchmarks grow with the flows; see docs/performance.md for the latest full run.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import requests
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

SCALES = {
    "small": {
        "orders": 1_000,
        "jobs": 2_000,
        "search_orders": 20_000,
        "lookups": 200,
        "skus": 10_000,
        "latency": "small",
        "recon_lines": 20_000,
        "recon_orders": 4_000,
        "export_orders": 5_000,
    },
    "full": {
        "orders": 10_000,
        "jobs": 20_000,
        "search_orders": 1_000_000,
        "lookups": 1_000,
        "skus": 100_000,
        "latency": "full",
        "recon_lines": 500_000,
        "recon_orders": 100_000,
        "export_orders": 100_000,
    },
}
BASE = "http://bench.local"


@dataclass
class Result:
    name: str
    rows: int
    seconds: float
    baseline_seconds: float
    peak_mb: float
    notes: dict = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds if self.baseline_seconds else 0.0


class _Rollback(Exception):
    pass


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(seconds, process peak RSS in MB after the call, result) of one call.

    Peak RSS costs nothing to read (tracemalloc would slow the timed code several-fold); it is
    the process's high-water mark, so read it as "memory needed up to this benchmark".
    """
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, _peak_rss_mb(), result


def _bench_integration(name: str, api_key: str):
    from integration_hub.models import Integration

    return Integration.objects.create(
        name=name,
        source_kind="shopify",
        source_url=f"{BASE}/sandbox/shopify",
        marketplace_url=f"{BASE}/sandbox/mirakl",
        marketplace_credentials={"api_key": api_key},
        call_limit_mode="off",
    )


def bench_stock_plan(scale: dict) -> Result:
    """Plan a stock push for N SKUs with 1% changed and build the STO01 file, vs one SELECT."""
    from connectors.mirakl.dtos import StockRow
    from connectors.mirakl.files import stock_csv
    from integration_hub.flows.stock import stock_plan
    from integration_hub.models import Product

    count = scale["skus"]
    integration = _bench_integration("bench-stock", "k")
    now = timezone.now()
    for start in range(0, count, 10_000):
        Product.objects.bulk_create(
            Product(
                integration=integration,
                sku=f"K{n}",
                offer_sku=f"K{n}",
                last_source_qty=20 if n % 100 == 0 else 10,
                last_source_qty_at=now,
                last_pushed_qty=10,
                last_pushed_at=now,
            )
            for n in range(start, min(start + 10_000, count))
        )

    def plan_and_file():
        plan = stock_plan(integration)
        return plan, stock_csv([StockRow(p.offer_sku, pushed) for p, _taken, pushed in plan])

    seconds, peak, (plan, _file) = _timed(plan_and_file)
    assert len(plan) == count // 100, f"planned {len(plan)} SKUs"

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT offer_sku, last_source_qty FROM integration_hub_product "
                "WHERE integration_id = %s AND last_source_qty <> last_pushed_qty",
                [integration.pk],
            )
            return cursor.fetchall()

    baseline_seconds, _peak, _rows = _timed(baseline)
    return Result(
        "stock push planning (1% changed → STO01 file)",
        count,
        seconds,
        baseline_seconds,
        peak,
        {"changed": len(plan)},
    )


def bench_order_ingest(scale: dict) -> Result:
    """Orders pulled from the Mirakl sandbox (OR11, pages of 100) and upserted, vs bulk insert."""
    from connectors.mirakl.client import MiraklClient
    from connectors.mirakl.sandbox.services import orders as sandbox_orders
    from connectors.mirakl.sandbox.services import shops
    from connectors.sandbox.transport import DjangoAppAdapter
    from integration_hub.flows.orders_pull import orders_pull
    from integration_hub.models import Order, OrderLine, SyncRun
    from integration_hub.services.runs import RunRecorder

    count = scale["orders"]
    shop = shops.shop_get_or_create(shop_id=9901, api_key="bench-mirakl-key", seed_offers=False)
    lines = [{"sku": "BENCH-1", "quantity": 1}, {"sku": "BENCH-2", "quantity": 2}]
    sandbox_orders.orders_create(shop=shop, count=count, lines=lines, seed=1)
    integration = _bench_integration("bench-ingest", shop.api_key)
    session = requests.Session()
    session.mount(BASE, DjangoAppAdapter())
    client = MiraklClient(
        f"{BASE}/sandbox/mirakl", shop.api_key, shop_id=shop.shop_id, session=session
    )
    run = RunRecorder(
        SyncRun.objects.create(integration=integration, flow="bench", started_at=timezone.now())
    )
    seconds, peak, _ = _timed(lambda: orders_pull(integration, client, run))
    assert Order.objects.filter(integration=integration).count() == count, "not every order stored"
    baseline_integration = _bench_integration("bench-ingest-baseline", shop.api_key)

    def baseline():
        now = timezone.now()
        orders = Order.objects.bulk_create(
            Order(
                integration=baseline_integration,
                marketplace_order_id=f"B{n}-A",
                commercial_id=f"B{n}",
                marketplace_state="WAITING_ACCEPTANCE",
                marketplace_created_at=now,
                marketplace_updated_at=now,
            )
            for n in range(count)
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                marketplace_line_id=f"{order.marketplace_order_id}-{i}",
                offer_sku=f"BENCH-{i}",
                quantity=i,
                state="WAITING_ACCEPTANCE",
            )
            for order in orders
            for i in (1, 2)
        )

    baseline_seconds, _peak, _ = _timed(baseline)
    return Result(
        "order ingest (OR11 pages of 100 → upsert)",
        count,
        seconds,
        baseline_seconds,
        peak,
        {"pages": -(-count // 100), "lines": 2 * count},
    )


def bench_outbox_relay(scale: dict) -> Result:
    """Claim and run N queued calls (a no-op handler) vs one UPDATE marking them done."""
    from integration_hub.models import JobStatus, OutboundJob
    from integration_hub.services import outbox

    count = scale["jobs"]
    integration = _bench_integration("bench-outbox", "k")
    now = timezone.now()

    def queue(prefix: str) -> None:
        OutboundJob.objects.bulk_create(
            OutboundJob(
                integration=integration,
                kind="bench_noop",
                identity_key=f"{prefix}{n}",
                not_before=now,
            )
            for n in range(count)
        )

    saved = dict(outbox.OUTBOX_HANDLERS)
    outbox.outbox_handler_register("bench_noop", lambda job: None)
    try:
        queue("hub-")
        seconds, peak, _ = _timed(lambda: _relay_all(outbox))
    finally:
        outbox.OUTBOX_HANDLERS.clear()
        outbox.OUTBOX_HANDLERS.update(saved)
    assert not OutboundJob.objects.filter(status=JobStatus.PENDING).exists(), "jobs left behind"
    queue("base-")
    baseline_seconds, _peak, _ = _timed(
        lambda: OutboundJob.objects.filter(identity_key__startswith="base-").update(
            status=JobStatus.DONE
        )
    )
    return Result("outbox relay (claim + run + record)", count, seconds, baseline_seconds, peak)


def _relay_all(outbox) -> None:
    while outbox.outbox_relay(limit=500, kinds=["bench_noop"])["done"]:
        pass


def bench_order_search(scale: dict) -> Result:
    """CX look-ups by customer order number and tracking number vs one indexed SELECT each;
    surname + postcode through the search screen's selector (its p50/p95 in the notes)."""
    from integration_hub.filters import OrderFilter
    from integration_hub.models import Order
    from integration_hub.selectors import order_search

    count = scale["search_orders"]
    integration = _bench_integration("bench-search", "k")
    now = timezone.now()
    batch = 10_000
    for start in range(0, count, batch):
        Order.objects.bulk_create(
            Order(
                integration=integration,
                marketplace_order_id=f"S{n}-A",
                commercial_id=f"S{n}",
                tracking_number=f"TRK{n}",
                customer_lastname=f"surname{n % 1000}",
                shipping_postcode=f"PC{n}",
                marketplace_state="SHIPPED",
                total_price=Decimal("10.00"),
                marketplace_created_at=now,
            )
            for n in range(start, min(start + batch, count))
        )
    probes = [f"S{(n * 7919) % count}" for n in range(scale["lookups"])]
    timings = {"customer order number": [], "tracking number": [], "surname + postcode": []}
    for probe in probes:
        number = int(probe[1:])
        started = time.perf_counter()
        found = list(order_search(f"Surname{number % 1000} pc {number}").orders[:2])
        timings["surname + postcode"].append(time.perf_counter() - started)
        assert len(found) == 1, f"surname + postcode of {probe} found {len(found)}"
        for label, value in (
            ("customer order number", probe),
            ("tracking number", "TRK" + probe[1:]),
        ):
            started = time.perf_counter()
            found = list(OrderFilter({"q": value}, queryset=Order.objects.all()).qs[:2])
            timings[label].append(time.perf_counter() - started)
            assert len(found) == 1, f"{label} {value} found {len(found)}"
    # surname + postcode is reported as p50/p95 only; rows and totals stay the two identifiers
    hub_seconds = sum(timings["customer order number"]) + sum(timings["tracking number"])

    def baseline():
        with connection.cursor() as cursor:
            for probe in probes:
                cursor.execute(
                    "SELECT id FROM integration_hub_order WHERE commercial_id = %s", [probe]
                )
                cursor.fetchall()
                cursor.execute(
                    "SELECT id FROM integration_hub_order WHERE tracking_number = %s",
                    ["TRK" + probe[1:]],
                )
                cursor.fetchall()

    baseline_seconds, _peak, _ = _timed(baseline)
    notes = {
        f"{label} p{q} ms": round(_percentile(values, q) * 1000, 2)
        for label, values in timings.items()
        for q in (50, 95)
    }
    notes["orders in table"] = count
    return Result(
        "CX search (exact identifiers)",
        2 * len(probes),
        hub_seconds,
        baseline_seconds,
        _peak_rss_mb(),
        notes,
    )


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def bench_stock_latency(scale: dict) -> Result:
    from integration_hub.bench_latency import bench_stock_latency as measure

    return measure(scale)


def bench_order_latency(scale: dict) -> Result:
    from integration_hub.bench_latency import bench_order_latency as measure

    return measure(scale)


def bench_reconcile(scale: dict) -> Result:
    """Reconcile transaction lines against orders vs one plain SQL aggregation."""
    from reconciliation.bench import bench_reconcile as measure

    return measure(scale)


def bench_excel_export(scale: dict) -> Result:
    """The finance workbook vs openpyxl write-only fed by one query."""
    from reconciliation.bench import bench_excel_export as measure

    return measure(scale)


def bench_listings_build(scale: dict) -> Result:
    """Build and validate every SKU's product record vs a plain loop over the same rows."""
    from integration_hub.bench_catalogue import bench_listings_build as measure

    return measure(scale)


BENCHMARKS = [
    bench_stock_plan,
    bench_order_ingest,
    bench_outbox_relay,
    bench_order_search,
    bench_stock_latency,
    bench_order_latency,
    bench_reconcile,
    bench_excel_export,
    bench_listings_build,
]


def bench_run(scale_name: str, progress: Callable[[str], None]) -> list[Result]:
    """Run every benchmark inside one transaction that is rolled back."""
    scale = SCALES[scale_name]
    results: list[Result] = []
    # the in-process transport answers as Django's test client does, for host "testserver"
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        with override_settings(ALLOWED_HOSTS=hosts), transaction.atomic():
            for benchmark in BENCHMARKS:
                progress(f"running {benchmark.__name__} ...")
                results.append(benchmark(scale))
            raise _Rollback
    except _Rollback:
        pass
    return results


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
        "date": dt.date.today().isoformat(),
    }


def results_table(results: list[Result]) -> list[str]:
    lines = [
        "| benchmark | rows | hub s | rows/s | peak RSS MB | baseline s | hub/baseline | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        notes = ", ".join(f"{k}: {v}" for k, v in r.notes.items())
        lines.append(
            f"| {r.name} | {r.rows:,} | {r.seconds:.2f} | {r.rows_per_second:,.0f} | "
            f"{r.peak_mb:.1f} | {r.baseline_seconds:.3f} | {r.ratio:.1f}x | {notes} |"
        )
    return lines


def results_json(results: list[Result], scale: str) -> dict:
    return {"scale": scale, "machine": machine(), "results": [asdict(r) for r in results]}
