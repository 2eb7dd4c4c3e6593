"""OF52-54 as the spec has them: ``prices[]`` in the chunks, inactive offers, channel prices."""

from __future__ import annotations

import pytest

from connectors.mirakl.sandbox.models import SandboxOffer
from connectors.mirakl.sandbox.services import now_for
from connectors.sandbox.faults import clock_advance

from .spec import assert_conforms
from .test_imports import _price_import

pytestmark = pytest.mark.django_db

GOOD = "JL-SHIRT-OXF-BLU-M"
EMPTY = "JL-SCARF-CASH-GRY"
HEADER = '"offer-sku";"price";"discount-price";"channels"\n'


def _chunk(api, **request) -> list[dict]:
    """Run OF52 -> OF53 (twice: PENDING, then COMPLETED) -> OF54 and return the JSON chunk."""
    body = {"export_type": "application/json", **request}
    created = api.post_json("/api/offers/export/async", body)
    assert created.status_code == 200
    tracking_id = created.json()["tracking_id"]
    api.get(f"/api/offers/export/async/status/{tracking_id}")
    url = api.get(f"/api/offers/export/async/status/{tracking_id}").json()["urls"][0]
    chunk = api.client.get(url, headers={"Authorization": api.api_key})
    assert_conforms("OF54", chunk)
    return chunk.json()


def _by_sku(rows: list[dict]) -> dict[str, dict]:
    return {row["shop_sku"]: row for row in rows}


def test_a_chunk_carries_prices_with_the_default_price_without_context(api, shop):
    _price_import(api, HEADER + f'"{GOOD}";"49.00";"";"JL-UK"\n"{GOOD}";"45.00";"40.00";""\n')
    row = _by_sku(_chunk(api))[GOOD]
    assert "price" not in row  # OF54 has no flat price: the spec's export lists prices[]
    assert row["prices"] == [
        {
            "origin_price": 49.0,
            "context": {"channel_codes": ["JL-UK"]},
            "volume_prices": [{"quantity_threshold": 1, "unit_origin_price": 49.0}],
        },
        {
            "origin_price": 45.0,
            "discount_price": 40.0,
            "volume_prices": [
                {"quantity_threshold": 1, "unit_origin_price": 45.0, "unit_discount_price": 40.0}
            ],
        },
    ]


def test_the_default_price_is_the_entry_without_a_channel_wherever_it_is(api, shop):
    _price_import(api, HEADER + f'"{GOOD}";"49.00";"";"JL-UK"\n"{GOOD}";"45.00";"";""\n')
    offer = api.get("/api/offers", {"sku": GOOD}).json()["offers"][0]
    assert offer["price"] == 45.0
    assert offer["applicable_pricing"]["unit_origin_price"] == 45.0
    assert offer["all_prices"][0]["context"] == {"channel_codes": ["JL-UK"]}


def test_an_offer_with_only_a_channel_price_has_no_default_price_and_is_inactive(api, shop):
    _price_import(api, HEADER + f'"{GOOD}";"49.00";"";"JL-UK"\n')
    offer = api.get("/api/offers", {"sku": GOOD}).json()["offers"][0]
    assert (offer["price"], offer["active"]) == (None, False)


def test_an_unknown_channel_is_an_error_line(api, shop):
    import_id = _price_import(api, HEADER + f'"{GOOD}";"49.00";"";"JL-FR"\n')
    report = api.get(f"/api/offers/pricing/imports/{import_id}/error_report").content.decode()
    assert "The channel 'JL-FR' does not exist" in report


def test_the_full_export_leaves_inactive_offers_out_unless_asked(api, shop):
    SandboxOffer.objects.filter(shop_sku=EMPTY).update(quantity=0)
    full = _by_sku(_chunk(api))
    assert GOOD in full and EMPTY not in full
    clock_advance("mirakl", 60)
    everything = _by_sku(_chunk(api, include_inactive_offers=True))
    assert everything[EMPTY]["active"] is False
    assert everything[GOOD]["active"] is True


def test_a_differential_export_includes_offers_that_went_inactive(api, shop):
    clock_advance("mirakl", 60)
    since = now_for()
    clock_advance("mirakl", 60)
    SandboxOffer.objects.filter(shop_sku=EMPTY).update(quantity=0, last_updated=now_for())
    rows = _by_sku(_chunk(api, last_request_date=since.isoformat()))
    assert set(rows) == {EMPTY}
    assert rows[EMPTY]["active"] is False


def test_include_inactive_offers_must_be_a_boolean(api, shop):
    response = api.post_json("/api/offers/export/async", {"include_inactive_offers": "yes"})
    assert response.status_code == 400
