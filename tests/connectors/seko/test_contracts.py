"""Cited SEKO examples (tests/contracts/seko/): the connector produces and parses them, the
sandbox accepts and answers them. Each file names its source in ``_source``."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
import responses

from connectors.base import PermanentError, SourceReturnLine, SourceReturnRequest
from connectors.seko.returns import receipt_body, receipts_of
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox import services
from tests.connectors.seko.support import BASE, KEY, PUSH_SECRET, connector, order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "seko"
API = "/sandbox/seko"
SOURCES = ("gem seko 0.0.10 ", "https://seko.atlassian.net/", "https://bigdigit.atlassian.net/")


def example(name: str):
    return json.loads((CONTRACTS / name).read_text())["value"]


def skeleton(value, prefix: str = "") -> set[str]:
    """Every key path of a JSON value; list items share one path (``a[].b``)."""
    if isinstance(value, dict):
        paths = set()
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | skeleton(inner, path)
        return paths
    if isinstance(value, list):
        return set().union(*(skeleton(item, f"{prefix}[]") for item in value)) if value else set()
    return set()


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.json")), ids=lambda p: p.name)
def test_every_example_cites_where_it_comes_from(path):
    assert json.loads(path.read_text())["_source"].startswith(SOURCES)


# --- orders: websubmit, status, tracking ------------------------------------------------------

WEB = "Request.WebSalesOrder"
NOT_SENT = {"Request.DeliveryDetails.County", f"{WEB}.CourierName", f"{WEB}.CourierService"}
ADDED = {f"{WEB}.GUID", f"{WEB}.SalesOrderReference"}  # documented on the v4 / fields pages


def test_the_websubmit_body_has_the_documented_structure():
    documented = skeleton(example("order_websubmit_request.json"))
    ours = skeleton(_submitted_body())
    assert ours == (documented - NOT_SENT) | ADDED


@responses.activate
def _submitted_body() -> dict:
    seko = connector()
    guid = seko.order_guid("JL-1001")
    status = f"{BASE}/salesorders/v1/{guid}/status"
    missing = {"Success": False, "Code": 100, "Message": "Sales Order does not exist."}
    responses.get(status, json={"Response": {"CallStatus": missing}})
    submitted = {"Response": {"CallStatus": {"Success": True, "Code": 0}, "GUID": guid}}
    responses.post(f"{BASE}/salesorders/v1/websubmit", json=submitted)
    seko.order_create(order_request())
    return json.loads(responses.calls[1].request.body)


@responses.activate
def test_the_connector_reads_the_documented_status_answer(caplog):
    """The documented answer carries another GUID than ours: the order stays stored under ours,
    the one every look-up and push uses (before, it was stored under SEKO's, which no push
    names and no look-up finds, so a repeated create submitted it again)."""
    seko = connector()
    answer = example("order_status_response.json")
    ours = seko.order_guid("JL-1001")
    responses.get(f"{BASE}/salesorders/v1/{ours}/status", json=answer)
    ref = seko.order_find("JL-1001")
    assert ref.source_order_id == ours != answer["Response"]["GUID"]
    assert f"answered GUID {answer['Response']['GUID']} for our {ours}" in caplog.text


@pytest.mark.parametrize(
    ("name", "carrier", "number"),
    [
        ("order_tracking_response.json", "DHL", "12345699000838L"),
        ("order_tracking_response_empty.json", "", ""),
    ],
)
@responses.activate
def test_the_connector_reads_the_documented_dispatch_list_and_tracking(name, carrier, number):
    tracking = example(name)
    guids = [item["GUID"] for item in dispatch_items()]
    window = "2026-11-15T12:00:00Z/2026-11-22T12:00:00Z"
    responses.get(f"{BASE}/dispatches/v1/status/{window}", json=example(DISPATCHES))
    for guid in guids:
        responses.get(f"{BASE}/salesorders/v1/{guid}/tracking", json=tracking)
    shipments = connector().shipments_read("").items
    assert [s.source_order_id for s in shipments] == guids
    assert {(s.carrier_name, s.tracking_number) for s in shipments} == {(carrier, number)}


DISPATCHES = "dispatch_statuses_response.json"


def dispatch_items() -> list[dict]:
    return example(DISPATCHES)["Response"]["List"]["DispatchLineItem"]


def test_the_documented_refusal_text_is_no_free_stock_naming_the_product():
    message = example("websubmit_no_free_stock_message.json")
    refusal = PermanentError(message, detail=message, code="no_free_stock")
    error = connector()._no_free_stock(refusal, order_request())
    assert (error.code, error.skus) == ("no_free_stock", ["5963405"])


@pytest.mark.django_db
def test_the_sandbox_accepts_the_documented_websubmit_and_answers_documented_shapes():
    client = DjangoAppAdapter().client
    documented = example("order_websubmit_request.json")
    line = documented["Request"]["List"]["SalesOrderLineItem"][0]
    product = m.Product.objects.create(product_code=str(line["ProductCode"]))
    m.StockRow.objects.create(product=product, dc_code="DC123", quantity=10)
    services.api_key_create(name="hub", key="k")
    answer = post(client, "salesorders/v1/websubmit", documented)
    guid = answer["Response"]["GUID"]
    assert answer["Response"]["CallStatus"]["Success"] is True

    status = get(client, f"salesorders/v1/{guid}/status")
    tracking = get(client, f"salesorders/v1/{guid}/tracking")
    assert skeleton(status) == skeleton(example("order_status_response.json"))
    assert status["Response"]["Status"] == "To Be Picked"
    assert skeleton(tracking) == skeleton(example("order_tracking_response_empty.json"))
    assert tracking["Response"]["Courier"] == {}

    order = services.order_by_guid(guid)
    services.order_dispatch(order=order, courier="DHL", tracking_number="12345699000838L")
    dispatched = get(client, "dispatches/v1/status/2000-01-01T00:00:00Z/2100-01-01T00:00:00Z")
    assert dispatched["Response"]["List"]["DispatchLineItem"] == {"DCCode": "DC123", "GUID": guid}
    assert skeleton(get(client, f"salesorders/v1/{guid}/tracking")) == skeleton(
        example("order_tracking_response.json")
    )


@pytest.mark.django_db
def test_the_sandbox_refuses_an_order_without_free_stock_in_the_documented_words():
    client = DjangoAppAdapter().client
    services.catalogue_seed(products=5)
    services.api_key_create(name="hub", key="k")
    body = example("order_websubmit_request.json")
    body["Request"]["SalesOrderHeader"]["DCCode"] = services.DEFAULT_DC
    body["Request"]["List"]["SalesOrderLineItem"][0]["ProductCode"] = "SK-0005"  # no stock
    message = post(client, "salesorders/v1/websubmit", body)["Response"]["CallStatus"]["Message"]
    assert (
        message == "Error Submitting SalesOrder: 123456 - Error. Product SK-0005 has no free stock."
    )


# --- echo ---------------------------------------------------------------------------------------


@responses.activate
def test_the_connector_pings_with_echo_and_the_sandbox_echoes_the_documented_body(db):
    responses.get(f"{BASE}/echo/v1/jlhub-ping", json={"msg": "jlhub-ping"})
    connector().ping()
    assert responses.calls[0].request.url == f"{BASE}/echo/v1/jlhub-ping?api_key={KEY}"
    services.api_key_create(name="hub", key="k")
    assert get(DjangoAppAdapter().client, "echo/v1/hello") == example("echo_response.json")


# --- returns: Load Receipts and the GRN -----------------------------------------------------------


def test_the_return_asn_has_the_documented_structure():
    request = SourceReturnRequest(
        reference="r1",
        external_reference="JL-1",
        source_order_id="g",
        lines=[SourceReturnLine(sku="100083", quantity=10), SourceReturnLine("100076", 15)],
        rma="RMA123456789",
    )
    ours = receipt_body(request, "RT-r1", dc_code="DC123", supplier="Supplier1")
    assert skeleton(ours) == skeleton(example("receipt_submit_request.json"))
    assert ours["Request"]["Receipt"]["IsReturn"] is True


@pytest.mark.django_db
def test_the_sandbox_accepts_the_documented_receipt():
    client = DjangoAppAdapter().client
    documented = example("receipt_submit_request.json")
    for line in documented["Request"]["List"]["ReceiptLineItem"]:
        product = m.Product.objects.create(product_code=str(line["ProductCode"]))
        m.StockRow.objects.create(product=product, dc_code="DC123", quantity=1)
    services.api_key_create(name="hub", key="k")
    answer = post(client, "receipts/v1/submit", documented)
    assert answer["Response"]["CallStatus"]["Success"] is True
    receipt = m.Receipt.objects.get()
    assert (receipt.asn_number, receipt.receipt_type) == ("123456", "Return")
    again = post(client, "receipts/v1/submit", documented)  # "ASN number must be unique"
    assert "already exists" in again["Response"]["CallStatus"]["Message"]


def test_the_connector_matches_a_grn_by_delivery_number_and_sums_the_lots():
    (receipt,) = receipts_of([example("grn_fields.json")], fallback=connector().clock())
    assert receipt.source_return_id == "RT-5f0c-return-1"
    assert [(line.sku, line.received, line.sellable) for line in receipt.lines] == [
        ("SK-0001", 2, None)
    ]


# --- pushes ---------------------------------------------------------------------------------------


def test_the_connector_parses_the_documented_tracking_push():
    body = json.dumps(example("push_tracking_details.json")).encode()
    signature = hmac.new(PUSH_SECRET.encode(), body, hashlib.sha256).hexdigest()
    event = connector().webhook_parse({"X-Seko-Signature": signature}, body)
    assert event.topic == "seko/tracking_details"
    assert event.event_id == "TrackingDetails:InterfaceRecordId:SequenceNumber"
    (shipment,) = connector().shipments_from_push(event)
    assert (shipment.external_reference, shipment.tracking_number) == (
        "SalesOrderReference",
        "TrackingNumber",
    )


@pytest.mark.django_db
def test_the_sandbox_pushes_tracking_details_in_the_documented_shape():
    services.catalogue_seed(products=2)
    order = m.SalesOrder.objects.create(
        guid="g-1", sales_order_number="SO1", dc_code="DC01", created_at=services.now()
    )
    services.order_dispatch(order=order, courier="DHL", tracking_number="T1")
    push = m.Push.objects.get(kind="TrackingDetails")
    assert skeleton(json.loads(push.body)) == skeleton(example("push_tracking_details.json"))


# --- helpers --------------------------------------------------------------------------------------


def get(client, path: str) -> dict:
    return json.loads(client.get(f"{API}/{path}?api_key=k", HTTP_ACCEPT="application/json").content)


def post(client, path: str, body: dict) -> dict:
    url = f"{API}/{path}?api_key=k"
    return json.loads(
        client.post(url, data=json.dumps(body), content_type="application/json").content
    )
