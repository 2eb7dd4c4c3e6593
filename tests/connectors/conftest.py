"""One "world" per source system for the parametrized source-connector contract suite.

A world wires the real connector to its sandbox through the in-process transport and knows the
vendor's own ways to seed stock, ship an order, read its orders back and produce a webhook
delivery. Faults use the shared kit (``connectors.sandbox.faults``); a lost answer is the
transport dropping the sandbox's reply after the sandbox acted. A world that cannot do a case
calls ``pytest.skip`` with the documented reason.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests

from connectors.base import SourceConnector, SourceOrderLine, SourceOrderRequest
from connectors.sandbox.faults import clock_advance, sandbox_now
from tests.support.clock import FakeClock
from tests.support.orders import source_order_request, test_address
from tests.support.wsgi_adapter import DjangoAppAdapter

HOST = "http://sandbox.test"
SOURCES = ("shopify", "magento", "fulfil", "scayle", "seko")


class LosingAdapter(DjangoAppAdapter):
    """Lets the sandbox act on a matching request, then loses its answer once (read timeout)."""

    def __init__(self, matches: Callable[[requests.PreparedRequest], bool]) -> None:
        super().__init__()
        self.matches = matches
        self.sent = 0
        self.lost = 0

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        if self.matches(request):
            self.sent += 1
            if not self.lost:
                self.lost += 1
                raise requests.ReadTimeout("read timed out")
        return response


def path_of(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url).path


def vat_in(gross: Decimal) -> Decimal:
    """The 20% UK VAT inside a tax-inclusive price, to the penny."""
    return (gross / 6).quantize(Decimal("0.01"))


def order_request(reference: str, sku: str, unit_price: Decimal) -> SourceOrderRequest:
    line = SourceOrderLine(
        sku=sku, quantity=1, unit_price=unit_price, tax_amount=vat_in(unit_price)
    )
    return source_order_request(reference, lines=[line], address=test_address(country_iso2="GB"))


class World:
    """What every contract case needs from one source; each vendor fills it in."""

    kind = ""
    order_sku = ""
    wrong_key = "wrong-key-0000000000"  # a credential the sandbox does not know
    no_webhooks = ""  # why the source sends none (documented), if it sends none
    unit_price = Decimal("12.00")
    # options that make each listing page smaller than what the world seeds
    paging: dict[str, object] = {}

    def __init__(self) -> None:
        self.adapter = DjangoAppAdapter()
        self.waits = FakeClock()

    # --- wiring -------------------------------------------------------------------------------

    def session(self, adapter: DjangoAppAdapter | None = None) -> requests.Session:
        session = requests.Session()
        session.mount(HOST, adapter or self.adapter)
        return session

    def seed(self) -> None:
        raise NotImplementedError

    def connector(
        self, adapter: DjangoAppAdapter | None = None, *, wrong_key: bool = False, **options
    ) -> SourceConnector:
        raise NotImplementedError

    # --- orders -------------------------------------------------------------------------------

    def order_request(self, reference: str) -> SourceOrderRequest:
        return order_request(reference, self.order_sku, self.unit_price)

    def orders_with(self, reference: str) -> int:
        """Orders in the sandbox that carry this JL reference."""
        raise NotImplementedError

    def orders_total(self) -> int:
        raise NotImplementedError

    def is_create(self, request: requests.PreparedRequest) -> bool:
        """The request whose success means the order exists in the source."""
        raise NotImplementedError

    def ship(self, reference: str, tracking: str) -> None:
        raise NotImplementedError

    # --- listings -----------------------------------------------------------------------------

    def product_skus(self) -> set[str]:
        raise NotImplementedError

    def stock_walk(self, connector: SourceConnector) -> tuple[list, set[str]]:
        """Every level the full stock read returns, and the SKUs it must return."""
        return list(connector.stock_read()), self.stock_skus()

    def stock_skus(self) -> set[str]:
        return self.product_skus()

    def shipments_walk_prepare(self) -> None:
        """Anything the shipments read needs between shipping and reading."""

    # --- webhooks -----------------------------------------------------------------------------

    def webhook_delivery(self) -> tuple[dict[str, str], bytes]:
        """A genuine delivery the sandbox signed (or authenticated) for the hub; a sample
        body for a source that sends none."""
        raise NotImplementedError

    def webhook_forged(self, headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
        """The delivery as a forger would send it: the vendor's credential does not match."""
        raise NotImplementedError


# --- Shopify ----------------------------------------------------------------------------------


class ShopifyWorld(World):
    kind = "shopify"
    order_sku = "SB-0001"
    unit_price = Decimal("26.00")
    paging = {"page_size": 10, "order_page_size": 2}

    def seed(self) -> None:
        from connectors.shopify.sandbox import services

        # a big cost bucket: the passes here run back to back, not minutes apart
        self.shop = services.shop_setup(bucket_max=100_000, restore_rate=10_000)
        services.catalogue_seed(shop=self.shop, count=25, stock=7)

    def connector(self, adapter=None, *, wrong_key=False, **options):
        from connectors.shopify import ShopifyConnector

        token = self.wrong_key if wrong_key else self.shop.access_token
        connector = ShopifyConnector(
            base_url=f"{HOST}/sandbox/shopify",
            credentials={"access_token": token, "webhook_secret": self.shop.webhook_secret},
            session=self.session(adapter),
            **options,
        )
        connector.transport.sleep = self.waits.sleep
        connector.transport.clock = self.waits
        return connector

    def orders_with(self, reference):
        from connectors.shopify.sandbox.models import Order

        return Order.objects.filter(source_identifier=reference).count()

    def orders_total(self):
        from connectors.shopify.sandbox.models import Order

        return Order.objects.count()

    def is_create(self, request):
        return request.method == "POST" and b"orderCreate(" in (request.body or b"")

    def ship(self, reference, tracking):
        from connectors.shopify.sandbox import services

        services.fulfillment_create(
            shop=self.shop, order_reference=reference, company="DPD", number=tracking
        )

    def product_skus(self):
        return {f"SB-{i:04d}" for i in range(1, 26)}

    def stock_walk(self, connector):
        from connectors.shopify.sandbox import services

        # Shopify pages inventory levels 100 at a time per location: seed past one page
        services.catalogue_seed(shop=self.shop, count=105, stock=7)
        return list(connector.stock_read()), {f"SB-{i:04d}" for i in range(1, 106)}

    def webhook_delivery(self):
        from connectors.shopify.sandbox import services
        from connectors.shopify.sandbox.models import SentWebhook

        services.stock_set(shop=self.shop, sku="SB-0001", available=1)
        sent = SentWebhook.objects.filter(topic="inventory_levels/update").latest("id")
        return dict(sent.headers), sent.body.encode()

    def webhook_forged(self, headers, body):
        return headers, body.replace(b'"available":1', b'"available":999')


# --- Magento 2 --------------------------------------------------------------------------------


class MagentoWorld(World):
    kind = "magento"
    order_sku = "MG-0002"
    no_webhooks = "Magento Open Source sends no webhooks (docs/connectors/magento.md)"
    paging = {"page_size": 2}

    def seed(self) -> None:
        from connectors.magento.sandbox import services

        services.catalogue_seed(products=5)

    def connector(self, adapter=None, *, wrong_key=False, **options):
        from connectors.magento import MagentoConnector
        from connectors.magento.sandbox import services

        token = self.wrong_key if wrong_key else services.DEFAULT_TOKEN
        return MagentoConnector(
            base_url=f"{HOST}/sandbox/magento",
            credentials={"access_token": token},
            session=self.session(adapter),
            sleep=self.waits.sleep,
            **options,
        )

    def orders_with(self, reference):
        from connectors.magento.sandbox import models as m

        return m.Order.objects.filter(ext_order_id=reference).count()

    def orders_total(self):
        from connectors.magento.sandbox import models as m

        return m.Order.objects.count()

    def is_create(self, request):
        return request.method == "POST" and path_of(request).endswith("/payment-information")

    def ship(self, reference, tracking):
        from connectors.magento.sandbox import services

        services.order_ship(
            order=services.order_lookup(reference),
            carrier_title="DPD",
            carrier_code="dpd",
            track_number=tracking,
        )

    def product_skus(self):
        return {f"MG-{i:04d}" for i in range(1, 6)}

    def webhook_delivery(self):
        return {"Content-Type": "application/json"}, b'{"topic": "orders/create", "id": 1}'

    def webhook_forged(self, headers, body):
        # the documented base refusal: any delivery claiming to be from Magento is refused
        return {**headers, "X-Magento-Signature": "forged"}, body


# --- Fulfil -----------------------------------------------------------------------------------


class FulfilWorld(World):
    kind = "fulfil"
    order_sku = "FUL-0002"
    unit_price = Decimal("12.50")
    paging = {"page_size": "2"}

    def seed(self) -> None:
        from connectors.fulfil.sandbox import services

        clock_advance("fulfil", -3600)  # catalogue written an hour ago
        self.setup = services.catalogue_seed(products=5, stock=10)
        clock_advance("fulfil", 3600)

    def connector(self, adapter=None, *, wrong_key=False, **options):
        from connectors.fulfil import FulfilConnector

        credentials = {
            "api_key": self.wrong_key if wrong_key else self.setup.api_key,
            "webhook_secret": self.setup.webhook_secret,
        }
        return FulfilConnector(
            base_url=f"{HOST}/sandbox/fulfil",
            credentials=credentials,
            session=self.session(adapter),
            sleep=self.waits.sleep,
            **{**self.setup.options(), "overlap_seconds": "0", **options},
        )

    def orders_with(self, reference):
        from connectors.fulfil.sandbox import models as m

        return m.Sale.objects.filter(reference=reference).count()

    def orders_total(self):
        from connectors.fulfil.sandbox import models as m

        return m.Sale.objects.count()

    def is_create(self, request):
        return path_of(request).endswith("/sale.sale/create")

    def ship(self, reference, tracking):
        from connectors.fulfil.sandbox import services

        services.shipment_dispatch(reference, carrier="DPD", tracking_number=tracking)

    def product_skus(self):
        return set(self.setup.skus)

    def webhook_delivery(self):
        from connectors.fulfil.sandbox import services

        delivery = services.webhook_send(services.TOPIC_INVENTORY, {"code": "FUL-0001"})
        return dict(delivery.headers), delivery.body.encode()

    def webhook_forged(self, headers, body):
        return headers, body.replace(b"FUL-0001", b"FUL-0002")


# --- SCAYLE -----------------------------------------------------------------------------------


class ScayleWorld(World):
    kind = "scayle"
    order_sku = "SC-0001-M"
    paging = {"page_size": 2}

    def seed(self) -> None:
        from connectors.scayle.sandbox import services

        services.catalogue_seed(products=3)

    def connector(self, adapter=None, *, wrong_key=False, **options):
        from connectors.scayle import ScayleConnector
        from connectors.scayle.sandbox import services

        token = self.wrong_key if wrong_key else services.DEFAULT_TOKEN
        credentials = {"access_token": token, "webhook_secret": services.DEFAULT_WEBHOOK_SECRET}
        settings = {"shop_key": "jl", "channel_key": services.DEFAULT_CHANNEL, **options}
        return ScayleConnector(
            base_url=f"{HOST}/sandbox/scayle/api/admin/v1",
            credentials=credentials,
            session=self.session(adapter),
            sleep=self.waits.sleep,
            clock=self.waits,
            **settings,
        )

    def orders_with(self, reference):
        from connectors.scayle.sandbox import models as m

        return m.Order.objects.filter(reference_key=reference).count()

    def orders_total(self):
        from connectors.scayle.sandbox import models as m

        return m.Order.objects.count()

    def is_create(self, request):
        return request.method == "POST" and path_of(request).endswith("/orders")

    def ship(self, reference, tracking):
        from connectors.scayle.sandbox import services

        services.order_ship(
            order=services.order_lookup(reference), carrier_key="DPD", tracking_id=tracking
        )

    def product_skus(self):
        return {f"SC-{i:04d}-{size}" for i in range(1, 4) for size in ("S", "M")}

    def webhook_delivery(self):
        from connectors.scayle.sandbox import models as m
        from connectors.scayle.sandbox import services, webhooks

        services.stock_set(sku="SC-0003-S", quantity=8, warehouse="main")
        delivery = m.WebhookDelivery.objects.latest("id")
        return webhooks.webhook_headers(delivery), delivery.body.encode()

    def webhook_forged(self, headers, body):
        # SCAYLE signs nothing; it authenticates the delivery with Basic auth (Q10)
        guess = base64.b64encode(b"scayle:guessed-password").decode()
        return {**headers, "Authorization": f"Basic {guess}"}, body


# --- SEKO -------------------------------------------------------------------------------------


class SekoWorld(World):
    kind = "seko"
    order_sku = "SK-0001"
    unit_price = Decimal("12.50")
    # SEKO pages dispatches by time window: a week looked back in one-day windows
    paging = {"window_days": "1"}

    def seed(self) -> None:
        from connectors.seko.sandbox import services

        services.catalogue_seed(products=6)

    def connector(self, adapter=None, *, wrong_key=False, **options):
        from connectors.seko import SekoConnector
        from connectors.seko.sandbox import services

        key = self.wrong_key if wrong_key else services.DEFAULT_KEY
        credentials = {"api_key": key, "push_secret": services.DEFAULT_PUSH_SECRET}
        settings = {"dc_code": services.DEFAULT_DC, "integration_id": "JLHUB", **options}
        return SekoConnector(
            base_url=f"{HOST}/sandbox/seko",
            credentials=credentials,
            session=self.session(adapter),
            sleep=self.waits.sleep,
            clock=lambda: sandbox_now("seko"),
            **settings,
        )

    def orders_with(self, reference):
        from connectors.seko.sandbox import models as m

        return m.SalesOrder.objects.filter(sales_order_reference=reference).count()

    def orders_total(self):
        from connectors.seko.sandbox import models as m

        return m.SalesOrder.objects.count()

    def is_create(self, request):
        return request.method == "POST" and "websubmit" in path_of(request)

    def ship(self, reference, tracking):
        from connectors.seko.sandbox import services

        services.order_dispatch(
            order=services.order_lookup(reference), courier="DPD", tracking_number=tracking
        )

    def shipments_walk_prepare(self) -> None:
        clock_advance("seko", 60)  # the dispatches lie inside a window that has closed

    def product_skus(self):
        pytest.skip(
            "SEKO has no product listing: products_read is one full read of the DC's stock "
            "rows, there is no read-back of products/v1 (docs/connectors/seko.md)"
        )

    def stock_walk(self, connector):
        # The DC-wide stock read is one unpaged answer; what SEKO splits is the per-SKU read,
        # in batches whose query string fits its 2,048-character limit.
        stocked = {"SK-0001", "SK-0002", "SK-0003", "SK-0004", "SK-0006"}
        asked = sorted(stocked) + [f"SKU{i:06d}" for i in range(220)]
        return list(connector.stock_read(asked)), set(asked)

    def webhook_delivery(self):
        from connectors.seko.sandbox import models as m
        from connectors.seko.sandbox import pushes, services

        self.connector().order_create(self.order_request("JL-HOOK-1"))
        services.order_dispatch(
            order=services.order_lookup("JL-HOOK-1"), courier="DPD", tracking_number="155"
        )
        push = m.Push.objects.order_by("id").first()
        return pushes.push_headers(push), push.body.encode()

    def webhook_forged(self, headers, body):
        return headers, body.replace(b"155", b"999")


WORLDS: dict[str, type[World]] = {
    "shopify": ShopifyWorld,
    "magento": MagentoWorld,
    "fulfil": FulfilWorld,
    "scayle": ScayleWorld,
    "seko": SekoWorld,
}


@pytest.fixture(params=SOURCES)
def source_world(request, db) -> World:
    """One source system wired to its sandbox, seeded; parametrized over the five sources."""
    built = WORLDS[request.param]()
    built.seed()
    return built
