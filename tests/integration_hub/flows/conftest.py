"""The hub wired to the in-process Mirakl and Shopify sandboxes (no sockets, one transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import requests

from connectors.mirakl.sandbox import services as mirakl
from connectors.shopify.sandbox import services as shopify
from integration_hub import clients
from integration_hub.models import Integration, Product
from integration_hub.services.outbox import outbox_relay
from tests.support.wsgi_adapter import DjangoAppAdapter

# the host the in-process sandbox sees, so the absolute URLs it builds (OF53) point back here
BASE = "http://testserver"


class ScriptedAdapter(DjangoAppAdapter):
    """The in-process adapter plus scripted transport failures.

    ``fail(path_part, error, after=True)``: the next request whose path contains ``path_part``
    raises ``error``; with ``after`` the sandbox handles the request first (the answer is lost
    on the way back, like a read timeout after the remote did the work).
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[tuple[str, str, Exception, bool]] = []

    def fail(self, path_part: str, error: Exception, *, method: str = "", after: bool = True):
        self.failures.append((path_part, method, error, after))

    def send(self, request, **kwargs):
        for failure in list(self.failures):
            part, method, error, after = failure
            if part in request.url and (not method or method == request.method):
                self.failures.remove(failure)
                if after:
                    super().send(request, **kwargs)
                raise error
        return super().send(request, **kwargs)


@dataclass
class Hub:
    integration: Integration
    mirakl_shop: object
    shopify_shop: object
    adapter: ScriptedAdapter
    skus: list[str] = field(default_factory=list)

    def marketplace_orders(self, count=1, lines=None, **kwargs):
        return mirakl.orders_create(shop=self.mirakl_shop, count=count, lines=lines, **kwargs)

    def debit_all(self):
        return mirakl.orders_debit(shop=self.mirakl_shop)

    def calls(self, part: str, method: str = "") -> list[str]:
        return [p for m, p in self.adapter.calls if part in p and (not method or m == method)]

    def relay(self):
        return outbox_relay()


@pytest.fixture
def hub(db, monkeypatch) -> Hub:
    adapter = ScriptedAdapter()

    def session():
        s = requests.Session()
        s.mount(BASE, adapter)
        return s

    monkeypatch.setattr(clients, "http_session", session)
    mirakl_shop = mirakl.shop_get_or_create(acceptance_window_hours=24)
    shopify_shop = shopify.shop_setup(bucket_max=100_000, restore_rate=10_000)
    shopify.catalogue_seed(shop=shopify_shop, count=5, stock=10)
    integration = Integration.objects.create(
        name="acme",
        source_kind="shopify",
        source_url=f"{BASE}/sandbox/shopify",
        source_credentials={
            "access_token": shopify_shop.access_token,
            "webhook_secret": shopify_shop.webhook_secret,
        },
        marketplace_url=f"{BASE}/sandbox/mirakl",
        marketplace_credentials={"api_key": mirakl_shop.api_key},
        call_limit_mode="off",
        acceptance_window_hours=24,
    )
    skus = [f"SB-{n:04d}" for n in range(1, 6)]
    for sku in skus:
        Product.objects.create(integration=integration, sku=sku, offer_sku=sku, last_source_qty=10)
    return Hub(integration, mirakl_shop, shopify_shop, adapter, skus)
