"""`hub bench`: end-to-end latency of a source stock change to a submitted STO01, measured.

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
    "full": {"tick": 60.0, "passes": 6, "skus": 1000, "changes": 40, "limits": "spec"},
}
BASE = "http://testserver"  # the in-process transport answers as host "testserver"


def _world(skus: int, limits: str):
    """A Shopify sandbox with ``skus`` products, the Mirakl sandbox with their offers, and an
    integration between them whose SKU map is read and whose stock is published once."""
    from connectors.mirakl.sandbox.models import SandboxOffer
    from connectors.mirakl.sandbox.services import shops
    from connectors.shopify.sandbox import services as shopify
    from integration_hub.models import Integration

    shop = shopify.shop_setup(
        domain="bench-latency.myshopify.com",
        access_token="shpat_bench",  # noqa: S106 - a sandbox shop inside a rolled-back bench
        bucket_max=1_000_000,
        restore_rate=100_000,
    )
    variants = shopify.catalogue_seed(shop=shop, count=skus, stock=50, sku_prefix="LAT")
    mirakl = shops.shop_get_or_create(shop_id=9902, api_key="bench-latency", seed_offers=False)
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
        name="bench-latency",
        source_kind="shopify",
        source_url=f"{BASE}/sandbox/shopify",
        source_credentials={"access_token": shop.access_token},
        marketplace_url=f"{BASE}/sandbox/mirakl",
        marketplace_credentials={"api_key": mirakl.api_key},
        call_limit_mode=limits,
    )
    return shop, [v.sku for v in variants], integration


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
        shop, skus, integration = _world(scale["skus"], scale["limits"])
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
