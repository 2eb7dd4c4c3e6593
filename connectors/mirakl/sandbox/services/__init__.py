"""Writes behind the sandbox API and its control surface (management command, admin, tests).

Import the public functions from here: ``from connectors.mirakl.sandbox import services``.
"""

from connectors.mirakl.sandbox.services.common import MiraklError, now_for
from connectors.mirakl.sandbox.services.finance import billing_cycle_close
from connectors.mirakl.sandbox.services.limits import call_stats
from connectors.mirakl.sandbox.services.orders import (
    order_accept,
    order_cancel,
    order_close,
    order_debit,
    order_receive,
    order_ship,
    order_tracking_set,
    orders_create,
    orders_debit,
    orders_evaluate,
)
from connectors.mirakl.sandbox.services.refunds import (
    order_lines_cancel,
    order_refund_portal,
    refunds_create,
)
from connectors.mirakl.sandbox.services.returns import return_create, returns_transition
from connectors.mirakl.sandbox.services.shops import (
    offers_seed,
    sandbox_reset,
    shop_default,
    shop_get_or_create,
)

__all__ = [
    "MiraklError",
    "billing_cycle_close",
    "call_stats",
    "now_for",
    "offers_seed",
    "order_accept",
    "order_cancel",
    "order_close",
    "order_debit",
    "order_lines_cancel",
    "order_receive",
    "order_refund_portal",
    "order_ship",
    "order_tracking_set",
    "orders_create",
    "orders_debit",
    "orders_evaluate",
    "refunds_create",
    "return_create",
    "returns_transition",
    "sandbox_reset",
    "shop_default",
    "shop_get_or_create",
]
