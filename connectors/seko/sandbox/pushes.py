"""SEKO's push messages: built on dispatch, signed, POSTed to the hub or stored for tests.

Like iHub: one record per message here (iHub batches up to 500), UTC times, an increasing
SequenceNumber per message and the order's GUID as InterfaceRecordId; a message that fails
3 deliveries is dropped. SEKO documents no push authentication: the client's PushConfig says
what was agreed (an HMAC of the body, a static secret header, basic auth, or nothing).
"""

from __future__ import annotations

import datetime as dt
import json

import requests
from django.db.models import Max

from connectors.sandbox.webhooks import basic_auth, hmac_sha256, webhook_post
from connectors.seko.sandbox import models as m

MAX_DELIVERIES = 3
TRACKING = "TrackingDetails"
DISPATCH = "DispatchConfirmation"
SIGNATURE_HEADER = "X-Seko-Signature"
TIMEOUT = (3.0, 10.0)


def push_config() -> m.PushConfig:
    config, _ = m.PushConfig.objects.get_or_create(pk=1)
    return config


def push_signature(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the exact body, keyed with the client's push secret."""
    return hmac_sha256(secret.encode(), body, hex_digest=True)


def _record(kind: str, dispatch: m.Dispatch, config: m.PushConfig, sequence: int) -> dict:
    order = dispatch.order
    record = {
        "IntegrationId": config.integration_id,
        "MessageGroupId": "",
        "MessagePart": 1,
        "MessageTotal": 1,
        "SequenceNumber": sequence,
        # "If the GUID is not provided in the Load message, this will be automatically
        # generated": the loaded order's GUID, shared by both pushes of one dispatch
        "InterfaceRecordId": order.guid,
        "SalesOrderNumber": order.sales_order_number,
        "SalesOrderReference": order.sales_order_reference,
        "DispatchNumber": dispatch.dispatch_number,
        "Courier": dispatch.courier,
        "TrackingNumber": dispatch.tracking_number,
        "TrackingUrl": dispatch.tracking_url,
    }
    if kind == DISPATCH:
        lines = [
            {"LineNumber": ln.line_number, "ProductCode": ln.product_code, "Quantity": ln.quantity}
            for ln in order.lines.all()
        ]
        record.update(
            {
                "DCCode": order.dc_code,
                "DispatchDate": dispatch.dispatched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "CourierService": dispatch.courier_service,
                "List": {"DispatchLineItem": lines[0] if len(lines) == 1 else lines},
            }
        )
    return record


def push_queue(dispatch: m.Dispatch, *, at: dt.datetime) -> None:
    """Store the Tracking Details and Dispatch Confirmation messages for one dispatch."""
    config = push_config()
    for kind in (TRACKING, DISPATCH):
        sequence = (m.Push.objects.aggregate(last=Max("sequence_number"))["last"] or 0) + 1
        record = _record(kind, dispatch, config, sequence)
        body = json.dumps({"Responses": [{"Response": {kind: record}}]}).encode()
        m.Push.objects.create(
            sequence_number=sequence,
            kind=kind,
            interface_record_id=record["InterfaceRecordId"],
            body=body.decode(),
            signature=push_signature(config.secret, body) if config.secret else "",
            created_at=at,
        )


def push_headers(push: m.Push) -> dict[str, str]:
    """The headers of a delivery: the stored signature, or the configured secret header or
    basic auth."""
    config = push_config()
    headers = {"Content-Type": "application/json"}
    if config.auth_mode == "hmac" and push.signature:
        headers[SIGNATURE_HEADER] = push.signature
    elif config.auth_mode == "header" and config.secret:
        headers[config.auth_header] = config.secret
    elif config.auth_mode == "basic" and config.secret:
        headers["Authorization"] = basic_auth(config.username, config.secret)
    return headers


def _post(push: m.Push, url: str, session: requests.Session | None) -> tuple[bool, str]:
    """POST the stored message once: whether it was taken, and the answer (or error) seen."""
    status, error = webhook_post(
        url, push.body, push_headers(push), timeout=TIMEOUT, session=session
    )
    return status is not None and status < 300, f"HTTP {status}" if status else error


def push_send(push: m.Push, *, url: str, session: requests.Session | None = None) -> bool:
    """One delivery attempt; counts failures and drops the message after the third."""
    ok, push.last_result = _post(push, url, session)
    push.attempts += 1
    if ok:
        push.status = m.Push.DELIVERED
    elif push.attempts >= MAX_DELIVERIES:
        push.status = m.Push.DROPPED
    push.save(update_fields=["attempts", "last_result", "status"])
    return ok


def pushes_deliver(*, session: requests.Session | None = None) -> list[m.Push]:
    """One push cycle (iHub runs one every ~15 min): try every pending message once."""
    config = push_config()
    if not config.url:
        return []
    pending = list(m.Push.objects.filter(status=m.Push.PENDING))
    for push in pending:
        push_send(push, url=config.url, session=session)
    return pending


def push_replay(push: m.Push, *, session: requests.Session | None = None) -> bool:
    """Send a message again as it was (same body, same signature): the hub must dedupe it."""
    config = push_config()
    if not config.url:
        return False
    delivered, _ = _post(push, config.url, session)
    return delivered
