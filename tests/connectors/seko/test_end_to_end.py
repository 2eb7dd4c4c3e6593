"""The SEKO connector against the SEKO sandbox, in-process through the WSGI adapter."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses
from django.core.management import call_command

from connectors.base import PermanentError, TransientError
from connectors.sandbox.faults import clock_advance, sandbox_now
from connectors.sandbox.models import SandboxFault
from connectors.seko import SekoConnector
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox import pushes, services
from tests.connectors.seko.support import order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

BASE = "http://sandbox.test/sandbox/seko"
HUB_PUSH_URL = "https://hub.example.test/webhooks/seko/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter() -> DjangoAppAdapter:
    return DjangoAppAdapter()


@pytest.fixture
def seko(adapter) -> SekoConnector:
    services.catalogue_seed(products=6)
    return make_connector(adapter)


def make_connector(adapter, key: str = services.DEFAULT_KEY, **options) -> SekoConnector:
    session = requests.Session()
    session.mount("http://sandbox.test", adapter)
    credentials = {"api_key": key, "push_secret": services.DEFAULT_PUSH_SECRET}
    settings = {"dc_code": services.DEFAULT_DC, "integration_id": "JLHUB", **options}
    return SekoConnector(
        base_url=BASE,
        credentials=credentials,
        session=session,
        sleep=lambda s: None,
        clock=lambda: sandbox_now("seko"),
        **settings,
    )


def levels(seko: SekoConnector, skus=None) -> dict[str, int]:
    return {level.sku: level.available for level in seko.stock_read(skus)}


def test_ping_products_and_stock(seko):
    seko.ping()
    products = seko.products_read("").items
    # SK-0005 has no stock at all: SEKO omits zero rows, so a 3PL cannot list it.
    assert [p.sku for p in products] == ["SK-0001", "SK-0002", "SK-0003", "SK-0004", "SK-0006"]
    assert {p.price for p in products} == {None}
    # SK-0003 and SK-0006 also hold 2 in Quarantine: not sellable.
    assert levels(seko) == {
        "SK-0001": 10, "SK-0002": 20, "SK-0003": 30, "SK-0004": 40, "SK-0006": 60,
    }  # fmt: skip
    assert levels(seko, ["SK-0002", "SK-0005", "NOPE"]) == {"SK-0002": 20, "SK-0005": 0, "NOPE": 0}


def test_order_created_once_and_stock_follows_after_processing(seko, adapter):
    request = order_request(reference="JL-2001", skus=("SK-0001", "SK-0002"))
    first = seko.order_create(request)
    again = seko.order_create(request)
    assert first == again
    assert first.source_order_id == seko.order_guid("JL-2001")
    assert first.source_order_number == "JL-JL-2001"
    order = m.SalesOrder.objects.get()
    assert order.guid == first.source_order_id  # SEKO kept the GUID the hub gave it
    assert (order.sales_order_reference, order.status) == ("JL-2001", "Received")
    assert [(ln.product_code, ln.quantity) for ln in order.lines.all()] == [
        ("SK-0001", 1),
        ("SK-0002", 2),
    ]
    posts = [path for method, path in adapter.calls if method == "POST"]
    assert len(posts) == 1 and posts[0].startswith("/sandbox/seko/salesorders/v1/websubmit?")
    # Retrieve Stock Quantity lags about five minutes behind accepted orders.
    assert levels(seko, ["SK-0001", "SK-0002"]) == {"SK-0001": 10, "SK-0002": 20}
    clock_advance("seko", 301)
    assert levels(seko, ["SK-0001", "SK-0002"]) == {"SK-0001": 9, "SK-0002": 18}


def test_no_free_stock_rejects_the_whole_order(seko):
    services.stock_set(product_code="SK-0002", quantity=1)
    request = order_request(reference="JL-2002", skus=("SK-0001", "SK-0002"))
    with pytest.raises(PermanentError) as caught:
        seko.order_create(request)
    assert caught.value.code == "no_free_stock"
    assert caught.value.skus == ["SK-0002"]
    assert not m.SalesOrder.objects.exists()


def test_free_stock_counts_orders_not_yet_in_stock_reads(seko):
    services.stock_set(product_code="SK-0001", quantity=1)
    seko.order_create(order_request(reference="JL-A", skus=("SK-0001",)))
    assert levels(seko, ["SK-0001"]) == {"SK-0001": 1}  # still shown for ~5 minutes ...
    with pytest.raises(PermanentError) as caught:  # ... but iHub will not sell it twice
        seko.order_create(order_request(reference="JL-B", skus=("SK-0001",)))
    assert caught.value.code == "no_free_stock"


def test_dispatch_with_any_carrier_is_read_with_tracking(seko):
    ref = seko.order_create(order_request(reference="JL-3001", skus=("SK-0003",)))
    services.order_dispatch(
        order=services.order_lookup("JL-3001"),
        courier="Whistl Parcels",
        courier_service="Next Day 12:00",
        tracking_number="WH-000123",
        tracking_url="https://track.example/WH-000123",
    )
    clock_advance("seko", 60)
    page = seko.shipments_read("")
    (shipment,) = page.items
    # the poll knows the order by its GUID only; service, URL and lines come with the pushes
    assert (shipment.source_order_id, shipment.shipment_id) == (ref.source_order_id,) * 2
    assert (shipment.carrier_name, shipment.tracking_number) == ("Whistl Parcels", "WH-000123")
    assert page.has_more is False
    again = seko.shipments_read(page.next_cursor)  # the overlap re-reads: dedupe on the id
    assert [s.shipment_id for s in again.items] == [shipment.shipment_id]
    assert levels(seko, ["SK-0003"]) == {"SK-0003": 29}
    assert seko.refunds_read("").items == []  # SEKO has no refunds


def test_stock_changes_follow_adjustments_and_movements(seko):
    start = seko.stock_changes_read("")
    assert start.items == []
    clock_advance("seko", 60)
    services.stock_set(product_code="SK-0004", quantity=44, reason_code="FOUND")
    services.stock_move(
        product_code="SK-0001", quantity=3, from_location="Available Stock", to_location="QC"
    )
    clock_advance("seko", 60)
    page = seko.stock_changes_read(start.next_cursor)
    assert [(lvl.sku, lvl.available) for lvl in page.items] == [("SK-0001", 7), ("SK-0004", 44)]


def test_pushes_are_signed_and_verified_by_the_connector(seko):
    ref = seko.order_create(order_request(reference="JL-4001", skus=("SK-0001",)))
    services.order_dispatch(
        order=services.order_lookup("JL-JL-4001"), courier="DPD", tracking_number="15501234"
    )
    stored = list(m.Push.objects.all())
    assert [p.kind for p in stored] == ["TrackingDetails", "DispatchConfirmation"]
    events = [
        seko.webhook_parse({"X-Seko-Signature": p.signature}, p.body.encode()) for p in stored
    ]
    assert [e.event_id for e in events] == [
        f"{p.kind}:{p.interface_record_id}:{p.sequence_number}" for p in stored
    ]
    shipments = [seko.shipments_from_push(e)[0] for e in events]
    assert {(s.carrier_name, s.tracking_number, s.external_reference) for s in shipments} == {
        ("DPD", "15501234", "JL-4001")
    }
    assert {s.source_order_id for s in shipments} == {ref.source_order_id}  # the order's GUID
    with pytest.raises(PermanentError):
        seko.webhook_parse({"X-Seko-Signature": "0" * 64}, stored[0].body.encode())


@responses.activate
def test_push_delivery_to_the_hub_and_drop_after_three_failures(seko):
    services.push_configure(url=HUB_PUSH_URL)
    seko.order_create(order_request(reference="JL-5001", skus=("SK-0001",)))
    services.order_dispatch(
        order=services.order_lookup("JL-5001"), courier="Evri", tracking_number="H00A"
    )
    responses.post(HUB_PUSH_URL, status=200)
    responses.post(HUB_PUSH_URL, status=500)
    for _ in range(3):
        pushes.pushes_deliver()
    statuses = list(m.Push.objects.values_list("kind", "status", "attempts"))
    assert statuses == [("TrackingDetails", "delivered", 1), ("DispatchConfirmation", "dropped", 3)]
    delivered = responses.calls[0].request
    event = seko.webhook_parse(dict(delivered.headers), delivered.body)
    assert event.topic == "seko/tracking_details"
    assert len(responses.calls) == 4
    assert pushes.push_replay(m.Push.objects.first()) is False  # the hub answers 500 now
    assert responses.calls[4].request.body == delivered.body


@pytest.mark.parametrize(
    ("sandbox", "hub"),
    [
        (
            {"auth_mode": "basic", "username": "seko"},
            {"push_auth": "basic", "push_username": "seko"},
        ),
        (
            {"auth_mode": "header", "auth_header": "X-Api-Key"},
            {"push_auth": "header", "push_header": "X-Api-Key"},
        ),
    ],
    ids=["basic", "header"],
)
@responses.activate
def test_pushes_authenticate_the_way_agreed_with_seko(seko, adapter, sandbox, hub):
    services.push_configure(url=HUB_PUSH_URL, **sandbox)
    seko.order_create(order_request(reference="JL-5101", skus=("SK-0001",)))
    services.order_dispatch(
        order=services.order_lookup("JL-5101"), courier="Evri", tracking_number="H01"
    )
    responses.post(HUB_PUSH_URL, status=200)
    pushes.pushes_deliver()
    delivered = responses.calls[0].request
    assert "X-Seko-Signature" not in delivered.headers
    event = make_connector(adapter, **hub).webhook_parse(dict(delivered.headers), delivered.body)
    assert event.topic == "seko/tracking_details"
    with pytest.raises(PermanentError):
        seko.webhook_parse(dict(delivered.headers), delivered.body)  # the hub expects HMAC


def test_legacy_token_parameter_is_accepted(seko, adapter):
    make_connector(adapter, key_param="token").ping()
    assert "token=" in adapter.calls[-1][1]


def test_injected_429_is_retried_and_5xx_and_malformed_surface(seko, adapter):
    SandboxFault.objects.create(system="seko", kind="429", path_contains="stock/", remaining=1)
    assert levels(seko, ["SK-0001"]) == {"SK-0001": 10}
    assert len([c for c in adapter.calls if "stock/" in c[1]]) == 2
    SandboxFault.objects.create(system="seko", kind="500", path_contains="dispatches/")
    with pytest.raises(TransientError, match=r"\(500\): Internal server error"):
        seko.shipments_read("")
    SandboxFault.objects.create(system="seko", kind="malformed", path_contains="status")
    with pytest.raises(TransientError, match="not a SEKO response"):
        seko.order_find("JL-1")


def test_rate_limit_answers_429_with_retry_after(seko, adapter):
    services.push_configure(rate_limit_per_minute=2)
    single = make_connector(adapter, read_attempts="1")
    single.ping()
    single.ping()
    with pytest.raises(TransientError) as caught:
        single.ping()
    assert caught.value.status == 429
    assert 0 < caught.value.retry_after <= 60


def test_query_longer_than_2048_is_refused_like_iis(seko, adapter):
    client = adapter.client
    codes = ",".join(f"SKU{index:06d}" for index in range(220))
    response = client.get(
        "/sandbox/seko/stock/v1/product",
        {"ProductCodes": codes, "dc": "DC01", "api_key": services.DEFAULT_KEY},
    )
    assert response.status_code == 404
    assert b"404.15" in response.content
    # ... and the connector never gets there: 220 codes go in two calls.
    assert len(levels(seko, codes.split(","))) == 220


def test_websubmit_refusals_use_call_status(seko, adapter):
    url = f"/sandbox/seko/salesorders/v1/websubmit?api_key={services.DEFAULT_KEY}"
    response = adapter.client.post(url, data=b"nonsense", content_type="application/json")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["Response"]["CallStatus"]["Success"] is False
    assert body["Response"]["CallStatus"]["Message"].startswith("Cannot process json")


def test_single_item_lists_are_objects_and_several_are_arrays(seko, adapter):
    key = services.DEFAULT_KEY
    url = f"/sandbox/seko/stock/v1/product?ProductCodes=SK-0001&dc=DC01&api_key={key}"
    one = json.loads(adapter.client.get(url).content)["Response"]["List"]["StockQuantityLineItem"]
    assert isinstance(one, dict) and one["ProductCode"] == "SK-0001"
    url = url.replace("SK-0001", "SK-0001~SK-0002")
    two = json.loads(adapter.client.get(url).content)["Response"]["List"]["StockQuantityLineItem"]
    assert [row["ProductCode"] for row in two] == ["SK-0001", "SK-0002"]


def test_control_command(seko, capsys):
    call_command("seko_sandbox", "seed", "--products", "3")
    seko.order_create(order_request(reference="JL-6001", skus=("SK-0001",)))
    call_command("seko_sandbox", "stock", "SK-0002", "5", "--reason", "DAMAGED")
    call_command("seko_sandbox", "move", "SK-0003", "4", "--to", "Quarantine")
    call_command(
        "seko_sandbox", "dispatch", "JL-6001", "--courier", "Parcelforce", "--service",
        "express48", "--tracking", "PF1",
    )  # fmt: skip
    call_command("seko_sandbox", "orders")
    call_command("seko_sandbox", "pushes")
    out = capsys.readouterr().out
    assert "JL-JL-6001 ref=JL-6001 DC01 Dispatched [SK-0001 x1]" in out
    assert "#1 TrackingDetails pending attempts=0" in out
    dispatch = m.Dispatch.objects.get()
    assert (dispatch.courier, dispatch.courier_service, dispatch.tracking_number) == (
        "Parcelforce",
        "express48",
        "PF1",
    )
    event = m.StockEvent.objects.filter(kind="adjustment").get()
    assert (event.adjustment_type, event.reason_code, event.quantity) == ("Decrease", "DAMAGED", 15)
    assert dt.datetime.now(dt.UTC) - event.at < dt.timedelta(minutes=1)
