import datetime as dt

import pytest
from django.utils import timezone

from integration_hub.models import (
    CarrierMapping,
    HubStatus,
    MarketplaceCarrier,
    OrderEvent,
    OutboundJob,
)
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

ROLES = ["Ops", "Finance", "CX", "Admin", None]
MAPPING_ROLES = {"Ops", "Admin"}


@pytest.fixture
def setup():
    integration = integration_make()
    carrier = MarketplaceCarrier.objects.create(
        integration=integration, code="RM", label="Royal Mail", fetched_at=timezone.now()
    )
    mapping = CarrierMapping.objects.create(
        integration=integration, source_carrier="DPD", carrier=carrier
    )
    held = order_make(
        integration,
        "111",
        hub_status=HubStatus.HELD,
        marketplace_state="WAITING_ACCEPTANCE",
        acceptance_deadline=timezone.now() + dt.timedelta(hours=2),
    )
    return integration, carrier, mapping, held


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/mappings/carriers/",
        "/mappings/carriers/new/",
        "/mappings/carriers/{m}/",
        "/mappings/carriers/{m}/delete/",
    ],
)
def test_mapping_screens_permissions(client, role_user, setup, role, url):
    _integration, _carrier, mapping, _held = setup
    client.force_login(role_user(role))
    response = client.get(url.format(m=mapping.pk))
    assert response.status_code == (200 if role in MAPPING_ROLES else 403)


@pytest.mark.parametrize("role", ROLES)
def test_order_decision_permissions(client, role_user, setup, role):
    *_rest, held = setup
    client.force_login(role_user(role))
    line_id = held.lines.get().marketplace_line_id
    response = client.post(f"/orders/{held.pk}/decide/", {f"line-{line_id}": "accept"})
    allowed = role in {"Ops", "Admin"}
    assert response.status_code == (302 if allowed else 403)
    assert OutboundJob.objects.filter(kind="order_accept").exists() is allowed


def test_decision_form_shown_to_ops_and_queues_one_or21(client, role_user, setup):
    *_rest, held = setup
    user = role_user("Ops")
    client.force_login(user)
    body = client.get(f"/orders/{held.pk}/").content.decode()
    assert "Decide this order" in body
    line_id = held.lines.get().marketplace_line_id
    client.post(f"/orders/{held.pk}/decide/", {f"line-{line_id}": "refuse"})
    client.post(f"/orders/{held.pk}/decide/", {f"line-{line_id}": "refuse"})  # pressed twice
    job = OutboundJob.objects.get(kind="order_accept")
    assert job.payload["decisions"] == {line_id: False}
    held.refresh_from_db()
    assert held.hub_status == HubStatus.REFUSED
    event = OrderEvent.objects.get(order=held, kind="decided")
    assert event.actor == user


def test_decision_needs_every_line(client, role_user, setup):
    *_rest, held = setup
    client.force_login(role_user("Ops"))
    response = client.post(f"/orders/{held.pk}/decide/", {}, follow=True)
    assert "Decide every line" in response.content.decode()
    assert not OutboundJob.objects.exists()


def test_cx_does_not_see_the_decision_form(client, role_user, setup):
    *_rest, held = setup
    client.force_login(role_user("CX"))
    assert "Decide this order" not in client.get(f"/orders/{held.pk}/").content.decode()


def test_mapping_form_saves_and_rejects_other_integrations_carrier(client, role_user, setup):
    integration, carrier, _mapping, _held = setup
    other = integration_make("other")
    foreign = MarketplaceCarrier.objects.create(
        integration=other, code="DPD", label="DPD", fetched_at=timezone.now()
    )
    client.force_login(role_user("Ops"))
    response = client.post(
        "/mappings/carriers/new/",
        {"integration": integration.pk, "source_carrier": "Yodel", "carrier": foreign.pk},
    )
    assert response.status_code == 200
    assert "belongs to another integration" in response.content.decode()
    response = client.post(
        "/mappings/carriers/new/",
        {"integration": integration.pk, "source_carrier": "Yodel", "carrier": carrier.pk},
    )
    assert response.status_code == 302
    assert CarrierMapping.objects.filter(source_carrier_key="yodel", carrier=carrier).exists()


def test_held_dispatches_listed_with_a_prefilled_link(client, role_user, setup):
    integration, *_rest = setup
    order_make(integration, "222", hub_status=HubStatus.DISPATCHED, carrier_name="Pigeon Post")
    client.force_login(role_user("Ops"))
    body = client.get("/mappings/carriers/").content.decode()
    assert "Pigeon Post" in body
    assert "source_carrier=Pigeon%20Post" in body


def test_delete_asks_first_then_deletes(client, role_user, setup):
    _integration, _carrier, mapping, _held = setup
    client.force_login(role_user("Admin"))
    assert (
        "Delete this mapping?"
        in client.get(f"/mappings/carriers/{mapping.pk}/delete/").content.decode()
    )
    client.post(f"/mappings/carriers/{mapping.pk}/delete/")
    assert not CarrierMapping.objects.exists()


def test_orders_list_filters_by_deadline_risk(client, role_user, setup):
    integration, *_rest = setup
    order_make(
        integration,
        "333",
        hub_status=HubStatus.INJECTED,
        shipping_deadline=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(role_user("CX"))
    soon = client.get("/orders/?deadline=accept_soon").content.decode()
    assert ">111<" in soon and ">333<" not in soon
    overdue = client.get("/orders/?deadline=overdue").content.decode()
    assert ">333<" in overdue and ">111<" not in overdue


def test_order_search_by_exact_identifiers(client, role_user, setup):
    integration, *_rest = setup
    order_make(integration, "444", tracking_number="RM999")
    client.force_login(role_user("CX"))
    assert ">444<" in client.get("/orders/?q=RM999").content.decode()
    assert ">444<" not in client.get("/orders/?q=RM99").content.decode()
