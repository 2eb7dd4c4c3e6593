"""`python manage.py shopify_sandbox`: drive the Shopify sandbox (demo, tests, training).

Subcommands and flags: `--help` and docs/connectors/shopify.md section 5. ORDER is
the JL order number (sourceIdentifier), the Shopify name (#1001) or its gid. Every subcommand
takes --shop DOMAIN (default: the first sandbox shop).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from connectors.sandbox.commands import SandboxCommand, sku_quantities
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.models import InventoryLevel, Return, Shop
from connectors.shopify.sandbox.returns import return_receive


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CommandError(f"not an amount: {value!r}", returncode=2) from None


class Command(SandboxCommand):
    help = "Drive the Shopify sandbox: seed, stock, fulfil, refund, throttle, webhooks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--shop", default="", help="shop domain; default the first shop")
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup")
        setup.add_argument("--domain", default=services.DEFAULT_DOMAIN)
        setup.add_argument("--token", default="shpat_sandbox_token")
        setup.add_argument("--webhook-secret", default="sandbox-webhook-secret")
        setup.add_argument("--webhook-url", default="")
        setup.add_argument("--bucket-max", type=float, default=1000.0)
        setup.add_argument("--restore-rate", type=float, default=50.0)
        setup.add_argument("--location", action="append", dest="locations")
        seed = sub.add_parser("seed")
        seed.add_argument("--count", type=int, default=10)
        seed.add_argument("--stock", type=int, default=10)
        seed.add_argument("--price", default="25.00")
        seed.add_argument("--sku-prefix", default="SB")
        stock = sub.add_parser("stock")
        stock.add_argument("sku")
        stock.add_argument("quantity", type=int)
        stock.add_argument("--location", default="")
        stock.add_argument(
            "--delta", action="store_true", help="add QUANTITY instead of setting it"
        )
        product = sub.add_parser("product")
        product.add_argument("sku")
        product.add_argument("--price", default="")
        product.add_argument("--title", default="")
        product.add_argument("--barcode", default="")
        fulfil = sub.add_parser("fulfil")
        fulfil.add_argument("order")
        fulfil.add_argument("--carrier", required=True)
        fulfil.add_argument("--tracking", required=True)
        fulfil.add_argument("--service", default="")
        fulfil.add_argument("--url", default="")
        fulfil.add_argument("--line", action="append", dest="lines")
        fulfil.add_argument("--status", default="SUCCESS")
        refund = sub.add_parser("refund")
        refund.add_argument("order")
        refund.add_argument("--line", action="append", dest="lines")
        refund.add_argument("--shipping", default="0")
        refund.add_argument("--amount", default="")
        receive = sub.add_parser("return-receive")
        receive.add_argument("return_name")
        receive.add_argument("--sellable", action="append", dest="sellable")
        throttle = sub.add_parser("throttle")
        throttle.add_argument("--bucket-max", type=float)
        throttle.add_argument("--restore-rate", type=float)
        throttle.add_argument("--available", type=float)
        webhooks = sub.add_parser("webhooks").add_subparsers(dest="webhook_action", required=True)
        webhooks.add_parser("list").add_argument("--topic", default="")
        webhooks.add_parser("deliver")
        sub.add_parser("show")

    refusals = (services.SandboxError,)

    def _shop(self, options) -> Shop:
        return services.shop_get(options["shop"])

    def _return_receive(self, **options) -> None:
        shop = self._shop(options)
        ret = Return.objects.filter(order__shop=shop, name=options["return_name"]).first()
        if ret is None:
            raise services.SandboxError(f"no return {options['return_name']!r}")
        sellable = sku_quantities(options["sellable"], flag="--sellable", sep="=")
        ret = return_receive(ret=ret, restocked=sellable)
        summary = ", ".join(
            f"{e['quantity']} received, {e['restocked']} restocked" for e in ret.lines
        )
        self.say(f"return {ret.name} closed: {summary}")

    def _setup(self, **options) -> None:
        shop = services.shop_setup(
            domain=options["domain"],
            access_token=options["token"],
            webhook_secret=options["webhook_secret"],
            webhook_target_url=options["webhook_url"],
            bucket_max=options["bucket_max"],
            restore_rate=options["restore_rate"],
            location_names=tuple(options["locations"] or ("Warehouse", "Shop floor")),
        )
        locations = ", ".join(f"{loc.name}={loc.pk}" for loc in shop.locations.all())
        self.say(f"shop {shop.domain} ready; locations {locations}")

    def _seed(self, **options) -> None:
        created = services.catalogue_seed(
            shop=self._shop(options),
            count=options["count"],
            stock=options["stock"],
            price=_decimal(options["price"]),
            sku_prefix=options["sku_prefix"],
        )
        self.say(f"{len(created)} product(s) created")

    def _stock(self, *, sku: str, quantity: int, location: str, delta: bool, **options) -> None:
        shop = self._shop(options)
        if delta:
            level = services.stock_adjust(shop=shop, sku=sku, delta=quantity, location=location)
        else:
            level = services.stock_set(shop=shop, sku=sku, available=quantity, location=location)
        self.say(f"{level.variant.sku} at {level.location.name}: {level.available} available")

    def _product(self, **options) -> None:
        price = _decimal(options["price"]) if options["price"] else None
        variant = services.product_update(
            shop=self._shop(options),
            sku=options["sku"],
            price=price,
            title=options["title"],
            barcode=options["barcode"],
        )
        self.say(f"{variant.sku} updated: {variant.price} {variant.barcode}")

    def _fulfil(self, **options) -> None:
        fulfillment = services.fulfillment_create(
            shop=self._shop(options),
            order_reference=options["order"],
            company=options["carrier"],
            number=options["tracking"],
            service=options["service"],
            url=options["url"],
            lines=sku_quantities(options["lines"], flag="--line", sep="="),
            status=options["status"].upper(),
        )
        self.say(f"fulfillment {fulfillment.pk} for {fulfillment.order.name} created")

    def _refund(self, **options) -> None:
        refund = services.refund_create(
            shop=self._shop(options),
            order_reference=options["order"],
            lines=sku_quantities(options["lines"], flag="--line", sep="="),
            shipping_amount=_decimal(options["shipping"]),
            amount=_decimal(options["amount"]) if options["amount"] else None,
        )
        self.say(f"refund {refund.pk} of {refund.amount} for {refund.order.name} created")

    def _throttle(self, **options) -> None:
        shop = services.throttle_set(
            shop=self._shop(options),
            bucket_max=options["bucket_max"],
            restore_rate=options["restore_rate"],
            available=options["available"],
        )
        self.say(f"bucket {shop.bucket_available:.0f}/{shop.bucket_max:.0f}, {shop.restore_rate}/s")

    def _webhooks(self, *, webhook_action: str, **options) -> None:
        shop = self._shop(options)
        if webhook_action == "deliver":
            self.say(f"{services.webhooks_deliver(shop=shop)} webhook(s) sent")
            return
        for sent in services.webhooks_sent(shop=shop, topic=options["topic"]):
            status = sent.response_status or sent.error or "stored"
            self.say(f"{sent.created_at:%H:%M:%S} {sent.topic} {sent.webhook_id} {status}")

    def _show(self, **options) -> None:
        shop = self._shop(options)
        self.say(f"{shop.domain}: {shop.products.count()} products, {shop.orders.count()} orders")
        levels = InventoryLevel.objects.filter(location__shop=shop).select_related(
            "variant", "location"
        )
        for level in levels.order_by("variant__sku", "location_id")[:50]:
            self.say(f"  {level.variant.sku} @ {level.location.name}: {level.available}")
