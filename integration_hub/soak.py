"""`hub soak`: the whole hub (web + worker) against the sandboxes, with faults and worker kills.

The run, on a fresh database (``DATABASE_URL``) with ``HUB_SANDBOX=1``:

1. seeds the sandbox demo (Shopify source, Mirakl marketplace) plus the bad data every real
   catalogue has: a SKU with a wrong EAN check digit and marketplace orders for an offer the
   hub does not know;
2. starts the web server (`hub serve`, serving the hub and the sandboxes on ``HUB_BASE_URL``) and
   the real django-q2 worker (``manage.py qcluster``). The soak is the clock: it enqueues the
   same tasks the schedules run (every flow's pass, the outbox relay, the heartbeat) every few
   seconds instead of every few minutes, so an hour of traffic fits in minutes;
3. **chaos**: the world moves (customers order, the payment provider debits, the warehouse
   ships, some with a carrier nobody mapped, stock changes in the source, the marketplace
   closes billing cycles) while both sandboxes inject 429s with Retry-After, 500s, 503s,
   malformed bodies and slow answers (past the source client's read timeout: real timeouts),
   and the worker is killed (SIGKILL, whole process group) at random moments and restarted;
4. **drain**: faults off, no new orders or stock changes (the warehouse still ships); wait
   until every invariant holds, or fail after ``drain_minutes`` naming what does not.

Invariants: every marketplace order is in the hub; every accepted and paid order exists in the
source exactly once; every dispatch with a mapped carrier is confirmed on the marketplace
(and OR24 was sent once per order); marketplace stock equals the formula for every SKU; every
unmapped carrier and bad SKU has exactly one open exception; the outbox is empty; no call
broke the marketplace's published call frequencies. The report prints the counts (orders,
faults injected, worker kills, retries) so a run can be quoted.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Sum

GHOST_SKU = "GHOST-0001"  # ordered on the marketplace, unknown to the hub
BAD_EAN = "5012345678901"  # wrong check digit
# seconds between two passes of each flow (the schedules, sped up); TL02 allows 60 calls an
# hour, so settlements run every half minute and defer when the budget is spent
FLOWS_EVERY = {
    "products": 20,
    "stock": 4,
    "prices": 6,
    "orders": 4,
    "dispatch": 4,
    "settlements": 30,
    "returns": 10,
}
MAPPED_CARRIERS = [("Royal Mail", "Tracked 48"), ("DPD", ""), ("Evri", "")]
# a transaction line the hub cannot match is queued for finance: that is "matched or queued"
EXPECTED_OPEN_KINDS = {
    "unmapped_carrier",
    "unknown_sku",
    "invalid_ean",
    "payout_unmatched",
    "payout_variance",
}


@dataclass
class SoakConfig:
    chaos_minutes: float = 2.0
    drain_minutes: float = 8.0
    kills: int = 3
    fault_rate: float = 0.06
    order_every: float = 3.0  # seconds between new marketplace orders
    seed: int = 7
    log_dir: str = ""  # default var/soak/


@dataclass
class SoakReport:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    drained_after_s: float | None = None

    @property
    def passed(self) -> bool:
        return not self.problems


class Processes:
    """The web server and the worker, started and killed like an operator (or a crash) would."""

    def __init__(self, env: dict[str, str], log_dir: Path, bind: str) -> None:
        self.env, self.log_dir, self.bind = env, log_dir, bind
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.worker_starts = 0
        self.logs: list = []

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed by stop()
        self.logs.append(log)
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes its children too
        )

    def web_start(self) -> None:
        self.web = self._start(
            "web",
            ["manage.py", "hub", "serve", "--bind", self.bind],
        )

    def worker_start(self) -> None:
        self.worker_starts += 1
        self.worker = self._start(f"worker-{self.worker_starts}", ["manage.py", "qcluster"])

    def worker_kill(self) -> None:
        """SIGKILL the worker's whole process group: no clean-up, like a crash or an OOM kill."""
        if self.worker and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.worker, self.web):
            if process:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        for log in self.logs:
            log.close()


def soak_run(config: SoakConfig, progress: Callable[[str], None]) -> SoakReport:
    from integration_hub.models import Integration

    if not settings.HUB_SANDBOX:
        raise RuntimeError("hub soak needs HUB_SANDBOX=1: it drives the built-in sandboxes")
    if Integration.objects.exists():
        raise RuntimeError(
            "hub soak needs a fresh database (it seeds its own world and checks every row): "
            "point DATABASE_URL at an empty one"
        )
    rng = random.Random(config.seed)  # noqa: S311 - a repeatable run, not a secret
    report = SoakReport()
    parts = urlsplit(settings.HUB_BASE_URL)
    bind = f"{parts.hostname}:{parts.port or 80}"
    log_dir = Path(config.log_dir or Path(settings.BASE_DIR) / "var" / "soak")
    log_dir.mkdir(parents=True, exist_ok=True)
    progress(f"web and worker logs in {log_dir}")
    integration = _world_seed(report)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    processes = Processes(env, log_dir, bind)
    # a SIGTERM (CI's timeout, Ctrl-C's cousin) must still stop the web server and the worker
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        processes.web_start()
        _web_wait(settings.HUB_BASE_URL)
        processes.worker_start()
        progress(
            f"web on {settings.HUB_BASE_URL}, worker started; chaos for {config.chaos_minutes} min"
        )
        _faults_on(config.fault_rate)
        kill_at = sorted(
            time.time() + rng.uniform(10, config.chaos_minutes * 60) for _ in range(config.kills)
        )
        chaos_end = time.time() + config.chaos_minutes * 60
        clock = _Clock()
        while time.time() < chaos_end:
            clock.tick(report)
            _world_step(integration, rng, report, config, new_orders=True)
            if kill_at and time.time() >= kill_at[0]:
                kill_at.pop(0)
                processes.worker_kill()
                report.counts["worker kills"] += 1
                progress(f"worker killed ({report.counts['worker kills']})")
                time.sleep(rng.uniform(1, 3))
                processes.worker_start()
            time.sleep(1)
        report.counts["faults injected"] = _faults_off()
        progress(f"faults off after {report.counts['faults injected']} injected; draining")
        started = time.time()
        deadline = started + config.drain_minutes * 60
        problems = ["not checked yet"]
        while time.time() < deadline:
            clock.tick(report)
            _world_step(integration, rng, report, config, new_orders=False)
            time.sleep(2)
            if clock.due("check", 10):
                problems = soak_check(integration, report.counts["worker kills"])
                if not problems:
                    report.drained_after_s = round(time.time() - started, 1)
                    break
                progress(f"waiting for: {problems[0]} (+{len(problems) - 1} more)")
        report.problems = problems
    finally:
        processes.stop()
        signal.signal(signal.SIGTERM, previous)
    report.counts.update(_final_counts(integration))
    return report


def _terminate(signum, frame):
    raise SystemExit(f"hub soak stopped by signal {signum}")


class _Clock:
    """Enqueues the scheduled tasks every few seconds (the worker's schedules, sped up)."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def due(self, name: str, every: float) -> bool:
        now = time.time()
        if now - self.last.get(name, 0) >= every:
            self.last[name] = now
            return True
        return False

    def tick(self, report: SoakReport) -> None:
        from django_q.models import OrmQ
        from django_q.tasks import async_task

        if settings.Q_CLUSTER.get("orm") and OrmQ.objects.count() > 40:
            return  # the worker is down or behind: do not pile work up
        if self.due("heartbeat", 10):
            async_task("integration_hub.tasks.worker_heartbeat")
        if self.due("relay", 2):
            async_task("integration_hub.tasks.outbox_relay")
        from integration_hub.flows.passes import FLOW_PASSES

        for flow, every in FLOWS_EVERY.items():
            if flow in FLOW_PASSES and self.due(flow, every):
                async_task("integration_hub.tasks.flow_run", flow)
                report.counts["passes enqueued"] += 1


def _web_wait(base_url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the web server did not answer on {base_url} within {seconds:.0f} s")


def _world_seed(report: SoakReport):
    """The demo world on Shopify, a bad EAN in the catalogue, offers for every SKU."""
    from connectors.shopify.sandbox import services as shopify
    from integration_hub.models import Integration, ShortStockPolicy

    call_command("hub", "demo", "--source", "shopify", stdout=io.StringIO())
    integration = Integration.objects.get(name="demo")
    # the source's read timeout below its slow faults: real timeouts, unknown outcomes
    integration.source_options = {**integration.source_options, "timeout": 3}
    # short stock refuses the lines rather than holding the order for a person
    integration.short_stock_policy = ShortStockPolicy.REFUSE
    integration.returns_enabled = True  # portal refunds are mirrored to the source
    integration.save()
    shop = shopify.shop_get()
    # the soak runs the schedules ~15 times faster than production, so the source's API budget
    # (Shopify's cost bucket) grows by the same factor; faults, not the bucket, are the test
    shopify.throttle_set(shop=shop, bucket_max=15_000, restore_rate=1_500)
    shopify.product_update(shop=shop, sku="SB-0012", barcode=BAD_EAN)
    report.counts["bad EAN SKUs"] = 1
    return integration


def _faults_on(rate: float) -> None:
    from connectors.sandbox.models import FaultKind, SandboxFault

    for system in ("mirakl", "shopify"):
        for kind in (FaultKind.RATE_LIMIT, FaultKind.SERVER_ERROR, FaultKind.UNAVAILABLE):
            SandboxFault.objects.create(system=system, kind=kind, probability=rate, retry_after=1)
        SandboxFault.objects.create(system=system, kind=FaultKind.MALFORMED, probability=rate / 2)
    # slow answers: 2 s on the marketplace; 4 s on the source, past its 3 s read timeout
    SandboxFault.objects.create(
        system="mirakl", kind=FaultKind.SLOW, probability=rate, delay_seconds=2
    )
    SandboxFault.objects.create(
        system="shopify", kind=FaultKind.SLOW, probability=rate / 2, delay_seconds=4
    )


def _faults_off() -> int:
    from connectors.sandbox.models import SandboxFault

    injected = SandboxFault.objects.aggregate(n=Sum("injected"))["n"] or 0
    SandboxFault.objects.all().delete()
    return injected


def _world_step(integration, rng, report: SoakReport, config: SoakConfig, *, new_orders: bool):
    """Customers, payment provider, warehouse and merchandising move on (in the sandboxes)."""
    from connectors.mirakl.sandbox.services import billing_cycle_close, shops
    from connectors.mirakl.sandbox.services import orders as mirakl_orders
    from integration_hub.demo_sandbox import (
        MIRAKL_KEY,
        SOURCES,
        UNMAPPED_CARRIER,
        demo_carriers_map,
        demo_offers_ensure,
    )
    from integration_hub.models import HubStatus, Order, Product

    shop = shops.shop_get_or_create(api_key=MIRAKL_KEY)
    demo_carriers_map(integration)
    skus = list(Product.objects.filter(integration=integration).values_list("offer_sku", flat=True))
    demo_offers_ensure(shop, skus)
    _seed, ship, set_stock = SOURCES[integration.source_kind]
    if new_orders and skus and cache.add("soak-order", 1, timeout=config.order_every):
        ghost = not report.counts["orders for an unknown SKU"] or rng.random() < 0.03
        lines = (
            [{"sku": GHOST_SKU, "quantity": 1}]
            if ghost
            else [
                {"sku": sku, "quantity": rng.randint(1, 2)}
                for sku in rng.sample(skus, k=rng.randint(1, min(2, len(skus))))
            ]
        )
        mirakl_orders.orders_create(shop=shop, count=1, lines=lines)
        report.counts["orders placed"] += 1
        report.counts["orders for an unknown SKU"] += ghost
    if new_orders and skus and rng.random() < 0.3:
        # the source's stock moves (deliveries, shop sales) but stays above what is on order
        set_stock(rng.choice(skus), rng.randint(25, 60))
        report.counts["stock changes"] += 1
    report.counts["orders debited"] += len(mirakl_orders.orders_debit(shop=shop))
    for order in Order.objects.filter(integration=integration, hub_status=HubStatus.INJECTED)[:5]:
        if not cache.add(f"soak-shipped:{order.pk}", 1, timeout=None):
            continue
        carrier, service = MAPPED_CARRIERS[order.pk % len(MAPPED_CARRIERS)]
        if order.pk % 5 == 0:
            carrier, service = UNMAPPED_CARRIER, "Express"
            report.counts["dispatches with an unmapped carrier"] += 1
        ship(order.commercial_id, carrier, service, f"SOAK{order.pk:08d}GB")
        report.counts["dispatches"] += 1
    if new_orders and rng.random() < 0.1:
        report.counts["portal refunds"] += _portal_refund(shop, rng)
    if cache.add("soak-billing", 1, timeout=45):
        report.counts["billing cycles closed"] += int(billing_cycle_close(shop=shop) is not None)


def _portal_refund(shop, rng) -> int:
    """Customer service refunds part of a shipped line in the marketplace's back office."""
    from decimal import Decimal

    from connectors.mirakl.sandbox.models import SandboxOrder
    from connectors.mirakl.sandbox.services.refunds import order_refund_portal

    shipped = SandboxOrder.objects.filter(shop=shop, state="SHIPPED", lines__adjustments=None)
    order = shipped.order_by("?").first()
    if order is None:
        return 0
    line = order.lines.first()
    amount = (line.price / 4).quantize(Decimal("0.01")) or Decimal("0.01")
    return len(order_refund_portal(order, line_id=line.line_id, amount=amount, shipping_amount=0))


def soak_check(integration, kills: int = 0) -> list[str]:
    """Every invariant that does not hold (yet), in words; empty when the hub is consistent."""
    problems: list[str] = []
    problems.extend(_check_dispatches(integration, kills))
    checks = (
        _check_orders,
        _check_refunds,
        _check_stock,
        _check_transaction_lines,
        _check_exceptions,
        _check_outbox,
        _check_call_limits,
    )
    for check in checks:
        problems.extend(check(integration))
    return problems


def _check_orders(integration) -> list[str]:
    from connectors.mirakl.sandbox.models import SandboxOrder
    from connectors.shopify.sandbox.models import Order as ShopifyOrder
    from integration_hub.models import Order

    problems = []
    marketplace = dict(SandboxOrder.objects.values_list("order_id", "commercial_id"))
    in_hub = set(
        Order.objects.filter(integration=integration).values_list("marketplace_order_id", flat=True)
    )
    missing = set(marketplace) - in_hub
    if missing:
        problems.append(f"{len(missing)} marketplace order(s) not in the hub, e.g. {min(missing)}")
    in_source = Counter(
        ShopifyOrder.objects.exclude(source_identifier="").values_list(
            "source_identifier", flat=True
        )
    )
    twice = [reference for reference, n in in_source.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} order(s) in the source more than once, e.g. {twice[0]}")
    decided = set(
        Order.objects.filter(
            integration=integration, hub_status__in=["accepted", "refused"]
        ).values_list("marketplace_order_id", flat=True)
    )
    undecided = set(
        SandboxOrder.objects.filter(state="WAITING_ACCEPTANCE").values_list("order_id", flat=True)
    )
    if decided & undecided:
        problems.append(
            f"{len(decided & undecided)} order(s) decided by the hub still wait for a decision "
            f"on the marketplace, e.g. {min(decided & undecided)}"
        )
    paid = SandboxOrder.objects.filter(
        state__in=["SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"]
    ).exclude(lines__offer_sku=GHOST_SKU)
    absent = [o.commercial_id for o in paid if in_source[o.commercial_id] != 1]
    if absent:
        problems.append(f"{len(absent)} paid order(s) not in the source, e.g. {absent[0]}")
    return problems


def _check_dispatches(integration, kills: int) -> list[str]:
    from connectors.mirakl.sandbox.models import SandboxCall, SandboxOrder
    from connectors.shopify.sandbox.models import Fulfillment
    from integration_hub.demo_sandbox import UNMAPPED_CARRIER

    problems = []
    shipped = Fulfillment.objects.exclude(company=UNMAPPED_CARRIER).values_list(
        "order__source_identifier", flat=True
    )
    states = dict(SandboxOrder.objects.values_list("commercial_id", "state"))
    waiting = [ref for ref in shipped if states.get(ref) != "SHIPPED"]
    if waiting:
        problems.append(
            f"{len(waiting)} mapped dispatch(es) not confirmed on the marketplace, "
            f"e.g. {waiting[0]}"
        )
    or24 = SandboxCall.objects.filter(operation="OR24").count()
    confirmed = SandboxOrder.objects.filter(state="SHIPPED").count()
    # a worker killed after OR24 went out but before the hub recorded it sends it once more
    # and is told the order is shipped already; more repeats than kills would be a bug
    if not confirmed <= or24 <= confirmed + kills:
        problems.append(f"OR24 sent {or24} times for {confirmed} shipped order(s)")
    return problems


def _check_stock(integration) -> list[str]:
    """Marketplace quantity = max(0, source available - buffer - committed), every valid SKU."""
    from connectors.mirakl.sandbox.models import SandboxOffer
    from connectors.shopify.sandbox.models import InventoryLevel
    from integration_hub.flows.orders_accept import committed_lines
    from integration_hub.models import Product

    source = Counter()  # what the source holds: the sandbox's own rows, not another API read
    for sku, available in InventoryLevel.objects.values_list("variant__sku", "available"):
        source[sku] += available
    committed = Counter()
    for sku, quantity in committed_lines(integration).values_list("offer_sku", "quantity"):
        committed[sku] += quantity
    shown = dict(SandboxOffer.objects.values_list("shop_sku", "quantity"))
    wrong = []
    for product in Product.objects.filter(integration=integration, validation_status="valid"):
        sku = product.offer_sku
        expected = max(0, source.get(product.sku, 0) - product.buffer - committed[sku])
        if shown.get(sku) != expected:
            wrong.append(f"{sku} shows {shown.get(sku)}, not {expected}")
    return [f"{len(wrong)} SKU(s) off the formula, e.g. {wrong[0]}"] if wrong else []


def _check_refunds(integration) -> list[str]:
    """Every portal refund is in the hub and mirrored to the source once, never sent back."""
    from django.apps import apps

    if not apps.is_installed("returns"):
        return []
    from connectors.mirakl.sandbox.models import SandboxAdjustment
    from connectors.shopify.sandbox.models import Refund as ShopifyRefund
    from returns.models import Origin, RefundLine, Work

    problems = []
    portal = set(
        SandboxAdjustment.objects.filter(kind="REFUND").values_list("adjustment_id", flat=True)
    )
    lines = RefundLine.objects.filter(refund__integration=integration)
    seen = set(lines.values_list("marketplace_refund_id", flat=True))
    missing = portal - seen
    if missing:
        problems.append(f"{len(missing)} portal refund(s) not in the hub, e.g. {min(missing)}")
    mirrored = lines.filter(refund__origin=Origin.MARKETPLACE).exclude(refund__work=Work.DONE)
    if mirrored.exists():
        problems.append(f"{mirrored.count()} portal refund line(s) not mirrored to the source")
    in_source = ShopifyRefund.objects.count()
    done = (
        lines.filter(refund__origin=Origin.MARKETPLACE, refund__work=Work.DONE)
        .values("refund_id")
        .distinct()
        .count()
    )
    if in_source != done:
        problems.append(f"{in_source} refund(s) in the source for {done} mirrored portal refund(s)")
    return problems


def _check_transaction_lines(integration) -> list[str]:
    """Every marketplace transaction line stored once, and matched or queued for finance."""
    from django.apps import apps

    if not apps.is_installed("reconciliation"):
        return []
    from connectors.mirakl.sandbox.models import SandboxTransaction
    from reconciliation.models import LineStatus, TransactionLine

    problems = []
    marketplace = set(SandboxTransaction.objects.values_list("transaction_id", flat=True))
    stored = Counter(
        TransactionLine.objects.filter(integration=integration).values_list("line_id", flat=True)
    )
    missing = marketplace - set(stored)
    if missing:
        problems.append(f"{len(missing)} transaction line(s) not pulled, e.g. {min(missing)}")
    twice = [line for line, n in stored.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} transaction line(s) stored twice")
    settled = [LineStatus.MATCHED, LineStatus.OTHER, LineStatus.WRITTEN_OFF]
    loose = (
        TransactionLine.objects.filter(integration=integration)
        .exclude(match_status__in=settled)
        .exclude(queued=True)
    )
    if loose.exists():
        problems.append(
            f"{loose.count()} transaction line(s) neither matched nor queued, "
            f"e.g. {loose.first().line_id} ({loose.first().match_status or 'not matched yet'})"
        )
    return problems


def _check_exceptions(integration) -> list[str]:
    from exceptions_queue.models import ExceptionItem, Status

    problems = []
    open_items = ExceptionItem.objects.filter(integration=integration, status=Status.OPEN)
    per_subject = Counter(open_items.values_list("kind", "subject_id"))
    doubled = [key for key, n in per_subject.items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} problem(s) with more than one open exception: {doubled}")
    kinds = {kind for kind, _subject in per_subject}
    for kind, subject in (("unknown_sku", GHOST_SKU), ("invalid_ean", "SB-0012")):
        if per_subject[(kind, subject)] != 1 and _expected(integration, kind):
            problems.append(f"no open {kind} exception for {subject}")
    unexpected = kinds - EXPECTED_OPEN_KINDS
    if unexpected:
        problems.append(f"open exceptions of kinds {sorted(unexpected)} after the faults stopped")
    return problems


def _expected(integration, kind: str) -> bool:
    from integration_hub.models import OrderLine

    if kind == "unknown_sku":
        return OrderLine.objects.filter(
            order__integration=integration, offer_sku=GHOST_SKU
        ).exists()
    return True


def _check_outbox(integration) -> list[str]:
    from integration_hub.models import OutboundJob
    from integration_hub.models.outbox import OPEN_JOB_STATUSES

    pending = OutboundJob.objects.filter(integration=integration, status__in=OPEN_JOB_STATUSES)
    return [f"{pending.count()} outbound call(s) still queued"] if pending.exists() else []


def _check_call_limits(integration) -> list[str]:
    from connectors.mirakl.sandbox.models import SandboxCall

    over = Counter(SandboxCall.objects.filter(over_limit=True).values_list("operation", flat=True))
    return [f"calls over Mirakl's published limits: {dict(over)}"] if over else []


def _final_counts(integration) -> dict[str, int]:
    from connectors.mirakl.sandbox.models import SandboxCall
    from exceptions_queue.models import ExceptionItem
    from integration_hub.models import JobStatus, Order, OutboundJob, RunOutcome, SyncRun

    jobs = OutboundJob.objects.filter(integration=integration)
    return {
        "orders in the hub": Order.objects.filter(integration=integration).count(),
        "orders in the source": Order.objects.filter(integration=integration)
        .exclude(source_order_id="")
        .count(),
        "outbound calls": jobs.count(),
        "outbound calls retried": jobs.filter(attempts__gt=1).count(),
        "outbound calls given up": jobs.filter(status=JobStatus.FAILED).count(),
        "passes run": SyncRun.objects.filter(integration=integration).count(),
        "passes failed (then retried by the next)": SyncRun.objects.filter(
            integration=integration, outcome=RunOutcome.FAILED
        ).count(),
        "exceptions raised": ExceptionItem.objects.filter(integration=integration).count(),
        "marketplace calls": SandboxCall.objects.count(),
    }


def report_lines(report: SoakReport, config: SoakConfig) -> list[str]:
    lines = [
        f"soak: {config.chaos_minutes} min of chaos (fault rate {config.fault_rate:.0%} per "
        f"fault kind, {config.kills} worker kills), seed {config.seed}",
    ]
    lines += [f"  {name}: {value}" for name, value in sorted(report.counts.items())]
    if report.passed:
        lines.append(f"PASSED: every invariant holds ({report.drained_after_s} s after faults off)")
    else:
        lines.append("FAILED:")
        lines += [f"  - {problem}" for problem in report.problems]
    return lines
