"""`python manage.py magento_sandbox`: drive the Magento sandbox like a merchant would.

Subcommands and their services: docs/connectors/magento.md section 4. ORDER is the entity id,
the increment id or the JL order number (ext_order_id). Faults and the clock are shared:
`python manage.py sandbox fault add magento ...`.
"""

from __future__ import annotations

from decimal import Decimal

from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from connectors.magento.sandbox.errors import MagentoError
from connectors.magento.sandbox.serializers import TIME_FORMAT
from connectors.sandbox.commands import SandboxCommand, sku_quantities


class Command(SandboxCommand):
    help = "Seed and drive the Magento 2 sandbox (catalogue, stock, shipments, credit memos)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed")
        seed.add_argument("--products", type=int, default=12)
        seed.add_argument("--reset", action="store_true")
        token = sub.add_parser("token")
        token.add_argument("name")
        token.add_argument("--resource", action="append", help="ACL resource; all if omitted")
        stock = sub.add_parser("stock")
        stock.add_argument("sku")
        stock.add_argument("quantity", type=Decimal)
        stock.add_argument("--source", default="default")
        stock.add_argument("--status", type=int, choices=[0, 1])
        product = sub.add_parser("product")
        product.add_argument("sku")
        product.add_argument("--name")
        product.add_argument("--price", type=Decimal)
        product.add_argument("--ean")
        product.add_argument("--description", help="HTML; the description custom attribute")
        sub.add_parser("orders")
        ship = sub.add_parser("ship")
        ship.add_argument("order")
        ship.add_argument("--carrier-title", required=True)
        ship.add_argument("--carrier-code", default="custom")
        ship.add_argument("--tracking", required=True)
        ship.add_argument("--line", action="append")
        ship.add_argument("--source", default="default")
        refund = sub.add_parser("refund")
        refund.add_argument("order")
        refund.add_argument("--line", action="append")
        refund.add_argument("--shipping", type=Decimal)
        refund.add_argument("--adjustment", type=Decimal, default=Decimal(0))
        sub.add_parser("reset")

    refusals = (MagentoError, m.Product.DoesNotExist)

    def refusal_message(self, error: Exception) -> str:
        if isinstance(error, MagentoError):
            return f"{error.message} {error.parameters or ''}".strip()
        return "no such product"

    def _seed(self, *, products: int, reset: bool, **options) -> None:
        created = services.catalogue_seed(products=products, reset=reset)
        self.stdout.write(
            f"{len(created)} products seeded; token: {services.DEFAULT_TOKEN}; "
            "sources default, warehouse_uk -> stock 1"
        )

    def _token(self, *, name: str, resource: list[str] | None, **options) -> None:
        token = services.token_create(name=name, resources=resource)
        self.stdout.write(f"token for {name}: {token.token}")

    def _stock(self, *, sku: str, quantity: Decimal, source: str, status, **options) -> None:
        item = services.stock_set(sku=sku, quantity=quantity, source_code=source, status=status)
        salable = services.salable_quantity(sku=sku, stock_id=services.SALES_STOCK_ID)
        self.stdout.write(f"{item}; salable on stock 1: {salable}")

    def _product(self, *, sku: str, name, price, ean, description, **options) -> None:
        given = {"name": name, "price": price, "ean": ean, "description": description}
        changes = {k: v for k, v in given.items() if v}
        product = services.product_update(sku=sku, **changes)
        self.stdout.write(f"{product.sku} updated at {product.updated_at:{TIME_FORMAT}}")

    def _orders(self, **options) -> None:
        for order in m.Order.objects.prefetch_related("items"):
            lines = ", ".join(f"{i.sku} x{i.qty_ordered}" for i in order.items.all())
            self.stdout.write(
                f"#{order.pk} {order.increment_id} ext={order.ext_order_id or '-'} "
                f"{order.state} {order.grand_total} [{lines}]"
            )

    def _ship(self, *, order: str, line, source: str, **options) -> None:
        shipment = services.order_ship(
            order=services.order_lookup(order),
            carrier_title=options["carrier_title"],
            carrier_code=options["carrier_code"],
            track_number=options["tracking"],
            items=sku_quantities(line, flag="--line"),
            source_code=source,
        )
        self.stdout.write(f"shipment {shipment.increment_id} (#{shipment.pk}) created")

    def _refund(self, *, order: str, line, shipping, adjustment, **options) -> None:
        memo = services.creditmemo_create(
            order=services.order_lookup(order),
            items=sku_quantities(line, flag="--line"),
            shipping_amount=shipping,
            adjustment=adjustment,
        )
        self.stdout.write(f"credit memo {memo.increment_id} (#{memo.pk}) for {memo.grand_total}")

    def _reset(self, **options) -> None:
        services.sandbox_reset()
        self.stdout.write("magento sandbox emptied")
