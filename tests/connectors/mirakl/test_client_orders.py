"""Contract tests for the order operations: OR11, OR21, OR23, OR24, OR28, OR29, OR30."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import PermanentError
from connectors.mirakl import dtos
from connectors.mirakl.parse import ParseErrors
from tests.connectors.mirakl.fixtures import API_KEY, BASE, load, load_raw, make_client, order

UTC = dt.UTC


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def body(call):
    return json.loads(call.request.body, parse_float=Decimal)


def orders_page(orders: list[dict], total: int) -> dict:
    return {"orders": orders, "total_count": total}


@responses.activate
def test_or11_pages_to_the_end_with_max_100():
    orders = [order(f"{1000 + n}-A") for n in range(250)]
    for start in (0, 100, 200):
        responses.get(f"{BASE}/api/orders", json=orders_page(orders[start : start + 100], 250))
    client = make_client(shop_id=2042)

    result = list(
        client.orders_list(
            start_update_date=dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            order_state_codes=["WAITING_ACCEPTANCE", "SHIPPING"],
        )
    )

    assert [o.order_id for o in result] == [f"{1000 + n}-A" for n in range(250)]
    assert len(responses.calls) == 3
    assert [query(c)["offset"] for c in responses.calls] == [["0"], ["100"], ["200"]]
    first = query(responses.calls[0])
    assert first == {
        "order_state_codes": ["WAITING_ACCEPTANCE,SHIPPING"],
        "start_update_date": ["2026-11-20T09:00:00Z"],
        "max": ["100"],
        "offset": ["0"],
        "shop_id": ["2042"],
    }
    headers = responses.calls[0].request.headers
    assert headers["Authorization"] == API_KEY  # raw key, no "Bearer"
    assert headers["Accept"] == "application/json"


@responses.activate
def test_or11_dates_are_sent_in_utc_with_z_and_milliseconds():
    responses.get(f"{BASE}/api/orders", json=orders_page([], 0))
    london = dt.timezone(dt.timedelta(hours=1))
    start = dt.datetime(2026, 6, 1, 10, 30, 5, 123456, tzinfo=london)
    end = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    assert list(make_client().orders_list(start_update_date=start, end_update_date=end)) == []

    sent = query(responses.calls[0])
    assert sent["start_update_date"] == ["2026-06-01T09:30:05.123Z"]
    assert sent["end_update_date"] == ["2026-06-01T12:00:00Z"]
    assert "shop_id" not in sent


def test_or11_refuses_naive_datetimes():
    with pytest.raises(PermanentError, match="naive"):
        list(make_client().orders_list(start_update_date=dt.datetime(2026, 1, 1)))


@responses.activate
def test_or11_batches_order_ids_by_100():
    ids = [f"{5000 + n}-A" for n in range(250)]
    for start in (0, 100, 200):
        batch = ids[start : start + 100]
        responses.get(f"{BASE}/api/orders", json=orders_page([order(i) for i in batch], len(batch)))

    result = list(make_client().orders_list(order_ids=ids))

    assert len(responses.calls) == 3
    sent = [query(c)["order_ids"][0].split(",") for c in responses.calls]
    assert [len(s) for s in sent] == [100, 100, 50]
    assert sent[0][0] == "5000-A" and sent[2][-1] == "5249-A"
    assert len(result) == 250


def test_or11_parses_the_waiting_acceptance_order_exactly():
    responses_body = json.dumps(
        orders_page([json.loads(load_raw("order_waiting_acceptance.json"))], 1)
    )
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/api/orders", body=responses_body, content_type="application/json")
        (o,) = list(make_client().orders_list(order_ids=["8817455903-A"]))

    assert o.order_id == "8817455903-A"
    assert o.commercial_id == "8817455903"
    assert o.order_state == "WAITING_ACCEPTANCE"
    assert o.created_date == dt.datetime(2026, 11, 20, 9, 15, 2, tzinfo=UTC)
    assert o.last_updated_date == dt.datetime(2026, 11, 20, 9, 15, 33, 269000, tzinfo=UTC)
    assert o.shipping_deadline == dt.datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC)
    assert o.delivery_date_latest == dt.datetime(2026, 11, 25, 23, 59, 59, 999000, tzinfo=UTC)
    assert o.acceptance_decision_date is None
    assert o.price == Decimal("261.00") and isinstance(o.price, Decimal)
    assert o.total_price == Decimal("261.10")
    assert o.shipping_price == Decimal("0.10")
    assert o.total_commission == Decimal("12.60")
    assert o.customer.customer_id == "CUST-1001"
    assert o.customer.billing_address is None  # null before SHIPPING
    assert o.customer.shipping_address is None
    assert o.channel_code == "JL"
    assert o.order_reference_for_customer == "JL-99120"
    assert o.order_reference_for_seller == ""
    assert o.shipping_carrier_code == "" and o.shipping_tracking == ""
    assert o.raw["order_id"] == "8817455903-A"
    first, second = o.lines
    assert first.order_line_id == "8817455903-A-1"
    assert first.offer_sku == "RB-LOAFER-38"
    assert first.offer_id == 2003
    assert first.price_unit == Decimal("239.00")
    assert first.shipping_price == Decimal("0.10")
    assert first.commission_fee == Decimal("7.20")
    assert first.taxes == (
        dtos.Tax(
            code="VAT",
            amount=Decimal("39.83"),
            rate=Decimal("20"),
            tax_calculation_rule="PROPORTIONAL_TO_AMOUNT",
        ),
    )
    assert first.commission_taxes == (dtos.Tax("VAT", Decimal("1.44"), Decimal("20")),)
    assert second.quantity == 2 and second.total_price == Decimal("22.00")


@responses.activate
def test_or11_parses_addresses_refunds_offsets_and_unknown_enums():
    text = json.dumps(orders_page([json.loads(load_raw("order_shipped.json"))], 1))
    responses.get(f"{BASE}/api/orders", body=text, content_type="application/json")

    (o,) = list(make_client().orders_list(order_ids=["9911-A"]))

    assert o.acceptance_decision_date == dt.datetime(2026, 11, 20, 9, 0, 0, 123000, tzinfo=UTC)
    assert o.created_date == dt.datetime(2026, 11, 19, 8, 0, 0, 500000, tzinfo=UTC)
    assert o.payment_workflow == "PAY_ON_SHIPMENT_V2"  # unknown enum value kept
    assert o.channel_code == ""
    assert o.shipping_carrier_code == "RM"
    assert o.shipping_tracking == "RM123456789GB"
    ship = o.customer.shipping_address
    assert ship == dtos.AddressDTO(
        lastname="Turing",
        street_1="2 Deansgate",
        city="Manchester",
        country_iso_code="GBR",
        firstname="Alan",
        zip_code="M3 1AA",
        country="United Kingdom",
        additional_info="Leave with concierge",
    )
    assert o.customer.billing_address.street_2 == "Flat 2"
    (line,) = o.lines
    (refund,) = line.refunds
    assert refund.id == "R-77"
    assert refund.refund_state == "WAITING_REFUND_FUTURE_STATE"
    assert refund.amount == Decimal("5.00")
    assert refund.taxes == (dtos.Tax("VAT", Decimal("0.83")),)
    assert line.cancelations[0].id == "C-1" and line.cancelations[0].quantity == 1
    assert line.shipped_date == dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@responses.activate
def test_or11_one_bad_order_does_not_lose_the_others():
    bad = order("2-A")
    del bad["order_lines"][0]["price_unit"]
    broken_date = order("3-A", created_date="yesterday")
    page = [order("1-A"), bad, broken_date, order("4-A")]
    responses.get(f"{BASE}/api/orders", json=orders_page(page, 4))
    seen = []

    with pytest.raises(ParseErrors) as caught:
        for o in make_client().orders_list(start_update_date=dt.datetime(2026, 1, 1, tzinfo=UTC)):
            seen.append(o.order_id)

    assert seen == ["1-A", "4-A"]
    assert caught.value.ids == ["2-A", "3-A"]
    assert "2-A: price_unit is missing" in str(caught.value)
    assert "3-A: not a date: 'yesterday'" in str(caught.value)
    assert isinstance(caught.value, PermanentError)


@responses.activate
def test_or21_accept_sends_every_line_keyed_id():
    responses.put(f"{BASE}/api/orders/8817455903-A/accept", status=204)

    result = make_client().order_accept(
        "8817455903-A", decisions={"8817455903-A-1": True, "8817455903-A-2": False}
    )

    assert result is None
    assert body(responses.calls[0]) == {
        "order_lines": [
            {"id": "8817455903-A-1", "accepted": True},
            {"id": "8817455903-A-2", "accepted": False},
        ]
    }
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


def test_or21_refuses_an_empty_decision_map():
    with responses.RequestsMock() as mock, pytest.raises(PermanentError, match="no line decisions"):
        make_client().order_accept("1-A", decisions={})
    assert len(mock.calls) == 0


@responses.activate
def test_or21_error_code_is_carried():
    responses.put(
        f"{BASE}/api/orders/1-A/accept",
        status=400,
        json={
            "status": 400,
            "message": "Order is not in the expected state",
            "code": "ORDER_INVALID_STATE",
        },
    )
    with pytest.raises(PermanentError) as caught:
        make_client().order_accept("1-A", decisions={"1-A-1": True})
    assert caught.value.status == 400
    assert caught.value.code == "ORDER_INVALID_STATE"
    assert caught.value.detail == "Order is not in the expected state"
    assert len(responses.calls) == 1  # a 400 is not retried


@responses.activate
def test_or23_registered_carrier_sends_code_and_never_tracking_url():
    responses.put(f"{BASE}/api/orders/9911-A/tracking", status=204)

    make_client().order_tracking_update(
        "9911-A", carrier_code="RM", tracking_number="RM123", carrier_standard_code="royal-mail"
    )

    assert body(responses.calls[0]) == {
        "tracking_number": "RM123",
        "carrier_code": "RM",
        "carrier_standard_code": "royal-mail",
    }


@responses.activate
def test_or23_unregistered_carrier_sends_name_and_url():
    responses.put(f"{BASE}/api/orders/9911-A/tracking", status=204)

    make_client().order_tracking_update(
        "9911-A",
        carrier_name="Bike Couriers",
        carrier_url="https://bc.example/t/77",
        tracking_number="77",
    )

    sent = body(responses.calls[0])
    assert sent == {
        "tracking_number": "77",
        "carrier_name": "Bike Couriers",
        "carrier_url": "https://bc.example/t/77",
    }
    assert "tracking_url" not in sent


@responses.activate
@pytest.mark.parametrize("tracking_number", [None, ""])
def test_or23_registered_carrier_without_tracking_sends_the_code_alone(tracking_number):
    """The spec requires no OR23 field; the tracking number only for some carriers."""
    responses.put(f"{BASE}/api/orders/9911-A/tracking", status=204)

    make_client().order_tracking_update(
        "9911-A", carrier_code="RM", tracking_number=tracking_number
    )

    assert body(responses.calls[0]) == {"carrier_code": "RM"}


@responses.activate
def test_or23_unregistered_carrier_needs_only_its_name():
    """carrier_url is optional for an unregistered carrier, and so is the tracking number."""
    responses.put(f"{BASE}/api/orders/9911-A/tracking", status=204)

    make_client().order_tracking_update("9911-A", carrier_name="Bike Couriers")

    assert body(responses.calls[0]) == {"carrier_name": "Bike Couriers"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "need carrier_code or carrier_name"),
        ({"tracking_number": "1"}, "need carrier_code or carrier_name"),
        ({"carrier_url": "https://x.example/1", "tracking_number": "1"}, "need carrier_code"),
        ({"carrier_code": "", "carrier_name": "", "tracking_number": "1"}, "need carrier_code"),
        ({"carrier_code": "RM", "carrier_name": "X", "tracking_number": "1"}, "not both"),
        ({"carrier_code": "RM", "carrier_url": "https://x.example/1"}, "not both"),
    ],
)
def test_or23_fails_closed_on_incomplete_carrier_data(kwargs, message):
    with responses.RequestsMock() as mock, pytest.raises(PermanentError, match=message) as error:
        make_client().order_tracking_update("1-A", **kwargs)
    assert len(mock.calls) == 0
    assert error.value.status is None  # refused by the hub, not by the marketplace
    assert "not sent" in str(error.value)


@responses.activate
def test_or24_ship_and_or29_cancel_are_bodyless_puts():
    responses.put(f"{BASE}/api/orders/9911-A/ship", status=204)
    responses.put(f"{BASE}/api/orders/9911-B/cancel", status=204)
    client = make_client()

    client.order_ship("9911-A")
    client.order_cancel("9911-B")

    assert [(c.request.method, urlsplit(c.request.url).path) for c in responses.calls] == [
        ("PUT", "/api/orders/9911-A/ship"),
        ("PUT", "/api/orders/9911-B/cancel"),
    ]
    assert all(not c.request.body for c in responses.calls)


@responses.activate
def test_order_id_is_escaped_in_the_path():
    responses.put(f"{BASE}/api/orders/A%2FB-A/ship", status=204)
    make_client().order_ship("A/B-A")
    assert urlsplit(responses.calls[0].request.url).path == "/api/orders/A%2FB-A/ship"


@responses.activate
def test_or28_refund_body_uses_exact_decimals_and_returns_created_refunds():
    responses.put(
        f"{BASE}/api/orders/refund",
        body=load_raw("or28_response.json"),
        content_type="application/json",
    )
    request = dtos.RefundRequest(
        order_line_id="8817455903-A-1",
        amount=Decimal("12.50"),
        shipping_amount=Decimal("0.10"),
        reason_code="12",
        quantity=1,
        taxes=(dtos.TaxAmount("VAT", Decimal("2.08")),),
        shipping_taxes=(dtos.TaxAmount("VAT", Decimal("0.02")),),
    )

    created = make_client().orders_refund(refunds=[request], order_tax_mode="TAX_INCLUDED")

    raw = responses.calls[0].request.body.decode()
    assert '"amount":12.50' in raw  # a JSON number, exact, never a float or a string
    assert body(responses.calls[0]) == {
        "refunds": [
            {
                "order_line_id": "8817455903-A-1",
                "amount": Decimal("12.50"),
                "shipping_amount": Decimal("0.10"),
                "reason_code": "12",
                "taxes": [{"code": "VAT", "amount": Decimal("2.08")}],
                "shipping_taxes": [{"code": "VAT", "amount": Decimal("0.02")}],
                "quantity": 1,
            }
        ],
        "order_tax_mode": "TAX_INCLUDED",
    }
    assert [r.refund_id for r in created] == ["1101", "1102"]
    assert created[0] == dtos.RefundCreated(
        refund_id="1101",
        order_line_id="8817455903-A-1",
        order_refund_id="ORF-1",
        amount=Decimal("12.50"),
        shipping_amount=Decimal("0.10"),
        quantity=1,
        reason_code="12",
    )


def test_or28_refuses_an_empty_list():
    with pytest.raises(PermanentError, match="no refunds"):
        make_client().orders_refund(refunds=[])


@responses.activate
def test_or30_cancel_lines_body_and_result():
    responses.put(
        f"{BASE}/api/orders/cancel",
        body=load_raw("or30_response.json"),
        content_type="application/json",
    )
    request = dtos.CancelationRequest(
        order_line_id="8817455903-A-2",
        quantity=1,
        amount=Decimal("11.00"),
        shipping_amount=Decimal("0"),
        reason_code="34",
    )

    created = make_client().order_lines_cancel(cancelations=[request])

    assert body(responses.calls[0]) == {
        "cancelations": [
            {
                "order_line_id": "8817455903-A-2",
                "quantity": 1,
                "amount": Decimal("11.00"),
                "shipping_amount": Decimal("0"),
                "reason_code": "34",
                "taxes": [],
                "shipping_taxes": [],
            }
        ]
    }
    assert created == [
        dtos.CancelationCreated(
            cancelation_id="5501",
            order_line_id="8817455903-A-2",
            amount=Decimal("11.00"),
            shipping_amount=Decimal("0"),
            quantity=1,
            reason_code="34",
        )
    ]


def test_fixture_loader_reads_money_as_decimal():
    assert load("or28_response.json")["refunds"][0]["amount"] == Decimal("12.50")
