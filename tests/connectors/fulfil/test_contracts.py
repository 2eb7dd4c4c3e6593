"""Cited Fulfil examples (tests/contracts/fulfil/): the connector produces and parses them,
the sandbox accepts and answers them. Each file names its source in ``_source``."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from connectors.base import PermanentError
from connectors.fulfil import mapping
from connectors.fulfil.http import json_dumps, json_loads
from connectors.fulfil.sandbox import models as m
from connectors.fulfil.sandbox import services
from tests.connectors.fulfil.conftest import (
    CONTEXT,
    RPC,
    V2,
    body_of,
    content_none,
    make,
    order_request,
)

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "fulfil"
SANDBOX = "/sandbox/fulfil/api"
SOURCES = (
    "fulfilio/fulfil-python-api@42eaaf2",
    "PyPI fulfil-client 3.2.0",
    "PyPI fulfil-cli",
    "https://fulfil-3pl-integration-api.readme.io/",
)


def example(name: str, part: str = "value"):
    return json.loads((CONTRACTS / name).read_text())[part]


def query_of(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def path_of(call) -> str:
    return urlsplit(call.request.url).path


def kinds(record: dict) -> dict[str, str]:
    """Field -> JSON kind (``__class__`` name for encoded values), to compare structures."""
    return {
        key: value.get("__class__", "object") if isinstance(value, dict) else type(value).__name__
        for key, value in record.items()
    }


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.json")), ids=lambda p: p.name)
def test_every_example_cites_where_it_comes_from(path):
    source = json.loads(path.read_text())["_source"]
    assert any(name in source for name in SOURCES)


# --- the connector produces the documented requests and parses the documented answers ---------


def test_the_connector_encodes_dates_and_decimals_as_the_official_client():
    documented = example("serialization_iso_string.json")
    assert json.loads(json_dumps(dt.date(2026, 11, 22))) == documented["date"]
    stamp = dt.datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=dt.UTC)
    assert json.loads(json_dumps(stamp)) == documented["datetime"]
    assert json.loads(json_dumps(Decimal("12.50"))) == documented["decimal"]


@pytest.mark.parametrize("name", ["serialization_iso_string.json", "serialization_parts.json"])
def test_the_connector_reads_both_documented_date_forms(name):
    decoded = json_loads(json.dumps(example(name)))
    assert decoded["date"] == dt.date(2026, 11, 22)
    assert decoded["datetime"] == dt.datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=dt.UTC)


def test_the_connector_fetches_and_sends_the_user_context(mocked):
    documented = example("user_context_request.json")
    prefs = mocked.put(f"{V2}/res.user/get_preferences", json=CONTEXT)
    lookup = mocked.put(f"{V2}/sale.sale/search_read", json=[])
    make(user_context="").order_find("JL-1001")
    call = prefs.calls[0]
    assert (call.request.method, path_of(call)) == (documented["method"], documented["path"])
    assert body_of(call) == documented["body"]
    assert {k: json.loads(v[0]) for k, v in query_of(call).items()} == documented["query"]
    later = query_of(lookup.calls[0])
    assert set(later) == set(documented["later_calls_query"])
    assert json.loads(later["context"][0]) == CONTEXT


def test_the_warehouse_list_uses_the_documented_parameters(mocked):
    documented = example("warehouses_find_request.json")
    call = mocked.get(f"{V2}/stock.location", json=[{"id": 3, "name": "WH"}, {"id": 4}])
    make().ping()
    sent = query_of(call.calls[0])
    assert path_of(call.calls[0]) == documented["path"]
    assert set(sent) <= set(documented["query"])
    assert json.loads(sent["filter"][0]) == documented["query"]["filter"]


def order_calls(mocked) -> dict:
    mocked.put(f"{V2}/sale.sale/search_read", json=[])
    mocked.put(f"{V2}/product.product/search_read", json=[{"id": 11, "code": "SKU-1"}])
    mocked.put(f"{V2}/country.country/search_read", json=[{"id": 44}])
    calls = {
        "address": mocked.put(f"{V2}/party.address/create", json=[301]),
        "phone": mocked.put(f"{V2}/party.contact_mechanism/create", json=[401]),
        "sale": mocked.put(f"{V2}/sale.sale/create", json=example("sale_create_response.json")),
        "quote": mocked.put(f"{V2}/sale.sale/quote", json=None),
        "confirm": mocked.put(f"{V2}/sale.sale/confirm", json=None),
    }
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 55, "number": "SO55"}])
    make(invoice_address_id="8").order_create(order_request())
    return {name: body_of(call.calls[0]) for name, call in calls.items()}


def test_the_order_requests_match_the_documented_ones(mocked):
    sent = order_calls(mocked)
    (address,) = sent["address"][0]
    (documented_address,) = example("address_create_request.json")[0]
    assert "street_bis" in address and "phone" not in address
    assert kinds(address).items() <= kinds(documented_address).items()
    assert kinds(sent["phone"][0][0]) == kinds(
        example("contact_mechanism_create_request.json")[0][0]
    )
    (sale,) = sent["sale"][0]
    (documented_sale,) = example("sale_create_request.json")[0]
    hub_additions = {"comment", "channel"}  # go-live questions Q9 and the channel option
    assert set(documented_sale) <= set(sale) <= set(documented_sale) | hub_additions
    assert {k: v for k, v in kinds(sale).items() if k in documented_sale} == kinds(documented_sale)
    assert sale["sale_date"] == {"__class__": "date", "iso_string": "2026-11-22"}
    (action, lines), (documented_action, documented_lines) = (
        sale["lines"][0],
        documented_sale["lines"][0],
    )
    assert action == documented_action == "create"
    assert kinds(lines[0]).items() <= kinds(documented_lines[0]).items()
    steps = example("sale_quote_confirm_request.json")
    assert (sent["quote"], sent["confirm"]) == (steps["quote"], steps["confirm"])


def test_the_documented_inventory_answer_is_summed_over_the_warehouses(mocked):
    documented = example("product_inventory.json")
    call = mocked.put(f"{V2}/product.product/get_product_inventory", json=documented)
    inventory = json_loads(json.dumps(documented))
    assert mapping.available_sum(inventory, 12, [4, 5]) == 16
    assert mapping.available_sum(inventory, 126, [4]) == 15
    connector = make(warehouse_ids="4,5")
    levels = list(connector._levels([{"id": 12, "code": "P123"}]))
    assert [(level.sku, level.available) for level in levels] == [("P123", 16)]
    assert [[type(i).__name__ for i in part] for part in body_of(call.calls[0])] == [
        ["int"],
        ["int", "int"],
    ]


def test_the_documented_user_error_is_a_permanent_error_with_its_message(mocked):
    documented, status = (
        example("user_error_response.json"),
        example("user_error_response.json", "status"),
    )
    mocked.put(f"{V2}/sale.sale/search_read", status=status, json=documented)
    with pytest.raises(PermanentError) as caught:
        make(read_attempts="1").order_find("JL-1001")
    assert documented["message"] in str(caught.value)
    assert documented["description"] in str(caught.value)
    assert caught.value.code == "UserError"


def test_the_v3_find_matches_the_documented_call_and_answer(mocked):
    documented, answer = example("v3_find.json", "request"), example("v3_find.json")
    call = mocked.post(RPC, json=answer)
    content_none(mocked)
    page = make().products_read("")
    sent = body_of(call.calls[0])
    assert set(sent) == set(documented) and sent["method"] == documented["method"]
    assert set(sent["params"]) <= set(documented["params"]) | {"cursor"}
    assert "updated_at" in sent["params"]["fields"] and "updated_at" in sent["params"]["ordering"]
    assert [p.sku for p in page.items] == ["SKU-1"]
    assert page.items[0].updated_at == dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    assert page.has_more is True


def signature(secret: str, body: str) -> str:
    digest = hmac.new(base64.b64decode(secret), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_a_webhook_signed_as_documented_is_accepted():
    documented = example("webhook_signature.json")
    headers = {documented["header"]: signature(documented["secret"], documented["body"])}
    event = make(secret=documented["secret"]).webhook_parse(headers, documented["body"].encode())
    assert event.topic == "stock.shipment.out.done"


# --- the sandbox accepts the documented requests and answers in the documented shape ----------


@pytest.fixture
def sandbox(db):
    setup = services.catalogue_seed(products=2, stock=10)
    http = Client(headers={"X-API-KEY": setup.api_key})
    return setup, http


def official_query(**params) -> str:
    """A query string as fulfil_client builds it (``dumps`` = json.dumps, default separators)."""
    return urlencode(
        [(k, v if isinstance(v, str | int) else json.dumps(v)) for k, v in params.items()]
    )


def put(http: Client, path: str, body, context=None):
    query = official_query(context=context if context is not None else CONTEXT)
    return http.put(f"{SANDBOX}/v2/model/{path}?{query}", json.dumps(body), "application/json")


def test_the_sandbox_answers_the_documented_user_context_call(sandbox):
    _, http = sandbox
    documented = example("user_context_request.json")
    response = put(
        http, "res.user/get_preferences", documented["body"], documented["query"]["context"]
    )
    assert response.status_code == 200 and response.json()["company"] == services.COMPANY_ID


def test_the_sandbox_answers_the_documented_warehouse_list(sandbox):
    _, http = sandbox
    query = dict(example("warehouses_find_request.json")["query"])
    fields = query.pop("field")
    string = official_query(**query) + "".join(f"&field={f}" for f in fields)
    response = http.get(f"{SANDBOX}/v2/model/stock.location?{string}")
    assert response.status_code == 200
    assert {tuple(sorted(row)) for row in response.json()} == {("code", "id", "name")}


def test_the_sandbox_accepts_the_documented_order_requests(sandbox):
    setup, http = sandbox
    ids = {"party": setup.party_id, "country": m.Country.objects.get(code="GB").pk}
    (address,) = example("address_create_request.json")[0]
    response = put(http, "party.address/create", [[{**address, **ids}]])
    assert response.status_code == 200, response.content
    (address_id,) = response.json()
    assert m.PartyAddress.objects.get(pk=address_id).street_bis == "STE 1200"
    (phone,) = example("contact_mechanism_create_request.json")[0]
    response = put(http, "party.contact_mechanism/create", [[{**phone, "party": setup.party_id}]])
    assert response.status_code == 200 and len(response.json()) == 1
    (sale,) = example("sale_create_request.json")[0]
    product = m.Product.objects.get(code=setup.skus[0]).pk
    lines = [{**line, "product": product} for line in sale["lines"][0][1]]
    values = {**sale, "party": setup.party_id, "lines": [["create", lines]]}
    values |= {"invoice_address": address_id, "shipment_address": address_id}
    response = put(http, "sale.sale/create", [[values]])
    assert response.status_code == 200, response.content
    (sale_id,) = response.json()
    assert [type(i) for i in example("sale_create_response.json")] == [type(sale_id)]
    assert m.Sale.objects.get(pk=sale_id).sale_date == dt.date(2026, 11, 22)
    steps = example("sale_quote_confirm_request.json")
    for step in ("quote", "confirm"):
        body = [[sale_id if i == 55 else i for i in ids] for ids in steps[step]]
        assert put(http, f"sale.sale/{step}", body).status_code == 200
    assert m.Sale.objects.get(pk=sale_id).state == "confirmed"


def test_the_sandbox_reads_the_documented_parts_form_and_answers_iso_strings(sandbox):
    setup, http = sandbox
    stamp = example("serialization_parts.json")["datetime"]
    domain = [["write_date", ">", stamp]]
    response = put(http, "product.product/search_read", [domain, 0, 10, None, ["write_date"]])
    assert response.status_code == 200, response.content
    written = response.json()[0]["write_date"]
    assert set(written) == set(example("serialization_iso_string.json")["datetime"])
    assert written["__class__"] == "datetime"


def test_the_sandbox_answers_the_documented_inventory_shape(sandbox):
    setup, http = sandbox
    product = m.Product.objects.get(code=setup.skus[0]).pk
    warehouse = int(setup.warehouse_ids)
    response = put(http, "product.product/get_product_inventory", [[product], [warehouse]])
    documented = example("product_inventory.json")
    levels = response.json()[str(product)][str(warehouse)]
    assert set(levels) == set(documented["12"]["4"])
    assert levels["quantity_available"] == {"__class__": "Decimal", "decimal": "10"}


def test_the_sandbox_refuses_with_the_documented_user_error_shape(sandbox):
    setup, http = sandbox
    response = put(http, "party.address/create", [[{"party": setup.party_id, "streetbis": "x"}]])
    documented = example("user_error_response.json")
    assert response.status_code == example("user_error_response.json", "status")
    assert set(response.json()) == set(documented) and response.json()["type"] == "UserError"


def test_a_sale_without_the_user_context_is_refused_like_tryton(sandbox):
    setup, http = sandbox
    (sale,) = example("sale_create_request.json")[0]
    values = {"reference": sale["reference"], "party": setup.party_id}
    response = put(http, "sale.sale/create", [[values]], context={})
    assert response.status_code == 400 and "Company" in response.json()["message"]


def test_the_sandbox_answers_the_documented_v3_find(sandbox):
    _, http = sandbox
    request = example("v3_find.json", "request")
    response = http.post(f"{SANDBOX}/v3/jsonrpc", json.dumps(request), "application/json")
    answer, documented = response.json(), example("v3_find.json")
    assert set(answer) == set(documented) and set(answer["result"]) == set(documented["result"])
    assert set(answer["result"]["pagination"]) == set(documented["result"]["pagination"])
    assert set(answer["result"]["data"][0]) == set(documented["result"]["data"][0])
    dt.datetime.fromisoformat(answer["result"]["data"][0]["updated_at"])


def test_the_sandbox_signs_webhooks_as_documented(sandbox):
    setup, _ = sandbox
    documented = example("webhook_signature.json")
    delivery = services.webhook_send(services.TOPIC_SHIPMENT_DONE, {"id": 1})
    expected = signature(setup.webhook_secret, delivery.body)
    assert delivery.headers[documented["header"]] == expected
