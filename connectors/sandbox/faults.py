"""Fault injection, per-minute rate windows and the movable clock used by every sandbox view."""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from connectors.sandbox.models import FaultKind, SandboxClock, SandboxFault

ErrorBody = Callable[[int, str], Any]
View = Callable[..., HttpResponse]


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


def window_spend(
    window: type[models.Model],
    *,
    limit: int,
    now: dt.datetime,
    count_refused: bool = False,
    **row: Any,
) -> int | None:
    """Count one call in the ``calls`` of ``window``'s ``row`` (its minute among the keys);
    the seconds to the next minute when that is over ``limit``, else None."""
    counted, _ = window.objects.get_or_create(**row)
    over = counted.calls + 1 > limit
    if count_refused or not over:
        window.objects.filter(pk=counted.pk).update(calls=F("calls") + 1)
    return max(1, 60 - now.second) if over else None


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


def fault_for(
    system: str, request: HttpRequest, *, error_body: ErrorBody | None = None
) -> HttpResponse | None:
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


def sandbox_view(
    system: str,
    error_body: ErrorBody | None = None,
    *,
    on_fault: Callable[[HttpResponse], HttpResponse] | None = None,
) -> Callable[[View], View]:
    """Make ``view`` a vendor API endpoint: no hub login, no CSRF, and the fault injected for
    the request answered first, in the vendor's ``error_body`` (then passed to ``on_fault``)."""

    def decorate(view: View) -> View:
        @login_not_required
        @csrf_exempt
        @functools.wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fault = fault_for(system, request, error_body=error_body)
            if fault is not None:
                return on_fault(fault) if on_fault else fault
            return view(request, *args, **kwargs)

        return endpoint

    return decorate


def sandbox_routes(
    prefix: str, endpoint: Callable[[Any], View], table: list[tuple[str, Any]]
) -> list[URLPattern]:
    """``re_path(prefix + pattern, endpoint(spec))`` for each row of a vendor's route table."""
    return [re_path(prefix + pattern, endpoint(spec)) for pattern, spec in table]
