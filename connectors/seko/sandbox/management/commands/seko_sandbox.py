"""`python manage.py seko_sandbox`: drive the SEKO sandbox like the DC and SEKO would.

The subcommands are listed in docs/connectors/seko.md (section 6) and by ``--help``. ORDER is
the SalesOrderNumber, the JL order number (SalesOrderReference) or the GUID. Faults and the
clock are shared: `python manage.py sandbox fault add seko ...`.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from connectors.sandbox.commands import SandboxCommand, sku_quantities
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox import pushes, receipts, services
from connectors.seko.sandbox.services import SekoRefusal


class Command(SandboxCommand):
    help = "Seed and drive the SEKO sandbox (stock, dispatches, signed pushes)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed")
        seed.add_argument("--products", type=int, default=12)
        seed.add_argument("--dc", default=services.DEFAULT_DC)
        seed.add_argument("--reset", action="store_true")
        key = sub.add_parser("key")
        key.add_argument("name")
        key.add_argument("--key", default="")
        stock = sub.add_parser("stock")
        stock.add_argument("sku")
        stock.add_argument("quantity", type=int)
        stock.add_argument("--dc", default=services.DEFAULT_DC)
        stock.add_argument("--location", default=services.AVAILABLE)
        stock.add_argument("--reason", default="STOCKTAKE")
        move = sub.add_parser("move")
        move.add_argument("sku")
        move.add_argument("quantity", type=int)
        move.add_argument("--from", dest="from_location", default=services.AVAILABLE)
        move.add_argument("--to", dest="to_location", required=True)
        move.add_argument("--dc", default=services.DEFAULT_DC)
        sub.add_parser("orders")
        dispatch = sub.add_parser("dispatch")
        dispatch.add_argument("order")
        dispatch.add_argument("--courier", required=True)
        dispatch.add_argument("--tracking", required=True)
        dispatch.add_argument("--service", default="")
        dispatch.add_argument("--url", default="")
        config = sub.add_parser("push-config")
        config.add_argument("--url")
        config.add_argument("--secret")
        config.add_argument("--integration-id")
        config.add_argument("--rate-limit", type=int)
        sub.add_parser("pushes")
        sub.add_parser("push-send")
        sub.add_parser("push-replay").add_argument("sequence", type=int)
        receive = sub.add_parser("return-receive")
        receive.add_argument("asn")
        receive.add_argument("--sellable", action="append", default=[])
        sub.add_parser("reset")

    refusals = (SekoRefusal,)

    def _return_receive(self, *, asn: str, sellable: list[str], **options) -> None:
        counts = sku_quantities(sellable, flag="--sellable", sep="=", returncode=1)
        receipt = receipts.receipt_receive(number=asn, sellable=counts)
        rows = ", ".join(
            f"{r['Quantity']} x {r['ProductCode']} to {r['LocationType']}" for r in receipt.grn
        )
        self.stdout.write(f"ASN {receipt.asn_number} received: {rows}")

    def _seed(self, *, products: int, dc: str, reset: bool, **options) -> None:
        created = services.catalogue_seed(products=products, dc_code=dc, reset=reset)
        self.stdout.write(
            f"{len(created)} products seeded in {dc}; api_key: {services.DEFAULT_KEY}; "
            f"push secret: {pushes.push_config().secret}"
        )

    def _key(self, *, name: str, key: str, **options) -> None:
        self.stdout.write(f"api_key for {name}: {services.api_key_create(name=name, key=key).key}")

    def _stock(self, *, sku: str, quantity: int, dc: str, location: str, reason: str, **o) -> None:
        row = services.stock_set(
            product_code=sku, quantity=quantity, dc_code=dc, location_type=location,
            reason_code=reason,
        )  # fmt: skip
        self.stdout.write(f"{row}; free to order: {services.free_quantity(sku, dc)}")

    def _move(self, *, sku: str, quantity: int, dc: str, **options) -> None:
        event = services.stock_move(
            product_code=sku,
            quantity=quantity,
            from_location=options["from_location"],
            to_location=options["to_location"],
            dc_code=dc,
        )
        self.stdout.write(
            f"moved {event.quantity} {sku}: {event.location_type} -> {event.to_location_type}"
        )

    def _orders(self, **options) -> None:
        for order in m.SalesOrder.objects.prefetch_related("lines"):
            lines = ", ".join(f"{ln.product_code} x{ln.quantity}" for ln in order.lines.all())
            self.stdout.write(
                f"{order.sales_order_number} ref={order.sales_order_reference or '-'} "
                f"{order.dc_code} {order.status} [{lines}]"
            )

    def _dispatch(self, *, order: str, courier: str, tracking: str, service: str, url: str, **o):
        dispatch = services.order_dispatch(
            order=services.order_lookup(order),
            courier=courier,
            courier_service=service,
            tracking_number=tracking,
            tracking_url=url,
        )
        self.stdout.write(
            f"dispatch {dispatch.dispatch_number} for {dispatch.order}; 2 pushes queued"
        )

    def _push_config(self, *, url, secret, integration_id, rate_limit, **options) -> None:
        config = services.push_configure(
            url=url, secret=secret, integration_id=integration_id, rate_limit_per_minute=rate_limit
        )
        self.stdout.write(
            f"pushes to {config} as {config.integration_id}; "
            f"rate limit {config.rate_limit_per_minute or 'off'}/min"
        )

    def _pushes(self, **options) -> None:
        for push in m.Push.objects.all():
            self.stdout.write(
                f"#{push.sequence_number} {push.kind} {push.status} attempts={push.attempts} "
                f"{push.last_result}"
            )

    def _push_send(self, **options) -> None:
        tried = pushes.pushes_deliver()
        delivered = sum(push.status == m.Push.DELIVERED for push in tried)
        self.stdout.write(f"{len(tried)} push(es) tried, {delivered} delivered")

    def _push_replay(self, *, sequence: int, **options) -> None:
        push = m.Push.objects.filter(sequence_number=sequence).first()
        if push is None:
            raise CommandError(f"no push #{sequence}")
        self.stdout.write("replayed" if pushes.push_replay(push) else "replay not delivered")

    def _reset(self, **options) -> None:
        services.sandbox_reset()
        self.stdout.write("seko sandbox emptied")
