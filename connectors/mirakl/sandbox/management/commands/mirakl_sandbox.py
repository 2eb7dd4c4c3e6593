"""`python manage.py mirakl_sandbox`: drive the Mirakl sandbox like the marketplace would.

The subcommands are listed in docs/connectors/mirakl-sandbox.md and by ``--help``. ``--shop-id N``
goes before the subcommand (`mirakl_sandbox --shop-id 2002 orders create`); the default is the
first shop, created (id 2001, key sandbox-mirakl-key) when the sandbox is empty. Faults are the
shared `python manage.py sandbox fault add mirakl ...`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from connectors.mirakl.sandbox import services
from connectors.mirakl.sandbox.models import SandboxShop
from connectors.mirakl.sandbox.services.orders import order_get
from connectors.sandbox.faults import clock_advance


def _sku(value: str) -> dict:
    parts = value.split(":")
    if len(parts) not in (2, 3) or not parts[1].isdigit():
        raise CommandError(f"--sku expects SKU:QTY[:PRICE], got {value!r}")
    line = {"sku": parts[0], "quantity": int(parts[1])}
    if len(parts) == 3:
        line["price"] = Decimal(parts[2])
    return line


class Command(BaseCommand):
    help = "Create orders, debit, ship-side events, refunds, returns and payouts in the sandbox."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--shop-id", type=int)
        sub = parser.add_subparsers(dest="group", required=True)
        shop = sub.add_parser("shop")
        shop.add_argument("--name")
        shop.add_argument("--api-key")
        shop.add_argument("--commission-rate", type=Decimal)
        shop.add_argument("--enforce-call-limits", choices=["on", "off"])
        shop.add_argument("--acceptance-hours", type=int)
        shop.add_argument(
            "--debit-delay", help="seconds before accepted orders are debited, or off"
        )
        orders = sub.add_parser("orders")
        orders.add_argument("action", choices=["create", "debit", "receive", "close", "list"])
        orders.add_argument("order_ids", nargs="*")
        orders.add_argument("--count", type=int, default=1)
        orders.add_argument("--sku", action="append", type=_sku, default=[])
        orders.add_argument("--shipping-type", default="STD")
        orders.add_argument("--seed", type=int)
        refund = sub.add_parser("refund")
        refund.add_argument("order_id")
        refund.add_argument("--line")
        refund.add_argument("--amount", type=Decimal)
        refund.add_argument("--shipping-amount", type=Decimal)
        ret = sub.add_parser("return")
        ret.add_argument("order_id")
        ret.add_argument("--line", action="append", default=[])
        sub.add_parser("billing").add_argument("action", choices=["close"])
        time = sub.add_parser("time")
        time.add_argument("action", choices=["advance"])
        amount = time.add_mutually_exclusive_group(required=True)
        amount.add_argument("--minutes", type=int)
        amount.add_argument("--hours", type=int)
        amount.add_argument("--days", type=int)
        sub.add_parser("calls")
        sub.add_parser("products", help="the shop's marketplace products (from P41 imports)")
        sub.add_parser("reset").add_argument("--all", action="store_true")

    def handle(self, *args, group: str, shop_id=None, **options) -> None:
        if group == "reset":
            services.sandbox_reset(keep_shops=not options["all"])
            self.stdout.write("mirakl sandbox reset")
            return
        shop = self._resolve_shop(shop_id)
        try:
            getattr(self, f"_cmd_{group}")(shop, **options)
        except services.MiraklError as error:
            raise CommandError(error.message) from error

    def _resolve_shop(self, shop_id: int | None) -> SandboxShop:
        if shop_id is None:
            return services.shop_default()
        return services.shop_get_or_create(shop_id=shop_id, api_key=f"sandbox-key-{shop_id}")

    def _cmd_shop(self, shop, **options) -> None:
        fields = {
            "name": options.get("name"),
            "api_key": options.get("api_key"),
            "commission_rate": options.get("commission_rate"),
            "acceptance_window_hours": options.get("acceptance_hours"),
        }
        fields = {k: v for k, v in fields.items() if v is not None}
        if options.get("debit_delay"):
            delay = options["debit_delay"]
            fields["debit_delay_seconds"] = None if delay == "off" else int(delay)
        if options.get("enforce_call_limits"):
            fields["enforce_call_limits"] = options["enforce_call_limits"] == "on"
        shop = services.shop_get_or_create(shop_id=shop.shop_id, **fields)
        self.stdout.write(
            f"shop {shop.shop_id} {shop.name!r}: API key {shop.api_key}, "
            f"commission {shop.commission_rate}, "
            f"call limits {'on' if shop.enforce_call_limits else 'off'}"
        )

    def _cmd_orders(self, shop, *, action, order_ids, **options) -> None:
        if action == "create":
            created = services.orders_create(
                shop=shop,
                count=options["count"],
                lines=options["sku"] or None,
                shipping_type_code=options["shipping_type"],
                seed=options["seed"],
            )
            for order in created:
                self.stdout.write(f"{order.order_id} {order.state}")
        elif action == "list":
            services.orders_evaluate(shop)
            for order in shop.orders.all():
                self.stdout.write(
                    f"{order.order_id} {order.state} {order.updated_at:%Y-%m-%d %H:%M}"
                )
        elif action == "debit" and not order_ids:
            debited = services.orders_debit(shop=shop)
            self.stdout.write(f"{len(debited)} order(s) debited")
        else:
            step = {
                "debit": services.order_debit,
                "receive": services.order_receive,
                "close": services.order_close,
            }[action]
            for order_id in order_ids:
                step(order_get(shop, order_id))
                self.stdout.write(f"{order_id}: {action} done")

    def _cmd_refund(self, shop, *, order_id, line, amount, shipping_amount, **options) -> None:
        refunds = services.order_refund_portal(
            order_get(shop, order_id), line_id=line, amount=amount, shipping_amount=shipping_amount
        )
        for refund in refunds:
            self.stdout.write(
                f"refund {refund.adjustment_id} on {refund.line.line_id}: "
                f"{refund.amount} + {refund.shipping_amount} shipping"
            )

    def _cmd_return(self, shop, *, order_id, line, **options) -> None:
        created = services.return_create(order_get(shop, order_id), line_ids=line or None)
        self.stdout.write(f"return {created.return_id} ({created.rma}) {created.state}")

    def _cmd_billing(self, shop, **options) -> None:
        cycle = services.billing_cycle_close(shop=shop)
        if cycle is None:
            self.stdout.write("nothing payable: no billing cycle closed")
            return
        self.stdout.write(f"billing cycle {cycle.cycle_id}: {cycle.amount_to_seller} paid")

    def _cmd_time(self, shop, *, minutes=None, hours=None, days=None, **options) -> None:
        seconds = (minutes or 0) * 60 + (hours or 0) * 3600 + (days or 0) * 86400
        now = clock_advance("mirakl", seconds)
        services.orders_evaluate(shop, now)
        self.stdout.write(f"mirakl sandbox clock is now {now.isoformat()}")

    def _cmd_products(self, shop, **options) -> None:
        for product in shop.products.all():
            self.stdout.write(
                f"{product.shop_sku} {product.product_sku} {product.category_code} "
                f"{product.ean} {product.title}"
            )

    def _cmd_calls(self, shop, **options) -> None:
        for operation, stats in sorted(services.call_stats(shop).items()):
            self.stdout.write(
                f"{operation}: {stats['calls']} calls, "
                f"{stats['over_limit']} over limit, {stats['rejected']} rejected"
            )
