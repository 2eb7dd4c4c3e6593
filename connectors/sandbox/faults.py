"""Fault injection and the movable clock used by every sandbox view."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from connectors.sandbox.models import FaultKind, SandboxClock, SandboxFault


def sandbox_now(system: str) -> dt.datetime:
    """The sandbox's idea of now: the real clock plus the system's offset."""
    offset = (
        SandboxClock.objects.filter(system=system).values_list("offset_seconds", flat=True).first()
    )
    return timezone.now() + dt.timedelta(seconds=offset or 0)


def clock_advance(system: str, seconds: int) -> dt.datetime:
    clock, _ = SandboxClock.objects.get_or_create(system=system)
    SandboxClock.objects.filter(pk=clock.pk).update(offset_seconds=F("offset_seconds") + seconds)
    return sandbox_now(system)


def clock_reset(system: str) -> None:
    SandboxClock.objects.filter(system=system).delete()


def _matching_fault(system: str, request: HttpRequest, path: str) -> SandboxFault | None:
    with transaction.atomic():
        faults = SandboxFault.objects.select_for_update().filter(system=system)
        for fault in faults:
            if fault.method and fault.method.upper() != request.method:
                continue
            if fault.path_contains and fault.path_contains not in path:
                continue
            if fault.remaining == 0:
                continue
            if fault.probability < 1 and random.random() >= fault.probability:  # noqa: S311
                continue
            updates = {"injected": F("injected") + 1}
            if fault.remaining is not None:
                updates["remaining"] = F("remaining") - 1
            SandboxFault.objects.filter(pk=fault.pk, remaining=fault.remaining).update(**updates)
            return fault
    return None


def fault_for(system: str, request: HttpRequest, *, error_body=None) -> HttpResponse | None:
    """The injected failure for this request, or None to let the real view answer.

    ``error_body(status, message)`` builds the system's own error body (JSON-serialisable);
    the default is ``{"status": ..., "message": ...}``. A slow fault sleeps, then returns None
    so the real answer follows the delay.
    """
    path = request.path
    fault = _matching_fault(system, request, path)
    if fault is None:
        return None
    build = error_body or (lambda status, message: {"status": status, "message": message})
    if fault.kind == FaultKind.SLOW:
        time.sleep(fault.delay_seconds)
        return None
    if fault.kind == FaultKind.MALFORMED:
        return HttpResponse('{"truncated": [1, 2', content_type="application/json", status=200)
    status = int(fault.kind)
    messages = {
        429: "Too many requests in the last hour",
        500: "Internal server error",
        503: "Service temporarily unavailable",
    }
    response = JsonResponse(build(status, messages[status]), status=status, safe=False)
    if status in (429, 503):
        response["Retry-After"] = str(fault.retry_after)
    return response
