"""Returns (RT11, RT21 accept/refuse, RT25 receive, RT27 close) and their creation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from connectors.mirakl.sandbox.models import OrderState, SandboxOrder, SandboxReturn, SandboxShop
from connectors.mirakl.sandbox.services.common import MiraklError, body_items, now_for

# action -> (states it may start from, resulting state when accepted/True, when refused/False)
TRANSITIONS = {
    "accept": (("WAITING_ACCEPTANCE",), "IN_PROGRESS", "REFUSED"),
    "receive": (("IN_PROGRESS",), "RECEIVED", "RECEIVED"),
    "close": (("RECEIVED", "REFUSED", "NO_RECEPTION"), "CLOSED", "CLOSED"),
}
MAX_RETURNS_PER_CALL = 100


@transaction.atomic
def return_create(
    order: SandboxOrder,
    *,
    line_ids: list[str] | None = None,
    reason_code: str = "RETURN_CHANGED_MIND",
    now: dt.datetime | None = None,
) -> SandboxReturn:
    """A customer return on a SHIPPED or RECEIVED order (all lines unless ``line_ids``)."""
    now = now_for(now)
    if order.state not in (OrderState.SHIPPED, OrderState.RECEIVED):
        raise MiraklError(
            400, f"Order '{order.order_id}' in state {order.state} cannot be returned"
        )
    lines = order.lines.all() if not line_ids else order.lines.filter(line_id__in=line_ids)
    number = (SandboxReturn.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return SandboxReturn.objects.create(
        shop=order.shop,
        order=order,
        rma=f"RMA-{number:06d}",
        reason_code=reason_code,
        lines=[
            {"order_line_id": line.line_id, "quantity": line.quantity, "reason_code": reason_code}
            for line in lines
        ],
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def returns_transition(
    *, shop: SandboxShop, action: str, body: object, now: dt.datetime | None = None
) -> dict:
    """RT21/RT25/RT27: per-item success or error, as ``{return_success, return_errors}``.

    An error is ``{id, message}`` with the spec example's wording, which names no state: a
    client learns where the return is from RT11."""
    now = now_for(now)
    starts, accepted_state, refused_state = TRANSITIONS[action]
    items = body_items(body, "returns")
    if len(items) > MAX_RETURNS_PER_CALL:
        raise MiraklError(400, f"The limit of {MAX_RETURNS_PER_CALL} is exceeded for 'returns'")
    success, errors = [], []
    for item in items:
        return_id = str(item.get("id") or "") if isinstance(item, dict) else ""
        found = SandboxReturn.objects.filter(shop=shop, return_id=return_id).first()
        if found is None:
            errors.append({"id": return_id, "message": "The return does not exist."})
            continue
        if found.state not in starts:
            errors.append({"id": return_id, "message": "Return is in invalid state"})
            continue
        accepted = item.get("accepted", True) is not False
        found.state = accepted_state if accepted else refused_state
        found.rejection_reason_code = "" if accepted else item.get("rejection_reason_code") or ""
        found.updated_at = now
        found.save()
        success.append({"id": return_id})
    return {"return_success": success, "return_errors": errors}
