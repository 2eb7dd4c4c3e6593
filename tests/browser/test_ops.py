"""Journeys of Ops: map an unmapped carrier so the held dispatch goes out; retry an exception."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from exceptions_queue.models import ExceptionItem, Status
from integration_hub.models import HubStatus, MarketplaceCarrier
from tests.browser.scenarios import dispatch_run, order_in_source, order_shipped, orders_run

pytestmark = pytest.mark.browser


def test_ops_maps_an_unmapped_carrier(journey, hub, role_user):
    order = order_shipped(hub, order_in_source(hub), carrier="Pigeon Post", tracking="PP-0042")
    assert order.hub_status == HubStatus.DISPATCHED  # held: nothing sent on a guess
    royal_mail = MarketplaceCarrier.objects.get(integration=hub.integration, code="RM")
    role_user("Ops", "oscar")
    page = journey.page
    journey.log_in("oscar")
    expect(page.get_by_role("main")).to_contain_text("Pigeon Post")
    journey.shot("ops-home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Carrier mappings").click()
    held = page.get_by_role("row", name=re.compile("Pigeon Post"))
    expect(held).to_contain_text("1")
    journey.shot("held-dispatches")

    held.get_by_role("link", name="Map it").click()
    expect(page.get_by_label("Source carrier")).to_have_value("Pigeon Post")
    preview = page.get_by_role("region", name="What saving releases")
    expect(preview).to_contain_text("Pigeon Post")  # which held dispatches the mapping releases
    expect(preview.get_by_role("link", name=order.commercial_id)).to_be_visible()
    page.get_by_label("Marketplace carrier").select_option(value=str(royal_mail.pk))
    journey.shot("mapping-form")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("status")).to_contain_text("held dispatch")
    journey.shot("mapping-saved")

    dispatch_run(hub)  # the worker's next dispatch pass (django-q runs in-process in tests)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED and order.carrier_code == "RM"
    journey.goto(f"/orders/{order.pk}/")
    expect(page.get_by_text("Shipped on marketplace")).to_be_visible()
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text("Tracking PP-0042 sent with carrier RM")
    expect(timeline).to_contain_text("Dispatch confirmed")
    journey.shot("dispatch-confirmed")
    assert not ExceptionItem.objects.filter(kind="unmapped_carrier", status=Status.OPEN).exists()


def test_ops_retries_an_exception(journey, hub, role_user):
    """The marketplace refused the API key; an Admin fixed it; Ops retries the failed pass."""
    good_key = hub.integration.marketplace_credentials
    hub.integration.marketplace_credentials = {"api_key": "revoked-key"}
    hub.integration.save()
    orders_run(hub)
    item = ExceptionItem.objects.get(kind="auth_failed", status=Status.OPEN)
    hub.integration.marketplace_credentials = good_key
    hub.integration.save()
    role_user("Ops", "oscar")
    page = journey.page
    journey.log_in("oscar")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exceptions").click()
    row = page.get_by_role("row", name=re.compile(item.subject_id))
    expect(row).to_be_visible()
    journey.shot("exceptions")

    row.get_by_role("link", name=str(item.pk), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{item.pk}")
    journey.shot("exception-detail")

    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status")).to_contain_text(f"Retry queued for #{item.pk}")
    page.reload()  # the worker ran the retry; the page shows its outcome
    expect(page.get_by_text("Resolved", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Retry succeeded")).to_be_visible()
    journey.shot("retried")
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
