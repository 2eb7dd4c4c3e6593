"""Fixtures for the Mirakl sandbox tests: a shop, an authenticated client, spec validation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from connectors.mirakl.sandbox import services

BASE = "/sandbox/mirakl"
API_KEY = "test-mirakl-key"


class MiraklClient:
    """Django test client speaking to the sandbox with the shop's raw API key."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.client = Client()
        self.api_key = api_key

    def _headers(self) -> dict:
        return {"Authorization": self.api_key} if self.api_key else {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(BASE + path, params or {}, headers=self._headers())

    def put(self, path: str, body: object = None):
        data = "" if body is None else json.dumps(body)
        return self.client.put(
            BASE + path, data, content_type="application/json", headers=self._headers()
        )

    def post_json(self, path: str, body: object):
        return self.client.post(
            BASE + path, json.dumps(body), content_type="application/json", headers=self._headers()
        )

    def upload(self, path: str, csv_text: str):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("file.csv", csv_text.encode(), content_type="text/csv")
        return self.client.post(BASE + path, {"file": upload}, headers=self._headers())


@pytest.fixture
def shop(db):
    return services.shop_get_or_create(shop_id=2001, name="Test Brand", api_key=API_KEY)


@pytest.fixture
def api(shop) -> MiraklClient:
    return MiraklClient()


@pytest.fixture
def make_orders(shop):
    def make(count: int = 1, **kwargs):
        return services.orders_create(shop=shop, count=count, seed=kwargs.pop("seed", 7), **kwargs)

    return make


def shipped_order(shop, **kwargs):
    """An order taken through accept, debit, tracking and ship."""
    from connectors.mirakl.sandbox.services.orders import order_get

    order = services.orders_create(shop=shop, seed=11, **kwargs)[0]
    lines = [{"id": line.line_id, "accepted": True} for line in order.lines.all()]
    services.order_accept(order, lines)
    services.order_debit(order_get(shop, order.order_id))
    order = order_get(shop, order.order_id)
    services.order_tracking_set(order, {"carrier_code": "RM", "tracking_number": "TT123GB"})
    services.order_ship(order)
    return order_get(shop, order.order_id)
