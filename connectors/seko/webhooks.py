"""Verify and parse SEKO push messages (Tracking Details, Dispatch Confirmation).

SEKO pushes up to 500 records per message in ``{"Responses": [{"Response": {<Kind>: {...}}}]}``
(MessagePart/MessageTotal number the parts) and gives up after 3 failed deliveries, so the
hub answers quickly and a daily shipments poll fills the gaps. Every record carries
``InterfaceRecordId`` (a GUID) and ``SequenceNumber``: the dedupe key of a record. The
signature scheme is ours (contract.SIGNATURE_HEADER): SEKO documents none.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from connectors.base import PermanentError, WebhookEvent
from connectors.seko import contract
from connectors.seko.mapping import list_of


def push_signature(secret: str, body: bytes) -> str:
    """The value expected in the signature header for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_verify(*, secret: str, headers: Mapping[str, str], body: bytes) -> None:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    given = lowered.get(contract.SIGNATURE_HEADER.lower(), "").strip().lower()
    expected = push_signature(secret, body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermanentError("SEKO push signature is missing or wrong", code="bad_signature")


def push_events(body: bytes) -> list[WebhookEvent]:
    """One event per pushed record, keyed by InterfaceRecordId (else SequenceNumber)."""
    events = []
    for response in _responses(body):
        for kind, topic in contract.PUSH_TOPICS.items():
            for record in list_of(response, kind):
                event = WebhookEvent(topic=topic, event_id=_record_id(record), payload=record)
                events.append(event)
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


def _record_id(record: Mapping) -> str:
    value = record.get("InterfaceRecordId") or record.get("SequenceNumber")
    if value in (None, ""):
        value = record.get("SequenceNo")
    if value in (None, ""):
        raise PermanentError(
            "SEKO push record has neither InterfaceRecordId nor SequenceNumber", code="no_event_id"
        )
    return str(value)


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
