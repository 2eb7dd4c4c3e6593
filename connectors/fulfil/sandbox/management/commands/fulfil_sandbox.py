"""`python manage.py fulfil_sandbox`: drive the Fulfil sandbox like the brand's warehouse would.

Subcommands and flags: `--help` and docs/connectors/fulfil.md ("Sandbox"). Faults and the
clock are the shared `python manage.py sandbox fault add fulfil ...`.
"""

from __future__ import annotations

from decimal import Decimal

from connectors.fulfil.sandbox import models as m
from connectors.fulfil.sandbox import services
from connectors.fulfil.sandbox.records import UserError
from connectors.sandbox.commands import SandboxCommand, sku_quantities


class Command(SandboxCommand):
    help = "Seed, change stock, ship, return and send webhooks in the Fulfil sandbox."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup")
        setup.add_argument("--api-key")
        setup.add_argument("--webhook-secret")
        setup.add_argument("--webhook-url")
        setup.add_argument("--rate-limit", type=int)
        seed = sub.add_parser("seed")
        seed.add_argument("--products", type=int, default=5)
        seed.add_argument("--stock", type=int, default=10)
        seed.add_argument("--prefix", default="FUL")
        stock = sub.add_parser("stock")
        stock.add_argument("sku")
        stock.add_argument("quantity", type=int)
        stock.add_argument("--warehouse", type=int)
        product = sub.add_parser("product")
        product.add_argument("sku")
        product.add_argument("--name")
        product.add_argument("--price", type=Decimal)
        product.add_argument("--ean")
        media = sub.add_parser("media", help="add an image URL (absolute or relative)")
        media.add_argument("sku")
        media.add_argument("url")
        attribute = sub.add_parser("attribute", help="set a product attribute (by option name)")
        attribute.add_argument("sku")
        attribute.add_argument("name")
        attribute.add_argument("value")
        sub.add_parser("orders")
        ship = sub.add_parser("ship")
        ship.add_argument("reference")
        ship.add_argument("--carrier", required=True)
        ship.add_argument("--service", default="")
        ship.add_argument("--tracking", default="")
        ship.add_argument("--tracking-url", default="")
        ship.add_argument("--sku", action="append")
        ret = sub.add_parser("return")
        ret.add_argument("reference")
        ret.add_argument("--sku", action="append")
        ret.add_argument("--shipping-amount", type=Decimal, default=Decimal(0))
        hooks = sub.add_parser("webhooks")
        hooks.add_argument("--resend", type=int)
        sub.add_parser("reset")

    refusals = (UserError,)

    def _setup(self, *, api_key, webhook_secret, webhook_url, rate_limit, **options) -> None:
        account = services.account_configure(
            api_key=api_key,
            webhook_secret=webhook_secret,
            webhook_url=webhook_url,
            rate_limit_per_minute=rate_limit,
        )
        self.stdout.write(
            f"webhook URL: {account.webhook_url or '(none: deliveries are only stored)'}; "
            f"rate limit: {account.rate_limit_per_minute or 'off'}/min"
        )

    def _seed(self, *, products, stock, prefix, **options) -> None:
        setup = services.catalogue_seed(products=products, stock=stock, prefix=prefix)
        self.stdout.write(f"{len(setup.skus)} products ({setup.skus[0]}...{setup.skus[-1]})")
        self.stdout.write(f"connector options: {setup.options()}")
        self.stdout.write("credentials: api_key and webhook_secret as set by `setup` (defaults in")
        self.stdout.write("connectors/fulfil/sandbox/services.py)")

    def _stock(self, *, sku, quantity, warehouse, **options) -> None:
        available = services.stock_set(sku, quantity, warehouse=warehouse)
        self.stdout.write(f"{sku}: on hand {quantity}, available {available}")

    def _product(self, *, sku, name, price, ean, **options) -> None:
        changes = {"variant_name": name, "list_price": price, "ean": ean}
        product = services.product_update(sku, **{k: v for k, v in changes.items() if v})
        self.stdout.write(f"{product.code}: {product.variant_name} {product.list_price}")

    def _media(self, *, sku, url, **options) -> None:
        media = services.product_media_add(sku, url)
        self.stdout.write(f"{sku}: media #{media.pk} {media.url}")

    def _attribute(self, *, sku, name, value, **options) -> None:
        row = services.product_attribute_set(sku, name, value)
        self.stdout.write(f"{sku}: {row.attribute.name} = {row.value}")

    def _orders(self, **options) -> None:
        for sale in m.Sale.objects.order_by("pk"):
            shipments = ", ".join(s.number for s in sale.shipments.all()) or "-"
            self.stdout.write(
                f"#{sale.pk} {sale.number or '(draft)'} ref={sale.reference} {sale.state} "
                f"total={sale.total_amount} shipments={shipments}"
            )

    def _ship(self, *, reference, carrier, service, tracking, tracking_url, sku, **options):
        shipment = services.shipment_dispatch(
            reference,
            carrier=carrier,
            service=service,
            tracking_number=tracking,
            tracking_url=tracking_url,
            lines=sku_quantities(sku, flag="--sku"),
        )
        self.stdout.write(f"shipment {shipment.number} done for {reference} via {carrier}")

    def _return(self, *, reference, sku, shipping_amount, **options) -> None:
        lines = sku_quantities(sku, flag="--sku")
        sale = services.sale_return(reference, lines=lines, shipping_amount=shipping_amount)
        self.stdout.write(f"return sale #{sale.pk} for {reference}: total {sale.total_amount}")

    def _webhooks(self, *, resend, **options) -> None:
        if resend:
            delivery = services.webhook_post(resend)
            self.stdout.write(f"#{delivery.pk} -> {delivery.response_status or delivery.error}")
            return
        for delivery in m.WebhookDelivery.objects.all():
            result = delivery.response_status or delivery.error or "stored"
            self.stdout.write(f"#{delivery.pk} {delivery.topic} {delivery.event_id} {result}")

    def _reset(self, **options) -> None:
        services.sandbox_reset()
        self.stdout.write("Fulfil sandbox emptied (account kept)")
