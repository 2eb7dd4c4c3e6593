"""OR11 offset pagination, filters and the start_update_date safety delta."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.sandbox.faults import sandbox_now
from tests.support.wsgi_adapter import DjangoAppAdapter

from .conftest import API_KEY
from .spec import error_conforms

pytestmark = pytest.mark.django_db


def _links(response) -> dict[str, dict]:
    links = {}
    for part in response["Link"].split(", "):
        url, rel = part.split("; ")
        query = parse_qs(urlsplit(url.strip("<>")).query)
        links[rel.removeprefix('rel="').rstrip('"')] = {k: v[0] for k, v in query.items()}
    return links


def test_default_page_is_ten_with_total_count_and_next_link(api, make_orders):
    make_orders(25)
    first = api.get("/api/orders")
    body = first.json()
    assert (len(body["orders"]), body["total_count"]) == (10, 25)
    assert _links(first) == {"next": {"offset": "10", "max": "10"}}
    middle = api.get(
        "/api/orders", {"offset": 10, "max": 10, "order_state_codes": "WAITING_ACCEPTANCE"}
    )
    assert set(_links(middle)) == {"previous", "next"}
    assert _links(middle)["next"]["order_state_codes"] == "WAITING_ACCEPTANCE"
    last = api.get("/api/orders", {"offset": 20})
    assert len(last.json()["orders"]) == 5
    assert _links(last) == {"previous": {"offset": "10", "max": "10"}}


def test_max_goes_up_to_100_and_paginate_false_returns_everything(api, make_orders):
    make_orders(105)
    assert len(api.get("/api/orders", {"max": 100}).json()["orders"]) == 100
    everything = api.get("/api/orders", {"paginate": "false", "max": 5})
    assert len(everything.json()["orders"]) == 105
    assert "Link" not in everything


def test_pages_are_sorted_by_creation_date(api, make_orders):
    make_orders(12)
    ids = [o["order_id"] for o in api.get("/api/orders", {"paginate": "false"}).json()["orders"]]
    expected = list(
        SandboxOrder.objects.order_by("created_at", "order_id").values_list("order_id", flat=True)
    )
    assert ids == expected
    descending = api.get("/api/orders", {"paginate": "false", "order": "desc"}).json()["orders"]
    assert [o["order_id"] for o in descending] == expected[::-1]


def test_more_than_100_order_ids_is_a_400(api, make_orders):
    ids = ",".join(f"{n:010d}-A" for n in range(101))
    response = api.get("/api/orders", {"order_ids": ids})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "message": "The limit of 100 is exceeded for the parameter : order_ids",
    }
    assert api.get("/api/orders", {"order_ids": ids.rsplit(",", 1)[0]}).status_code == 200


def test_filters_by_ids_and_states(api, make_orders):
    orders = make_orders(3)
    ids = f"{orders[0].order_id},{orders[2].order_id}"
    found = api.get("/api/orders", {"order_ids": ids}).json()
    assert {o["order_id"] for o in found["orders"]} == {orders[0].order_id, orders[2].order_id}
    assert found["total_count"] == 2
    shipped = api.get("/api/orders", {"order_state_codes": "SHIPPED,CLOSED"}).json()
    assert shipped["total_count"] == 0
    assert api.get("/api/orders", {"order_state_codes": "BOGUS"}).status_code == 400
    assert api.get("/api/orders", {"start_date": "not-a-date"}).status_code == 400


def test_start_update_date_overlaps_by_a_safety_delta(api, make_orders):
    order = make_orders(1)[0]
    updated = order.updated_at

    def found(since: dt.datetime) -> int:
        params = {"start_update_date": since.isoformat().replace("+00:00", "Z")}
        return api.get("/api/orders", params).json()["total_count"]

    assert found(updated + dt.timedelta(seconds=90)) == 1
    assert found(updated + dt.timedelta(minutes=5)) == 0
    assert found(updated - dt.timedelta(minutes=1)) == 1


def test_creation_date_window(api, make_orders):
    make_orders(2)
    now = sandbox_now("mirakl")
    params = {
        "start_date": (now - dt.timedelta(hours=1)).isoformat(),
        "end_date": (now + dt.timedelta(hours=1)).isoformat(),
    }
    assert api.get("/api/orders", params).json()["total_count"] == 2
    params["start_date"] = (now + dt.timedelta(minutes=30)).isoformat()
    assert api.get("/api/orders", params).json()["total_count"] == 0


def test_a_requests_client_can_follow_the_link_header_to_the_end(shop, make_orders):
    make_orders(23)
    session = requests.Session()
    adapter = DjangoAppAdapter()
    session.mount("http://testserver", adapter)
    url = "http://testserver/sandbox/mirakl/api/orders?max=10"
    seen = []
    while url:
        response = session.get(url, headers={"Authorization": API_KEY}, timeout=5)
        assert response.status_code == 200
        seen += [o["order_id"] for o in response.json()["orders"]]
        url = response.links.get("next", {}).get("url")
    assert len(seen) == len(set(seen)) == 23
    assert len(adapter.calls) == 3


@pytest.mark.parametrize(
    ("path", "name", "maximum"),
    [
        ("/api/orders", "max", 100),
        ("/api/offers", "max", 100),
        ("/api/invoices", "max", 100),
        ("/api/sellerpayment/transactions_logs", "limit", 2000),
        ("/api/seller-billing-cycles", "limit", 1000),
        ("/api/returns", "limit", 100),
        ("/api/offers/pricing/imports", "limit", 100),
    ],
)
def test_a_page_size_above_the_maximum_is_a_400_not_clamped(api, path, name, maximum):
    assert api.get(path, {name: maximum}).status_code == 200
    too_big = api.get(path, {name: maximum + 1})
    error_conforms(too_big, 400)
    message = too_big.json()["message"]
    assert name in message and str(maximum) in message
