from django import template

from returns import selectors
from returns.forms import CancelForm, RefundForm

register = template.Library()


@register.inclusion_tag("returns/_panel.html", takes_context=True)
def returns_order_panel(context, order):
    """The returns, refunds and cancellations of ``order``, and the forms for ops."""
    panel = selectors.order_panel(order)
    user = context["request"].user
    can_act = user.has_perm("integration_hub.handle_exceptions")
    refundable = [row["line"] for row in panel["refundable"]]
    return {
        **panel,
        "order": order,
        "can_act": can_act,
        "csrf_token": context.get("csrf_token"),
        "refund_form": RefundForm(order=order, lines=refundable, auto_id="refund-%s")
        if can_act
        else None,
        "cancel_form": CancelForm(order=order, lines=panel["cancellable"], auto_id="cancel-%s")
        if can_act
        else None,
    }
