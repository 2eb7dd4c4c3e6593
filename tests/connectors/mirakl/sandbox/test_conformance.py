"""Every implemented operation answers with a status and a body the official spec allows."""

from __future__ import annotations

import pytest

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxImport

from .conftest import shipped_order
from .spec import assert_conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shop, make_orders):
    """Orders in every state, a refund, a cancellation, a paid cycle, a return, imports."""
    make_orders(2)
    order = shipped_order(shop)
    services.order_refund_portal(order, line_id=f"{order.order_id}-1", amount=1, shipping_amount=0)
    services.billing_cycle_close(shop=shop)
    services.return_create(order)
    services.order_receive(order)
    cancelled = make_orders(1, seed=99)[0]
    services.order_accept(
        cancelled, [{"id": x.line_id, "accepted": True} for x in cancelled.lines.all()]
    )
    services.order_debit(cancelled)
    services.order_cancel(cancelled)
    return {"order": order}


@pytest.mark.parametrize(
    ("code", "path", "params"),
    [
        ("A01", "/api/account", {}),
        ("PC01", "/api/platform/configuration", {}),
        ("SH21", "/api/shipping/carriers", {}),
        ("SH12", "/api/shipping/types", {}),
        ("RE01", "/api/reasons", {}),
        ("OR11", "/api/orders", {"max": 100}),
        ("OF21", "/api/offers", {}),
        ("TL02", "/api/sellerpayment/transactions_logs", {"limit": 2000}),
        ("SBC11", "/api/seller-billing-cycles", {}),
        ("IV01", "/api/invoices", {}),
        ("RT11", "/api/returns", {}),
        ("PRI02", "/api/offers/pricing/imports", {}),
    ],
)
def test_read_operations_conform(api, world, code, path, params):
    response = api.get(path, params)
    assert response.status_code == 200
    assert_conforms(code, response)


def test_or11_covers_every_state_it_renders(api, world):
    states = {o["order_state"] for o in api.get("/api/orders", {"max": 100}).json()["orders"]}
    assert {"WAITING_ACCEPTANCE", "RECEIVED", "CANCELED"} <= states


def test_order_writes_conform(api, shop, make_orders):
    order = make_orders(1)[0]
    lines = [{"id": line.line_id, "accepted": True} for line in order.lines.all()]
    response = api.put(f"/api/orders/{order.order_id}/accept", {"order_lines": lines})
    assert response.status_code == 204
    assert_conforms("OR21", response)
    services.orders_debit(shop=shop)
    response = api.put(
        f"/api/orders/{order.order_id}/tracking",
        {"carrier_code": "DPD", "tracking_number": "1550000000"},
    )
    assert_conforms("OR23", response)
    response = api.put(f"/api/orders/{order.order_id}/ship")
    assert response.status_code == 204
    assert_conforms("OR24", response)
    refund = {
        "order_line_id": f"{order.order_id}-1",
        "amount": 5,
        "shipping_amount": 0,
        "reason_code": "13",
        "quantity": 1,
    }
    response = api.put("/api/orders/refund", {"refunds": [refund]})
    assert response.status_code == 200
    assert_conforms("OR28", response)


def test_cancel_operations_conform(api, shop, make_orders):
    first, second = make_orders(2)
    for order in (first, second):
        services.order_accept(
            order, [{"id": x.line_id, "accepted": True} for x in order.lines.all()]
        )
    services.orders_debit(shop=shop)
    response = api.put(f"/api/orders/{first.order_id}/cancel")
    assert response.status_code == 204
    assert_conforms("OR29", response)
    line = second.lines.first()
    body = {
        "cancelations": [
            {
                "order_line_id": line.line_id,
                "quantity": 1,
                "amount": 1,
                "shipping_amount": 0,
                "reason_code": "20",
            }
        ]
    }
    response = api.put("/api/orders/cancel", body)
    assert response.status_code == 200
    assert_conforms("OR30", response)


def test_stock_import_operations_conform(api, shop):
    response = api.upload(
        "/api/offers/stock/imports",
        '"offer-sku";"quantity"\n"NOPE";"3"\n"JL-SHIRT-OXF-BLU-M";"4"\n',
    )
    assert response.status_code == 201
    assert_conforms("STO01", response)
    import_id = response.json()["import_id"]
    for _ in range(3):
        status = api.get(f"/api/offers/stock/imports/{import_id}/status")
        assert_conforms("STO02", status)
    report = api.get(f"/api/offers/stock/imports/{import_id}/error_report")
    assert report.status_code == 200
    assert_conforms("STO03", report)


def test_price_import_operations_conform(api, shop):
    response = api.upload(
        "/api/offers/pricing/imports",
        '"offer-sku";"price"\n"NOPE";"3.00"\n"JL-SHIRT-OXF-BLU-M";"41.00"\n',
    )
    assert response.status_code == 201
    assert_conforms("PRI01", response)
    import_id = response.json()["import_id"]
    listing = api.get("/api/offers/pricing/imports", {"import_id": import_id})
    assert_conforms("PRI02", listing)
    SandboxImport.objects.filter(import_id=import_id).update(polls=5)
    api.get("/api/offers/pricing/imports", {"import_id": import_id})
    report = api.get(f"/api/offers/pricing/imports/{import_id}/error_report")
    assert report.status_code == 200
    assert_conforms("PRI03", report)


def test_offer_export_operations_conform(api, shop):
    response = api.post_json("/api/offers/export/async", {"export_type": "application/json"})
    assert response.status_code == 200
    assert_conforms("OF52", response)
    tracking_id = response.json()["tracking_id"]
    assert api.get(f"/api/offers/export/async/status/{tracking_id}").json()["status"] == "PENDING"
    status = api.get(f"/api/offers/export/async/status/{tracking_id}")
    assert_conforms("OF53", status)
    url = status.json()["urls"][0]
    chunk = api.client.get(url, headers={"Authorization": api.api_key})
    assert chunk.status_code == 200
    assert_conforms("OF54", chunk)
    assert {row["shop_sku"] for row in chunk.json()} >= {"JL-SHIRT-OXF-BLU-M"}


def test_return_writes_conform(api, shop):
    order = shipped_order(shop)
    item = services.return_create(order)
    for code, action, extra in (
        ("RT21", "accept", {"accepted": True}),
        ("RT25", "receive", {}),
        ("RT27", "close", {}),
    ):
        response = api.put(f"/api/returns/{action}", {"returns": [{"id": item.return_id, **extra}]})
        assert response.status_code == 200
        assert_conforms(code, response)
        assert response.json()["return_success"] == [{"id": item.return_id}]


def test_validator_catches_a_wrong_shape(api, world):
    """The check is not vacuous: a body missing a required key fails."""
    response = api.get("/api/shipping/carriers")
    response.content = b'{"carriers": [{"label": "No code"}]}'
    with pytest.raises(Exception, match="'code' is a required property"):
        assert_conforms("SH21", response)


CONFORMANCE_COVERED = {
    "A01",
    "PC01",
    "SH21",
    "SH12",
    "RE01",
    "OR11",
    "OR21",
    "OR23",
    "OR24",
    "OR28",
    "OR29",
    "OR30",
    "STO01",
    "STO02",
    "STO03",
    "PRI01",
    "PRI02",
    "PRI03",
    "OF21",
    "OF52",
    "OF53",
    "OF54",
    "TL02",
    "IV01",
    "SBC11",
    "RT11",
    "RT21",
    "RT25",
    "RT27",
    "H11",
    "PM11",
    "VL11",
    "P41",
    "P42",
    "P44",
    "P45",
    "P47",
    "OF01",
    "OF02",
    "OF03",
}


def test_catalogue_operations_conform(api, shop):
    from .catalogue_helpers import SHIRT, csv_text, ean, upload

    for code, path in (
        ("H11", "/api/hierarchies"),
        ("PM11", "/api/products/attributes"),
        ("VL11", "/api/values_lists"),
    ):
        assert_conforms(code, api.get(path, {"all_operator_attributes": "true"}))
    rows = [
        SHIRT,
        {**SHIRT, "shop_sku": "SB-BAD-STRUCTURE", "colour": "", "ean": ean("501234500099")},
        {**SHIRT, "shop_sku": "SB-BAD-BRAND", "brand": "FakeBrand", "ean": ean("501234500098")},
    ]
    created = upload(api, "/api/products/imports", csv_text(*rows))
    assert_conforms("P41", created)
    products = f"/api/products/imports/{created.json()['import_id']}"
    for _ in range(4):
        assert_conforms("P42", api.get(products))
    for code, report in (
        ("P44", "error_report"),
        ("P45", "new_product_report"),
        ("P47", "transformation_error_report"),
    ):
        response = api.get(f"{products}/{report}")
        assert response.status_code == 200
        assert_conforms(code, response)
    offer = {"product-id-type": "SHOP_SKU", "price": "45.00", "quantity": "1", "state": "11"}
    lines = [
        {"sku": SHIRT["shop_sku"], "product-id": SHIRT["shop_sku"], **offer},
        {"sku": "NO-PRODUCT", "product-id": "NO-PRODUCT", **offer},
    ]
    created = upload(api, "/api/offers/imports", csv_text(*lines), import_mode="NORMAL")
    assert_conforms("OF01", created)
    offers = f"/api/offers/imports/{created.json()['import_id']}"
    for _ in range(3):
        assert_conforms("OF02", api.get(offers))
    report = api.get(f"{offers}/error_report")
    assert report.status_code == 200
    assert_conforms("OF03", report)


def _routes() -> list[tuple[str, str, str]]:
    """(operation code, HTTP method, OpenAPI-style path) for every sandbox URL."""
    import re

    from connectors.mirakl.sandbox.urls import urlpatterns

    found = []
    for pattern in urlpatterns:
        if not hasattr(pattern.callback, "handlers"):
            continue  # the catch-all JSON 404
        path = "/" + re.sub(r"<\w+:(\w+)>", r"{\1}", str(pattern.pattern))
        for method, handler in pattern.callback.handlers.items():
            found.append((handler.operation, method.lower(), path))
    return found


def test_every_route_is_covered_by_a_conformance_test():
    assert {code for code, _, _ in _routes()} == CONFORMANCE_COVERED


def test_every_route_uses_the_spec_path_and_method():
    from .spec import operations

    for code, method, path in _routes():
        if code == "OF54":  # the spec's path is a placeholder for the URL OF53 returns
            continue
        spec_operation = operations()[code]
        assert (method, path) == (spec_operation["_method"], spec_operation["_path"]), code


def test_offers_with_channel_and_discount_prices_conform(api, shop):
    """OF21 and OF54 with a channel price listed before a discounted default price."""
    header = '"offer-sku";"price";"discount-price";"discount-start-date";"discount-end-date";'
    csv_text = (
        header + '"channels"\n"JL-SHIRT-OXF-BLU-M";"49.00";"";"";"";"JL-UK"\n'
        '"JL-SHIRT-OXF-BLU-M";"45.00";"39.00";"2026-01-01T00:00:00Z";"2099-01-01T00:00:00Z";""\n'
    )
    import_id = api.upload("/api/offers/pricing/imports", csv_text).json()["import_id"]
    SandboxImport.objects.filter(import_id=import_id).update(polls=5)
    api.get("/api/offers/pricing/imports", {"import_id": import_id})
    assert_conforms("OF21", api.get("/api/offers", {"sku": "JL-SHIRT-OXF-BLU-M"}))
    export = api.post_json("/api/offers/export/async", {"export_type": "application/json"})
    tracking_id = export.json()["tracking_id"]
    api.get(f"/api/offers/export/async/status/{tracking_id}")
    url = api.get(f"/api/offers/export/async/status/{tracking_id}").json()["urls"][0]
    chunk = api.client.get(url, headers={"Authorization": api.api_key})
    assert_conforms("OF54", chunk)
    row = next(r for r in chunk.json() if r["shop_sku"] == "JL-SHIRT-OXF-BLU-M")
    assert [("context" in p, p["origin_price"]) for p in row["prices"]] == [
        (True, 49.0),
        (False, 45.0),
    ]


def test_return_writes_with_errors_conform(api, shop):
    order = shipped_order(shop)
    item = services.return_create(order)
    body = {"returns": [{"id": item.return_id, "accepted": True}, {"id": "nope", "accepted": True}]}
    response = api.put("/api/returns/accept", body)
    assert response.status_code == 200
    assert_conforms("RT21", response)
    assert response.json()["return_errors"]
