"""Order creation on a stock Magento 2.4 (recorded answers): guest cart, then the JL number.

No module: the placement cannot carry our reference, so the quote id is recorded with the hub
before the placement, every retry looks ``ext_order_id`` and then the recorded quote ids up,
and the order is stamped afterwards (``POST /V1/orders`` with ``entity_id`` +
``ext_order_id``, then a staff comment).
"""

from __future__ import annotations

import dataclasses

import pytest
import requests
import responses
from responses import matchers

from connectors.base import PermanentError, SourceOrderRef, SourceOrderRequest, TransientError
from tests.connectors.magento.support import (
    API,
    EXPECTED_ADDRESS,
    FG,
    body,
    make,
    order_request,
    orders_found,
    path,
)

CART = f"{API}/guest-carts/mask123"
PREFIX = "/rest/jl_uk/V1"
COMMENT = "John Lewis Marketplace order JL-1001 (Mirakl order id MKP-77-A)"
NOTE = {"quote_id": "4", "cart_id": "mask123"}


def lookup(field: str, value: str, *orders: dict) -> responses.BaseResponse:
    """``GET /V1/orders`` filtered on one field (the other lookups do not match it)."""
    wanted = {f"{FG}[0][filters][0][field]": field, f"{FG}[0][filters][0][value]": value}
    return responses.get(
        f"{API}/orders",
        match=[matchers.query_param_matcher(wanted, strict_match=False)],
        json=orders_found(*orders),
    )


def stamped(entity_id: int, number: str, *comments: str) -> dict:
    histories = [{"comment": text} for text in comments]
    return {
        "entity_id": entity_id,
        "increment_id": number,
        "ext_order_id": "JL-1001",
        "status_histories": histories,
    }


def cart_filled() -> None:
    responses.post(f"{API}/guest-carts", json="mask123")
    responses.get(CART, json={"id": 4, "is_active": True})
    responses.post(f"{CART}/items", json={"item_id": 1})
    responses.post(f"{CART}/shipping-information", json={"totals": {}})


def stamp_answers(entity_id: int = 77, number: str = "000000077") -> responses.BaseResponse:
    responses.post(f"{API}/orders/{entity_id}/comments", json=True)
    return responses.post(f"{API}/orders", json=stamped(entity_id, number))


def recording(request: SourceOrderRequest, seen: list) -> SourceOrderRequest:
    """The request with a hub journal that notes how many calls had been made."""

    def record(note):
        seen.append((dict(note), len(responses.calls)))

    return dataclasses.replace(request, attempt_record=record)


def steps() -> list[tuple[str, str]]:
    return [(call.request.method, path(call)) for call in responses.calls]


@responses.activate
def test_existing_order_with_its_comment_is_returned_without_a_cart(connector):
    lookup("ext_order_id", "JL-1001", stamped(77, "000000077", COMMENT))
    assert connector.order_create(order_request()) == SourceOrderRef("77", "000000077")
    assert len(responses.calls) == 1


@responses.activate
def test_order_goes_through_a_stock_guest_cart_then_gets_the_jl_number(sleeps):
    connector = make(sleeps, shipping_method="tablerate_bestway", payment_method="banktransfer")
    lookup("ext_order_id", "JL-1001")
    cart_filled()
    responses.post(f"{CART}/payment-information", json="77")
    stamp_answers()
    seen: list = []

    ref = connector.order_create(recording(order_request(), seen))

    assert ref == SourceOrderRef("77", "000000077")
    assert steps() == [
        ("GET", f"{PREFIX}/orders"),
        ("POST", f"{PREFIX}/guest-carts"),
        ("GET", f"{PREFIX}/guest-carts/mask123"),
        ("POST", f"{PREFIX}/guest-carts/mask123/items"),
        ("POST", f"{PREFIX}/guest-carts/mask123/items"),
        ("POST", f"{PREFIX}/guest-carts/mask123/shipping-information"),
        ("POST", f"{PREFIX}/guest-carts/mask123/payment-information"),
        ("POST", f"{PREFIX}/orders"),
        ("POST", f"{PREFIX}/orders/77/comments"),
    ]
    assert seen == [(NOTE, 6)]  # recorded after the cart was filled, before the placement
    calls = responses.calls
    assert body(calls[3]) == {"cartItem": {"sku": "MG-1", "qty": 2, "quote_id": "mask123"}}
    assert body(calls[5])["addressInformation"]["shipping_address"] == EXPECTED_ADDRESS
    assert body(calls[5])["addressInformation"]["shipping_method_code"] == "bestway"
    assert body(calls[6]) == {
        "email": "masked@marketplace.example",
        "paymentMethod": {"method": "banktransfer"},
        "billingAddress": EXPECTED_ADDRESS,
    }
    assert body(calls[7]) == {"entity": {"entity_id": 77, "ext_order_id": "JL-1001"}}
    assert body(calls[8]) == {
        "statusHistory": {"comment": COMMENT, "is_customer_notified": 0, "is_visible_on_front": 0}
    }


@responses.activate
def test_lost_placement_answer_is_found_by_quote_id_and_not_placed_again(connector):
    lookup("ext_order_id", "JL-1001")
    cart_filled()
    placement = responses.post(f"{CART}/payment-information", body=requests.ReadTimeout())
    by_quote = lookup("quote_id", "4", {"entity_id": 78, "increment_id": "000000078"})
    stamp = stamp_answers(78, "000000078")

    assert connector.order_create(order_request()) == SourceOrderRef("78", "000000078")
    assert (placement.call_count, by_quote.call_count, stamp.call_count) == (1, 1, 1)
    assert body(stamp.calls[0]) == {"entity": {"entity_id": 78, "ext_order_id": "JL-1001"}}


@responses.activate
def test_lost_placement_answer_without_an_order_is_transient_and_not_retried(connector):
    lookup("ext_order_id", "JL-1001")
    cart_filled()
    placement = responses.post(f"{CART}/payment-information", body=requests.ReadTimeout())
    by_quote = lookup("quote_id", "4")
    with pytest.raises(TransientError, match="payment-information timed out"):
        connector.order_create(order_request())
    assert (placement.call_count, by_quote.call_count) == (1, 1)


@responses.activate
def test_a_kill_between_placement_and_stamp_is_finished_from_the_recorded_quote(connector):
    lookup("ext_order_id", "JL-1001")
    lookup("quote_id", "4", {"entity_id": 78, "increment_id": "000000078", "ext_order_id": None})
    stamp = stamp_answers(78, "000000078")
    request = dataclasses.replace(order_request(), attempts=(NOTE,))

    assert connector.order_create(request) == SourceOrderRef("78", "000000078")
    assert ("POST", f"{PREFIX}/guest-carts") not in steps()
    assert body(stamp.calls[0]) == {"entity": {"entity_id": 78, "ext_order_id": "JL-1001"}}


@responses.activate
def test_a_recorded_cart_that_never_became_an_order_is_placed_again(connector):
    lookup("ext_order_id", "JL-1001")
    lookup("quote_id", "4")
    responses.post(f"{CART}/payment-information", json=79)
    stamp_answers(79, "000000079")
    request = dataclasses.replace(order_request(), attempts=(NOTE,))

    assert connector.order_create(request) == SourceOrderRef("79", "000000079")
    assert ("POST", f"{PREFIX}/guest-carts") not in steps()


@responses.activate
def test_a_recorded_cart_that_is_gone_starts_a_new_cart(connector):
    lookup("ext_order_id", "JL-1001")
    lookup("quote_id", "3")
    gone = {"message": "No such entity with %fieldName = %fieldValue"}
    responses.post(f"{API}/guest-carts/old/payment-information", status=404, json=gone)
    cart_filled()
    lookup("quote_id", "4")
    responses.post(f"{CART}/payment-information", json=80)
    stamp_answers(80, "000000080")
    request = dataclasses.replace(order_request(), attempts=({"quote_id": "3", "cart_id": "old"},))

    assert connector.order_create(request) == SourceOrderRef("80", "000000080")
    assert ("POST", f"{PREFIX}/guest-carts") in steps()


@responses.activate
def test_a_refused_recorded_cart_is_not_replaced_by_a_new_one(connector):
    lookup("ext_order_id", "JL-1001")
    lookup("quote_id", "4")
    refused = {"message": "The requested qty is not available"}
    responses.post(f"{CART}/payment-information", status=400, json=refused)
    request = dataclasses.replace(order_request(), attempts=(NOTE,))
    with pytest.raises(PermanentError, match="qty is not available"):
        connector.order_create(request)
    assert ("POST", f"{PREFIX}/guest-carts") not in steps()


@responses.activate
def test_stamped_order_without_our_comment_gets_it_once(connector):
    lookup("ext_order_id", "JL-1001", stamped(77, "000000077"))
    comment = responses.post(f"{API}/orders/77/comments", json=True)
    assert connector.order_create(order_request()) == SourceOrderRef("77", "000000077")
    assert comment.call_count == 1
    assert ("POST", f"{PREFIX}/orders") not in steps()


@responses.activate
def test_stamp_failure_is_raised_so_the_job_retries(connector):
    lookup("ext_order_id", "JL-1001")
    cart_filled()
    responses.post(f"{CART}/payment-information", json=77)
    responses.post(f"{API}/orders", status=503, json={"message": "Service Unavailable"})
    with pytest.raises(TransientError, match="POST orders failed"):
        connector.order_create(order_request())


@responses.activate
def test_comment_failure_after_the_stamp_still_returns_the_order(connector):
    lookup("ext_order_id", "JL-1001")
    cart_filled()
    responses.post(f"{CART}/payment-information", json=79)
    responses.post(f"{API}/orders", json=stamped(79, "000000079"))
    responses.post(f"{API}/orders/79/comments", status=500, json={"message": "oops"})
    assert connector.order_create(order_request()) == SourceOrderRef("79", "000000079")


@responses.activate
def test_an_order_search_item_without_entity_id_is_a_permanent_error(connector):
    lookup("ext_order_id", "JL-1001", {"increment_id": "000000077"})
    with pytest.raises(PermanentError, match="malformed"):
        connector.order_create(order_request())
