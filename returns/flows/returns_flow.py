"""Marketplace returns: RT11 pull -> authorisation in the source -> accepted on the marketplace
(RT21) -> received and inspected in the source -> received (RT25) and closed (RT27).

The hub never touches stock: the source puts sellable units back when it inspects the goods,
and the stock pass reads the source's figure from there.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.base import (
    NotSupportedError,
    PermanentError,
    SourceReturnLine,
    SourceReturnReceipt,
    SourceReturnRequest,
)
from connectors.mirakl.dtos import Return as ReturnDTO
from connectors.mirakl.limiter import CallDeferred
from connectors.mirakl.parse import ParseErrors
from integration_hub.flows.events import HUB, MARKETPLACE, SOURCE, order_event_add
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration, Order, OutboundJob
from integration_hub.services.runs import RunRecorder
from returns.flows import common
from returns.models import Return, ReturnLine, ReturnStep, Work

CURSOR = "returns.updated_since"
RECEIPTS_CURSOR = "returns.source_receipts"
OVERLAP = dt.timedelta(minutes=5)
MAX_PAGES = 20
AUTHORISE, ACCEPT, CLOSE = "return_authorise", "return_accept", "return_close"
FINAL_STATES = ("CLOSED", "CANCELED", "REFUSED")
PROGRESS = ("WAITING_ACCEPTANCE", "IN_PROGRESS", "RECEIVED", "CLOSED")  # RT11, in order
TARGETS = {"RT21": "IN_PROGRESS", "RT25": "RECEIVED", "RT27": "CLOSED"}


# --- RT11 -----------------------------------------------------------------------------------


def returns_pull(integration: Integration, client, run: RunRecorder) -> None:
    """One RT11 read from the cursor; every return upserted in its own transaction."""
    stored = cursor_get(integration, CURSOR)
    newest = dt.datetime.fromisoformat(stored) if stored else None
    since = newest - OVERLAP if newest else None
    try:
        for dto in client.returns_list(last_updated_from=since):
            run.add(f"returns {return_upsert(integration, dto)}")
            if dto.last_updated and (newest is None or dto.last_updated > newest):
                newest = dto.last_updated
    except CallDeferred:  # RT11 may run every 5 minutes: the rest of the pass still runs
        run.add("returns deferred (RT11 call budget)")
    except ParseErrors as errors:  # every readable return was stored; the bad ones are named
        for return_id, reason, _raw in errors.failures:
            common.failure_record(
                integration=integration,
                order=None,
                subject_type="return",
                subject_id=return_id,
                message=f"The marketplace sent return {return_id} in a form the hub could not "
                f"read ({reason}); it is read again when it changes.",
            )
            run.item_failed("unreadable return")
    if newest is not None:
        cursor_set(integration, CURSOR, newest.isoformat())


def return_upsert(integration: Integration, dto: ReturnDTO) -> str:
    try:
        with transaction.atomic():
            return _return_upsert_locked(integration, dto)
    except IntegrityError:  # stored by a concurrent pass a moment ago
        with transaction.atomic():
            return _return_upsert_locked(integration, dto)


def _return_upsert_locked(integration: Integration, dto: ReturnDTO) -> str:
    ret = (
        Return.objects.select_for_update()
        .filter(integration=integration, marketplace_return_id=dto.id)
        .first()
    )
    stale = ret and ret.marketplace_updated_at and dto.last_updated
    if stale and dto.last_updated <= ret.marketplace_updated_at:
        return "unchanged"
    created = ret is None
    previous = "" if created else ret.marketplace_state
    ret = ret or Return(integration=integration, marketplace_return_id=dto.id)
    ret.order = Order.objects.filter(
        integration=integration, marketplace_order_id=dto.order_id
    ).first()
    ret.marketplace_order_id = dto.order_id
    ret.commercial_id = dto.order_commercial_id
    ret.rma = dto.rma
    ret.marketplace_state = dto.state
    ret.reason_code = dto.reason_code
    ret.marketplace_created_at = dto.date_created
    ret.marketplace_updated_at = dto.last_updated
    ret.raw = dto.raw
    if created:
        ret.work = Work.QUEUED if common.automated(integration) else Work.MANUAL
    ret.save()
    _lines_apply(ret, dto)
    if created:
        _return_created(ret)
    elif previous != dto.state:
        _event(ret, MARKETPLACE, "return_state", f"Return {ret} {previous} → {dto.state}")
    return "created" if created else "updated"


def _lines_apply(ret: Return, dto: ReturnDTO) -> None:
    lines = {}
    if ret.order_id:
        lines = {line.marketplace_line_id: line for line in ret.order.lines.all()}
    for item in dto.lines:
        line = lines.get(item.order_line_id)
        ReturnLine.objects.update_or_create(
            ret=ret,
            marketplace_line_id=item.order_line_id,
            defaults={
                "order_line": line,
                "offer_sku": line.offer_sku if line else "",
                "quantity": item.quantity,
                "reason_code": item.reason_code or dto.reason_code,
            },
        )


def _event(ret: Return, source: str, kind: str, message: str, **data) -> None:
    if ret.order_id:
        order_event_add(
            ret.order, source=source, kind=kind, message=message, data={"return": ret.pk, **data}
        )


def _return_created(ret: Return) -> None:
    items = ", ".join(f"{line.quantity} x {line.offer_sku or '?'}" for line in ret.lines.all())
    then = (
        "authorising it in the source"
        if ret.work == Work.QUEUED
        else "returns automation is off: authorise it in the source by hand"
    )
    _event(
        ret,
        MARKETPLACE,
        "return_requested",
        f"Return {ret} requested on the marketplace ({items}, reason {ret.reason_code}); {then}",
    )
    if ret.work != Work.QUEUED:
        return
    if ret.marketplace_state in FINAL_STATES:
        Return.objects.filter(pk=ret.pk).update(work=Work.NOTHING)
        return
    Return.objects.filter(pk=ret.pk).update(step=ReturnStep.AUTHORISING)
    common.job_enqueue(ret.integration, AUTHORISE, ret.pk)


# --- authorisation in the source and RT21 ---------------------------------------------------


def return_authorise_run(job: OutboundJob) -> None:
    """Outbox handler: create the return in the source (looked up by our reference first)."""
    from integration_hub.clients import source_connector_for

    ret = Return.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    if ret.source_return_id:
        return
    order = ret.order
    if order is None or not order.source_order_id:
        raise PermanentError(f"order {ret.marketplace_order_id} is not in the source")
    request = SourceReturnRequest(
        reference=ret.marketplace_return_id,
        external_reference=order.commercial_id,
        source_order_id=order.source_order_id,
        lines=[
            SourceReturnLine(
                sku=common.source_sku(ret.integration, line.offer_sku),
                quantity=line.quantity,
                reason=line.reason_code,
            )
            for line in ret.lines.all()
        ],
        rma=ret.rma,
    )
    ref = source_connector_for(ret.integration).return_authorise(request)
    with transaction.atomic():
        Return.objects.filter(pk=ret.pk).update(
            source_return_id=ref.source_return_id,
            source_return_name=ref.source_return_name,
            step=ReturnStep.AUTHORISED,
            error="",
        )
        name = ref.source_return_name or ref.source_return_id
        _event(ret, SOURCE, "return_authorised", f"Return {ret} authorised in the source as {name}")
        if ret.marketplace_state == "WAITING_ACCEPTANCE":
            common.job_enqueue(ret.integration, ACCEPT, ret.pk)
    _clear(ret, "the return is authorised in the source")


def return_accept_run(job: OutboundJob) -> None:
    """Outbox handler: accept the return on the marketplace (RT21) once it is authorised."""
    from integration_hub.clients import marketplace_client_for

    ret = Return.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    client = marketplace_client_for(ret.integration)
    moved, _state = _transition(ret, client, "RT21")
    if moved:
        Return.objects.filter(pk=ret.pk).update(marketplace_state="IN_PROGRESS")
        _event(ret, HUB, "return_accepted", f"Return {ret} accepted on the marketplace (RT21)")


def _reached(state: str, operation: str) -> bool:
    """The return is where ``operation`` takes it, or further along (RT11 states)."""
    target = TARGETS[operation]
    return state in PROGRESS and PROGRESS.index(state) >= PROGRESS.index(target)


def _transition(ret: Return, client, operation: str) -> tuple[bool, str]:
    """Run RT21/RT25/RT27 for one return: (True, new state) if it moved now, (False, state)
    if it was there already; raises PermanentError otherwise.

    A per-return error carries only an id and a free-text message (spec), so whether the
    return is already there is decided from its state read back with RT11, never the wording.
    """
    from connectors.mirakl.dtos import ReturnDecision

    if operation == "RT21":
        result = client.returns_accept(
            decisions=[ReturnDecision(id=ret.marketplace_return_id, accepted=True)]
        )
    elif operation == "RT25":
        result = client.returns_receive(return_ids=[ret.marketplace_return_id])
    else:
        result = client.returns_close(return_ids=[ret.marketplace_return_id])
    if ret.marketplace_return_id in result.success_ids:
        return True, TARGETS[operation]
    state = _state_read_back(ret, client)
    if _reached(state, operation):
        return False, state
    message = "; ".join(m for _id, m in result.errors) or "no answer for this return"
    where = f"it is {state}" if state else "RT11 does not list it"
    raise PermanentError(f"{operation} refused for return {ret}: {message} ({where})")


def _state_read_back(ret: Return, client) -> str:
    """The return's state as RT11 shows it now (stored on the row), "" when it is not listed.
    RT11 has a call budget: when it is spent the job waits (CallDeferred) and runs again."""
    for dto in client.returns_list(order_commercial_ids=[ret.commercial_id]):
        if dto.id == ret.marketplace_return_id:
            Return.objects.filter(pk=ret.pk).update(marketplace_state=dto.state)
            return dto.state
    return ""


# --- received and inspected in the source -> RT25 + RT27 ------------------------------------


def return_receipts_pull(integration: Integration, source, run: RunRecorder) -> None:
    """Read returns the source received and inspected; apply each once."""
    cursor = cursor_get(integration, RECEIPTS_CURSOR)
    for _page in range(MAX_PAGES):
        page = source.returns_read(cursor)
        for receipt in page.items:
            run.add(f"receipts {return_receipt_apply(integration, receipt)}")
        cursor = page.next_cursor
        cursor_set(integration, RECEIPTS_CURSOR, cursor)
        if not page.has_more:
            break


@transaction.atomic
def return_receipt_apply(integration: Integration, receipt: SourceReturnReceipt) -> str:
    ret = (
        Return.objects.select_for_update()
        .filter(integration=integration, source_return_id=receipt.source_return_id)
        .first()
    )
    if ret is None:
        return "unmatched"
    if ret.received_at is not None:
        return "unchanged"
    offer_of = common.offer_skus_by_source_sku(integration, ret.order) if ret.order_id else {}
    received = {offer_of.get(line.sku, line.sku): line for line in receipt.lines}
    for line in ret.lines.all():
        got = received.get(line.offer_sku)
        ReturnLine.objects.filter(pk=line.pk).update(
            received_quantity=got.received if got else 0,
            sellable_quantity=got.sellable if got else 0,
        )
    ret.received_at = receipt.received_at or timezone.now()
    ret.step = ReturnStep.RECEIVED
    ret.save(update_fields=["received_at", "step", "updated_at"])
    _received_event(ret, receipt)
    if ret.work == Work.QUEUED:
        common.job_enqueue(integration, CLOSE, ret.pk)
    return "received"


def _received_event(ret: Return, receipt: SourceReturnReceipt) -> None:
    got = sum(line.received for line in receipt.lines)
    then = (
        "marking it received and closed on the marketplace"
        if ret.work == Work.QUEUED
        else "returns automation is off: receive and close it on the marketplace by hand"
    )
    _event(
        ret,
        SOURCE,
        "return_received",
        f"Return {ret} received in the source: {got} unit(s) back, {_sellable_text(receipt, got)}; "
        f"{then}",
    )


def _sellable_text(receipt: SourceReturnReceipt, got: int) -> str:
    if any(line.sellable is None for line in receipt.lines):
        return "the source does not say how many are sellable (see its stock)"
    sellable = sum(line.sellable for line in receipt.lines)
    return (
        f"{sellable} sellable (the source put those back in stock), {got - sellable} not sellable"
    )


def return_close_run(job: OutboundJob) -> None:
    """Outbox handler: RT21 if still waiting, RT25 then RT27; each skipped when the state
    (stored from RT11, or read back after a refused call) shows it done already."""
    from integration_hub.clients import marketplace_client_for

    ret = Return.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    if ret.step == ReturnStep.CLOSED:
        return
    client = marketplace_client_for(ret.integration)
    state = ret.marketplace_state
    if state == "WAITING_ACCEPTANCE":
        _moved, state = _transition(ret, client, "RT21")
    if not _reached(state, "RT25"):
        _moved, state = _transition(ret, client, "RT25")
    if not _reached(state, "RT27"):
        _transition(ret, client, "RT27")
    Return.objects.filter(pk=ret.pk).update(
        step=ReturnStep.CLOSED, marketplace_state="CLOSED", work=Work.DONE, error=""
    )
    _event(ret, HUB, "return_closed", f"Return {ret} received (RT25) and closed (RT27)")
    _clear(ret, "the return is closed on the marketplace")


def _clear(ret: Return, note: str) -> None:
    common.failure_clear(
        integration=ret.integration,
        subject_type="return",
        subject_id=ret.marketplace_return_id,
        note=note,
    )


def return_give_up(job: OutboundJob, error: Exception) -> None:
    ret = Return.objects.select_related("order", "integration").get(pk=job.payload["pk"])
    manual = isinstance(error, NotSupportedError)
    Return.objects.filter(pk=ret.pk).update(
        work=Work.MANUAL if manual else Work.FAILED, error=str(error)[:2000]
    )
    step = {
        AUTHORISE: "authorise it in the source",
        ACCEPT: "accept it on the marketplace (RT21)",
        CLOSE: "receive and close it on the marketplace (RT25, RT27)",
    }[job.kind]
    todo = f"{step} by hand" if manual else "fix the cause, then retry"
    common.failure_record(
        integration=ret.integration,
        order=ret.order,
        subject_type="return",
        subject_id=ret.marketplace_return_id,
        message=f"Return {ret} on order {ret.commercial_id}: could not {step}: {error}. "
        f"{todo[0].upper()}{todo[1:]}.",
        detail=repr(error),
    )


def return_retry(ret: Return) -> bool:
    """Queue the step the return is at again and run it now; True once it moved on."""
    from integration_hub.services.outbox import outbound_job_expedite, outbox_relay

    if not common.automated(ret.integration):
        return False
    if ret.step in (ReturnStep.NEW, ReturnStep.AUTHORISING):
        kind = AUTHORISE
    elif ret.step == ReturnStep.RECEIVED:
        kind = CLOSE
    elif ret.marketplace_state == "WAITING_ACCEPTANCE":
        kind = ACCEPT
    else:
        return True
    Return.objects.filter(pk=ret.pk).update(work=Work.QUEUED)
    common.job_enqueue(ret.integration, kind, ret.pk)
    outbound_job_expedite(integration=ret.integration, identity_key=f"{kind}:{ret.pk}")
    outbox_relay(kinds=[kind])
    ret.refresh_from_db()
    return ret.work != Work.FAILED and ret.error == ""
