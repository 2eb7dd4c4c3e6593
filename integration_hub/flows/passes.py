"""The body of each flow's pass (what the schedules and `hub sync` run)."""

from __future__ import annotations

from django.utils import timezone

from integration_hub.flows.catalogue import products_pass
from integration_hub.flows.catalogue_publish import catalogue_pass
from integration_hub.flows.dispatch import dispatches_held_release, shipments_pull
from integration_hub.flows.offers_audit import offers_audit_pass
from integration_hub.flows.order_clocks import acceptance_clock, dispatch_clocks
from integration_hub.flows.orders_accept import decisions_verify, orders_decide
from integration_hub.flows.orders_audit import orders_audit_pass
from integration_hub.flows.orders_pull import orders_pull
from integration_hub.flows.prices import prices_pass
from integration_hub.flows.reference import marketplace_reference_due, marketplace_reference_refresh
from integration_hub.flows.stock import stock_pass
from integration_hub.models import Integration
from integration_hub.services.runs import RunRecorder


def orders_pass(integration: Integration, run: RunRecorder) -> None:
    """Pull changed orders (OR11), decide the waiting ones, watch acceptance deadlines."""
    from integration_hub.clients import marketplace_client_for

    now = timezone.now()
    acceptance_clock(integration, run, now)  # first: deadlines matter most when a system is down
    client = marketplace_client_for(integration)
    if marketplace_reference_due(integration, now=now):
        for name, count in marketplace_reference_refresh(integration, client).items():
            run.add(name, count)
    orders_pull(integration, client, run)
    orders_decide(integration, run)
    decisions_verify(integration, client, run, now)


def dispatch_pass(integration: Integration, run: RunRecorder) -> None:
    """Read shipments from the source, release held dispatches, watch dispatch clocks."""
    from integration_hub.clients import source_connector_for

    dispatch_clocks(integration, run, timezone.now())  # first: they matter most when down
    planned = shipments_pull(integration, source_connector_for(integration), run)
    dispatches_held_release(integration, run, planned=planned)


def settlements_pass(integration: Integration, run: RunRecorder) -> None:
    """Pull TL02/SBC11/IV01 and reconcile payouts (the body lives in ``reconciliation``)."""
    from reconciliation.settlements import settlements_pass as reconciliation_pass

    reconciliation_pass(integration, run)


def returns_pass(integration: Integration, run: RunRecorder) -> None:
    """Returns, refunds and cancellations (the body lives in ``returns``; manual or automated
    by ``Integration.returns_enabled``, so it runs with the orders flow)."""
    from returns.flows.passes import returns_pass as returns_app_pass

    returns_app_pass(integration, run)


FLOW_PASSES = {
    "products": products_pass,
    "stock": stock_pass,
    "prices": prices_pass,
    "offers_audit": offers_audit_pass,
    "orders": orders_pass,
    "dispatch": dispatch_pass,
    "orders_audit": orders_audit_pass,
    "settlements": settlements_pass,
    "returns": returns_pass,
    "catalogue": catalogue_pass,
}

# A pass that is part of a bigger flow runs when that flow is switched on.
FLOW_SWITCH = {"orders_audit": "orders", "offers_audit": "stock", "returns": "orders"}
