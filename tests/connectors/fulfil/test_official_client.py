"""Fulfil's official Python client (PyPI fulfil-client) drives the sandbox as an independent client.

The client is not ours: its serialisation (``fulfil_client/serialization.py``), its user
context (``Client.refresh_context`` -> ``res.user.get_preferences``) and its error handling
(``json_response``) are Fulfil's. Whatever it sends, the sandbox must accept, and whatever the
sandbox answers, it must read. Calls go in-process through the WSGI adapter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import fulfil_client  # the test extra "fulfil-client"
import pytest
import requests

from connectors.fulfil.sandbox import models as m
from connectors.fulfil.sandbox import services
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db

HOST = "https://acme.sandbox.test"


@pytest.fixture
def setup() -> services.SandboxSetup:
    return services.catalogue_seed(products=3, stock=10)


@pytest.fixture
def client(monkeypatch, setup):
    """``Client("acme", key, base_url=...)`` -> ``https://acme.sandbox.test/sandbox/fulfil``."""
    adapter = DjangoAppAdapter()

    class AdapterSession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.mount(HOST, adapter)

    monkeypatch.setattr(fulfil_client.client.requests, "Session", AdapterSession)
    made = fulfil_client.Client("acme", setup.api_key, base_url="sandbox.test/sandbox/fulfil")
    made.adapter = adapter
    return made


def test_the_client_fetches_the_user_context_and_sends_it_on_every_call(client):
    assert client.context["company"] == services.COMPANY_ID
    assert client.adapter.calls[0] == (
        "PUT",
        "/sandbox/fulfil/api/v2/model/res.user/get_preferences?context=%7B%7D",
    )
    client.model("product.product").find([("code", "=", "FUL-0001")])
    assert "context=%7B%22company%22%3A+1" in client.adapter.calls[-1][1]


def test_products_warehouses_and_inventory_read_as_documented(client, setup):
    products = client.model("product.product").find(
        [("code", "=", "FUL-0002")], fields=["code", "variant_name", "list_price", "ean"]
    )
    assert [(p["code"], p["list_price"]) for p in products] == [("FUL-0002", Decimal("12"))]
    warehouses = client.model("stock.location").find(
        [("type", "=", "warehouse")], fields=["code", "name"]
    )
    warehouse_ids = [w["id"] for w in warehouses]
    assert int(setup.warehouse_ids) in warehouse_ids
    inventory = client.model("product.product").get_product_inventory(
        [products[0]["id"]], warehouse_ids
    )
    levels = inventory[str(products[0]["id"])][setup.warehouse_ids]
    assert levels["quantity_available"] == Decimal(10)
    assert client.model("product.product").get(products[0]["id"])["code"] == "FUL-0002"


def order_create(client, setup, reference: str) -> int:
    """The steps of fulfil-python-api examples/create-sale-order.py, with nested lines."""
    (country,) = client.model("country.country").find([("code", "=", "GB")])
    (address,) = client.model("party.address").create(
        [
            {
                "party": setup.party_id,
                "name": "Ada Lovelace",
                "street": "1 Oxford Street",
                "street_bis": "Floor 2",
                "city": "London",
                "zip": "W1A 1AA",
                "country": country["id"],
            }
        ]
    )
    client.model("party.contact_mechanism").create(
        [{"type": "phone", "value": "07000000000", "party": setup.party_id}]
    )
    (product,) = client.model("product.product").find([("code", "=", setup.skus[0])])
    (sale,) = client.model("sale.sale").create(
        [
            {
                "reference": reference,
                "sale_date": dt.date(2026, 11, 22),
                "party": setup.party_id,
                "invoice_address": address,
                "shipment_address": address,
                "lines": [
                    (
                        "create",
                        [
                            {
                                "product": product["id"],
                                "description": "Sandbox product 1",
                                "unit_price": Decimal("11.00"),
                                "quantity": 2,
                            }
                        ],
                    )
                ],
            }
        ]
    )
    client.model("sale.sale").quote([sale])
    client.model("sale.sale").confirm([sale])
    return sale


def test_a_sale_order_is_created_with_the_official_date_encoding(client, setup):
    sale_id = order_create(client, setup, "JL-5001")
    (sale,) = client.model("sale.sale").search_read(
        [("reference", "=", "JL-5001")], None, None, None, ["number", "state", "sale_date"]
    )
    assert sale["id"] == sale_id and sale["state"] == "confirmed"
    assert sale["sale_date"] == dt.date(2026, 11, 22)  # decoded by the official client
    stored = m.Sale.objects.get(pk=sale_id)
    assert stored.sale_date == dt.date(2026, 11, 22)
    assert stored.shipment_address.street_bis == "Floor 2"
    assert m.ContactMechanism.objects.get(party_id=setup.party_id).value == "07000000000"


def test_shipments_are_read_with_dotted_fields_and_dates(client, setup):
    order_create(client, setup, "JL-5002")
    services.shipment_dispatch("JL-5002", carrier="DPD", tracking_number="15501234567890")
    (shipment,) = client.model("stock.shipment.out").search_read(
        [("state", "=", "done")],
        None,
        None,
        None,
        ["carrier.name", "tracking_number.tracking_number", "effective_date", "write_date"],
    )
    assert shipment["carrier.name"] == "DPD"
    assert shipment["tracking_number.tracking_number"] == "15501234567890"
    assert isinstance(shipment["effective_date"], dt.date)
    assert isinstance(shipment["write_date"], dt.datetime)


def test_a_business_refusal_is_the_clients_user_error(client, setup):
    with pytest.raises(fulfil_client.UserError) as caught:
        client.model("party.address").create([{"party": setup.party_id, "streetbis": "x"}])
    assert "streetbis" in caught.value.message


def test_a_wrong_key_is_refused_as_the_client_expects(monkeypatch, setup, client):
    with pytest.raises(fulfil_client.client.AuthenticationError):
        fulfil_client.Client("acme", "sk_wrong", base_url="sandbox.test/sandbox/fulfil")


def test_a_sandbox_webhook_verifies_with_the_official_helper(setup):
    delivery = services.webhook_send(services.TOPIC_SHIPMENT_DONE, {"shipment": 1})
    header = delivery.headers["X-Fulfil-Hmac-SHA256"]
    assert fulfil_client.verify_webhook(delivery.body, setup.webhook_secret, header)
