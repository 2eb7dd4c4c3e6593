"""The Magento sandbox speaks Magento: searchCriteria, paging quirks, auth, errors, control."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from connectors.sandbox.models import SandboxFault

pytestmark = pytest.mark.django_db

REST = "/sandbox/magento/rest/default/V1"
AUTH = {"Authorization": f"Bearer {services.DEFAULT_TOKEN}"}


def ean13_valid(code: str) -> bool:
    digits = [int(d) for d in code]
    weighted = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return len(digits) == 13 and (weighted + digits[12]) % 10 == 0


def criteria(*filters: tuple[int, int, str, str, str], **extra: str) -> dict:
    params = {}
    for group, index, field, value, condition in filters:
        prefix = f"searchCriteria[filter_groups][{group}][filters][{index}]"
        params |= {f"{prefix}[field]": field, f"{prefix}[value]": value}
        params[f"{prefix}[condition_type]"] = condition
    return params | {f"searchCriteria[{k}]": v for k, v in extra.items()} or {"searchCriteria": ""}


@pytest.fixture
def seeded():
    return services.catalogue_seed(products=5)


def skus(response) -> list[str]:
    return [item["sku"] for item in response.json()["items"]]


def test_seeded_eans_are_valid_ean13(seeded):
    eans = [p.custom_attributes["ean"] for p in m.Product.objects.all()]
    assert len(set(eans)) == 5
    assert all(ean13_valid(ean) for ean in eans)


def test_page_past_the_end_returns_the_last_page_again(client, seeded):
    page_3 = client.get(f"{REST}/products", criteria(pageSize="2", currentPage="3"), headers=AUTH)
    page_9 = client.get(f"{REST}/products", criteria(pageSize="2", currentPage="9"), headers=AUTH)
    assert skus(page_3) == skus(page_9) == ["MG-0005"]
    assert page_9.json()["total_count"] == 5
    assert page_9.json()["search_criteria"] == {
        "filter_groups": [],
        "page_size": 2,
        "current_page": 9,
    }


def test_filters_in_a_group_are_ored_and_groups_anded(client, seeded):
    either = criteria((0, 0, "sku", "MG-0001", "eq"), (0, 1, "sku", "MG-0004", "eq"))
    assert skus(client.get(f"{REST}/products", either, headers=AUTH)) == ["MG-0001", "MG-0004"]
    both = criteria((0, 0, "sku", "MG-0001", "eq"), (1, 0, "sku", "MG-0004", "eq"))
    assert skus(client.get(f"{REST}/products", both, headers=AUTH)) == []


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("gt", "13", ["MG-0004", "MG-0005"]),
        ("gteq", "13", ["MG-0003", "MG-0004", "MG-0005"]),
        ("lt", "12", ["MG-0001"]),
        ("in", "11,15", ["MG-0001", "MG-0005"]),
        ("neq", "11", ["MG-0002", "MG-0003", "MG-0004", "MG-0005"]),
    ],
)
def test_condition_types_on_price(client, seeded, condition, value, expected):
    params = criteria((0, 0, "price", value, condition))
    assert skus(client.get(f"{REST}/products", params, headers=AUTH)) == expected


def test_like_and_sort_orders(client, seeded):
    params = criteria((0, 0, "name", "%linen%", "like"))
    assert skus(client.get(f"{REST}/products", params, headers=AUTH)) == ["MG-0001"]
    params = criteria(**{"sortOrders][0][field": "price", "sortOrders][0][direction": "DESC"})
    assert skus(client.get(f"{REST}/products", params, headers=AUTH))[0] == "MG-0005"


def test_a_list_without_search_criteria_is_refused_like_magento(client, seeded):
    response = client.get(f"{REST}/products", headers=AUTH)
    assert response.status_code == 400
    assert response.json() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "searchCriteria"},
    }


def test_missing_or_wrong_token_gets_magentos_401(client, seeded):
    for headers in ({}, {"Authorization": "Bearer nope"}):
        response = client.get(f"{REST}/orders", criteria(), headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Sales::actions_view"},
        }


def test_plain_rest_v1_means_the_default_store_and_unknown_stores_are_refused(client, seeded):
    assert (
        client.get("/sandbox/magento/rest/V1/store/storeConfigs", headers=AUTH).status_code == 200
    )
    response = client.get("/sandbox/magento/rest/fr/V1/store/storeConfigs", headers=AUTH)
    assert response.status_code == 400


def test_fault_injection_answers_in_magentos_shape_first(client, seeded):
    SandboxFault.objects.create(system="magento", kind="429", retry_after=7, remaining=1)
    response = client.get(f"{REST}/products", criteria())  # no token: the fault comes first
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert response.json() == {"message": "Too many requests in the last hour"}
    assert client.get(f"{REST}/products", criteria(), headers=AUTH).status_code == 200


def place(client, sku: str = "MG-0001", qty: int = 1, reference: str = "JL-1") -> object:
    cart = client.post(f"{REST}/guest-carts").json()
    cart_url = f"{REST}/guest-carts/{cart}"
    item = {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}}
    client.post(f"{cart_url}/items", item, "application/json")
    address = {
        "firstname": "A",
        "lastname": "B",
        "street": ["1 St"],
        "city": "L",
        "postcode": "W1",
        "country_id": "GB",
        "telephone": "1",
        "email": "a@b.c",
    }
    shipping = {
        "addressInformation": {
            "shipping_address": address,
            "billing_address": address,
            "shipping_carrier_code": "flatrate",
            "shipping_method_code": "flatrate",
        }
    }
    client.post(f"{cart_url}/shipping-information", shipping, "application/json")
    payment = {"email": "a@b.c", "paymentMethod": {"method": "checkmo"}}
    placed = client.post(f"{cart_url}/payment-information", payment, "application/json")
    if placed.status_code == 200 and reference:  # stock Magento: the number comes afterwards
        entity = {"entity": {"entity_id": placed.json(), "ext_order_id": reference}}
        client.post(f"{REST}/orders", entity, "application/json", headers=AUTH)
    return placed


def test_placing_reserves_stock_and_refuses_more_than_salable(client, seeded):
    placed = place(client, qty=3)
    assert placed.status_code == 200
    order = m.Order.objects.get(pk=placed.json())
    # 3 x 11.00, 20% VAT on the goods, 5.00 flat rate
    assert (order.ext_order_id, order.tax_amount, order.grand_total) == (
        "JL-1",
        Decimal("6.60"),
        Decimal("44.60"),
    )
    url = f"{REST}/inventory/get-product-salable-quantity/MG-0001/1"
    assert client.get(url, headers=AUTH).json() == 8.0  # 10 + 1 on the sources, 3 reserved
    too_many = place(client, qty=9, reference="JL-2")
    assert (too_many.status_code, too_many.json()["message"]) == (
        400,
        "The requested qty is not available",
    )


def test_ext_order_id_is_not_unique_on_stock_magento(client, seeded):
    # Stock Magento has no constraint on sales_order.ext_order_id: the hub must look it up
    # before it creates anything, the sandbox must not refuse on its behalf.
    first, second = place(client).json(), place(client).json()
    found = client.get(
        f"{REST}/orders",
        criteria((0, 0, "ext_order_id", "JL-1", "eq"), pageSize="1")
        | {"searchCriteria[sortOrders][0][field]": "entity_id"}
        | {"searchCriteria[sortOrders][0][direction]": "ASC"},
        headers=AUTH,
    ).json()
    assert (found["total_count"], found["items"][0]["entity_id"]) == (2, first)
    assert first != second


def test_orders_are_found_by_the_quote_they_were_placed_from(client, seeded):
    unplaced = client.post(f"{REST}/guest-carts").json()
    unplaced_quote = client.get(f"{REST}/guest-carts/{unplaced}").json()["id"]
    order_id = place(client, reference="").json()
    order = client.get(f"{REST}/orders/{order_id}", headers=AUTH).json()
    assert order["ext_order_id"] is None  # nothing of ours on a stock placement

    def by_quote(quote_id) -> list:
        search = criteria((0, 0, "quote_id", str(quote_id), "eq"))
        return [
            o["entity_id"]
            for o in client.get(f"{REST}/orders", search, headers=AUTH).json()["items"]
        ]

    assert by_quote(order["quote_id"]) == [order_id]
    assert by_quote(unplaced_quote) == []


def test_order_save_without_the_sales_create_resource_is_refused(client, seeded):
    order_id = place(client, reference="").json()
    services.token_create(name="read only", token="t-ro", resources=["Magento_Sales::actions_view"])
    entity = {"entity": {"entity_id": order_id, "ext_order_id": "JL-9"}}
    answer = client.post(
        f"{REST}/orders", entity, "application/json", headers={"Authorization": "Bearer t-ro"}
    )
    assert answer.status_code == 401
    assert m.Order.objects.get(pk=order_id).ext_order_id == ""


def test_placed_cart_is_gone(client, seeded):
    cart = client.post(f"{REST}/guest-carts").json()
    response = client.get(f"{REST}/guest-carts/nope{cart}")
    assert response.status_code == 404
    assert response.json()["parameters"] == {"fieldName": "cartId", "fieldValue": f"nope{cart}"}


def test_orders_searchable_by_ext_order_id_and_rest_ship_and_refund(client, seeded):
    order_id = place(client, qty=2).json()
    found = client.get(
        f"{REST}/orders", criteria((0, 0, "ext_order_id", "JL-1", "eq")), headers=AUTH
    )
    assert [o["entity_id"] for o in found.json()["items"]] == [order_id]
    item_id = found.json()["items"][0]["items"][0]["item_id"]
    ship = {
        "items": [{"order_item_id": item_id, "qty": 1}],
        "tracks": [{"track_number": "T1", "title": "Yodel", "carrier_code": "yodel"}],
        "arguments": {"extension_attributes": {"source_code": "warehouse_uk"}},
    }
    shipped = client.post(f"{REST}/order/{order_id}/ship", ship, "application/json", headers=AUTH)
    assert shipped.status_code == 200
    shipments = client.get(f"{REST}/shipments", criteria(), headers=AUTH).json()["items"]
    assert shipments[0]["tracks"][0] | {"entity_id": 0, "created_at": ""} == {
        "entity_id": 0,
        "parent_id": shipped.json(),
        "order_id": order_id,
        "track_number": "T1",
        "title": "Yodel",
        "carrier_code": "yodel",
        "created_at": "",
    }
    assert m.SourceItem.objects.get(sku="MG-0001", source_code="warehouse_uk").quantity == 0
    refund = client.post(f"{REST}/order/{order_id}/refund", {}, "application/json", headers=AUTH)
    assert refund.status_code == 200
    memo = client.get(f"{REST}/creditmemos", criteria(), headers=AUTH).json()["items"][0]
    assert (memo["tax_amount"], memo["grand_total"], memo["shipping_amount"]) == (4.4, 31.4, 5.0)


def test_command_seeds_sets_stock_ships_and_refunds(client):
    out = StringIO()
    call_command("magento_sandbox", "seed", "--products", "3", stdout=out)
    call_command("magento_sandbox", "stock", "MG-0002", "4", "--source", "warehouse_uk", stdout=out)
    assert m.SourceItem.objects.get(sku="MG-0002", source_code="warehouse_uk").quantity == 4
    assert place(client, sku="MG-0002", qty=2, reference="JL-77").status_code == 200
    call_command(
        "magento_sandbox",
        "ship",
        "JL-77",
        "--carrier-title",
        "Parcelforce Worldwide",
        "--carrier-code",
        "pfw",
        "--tracking",
        "PF123",
        "--line",
        "MG-0002:1",
        stdout=out,
    )
    track = m.ShipmentTrack.objects.get()
    assert (track.title, track.carrier_code, track.track_number) == (
        "Parcelforce Worldwide",
        "pfw",
        "PF123",
    )
    call_command("magento_sandbox", "refund", "JL-77", "--line", "MG-0002:1", stdout=out)
    memo = m.CreditMemo.objects.get()
    assert (memo.subtotal, memo.tax_amount, memo.shipping_amount, memo.grand_total) == (
        Decimal("12.00"),
        Decimal("2.40"),
        Decimal("5.00"),
        Decimal("19.40"),
    )
    with pytest.raises(CommandError, match="No such entity"):
        call_command("magento_sandbox", "ship", "JL-404", "--carrier-title", "X", "--tracking", "1")
    call_command("magento_sandbox", "orders", stdout=out)
    assert "ext=JL-77 complete 33.80 [MG-0002 x2]" in out.getvalue()  # shipped 1 + refunded 1
