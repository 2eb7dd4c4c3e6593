"""`python manage.py scayle_sandbox ACTION`: drive the SCAYLE sandbox like a merchant would
(actions and flags: `--help`, docs/connectors/scayle.md section 5).

ORDER is the order id, its JL number (referenceKey) or its publicKey. Faults and the clock are
shared: `python manage.py sandbox fault add scayle ...`.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from connectors.sandbox.commands import SandboxCommand, sku_quantities
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import services, webhooks
from connectors.scayle.sandbox.errors import ScayleError


class Command(SandboxCommand):
    help = "Seed and drive the SCAYLE sandbox (catalogue, stock, packages, returns, webhooks)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed")
        seed.add_argument("--products", type=int, default=6)
        seed.add_argument("--reset", action="store_true")
        token = sub.add_parser("token")
        token.add_argument("name")
        token.add_argument("--token", default="")
        token.add_argument("--scope", action="append", help="rate-limit scope; all if omitted")
        stock = sub.add_parser("stock")
        stock.add_argument("sku")
        stock.add_argument("quantity", type=int)
        stock.add_argument("--warehouse", default="main")
        product = sub.add_parser("product")
        product.add_argument("sku")
        product.add_argument("--price", type=int, help="minor units, with tax")
        product.add_argument("--ean")
        image = sub.add_parser("image", help="add an image (a CDN path or a URL) to a product")
        image.add_argument("product", help="the product's referenceKey, e.g. SC-0001")
        image.add_argument("asset_url")
        image.add_argument("--view", default="")
        sub.add_parser("orders")
        ship = sub.add_parser("ship")
        ship.add_argument("order")
        ship.add_argument("--carrier", required=True, help="any carrier key or name")
        ship.add_argument("--tracking", required=True)
        ship.add_argument("--tracking-url", default="")
        ship.add_argument("--service", default="")
        ship.add_argument("--item", action="append")
        back = sub.add_parser("return")
        back.add_argument("order")
        back.add_argument("--item", action="append")
        back.add_argument("--no-restock", action="store_true")
        cancel = sub.add_parser("cancel")
        cancel.add_argument("order")
        cancel.add_argument("--item", action="append")
        limit = sub.add_parser("rate-limit")
        limit.add_argument("scope")
        limit.add_argument("per_minute", type=int)
        config = sub.add_parser("webhook-config")
        config.add_argument("--url", default="")
        config.add_argument("--username", default="scayle")
        config.add_argument("--password", required=True)
        config.add_argument("--inactive", action="store_true")
        listing = sub.add_parser("webhooks")
        listing.add_argument("--type", default="")
        send = sub.add_parser("webhook-send")
        send.add_argument("key")
        send.add_argument("--url", default="")
        sub.add_parser("reset")

    refusals = (ScayleError,)

    def refusal_message(self, error: Exception) -> str:
        return f"{error.error_key}: {error.message}"

    def _seed(self, *, products: int, reset: bool, **_) -> None:
        variants = services.catalogue_seed(products=products, reset=reset)
        self.say(f"{len(variants)} variants; token {services.DEFAULT_TOKEN!r}")
        self.say(
            f"shop {services.DEFAULT_SHOP}/{services.DEFAULT_COUNTRY}, "
            f"channel {services.DEFAULT_CHANNEL}"
        )

    def _token(self, *, name: str, token: str, scope: list[str] | None, **_) -> None:
        created = services.token_create(name=name, token=token, scopes=scope)
        self.say(f"token {created.name!r} created: {created.token}")

    def _stock(self, *, sku: str, quantity: int, warehouse: str, **_) -> None:
        stock = services.stock_set(sku=sku, quantity=quantity, warehouse=warehouse)
        self.say(f"{stock}")

    def _product(self, *, sku: str, price: int | None, ean: str | None, **_) -> None:
        variant = services.product_update(sku=sku, price=price, ean=ean)
        self.say(f"{variant} price {variant.price} ean {variant.attributes.get('ean')}")

    def _image(self, *, product: str, asset_url: str, view: str, **_) -> None:
        image = services.product_image_add(reference_key=product, asset_url=asset_url, view=view)
        self.say(f"image #{image.pk} added: {image}")

    def _orders(self, **_) -> None:
        for order in m.Order.objects.order_by("id"):
            statuses = ", ".join(
                f"{i.variant.reference_key}:{i.status}"
                for i in order.items.select_related("variant")
            )
            self.say(f"#{order.pk} {order} {order.channel_key} [{statuses}]")

    def _ship(self, *, order: str, carrier: str, tracking: str, item, **options) -> None:
        package = services.order_ship(
            order=services.order_lookup(order),
            carrier_key=carrier,
            tracking_id=tracking,
            tracking_url=options["tracking_url"],
            service=options["service"],
            items=sku_quantities(item, flag="--item"),
        )
        self.say(f"package #{package.pk} shipped: {package}")

    def _return(self, *, order: str, item, no_restock: bool, **_) -> None:
        pieces = services.items_return(
            order=services.order_lookup(order),
            items=sku_quantities(item, flag="--item"),
            restock=not no_restock,
        )
        self.say(f"{len(pieces)} piece(s) returned")

    def _cancel(self, *, order: str, item, **_) -> None:
        pieces = services.items_cancel(
            order=services.order_lookup(order), items=sku_quantities(item, flag="--item")
        )
        self.say(f"{len(pieces)} piece(s) cancelled")

    def _rate_limit(self, *, scope: str, per_minute: int, **_) -> None:
        self.say(str(services.rate_limit_set(scope=scope, per_minute=per_minute)))

    def _webhook_config(
        self, *, url: str, username: str, password: str, inactive: bool, **_
    ) -> None:
        config = webhooks.webhook_configure(
            url=url, username=username, password=password, active=not inactive
        )
        self.say(f"webhooks go to {config} ({'inactive' if inactive else 'active'})")

    def _webhooks(self, *, type: str, **_) -> None:  # noqa: A002
        deliveries = m.WebhookDelivery.objects.all()
        if type:
            deliveries = deliveries.filter(event_type=type)
        for delivery in deliveries:
            self.say(
                f"{delivery.key} {delivery.event_type} {delivery.occurred_at.isoformat()} "
                f"status={delivery.response_status} attempts={delivery.attempts}"
            )

    def _webhook_send(self, *, key: str, url: str, **_) -> None:
        try:
            status = webhooks.webhook_redeliver(key, url)
        except m.WebhookDelivery.DoesNotExist:
            raise CommandError(f"no webhook delivery {key!r}", returncode=1) from None
        self.say(f"delivered: HTTP {status}")

    def _reset(self, **_) -> None:
        services.sandbox_reset()
        self.say("SCAYLE sandbox emptied")
