"""Verify and parse SEKO push messages (Tracking Details, Dispatch Confirmation).

SEKO pushes up to 500 records per message in ``{"Responses": [{"Response": {<Kind>: {...}}}]}``
(MessagePart/MessageTotal number the parts) and gives up after 3 failed deliveries, so the
hub answers quickly and a daily shipments poll fills the gaps. Every record carries
``InterfaceRecordId`` (a GUID) and ``SequenceNumber``: the dedupe key of a record. SEKO
documents no push authentication: :func:`push_authenticate` checks whichever was agreed
(``contract`` [Q9]), a secret in the push URL included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import parse_qs

from connectors.base import WEBHOOK_QUERY_HEADER, PermanentError, WebhookEvent
from connectors.seko import contract
from connectors.seko.mapping import list_of


def push_signature(secret: str, body: bytes) -> str:
    """The value expected in the signature header for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return lowered.get(name.lower(), "").strip()


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _basic_credentials(headers: Mapping[str, str]) -> str:
    scheme, _, token = _header(headers, "Authorization").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(token.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _query_value(headers: Mapping[str, str], name: str) -> str:
    """The one value of ``name`` in the push URL's query (the hub passes the query string in
    the headers); "" when absent or repeated, since a repeated secret is not one secret."""
    values = parse_qs(_header(headers, WEBHOOK_QUERY_HEADER), keep_blank_values=True).get(name, [])
    return values[0] if len(values) == 1 else ""


def push_authenticate(
    *,
    mode: str,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    header: str,
    username: str,
    param: str = contract.PUSH_PARAM_DEFAULT,
) -> None:
    """Refuse a push that does not carry the agreed proof: HMAC, a static header, basic auth or
    a secret in the URL's query (compared in constant time)."""
    if mode == "hmac":
        given = _header(headers, contract.SIGNATURE_HEADER).lower()
        if not _same(given, push_signature(secret, body)):
            raise PermanentError("SEKO push signature is missing or wrong", code="bad_signature")
        return
    if mode == "header":
        ok = _same(_header(headers, header), secret)
    elif mode == "query":
        ok = _same(_query_value(headers, param), secret)
    else:
        ok = _same(_basic_credentials(headers), f"{username}:{secret}")
    if not ok:
        raise PermanentError(f"SEKO push {mode} credentials are missing or wrong", code="bad_auth")


def push_events(body: bytes) -> list[WebhookEvent]:
    """One event per pushed record, keyed by its kind, InterfaceRecordId and SequenceNumber."""
    events = []
    for response in _responses(body):
        for kind, topic in contract.PUSH_TOPICS.items():
            for record in list_of(response, kind):
                event_id = _record_id(kind, record)
                events.append(WebhookEvent(topic=topic, event_id=event_id, payload=record))
    if not events:
        raise PermanentError("SEKO push carries no record the hub handles", code="unknown_topic")
    return events


def push_event(events: list[WebhookEvent]) -> WebhookEvent:
    """The whole delivery as one event: a single record keeps its own id and topic."""
    if len(events) == 1:
        only = events[0]
        return WebhookEvent(
            topic=only.topic, event_id=only.event_id, payload={"records": [_entry(only)]}
        )
    topics = {event.topic for event in events}
    ids = ",".join(sorted(event.event_id for event in events))
    return WebhookEvent(
        topic=topics.pop() if len(topics) == 1 else "seko/push",
        event_id="batch-" + hashlib.sha256(ids.encode()).hexdigest()[:32],
        payload={"records": [_entry(event) for event in events]},
    )


def _entry(event: WebhookEvent) -> dict:
    return {"topic": event.topic, "event_id": event.event_id, "record": dict(event.payload)}


def _record_id(kind: str, record: Mapping) -> str:
    """``<kind>:<InterfaceRecordId>:<SequenceNumber>``: one record of one push message.

    InterfaceRecordId is the GUID of the loaded record (the order's GUID, which we supply), so
    Tracking Details and Dispatch Confirmation of one order share it; the kind and the message's
    SequenceNumber tell them (and a later message about the same order) apart, while a replay
    of the same message keeps all three.
    """
    parts = [record.get(key) for key in ("InterfaceRecordId", "SequenceNumber", "SequenceNo")]
    parts = [str(part) for part in parts if part not in (None, "") and not isinstance(part, dict)]
    if not parts:
        raise PermanentError(
            "SEKO push record has neither InterfaceRecordId nor SequenceNumber", code="no_event_id"
        )
    return ":".join([kind, *parts])


def _responses(body: bytes) -> list[Mapping]:
    try:
        payload = json.loads(body)
    except ValueError:
        raise PermanentError("SEKO push body is not JSON", code="bad_payload") from None
    responses = payload.get("Responses") if isinstance(payload, Mapping) else None
    if isinstance(responses, Mapping):
        responses = [responses]
    if not isinstance(responses, list):
        raise PermanentError("SEKO push body has no Responses list", code="bad_payload")
    return [
        item["Response"]
        for item in responses
        if isinstance(item, Mapping) and isinstance(item.get("Response"), Mapping)
    ]
