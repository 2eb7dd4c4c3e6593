"""Outbox handlers of the returns flows and the ``return_failed`` retry, registered at start-up.

The retry re-queues exactly the failed call of the item's subject (a return, refund or
cancellation, or the order for a whole-order marketplace cancellation) and runs it now.
Pressing it twice is harmless: the job's identity key is unique while open, and OR28/OR30
look on the marketplace before they send again.
"""

from __future__ import annotations

from exceptions_queue.models import ExceptionItem
from exceptions_queue.services import retry_handler_register
from integration_hub.services.outbox import outbox_handler_register
from returns.flows import cancellations, refunds, returns_flow
from returns.models import Cancellation, Origin, Refund, Return


def return_failed_retry(item: ExceptionItem) -> bool:
    integration = item.integration
    if item.subject_type == "return":
        found = Return.objects.filter(
            integration=integration, marketplace_return_id=item.subject_id
        ).first()
        return bool(found) and returns_flow.return_retry(found)
    if item.subject_type == "refund":
        refund = Refund.objects.filter(integration=integration, key=item.subject_id).first()
        return bool(refund) and refunds.refund_retry(refund)
    if item.subject_type == "cancellation":
        cancellation = Cancellation.objects.filter(
            integration=integration, key=item.subject_id
        ).first()
        return bool(cancellation) and cancellations.cancellation_retry(cancellation)
    if item.subject_type == "order":
        cancellation = Cancellation.objects.filter(
            integration=integration,
            order__marketplace_order_id=item.subject_id,
            origin=Origin.MARKETPLACE,
            whole_order=True,
        ).first()
        return bool(cancellation) and cancellations.cancellation_retry(cancellation)
    return False


def handlers_register() -> None:
    flow = returns_flow
    outbox_handler_register(flow.AUTHORISE, flow.return_authorise_run, flow.return_give_up)
    outbox_handler_register(flow.ACCEPT, flow.return_accept_run, flow.return_give_up)
    outbox_handler_register(flow.CLOSE, flow.return_close_run, flow.return_give_up)
    outbox_handler_register(refunds.SEND, refunds.refund_send_run, refunds.refund_give_up)
    outbox_handler_register(refunds.MIRROR, refunds.refund_mirror_run, refunds.refund_give_up)
    outbox_handler_register(
        cancellations.SEND, cancellations.cancel_send_run, cancellations.cancel_give_up
    )
    outbox_handler_register(
        cancellations.MIRROR, cancellations.cancel_mirror_run, cancellations.cancel_give_up
    )
    retry_handler_register("return_failed", return_failed_retry)
