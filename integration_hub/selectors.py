"""Reads for the screens (HackSoft style: selectors read, services write)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from exceptions_queue import selectors as exception_selectors
from exceptions_queue.models import AlertMessage
from integration_hub.models import (
    HubStatus,
    Integration,
    JobStatus,
    MarketplaceCarrier,
    Order,
    OrderLine,
    OutboundJob,
    Product,
)
from integration_hub.schedules import HUB_SCHEDULES
from integration_hub.services.health import flow_last_success, worker_status


def flow_interval(flow: str, default: dt.timedelta) -> dt.timedelta:
    """How often the worker runs ``flow`` (its "<flow> pass" schedule), else ``default``."""
    minutes = next((s.minutes for s in HUB_SCHEDULES if s.name == f"{flow} pass"), None)
    return dt.timedelta(minutes=minutes) if minutes else default


# How long each flow may go without a successful run before the dashboard shows it red.
# Orders may miss two passes (3x their interval); settlements are fetched daily.
FLOW_STALE_AFTER = {
    "orders": 3 * flow_interval("orders", dt.timedelta(minutes=5)),
    "dispatch": dt.timedelta(minutes=30),
    "stock": dt.timedelta(minutes=10),
    "prices": dt.timedelta(hours=2),
    "products": dt.timedelta(days=1, hours=1),
    "settlements": dt.timedelta(days=1),
    "returns": dt.timedelta(hours=2),
}

WAITING_STATUSES = {
    "to accept": [HubStatus.NEW, HubStatus.HELD],
    "to inject": [HubStatus.TO_INJECT],
    "to confirm": [HubStatus.DISPATCHED],
}


def flow_rows(*, now: dt.datetime) -> list[dict]:
    """Each enabled flow's last success, red (with the reason) when it missed its window."""
    rows = flow_last_success(now=now)
    unconfirmed = skus_unconfirmed_oldest(now=now)
    from integration_hub.flows.passes import FLOW_PASSES

    first_runs = flow_first_runs()
    for row in rows:
        window = FLOW_STALE_AFTER.get(row["flow"], dt.timedelta(hours=1))
        row["window_minutes"] = int(window.total_seconds() // 60)
        if row["age_seconds"] is None and row["flow"] not in FLOW_PASSES:
            row["reason"], row["red"] = "not available in this version of the hub yet", False
            continue
        if _first_run_pending(row, window, now):
            row["reason"], row["red"] = _first_run_text(first_runs.get(row["flow"])), False
            continue
        row["reason"] = _flow_late_reason(row, window, unconfirmed.get(row["integration"]))
        row["red"] = bool(row["reason"])
    return rows


def flow_first_runs() -> dict[str, dt.datetime]:
    """Each flow's next scheduled run (django-q2's schedules of ``tasks.flow_run``)."""
    from django_q.models import Schedule

    runs = {}
    for args, next_run in Schedule.objects.filter(
        func="integration_hub.tasks.flow_run"
    ).values_list("args", "next_run"):
        runs[str(args or "").strip("'\" ")] = next_run
    return runs


def _first_run_pending(row: dict, window: dt.timedelta, now: dt.datetime) -> bool:
    """A flow that has never been tried, on an integration younger than the flow's window, is
    not late: its first run is simply not due yet (a tried and failed one is late)."""
    return (
        row["age_seconds"] is None
        and not row["ever_run"]
        and row["created_at"] is not None
        and now - row["created_at"] < window
    )


def _first_run_text(next_run: dt.datetime | None) -> str:
    if next_run is None:
        return "first run not due yet"
    return "first run at " + timezone.localtime(next_run).strftime("%H:%M")


def _flow_late_reason(row: dict, window: dt.timedelta, unconfirmed: dict | None) -> str:
    age = row["age_seconds"]
    if age is None:
        return "never succeeded"
    if age > window.total_seconds():
        return f"no successful run for {age // 60} min"
    waited = unconfirmed["age_seconds"] if unconfirmed and row["flow"] == "stock" else 0
    if waited > window.total_seconds():
        return f"{unconfirmed['count']} SKU change(s) not confirmed for {waited // 60} min"
    return ""


def skus_unconfirmed() -> QuerySet[Product]:
    """SKUs whose latest source quantity has not been pushed to the marketplace yet (invalid
    SKUs are never published: their own exception says why)."""
    return Product.objects.filter(last_source_qty__isnull=False, validation_status="valid").filter(
        Q(last_pushed_qty__isnull=True)
        | Q(last_pushed_at__isnull=True)
        | Q(last_pushed_at__lt=F("last_source_qty_at"))
    )


def skus_unconfirmed_oldest(*, now: dt.datetime) -> dict[str, dict]:
    """Per integration name: how many SKUs wait and how long the oldest change has waited."""
    rows = (
        skus_unconfirmed()
        .values("integration__name")
        .annotate(count=Count("id"), oldest=Min("last_source_qty_at"))
    )
    return {
        row["integration__name"]: {
            "count": row["count"],
            "age_seconds": round((now - row["oldest"]).total_seconds()) if row["oldest"] else 0,
        }
        for row in rows
    }


def orders_waiting() -> dict[str, int]:
    counts = dict(
        Order.objects.values_list("hub_status")
        .annotate(n=Count("id"))
        .values_list("hub_status", "n")
    )
    return {
        label: sum(counts.get(s, 0) for s in statuses)
        for label, statuses in WAITING_STATUSES.items()
    }


def outbox_summary(*, now: dt.datetime) -> dict:
    open_jobs = OutboundJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.IN_FLIGHT])
    oldest = open_jobs.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "open": open_jobs.count(),
        "failed": OutboundJob.objects.filter(status=JobStatus.FAILED).count(),
        "oldest_age_seconds": round((now - oldest).total_seconds()) if oldest else None,
    }


def alerts_summary() -> dict[str, int]:
    states = AlertMessage.objects.values_list("state").annotate(n=Count("id"))
    counts = dict(states.values_list("state", "n"))
    return {"queued": counts.get("pending", 0), "failed": counts.get("failed", 0)}


def exceptions_summary(*, now: dt.datetime) -> dict:
    """Open exceptions by kind and by owner (oldest age), and the role homes' short lists."""
    return {
        "exceptions_by_kind": exception_selectors.exceptions_open_by_kind(now=now),
        "exceptions_by_owner": exception_selectors.exceptions_open_by_owner(now=now),
        "exceptions_due": exception_selectors.exceptions_due_soonest(limit=10),
        "exceptions_finance": exception_selectors.exceptions_finance(limit=10),
        "alerts": alerts_summary(),
    }


def dashboard_data() -> dict:
    now = timezone.now()
    flows = flow_rows(now=now)
    worker = worker_status(now=now)
    return {
        "now": now,
        "integrations": list(Integration.objects.all()),
        "flows": flows,
        "red_flows": [row for row in flows if row["red"]],
        "all_green": worker["ok"] and not any(row["red"] for row in flows),
        "worker": worker,
        "orders_waiting": orders_waiting(),
        "skus_unconfirmed": skus_unconfirmed().count(),
        **exceptions_summary(now=now),
        "deadlines_at_risk": Order.objects.filter(
            hub_status__in=[HubStatus.NEW, HubStatus.HELD],
            acceptance_deadline__lte=now + dt.timedelta(hours=4),
        ).count()
        + Order.objects.filter(
            hub_status__in=[HubStatus.TO_INJECT, HubStatus.INJECTED],
            shipping_deadline__lte=now + dt.timedelta(hours=4),
        ).count(),
        "outbox": outbox_summary(now=now),
    }


def order_timeline(order: Order) -> list[dict]:
    """One timeline: marketplace and source events, hub actions, exceptions, calls queued for
    the order, and who did what."""
    from exceptions_queue.models import ExceptionAction

    entries = [
        {
            "at": event.at,
            "source": event.get_source_display(),
            "message": event.message,
            "actor": event.actor.get_username() if event.actor else "",
        }
        for event in order.events.select_related("actor")
    ]
    entries += _outbox_entries(order)
    actions = ExceptionAction.objects.filter(item__order=order).select_related("item", "actor")
    for action in actions:
        entries.append(
            {
                "at": action.at,
                "source": "Exception",
                "message": f"{action.item.kind_info.title}: {action.get_action_display().lower()}"
                + (f" — {action.note}" if action.note else ""),
                "actor": action.actor.get_username() if action.actor else "",
                "exception_id": action.item_id,
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])


# Outbound calls the hub makes for one order; their identity key is "<kind>:<order pk>".
ORDER_JOB_KINDS = {
    "order_accept": "accept/refuse on the marketplace (OR21)",
    "order_inject": "create the order in the source",
    "order_tracking": "send tracking to the marketplace (OR23)",
    "order_ship": "confirm shipment on the marketplace (OR24)",
}


def order_outbound_jobs(order: Order) -> list[OutboundJob]:
    keys = [f"{kind}:{order.pk}" for kind in ORDER_JOB_KINDS]
    jobs = OutboundJob.objects.filter(integration_id=order.integration_id, identity_key__in=keys)
    return list(jobs.order_by("created_at", "id"))


def _outbox_entries(order: Order) -> list[dict]:
    entries = []
    for job in order_outbound_jobs(order):
        what = ORDER_JOB_KINDS.get(job.kind, job.kind)
        entries.append({"at": job.created_at, "source": "Hub", "message": f"Queued: {what}"})
        if job.finished_at:
            outcome = job.get_status_display().lower()
            error = f" ({job.last_error[:120]})" if job.last_error else ""
            entries.append(
                {"at": job.finished_at, "source": "Hub", "message": f"{what}: {outcome}{error}"}
            )
    for entry in entries:
        entry["actor"] = ""
    return entries


def web_link(url: str) -> str:
    """``url`` when it is an http(s) address, else "" (a ``javascript:`` URL from a source is
    never rendered as a link; the CSP would stop it too, this does not lean on it)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def order_tracking_url(order: Order) -> str:
    """The link CX can open: the URL the source gave, else the carrier's SH21 pattern."""
    if order.tracking_url or not order.tracking_number:
        return web_link(order.tracking_url)
    pattern = (
        MarketplaceCarrier.objects.filter(
            integration_id=order.integration_id, code=order.carrier_code
        )
        .values_list("tracking_url", flat=True)
        .first()
    )
    if not pattern or not order.carrier_code:
        return ""
    return web_link(pattern.replace("{trackingId}", order.tracking_number))


# --- CX search ----------------------------------------------------------------------------


def surname_key(surname: str) -> str:
    """How orders_pull stores the customer's surname: trimmed and case-folded."""
    return surname.strip().casefold()[:100]


def postcode_key(postcode: str) -> str:
    """How orders_pull stores the postcode: no spaces, capitals ("n1 9gu" -> "N19GU")."""
    return "".join((postcode or "").split()).upper()[:20]


@dataclass
class OrderSearch:
    """What one search box query found, and how (``matched_by`` is shown to the user)."""

    query: str
    matched_by: str = ""
    orders: object = None  # a QuerySet[Order], or None when nothing matched
    exact: Order | None = None  # one order found by an exact identifier: open it
    tried: list[str] = field(default_factory=list)


def order_search(query: str) -> OrderSearch:
    """Find orders by any identifier CX may be given, using only indexed equality lookups.

    Tried in order, the first that finds something wins: an order identifier (customer order
    number, Mirakl order id, source order id or number, tracking number); an offer or source
    SKU on the order lines; an EAN (through the SKU map); surname + postcode.
    """
    text = " ".join(query.replace(",", " ").split())
    result = OrderSearch(query=text)
    if not text:
        return result
    for label, matcher in SEARCH_MATCHERS:
        result.tried.append(label)
        matched = matcher(text)
        if matched is None:
            continue
        orders = matched.select_related("integration")
        found = list(orders.values_list("pk", flat=True)[:2])
        if not found:
            continue
        result.matched_by, result.orders = label, orders
        if label == "order identifier" and len(found) == 1:
            result.exact = orders.get()
        return result
    return result


def _variants(text: str) -> list[str]:
    return list(dict.fromkeys([text, text.upper()]))


def _by_identifier(text: str):
    values = _variants(text)
    match = (
        Q(commercial_id__in=values)
        | Q(marketplace_order_id__in=values)
        | Q(source_order_id__in=values)
        | Q(source_order_number__in=values)
        | Q(tracking_number__in=values)
    )
    return Order.objects.filter(match)


def _by_sku(text: str):
    if " " in text:
        return None
    values = _variants(text)
    mapped = Product.objects.filter(sku__in=values).values_list("offer_sku", flat=True)
    offer_skus = set(values) | set(mapped)
    return Order.objects.filter(
        pk__in=OrderLine.objects.filter(offer_sku__in=offer_skus).values("order_id")
    )


def _by_ean(text: str):
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        return None
    offer_skus = list(Product.objects.filter(ean=text).values_list("offer_sku", flat=True))
    if not offer_skus:
        return None
    return Order.objects.filter(
        pk__in=OrderLine.objects.filter(offer_sku__in=offer_skus).values("order_id")
    )


def _by_surname_postcode(text: str):
    """ "Lovelace N1 9GU" or "de la Cruz N19GU": the postcode is the last one or two words."""
    words = text.split()
    if len(words) < 2:
        return None
    match = Q(pk__in=[])
    for size in (1, 2):
        if len(words) > size:
            surname, postcode = " ".join(words[:-size]), "".join(words[-size:])
            match |= Q(
                customer_lastname=surname_key(surname), shipping_postcode=postcode_key(postcode)
            )
    return Order.objects.filter(match)


SEARCH_MATCHERS = [
    ("order identifier", _by_identifier),
    ("SKU", _by_sku),
    ("EAN", _by_ean),
    ("surname and postcode", _by_surname_postcode),
]


# --- Finance home ---------------------------------------------------------------------------


PAYOUT_FIELDS = [
    "pk",
    "cycle_id",
    "date_created",
    "currency",
    "amount_to_seller",
    "variance",
    "status",
    "open_items",
]


def finance_home() -> dict:
    """Finance's home beside its payout exceptions: the latest payouts with their variance and
    a link to the reconciliation screens, when that app is installed. The only place the hub
    reads reconciliation; if its tables or screens change shape the home shows the payout
    exceptions alone instead of failing."""
    from django.apps import apps
    from django.core.exceptions import FieldError
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    if not apps.is_installed("reconciliation"):
        return {"payouts": [], "finance_url": ""}
    try:
        payouts = list(
            apps.get_model("reconciliation", "Payout").objects.values(*PAYOUT_FIELDS)[:5]
        )
    except (LookupError, FieldError):
        payouts = []
    try:
        resolve("/finance/")
        finance_url = "/finance/"
        for payout in payouts:
            payout["url"] = reverse("payout-detail", kwargs={"pk": payout["pk"]})
    except (Resolver404, NoReverseMatch):
        finance_url = ""
    return {"payouts": payouts, "finance_url": finance_url}
