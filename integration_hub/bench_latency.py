"""`hub bench`: end-to-end latencies in the sandbox loop, measured on the real clock.

Stock: a source stock change until the STO01 that carries it is submitted. Orders: a
marketplace order until the hub's acceptance (OR21) went out, and a paid order until it was
created in the source.

The loop is the one production runs: the stock pass starts every ``tick`` seconds (the
worker's schedule: once a minute), reads the source (the Shopify sandbox, over the real client
and HTTP parsing, in-process), plans and sends one STO01 to the Mirakl sandbox, and settles
earlier imports. Meanwhile stock changes land in the source at random moments on the real
clock. For every change the latency is the time from the change until the STO01 carrying it
was submitted. At ``full`` scale the tick is the real minute and the marketplace's call limits
are on (STO01 once a minute); at ``small`` scale (CI) the tick is two seconds with limits off,
so the number shows the hub's own processing plus the wait for the next pass.
"""

from __future__ import annotations

import random
import time
from unittest import mock

import requests
from django.utils import timezone

LATENCY_SCALES = {
    # tick (s), passes, SKUs in the catalogue, changes per tick, call limits
    "small": {"tick": 2.0, "passes": 8, "skus": 100, "changes": 8, "limits": "off"},
    "full": {"tick": 60.0, "passes": 5, "skus": 1000, "changes": 40, "limits": "spec"},
}
ORDER_LATENCY_SCALES = {
    # the orders pass every ``tick`` s (the schedule: 2 minutes), orders placed per tick
    "small": {"tick": 2.0, "passes": 6, "orders": 3, "limits": "off"},
    "full": {"tick": 120.0, "passes": 5, "orders": 5, "limits": "spec"},
}
BASE = "http://testserver"  # the in-process transport answers as host "testserver"


def _world(name: str, skus: int, limits: str, shop_id: int):
    """A Shopify sandbox with ``skus`` products, the Mirakl sandbox with their offers, and an
    integration between them whose SKU map is read and whose stock is published once."""
    from connectors.mirakl.sandbox.models import SandboxOffer
    from connectors.mirakl.sandbox.services import shops
    from connectors.shopify.sandbox import services as shopify
    from integration_hub.models import Integration

    shop = shopify.shop_setup(
        domain=f"{name}.myshopify.com",
        access_token=f"shpat_{name}",
        bucket_max=1_000_000,
        restore_rate=100_000,
    )
    variants = shopify.catalogue_seed(shop=shop, count=skus, stock=50, sku_prefix="LAT")
    mirakl = shops.shop_get_or_create(shop_id=shop_id, api_key=name, seed_offers=False)
    now = timezone.now()
    SandboxOffer.objects.bulk_create(
        SandboxOffer(
            shop=mirakl,
            shop_sku=v.sku,
            product_sku=f"P-{v.sku}",
            product_title=v.sku,
            last_updated=now,
        )
        for v in variants
    )
    integration = Integration.objects.create(
        name=name,
        source_kind="shopify",
        source_url=f"{BASE}/sandbox/shopify",
        source_credentials={"access_token": shop.access_token},
        marketplace_url=f"{BASE}/sandbox/mirakl",
        marketplace_credentials={"api_key": mirakl.api_key},
        call_limit_mode=limits,
    )
    return shop, mirakl, [v.sku for v in variants], integration


def _session():
    from connectors.sandbox.transport import DjangoAppAdapter

    session = requests.Session()
    session.mount(BASE, DjangoAppAdapter())
    return session


def stock_latency(scale_name: str) -> dict:
    """Run the loop; returns latencies (s), pass durations (s) and counts."""
    from connectors.sandbox.faults import clock_advance
    from connectors.shopify.sandbox import services as shopify
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.models import MarketplaceImport

    scale = LATENCY_SCALES[scale_name]
    tick = scale["tick"]
    rng = random.Random(5)  # noqa: S311 - a repeatable benchmark, not a secret
    with mock.patch("integration_hub.clients.http_session", _session):
        shop, _mirakl, skus, integration = _world(
            "bench-latency", scale["skus"], scale["limits"], 9902
        )
        levels = dict.fromkeys(skus, 50)
        for flow in ("products", "stock"):  # the SKU map and a first, full publication
            flow_pass_run(integration, flow, FLOW_PASSES[flow])
        waiting: dict[str, list[float]] = {}  # SKU -> wall times of its unsent changes
        latencies: list[float] = []
        pass_seconds: list[float] = []
        seen_imports = set(MarketplaceImport.objects.values_list("pk", flat=True))
        next_pass = time.time() + tick
        for _ in range(scale["passes"]):
            # changes land at random moments before the next pass
            moments = sorted(next_pass - rng.uniform(0, tick) for _ in range(scale["changes"]))
            for moment in moments:
                time.sleep(max(0.0, moment - time.time()))
                sku = rng.choice(skus)
                levels[sku] += rng.randint(1, 5)
                shopify.stock_set(shop=shop, sku=sku, available=levels[sku], deliver=False)
                waiting.setdefault(sku, []).append(time.time())
            time.sleep(max(0.0, next_pass - time.time()))
            next_pass += tick
            if scale["limits"] == "off":
                clock_advance("mirakl", 61)  # imports finish within a tick, as they do live
            started = time.time()
            flow_pass_run(integration, "stock", FLOW_PASSES["stock"])
            pass_seconds.append(time.time() - started)
            for sent in MarketplaceImport.objects.exclude(pk__in=seen_imports):
                seen_imports.add(sent.pk)
                submitted = sent.submitted_at.timestamp()
                for sku in sent.entries.values_list("product__offer_sku", flat=True):
                    latencies.extend(submitted - at for at in waiting.pop(sku, []))
    return {
        "latencies": latencies,
        "pass_seconds": pass_seconds,
        "unsent": sum(len(v) for v in waiting.values()),
        "tick": tick,
        "limits": scale["limits"],
    }


def bench_stock_latency(scale: dict):
    """Source stock change -> STO01 submitted, p50/p95, in the sandbox loop."""
    from integration_hub.bench import Result, _peak_rss_mb, _percentile

    measured = stock_latency(scale["latency"])
    latencies = measured["latencies"]
    if not latencies:
        raise RuntimeError("no stock change reached an STO01 import")
    p95 = _percentile(latencies, 95)
    return Result(
        "stock change in source → STO01 submitted (sandbox loop)",
        len(latencies),
        p95,
        measured["tick"],
        _peak_rss_mb(),
        {
            "p50 s": round(_percentile(latencies, 50), 2),
            "p95 s": round(p95, 2),
            "max s": round(max(latencies), 2),
            "pass every s": measured["tick"],
            "call limits": measured["limits"],
            "pass p95 s": round(_percentile(measured["pass_seconds"], 95), 2),
            "changes not sent yet": measured["unsent"],
            "read as": "hub s = p95 latency, baseline = the pass interval",
        },
    )


def order_latency(scale_name: str) -> dict:
    """Orders placed on the marketplace at random moments; the orders pass and the outbox relay
    run every ``tick`` (as their schedules do); the payment provider debits right after an
    acceptance. Returns placed->accepted and paid->created-in-source latencies (s)."""
    from connectors.mirakl.sandbox.services import orders as sandbox_orders
    from connectors.sandbox.faults import clock_advance
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.models import Order, OrderEvent
    from integration_hub.services.outbox import outbox_relay

    scale = ORDER_LATENCY_SCALES[scale_name]
    tick = scale["tick"]
    rng = random.Random(11)  # noqa: S311 - a repeatable benchmark, not a secret
    with mock.patch("integration_hub.clients.http_session", _session):
        _shop, shop, skus, integration = _world("bench-order-latency", 20, scale["limits"], 9903)
        for flow in ("products", "stock"):
            flow_pass_run(integration, flow, FLOW_PASSES[flow])
        placed: dict[str, float] = {}
        paid: dict[str, float] = {}
        next_pass = time.time() + tick
        for _ in range(scale["passes"]):
            moments = sorted(next_pass - rng.uniform(0, tick) for _ in range(scale["orders"]))
            for moment in moments:
                time.sleep(max(0.0, moment - time.time()))
                lines = [{"sku": rng.choice(skus), "quantity": 1}]
                for order in sandbox_orders.orders_create(shop=shop, count=1, lines=lines):
                    placed[order.order_id] = time.time()
            time.sleep(max(0.0, next_pass - time.time()))
            next_pass += tick
            if scale["limits"] == "off":
                clock_advance("mirakl", 61)
            flow_pass_run(integration, "orders", FLOW_PASSES["orders"])
            outbox_relay()
            for order in sandbox_orders.orders_debit(shop=shop):  # the payment provider
                paid[order.order_id] = time.time()
        events = OrderEvent.objects.filter(
            order__integration=integration, kind__in=["decision_sent", "created_in_source"]
        ).values_list("order__marketplace_order_id", "kind", "at")
        accepted, injected = [], []
        for order_id, kind, at in events:
            if kind == "decision_sent" and order_id in placed:
                accepted.append(at.timestamp() - placed[order_id])
            elif kind == "created_in_source" and order_id in paid:
                injected.append(at.timestamp() - paid[order_id])
        waiting = Order.objects.filter(integration=integration, source_order_id="").count()
    return {
        "accepted": accepted,
        "injected": injected,
        "placed": len(placed),
        "not in source yet": waiting,
        "tick": tick,
        "limits": scale["limits"],
    }


def bench_order_latency(scale: dict):
    """Marketplace order -> accepted, and paid -> created in the source, p50/p95."""
    from integration_hub.bench import Result, _peak_rss_mb, _percentile

    measured = order_latency(scale["latency"])
    injected, accepted = measured["injected"], measured["accepted"]
    if not injected or not accepted:
        raise RuntimeError("no marketplace order reached the source")
    p95 = _percentile(injected, 95)
    return Result(
        "marketplace order paid → created in source (sandbox loop)",
        len(injected),
        p95,
        measured["tick"],
        _peak_rss_mb(),
        {
            "paid → in source p50 s": round(_percentile(injected, 50), 2),
            "paid → in source p95 s": round(p95, 2),
            "placed → accepted p50 s": round(_percentile(accepted, 50), 2),
            "placed → accepted p95 s": round(_percentile(accepted, 95), 2),
            "orders placed": measured["placed"],
            "orders pass every s": measured["tick"],
            "call limits": measured["limits"],
            "read as": "hub s = p95 paid → in source, baseline = the pass interval",
        },
    )
