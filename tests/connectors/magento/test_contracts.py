"""Cited Magento examples (tests/contracts/magento/): the connector produces and parses them,
the sandbox accepts and answers them. Each file names its source in ``_source``."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest
import responses

from connectors.base import ShipmentLine, SourceRefundRequest
from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from tests.connectors.magento import test_client_orders as recorded
from tests.connectors.magento.support import API, body, order_request, orders_found, query

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "magento"
REST = "/sandbox/magento/rest/default/V1"
AUTH = {"Authorization": f"Bearer {services.DEFAULT_TOKEN}"}


def example(name: str):
    return json.loads((CONTRACTS / name).read_text())["value"]


def keys(value: dict) -> set[str]:
    return set(value)


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.json")), ids=lambda p: p.name)
def test_every_example_cites_where_it_comes_from(path):
    source = json.loads(path.read_text())["_source"]
    assert source.startswith(("magento/magento2 ", "https://developer.adobe.com/"))


# --- the connector produces the documented requests and parses the documented answers ---------


def _place_recorded(connector, cart_answer: dict | None = None) -> tuple[list, list]:
    recorded.lookup("ext_order_id", "JL-1001")
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.get(recorded.CART, json=cart_answer or {"id": 4})
    responses.post(f"{recorded.CART}/items", json={})
    responses.post(f"{recorded.CART}/shipping-information", json={})
    responses.post(f"{recorded.CART}/payment-information", json=77)
    recorded.stamp_answers()
    seen: list = []
    connector.order_create(recorded.recording(order_request(), seen))
    return seen, list(responses.calls)


@responses.activate
def test_connector_takes_the_quote_id_from_the_documented_guest_cart_answer(connector):
    cart = example("guest_cart_get_response.json")
    seen, _ = _place_recorded(connector, cart)
    assert seen[0][0]["quote_id"] == str(cart["id"])


@responses.activate
def test_connector_stamps_the_order_in_the_documented_save_structure(connector):
    documented = example("order_save_update_request.json")
    _, calls = _place_recorded(connector)
    [save] = [c for c in calls if c.request.method == "POST" and c.request.url == f"{API}/orders"]
    sent = body(save)
    assert keys(sent) == keys(documented) == {"entity"}
    assert keys(sent["entity"]) == {"entity_id", "ext_order_id"}  # entity_id as documented
    assert type(sent["entity"]["entity_id"]) is type(documented["entity"]["entity_id"])


@responses.activate
def test_connector_comment_uses_documented_status_history_fields(connector):
    documented = example("order_comment_request.json")
    _, calls = _place_recorded(connector)
    [comment] = [c for c in calls if c.request.url.endswith("/orders/77/comments")]
    sent = body(comment)
    assert keys(sent) == keys(documented)
    assert keys(sent["statusHistory"]) <= keys(documented["statusHistory"])


@responses.activate
def test_connector_order_lookups_follow_the_documented_search_pattern(connector):
    pattern = example("search_criteria_pattern.json")
    _place_recorded(connector)
    lookup = query(responses.calls[0])
    assert keys(pattern) <= keys(lookup)
    assert [lookup[key] for key in pattern] == ["ext_order_id", "JL-1001", "eq"]


def _refund_request(amount: str) -> SourceRefundRequest:
    return SourceRefundRequest(
        reference="marketplace:1",
        external_reference="JL-1001",
        source_order_id="1",
        lines=[ShipmentLine(sku="MG-0001", quantity=1)],
        amount=Decimal(amount),
        shipping_amount=Decimal("0"),
    )


@responses.activate
def test_connector_refund_counts_vat_once_on_the_documented_tax_fields(connector):
    item = example("order_item_tax_fields.json")  # 2 x 10.00 + 20% VAT
    responses.get(f"{API}/creditmemos", json=orders_found())
    responses.get(f"{API}/orders/1", json={"entity_id": 1, "items": [item]})
    refund = responses.post(f"{API}/order/1/refund", json=5)

    assert connector.refund_create(_refund_request("12.00")) == "5"  # one unit, VAT included

    sent = body(refund.calls[0])
    documented = example("refund_order_request.json")
    assert keys(documented) <= keys(sent)
    assert keys(documented["arguments"]) <= keys(sent["arguments"])
    assert keys(sent["items"][0]) == keys(documented["items"][0])
    # Magento refunds 10.00 + its 2.00 VAT itself: nothing is left to adjust.
    assert (sent["arguments"]["adjustment_positive"], sent["arguments"]["adjustment_negative"]) == (
        0.0,
        0.0,
    )


# --- the sandbox accepts the documented requests and answers in the documented shape -----------


@pytest.fixture
def placed(client):
    """An order placed through the sandbox's stock guest cart (no reference on it)."""
    from tests.connectors.magento.test_sandbox import place

    services.catalogue_seed(products=3)
    return m.Order.objects.get(pk=place(client, qty=2, reference="").json())


@pytest.mark.django_db
def test_sandbox_guest_cart_answer_has_the_documented_fields(client):
    documented = example("guest_cart_get_response.json")
    cart_id = client.post(f"{REST}/guest-carts").json()
    answer = client.get(f"{REST}/guest-carts/{cart_id}").json()
    assert keys(documented) <= keys(answer)
    assert keys(documented["currency"]) <= keys(answer["currency"])
    assert answer["id"] == m.Cart.objects.get(masked_id=cart_id).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["order_save_update_request.json", "order_save_minimal_request.json"],
)
def test_sandbox_saves_the_documented_partial_order(client, placed, name):
    request = example(name)
    request["entity"]["entity_id"] = placed.pk
    answer = client.post(f"{REST}/orders", request, "application/json", headers=AUTH)
    assert answer.status_code == 200
    order = answer.json()
    assert len(order) > 1 and order["increment_id"] == placed.increment_id  # as the test asserts
    for field in set(request["entity"]) - {"entity_id"}:
        assert order[field] == request["entity"][field]


@pytest.mark.django_db
def test_sandbox_saves_ext_order_id_and_finds_the_order_by_it(client, placed):
    request = {"entity": {"entity_id": placed.pk, "ext_order_id": "JL-1001"}}
    assert (
        client.post(f"{REST}/orders", request, "application/json", headers=AUTH).json()[
            "ext_order_id"
        ]
        == "JL-1001"
    )
    pattern = example("search_criteria_pattern.json")
    search = dict(zip(pattern, ["ext_order_id", "JL-1001", "eq"], strict=True))
    found = client.get(f"{REST}/orders", search, headers=AUTH).json()
    assert [o["entity_id"] for o in found["items"]] == [placed.pk]


@pytest.mark.django_db
def test_sandbox_accepts_the_documented_comment(client, placed):
    request = example("order_comment_request.json")
    request["statusHistory"]["parent_id"] = placed.pk
    url = f"{REST}/orders/{placed.pk}/comments"
    assert client.post(url, request, "application/json", headers=AUTH).json() is True
    history = client.get(f"{REST}/orders/{placed.pk}", headers=AUTH).json()["status_histories"]
    assert [(h["comment"], h["is_customer_notified"]) for h in history] == [("Hello", 1)]


@pytest.mark.django_db
def test_sandbox_order_items_carry_the_documented_tax_fields(client, placed):
    documented = example("order_item_tax_fields.json")
    [item] = client.get(f"{REST}/orders/{placed.pk}", headers=AUTH).json()["items"]
    assert keys(documented) <= keys(item)
    assert item["row_total_incl_tax"] == item["row_total"] + item["tax_amount"]
    assert item["price_incl_tax"] == pytest.approx(item["price"] * 1.2)


@pytest.mark.django_db
def test_sandbox_refund_adds_the_item_tax_and_keeps_the_documented_adjustments(client, placed):
    request = example("refund_order_request.json")
    item = placed.items.get()
    request["items"] = [{"order_item_id": item.pk, "qty": 1}]
    # The cited test refunds its fixture order's shipping; this order's is 5.00.
    request["arguments"]["shipping_amount"] = float(placed.shipping_amount)
    url = f"{REST}/order/{placed.pk}/refund"
    memo_id = client.post(url, request, "application/json", headers=AUTH).json()
    memo = m.CreditMemo.objects.get(pk=memo_id)
    unit_tax = item.tax_amount / item.qty_ordered
    assert memo.tax_amount == unit_tax
    assert memo.adjustment == Decimal("0.00")  # +5.53 - 5.53, as sent
    assert memo.grand_total == item.price + unit_tax + placed.shipping_amount
    assert memo.comment == "Test Comment"


def test_the_hub_journal_does_not_change_request_equality():
    request = order_request()
    assert dataclasses.replace(request, attempts=({"quote_id": "1"},)) == dataclasses.replace(
        request, attempts=({"quote_id": "1"},), attempt_record=print
    )
