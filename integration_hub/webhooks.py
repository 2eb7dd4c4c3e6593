"""Webhooks from source systems: verified, deduplicated, and used only as a nudge.

A webhook never changes data by itself: it makes the matching pass (dispatch for shipments,
products for stock) run now instead of at its next scheduled time. The pass reads from its
cursor as usual, so a webhook that is lost, late, repeated or out of order changes nothing;
the schedule is the safety net (delivery is never guaranteed).

The signature or credential is checked on the raw request before anything is parsed or
stored (each source authenticates as it can: Shopify and Fulfil sign the body, SCAYLE sends
basic auth or a configured header, SEKO one of hmac, header, basic auth or a secret in the URL,
which reaches the connector as the ``:query`` pseudo-header); a request that fails it gets 401,
is logged, and leaves no trace in the database; a validly signed delivery that is only late
(connector code ``late``) gets 200 and is ignored. A body larger than ``HUB_WEBHOOK_MAX_KB``
gets 413 before it is read. Replays: a connector whose source signs a timestamp refuses a
delivery older than its replay window (Shopify ``X-Shopify-Triggered-At``, 1 h; Fulfil's
timestamp header, 5 min); a repeat hits the WebhookReceipt dedupe and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from connectors.base import WEBHOOK_QUERY_HEADER, ConnectorError
from integration_hub.models import Integration, WebhookReceipt

log = logging.getLogger(__name__)

# A connector raises this code only for a validly signed delivery older than its replay
# window: answered 200 and ignored, because a sender that retries for hours (Shopify) drops
# a subscription that keeps failing; the scheduled pass reads the change anyway.
LATE_DELIVERY = "late"

# Words in a topic that say which pass should run now.
TOPIC_FLOWS = [
    (("fulfil", "fulfill", "shipment", "dispatch", "package", "tracking"), "dispatch"),
    (("inventory", "stock"), "products"),
]


def flow_for_topic(topic: str) -> str | None:
    lowered = topic.lower()
    for words, flow in TOPIC_FLOWS:
        if any(word in lowered for word in words):
            return flow
    return None


@csrf_exempt
@login_not_required
@require_POST
def webhook_receive(request: HttpRequest, name: str) -> JsonResponse:
    from integration_hub.clients import source_connector_for

    max_bytes = settings.HUB_WEBHOOK_MAX_KB * 1024
    length = request.headers.get("Content-Length") or "0"
    if not (length.isascii() and length.isdigit()):  # int("²") fails
        return JsonResponse({"error": "bad Content-Length"}, status=400)
    if int(length) > max_bytes:
        return JsonResponse({"error": "body too large"}, status=413)
    integration = Integration.objects.filter(name=name).first()
    if integration is None:
        return JsonResponse({"error": "unknown integration"}, status=404)
    body = request.body
    if len(body) > max_bytes:  # a sender that lied about Content-Length
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        event = source_connector_for(integration).webhook_parse(_headers_of(request), body)
    except ConnectorError as error:
        if error.code == LATE_DELIVERY:
            log.info("webhook for %s ignored: %s", integration.name, error)
            return JsonResponse({"accepted": True, "ignored": LATE_DELIVERY})
        log.warning("webhook for %s refused: %s", integration.name, error)
        return JsonResponse({"error": "not accepted"}, status=401)
    except (RecursionError, ValueError) as error:  # signed, but JSON nested 100,000 deep
        log.warning("webhook for %s unreadable: %s", integration.name, type(error).__name__)
        return JsonResponse({"error": "body is not readable JSON"}, status=400)
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(
                integration=integration,
                event_id=event.event_id[:200],
                topic=event.topic[:100],
                body_sha256=hashlib.sha256(body).hexdigest(),
            )
    except IntegrityError:
        return JsonResponse({"accepted": True, "duplicate": True})
    flow = flow_for_topic(event.topic)
    if flow and integration.flow_enabled(flow):
        transaction.on_commit(lambda: _pass_soon(integration.pk, flow))
    return JsonResponse({"accepted": True, "flow": flow})


def _headers_of(request: HttpRequest) -> dict[str, str]:
    """The request's headers and, under a name no sender can use, its query string (a push
    secret in the URL); a header a sender smuggled in under that name is dropped."""
    headers = {k: v for k, v in request.headers.items() if k.lower() != WEBHOOK_QUERY_HEADER}
    headers[WEBHOOK_QUERY_HEADER] = request.META.get("QUERY_STRING", "")
    return headers


def _pass_soon(integration_id: int, flow: str) -> None:
    from django_q.tasks import async_task

    async_task(
        "integration_hub.tasks.flow_run_one", integration_id, flow, task_name=f"webhook: {flow}"
    )
