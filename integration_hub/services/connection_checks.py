"""The "test connection" button: A01 + PC01 on the marketplace and the source's ping, in the
worker.

The screen only records a ConnectionCheck and queues :func:`connection_check_run` (django-q2)
after the commit; no outbound HTTP happens inside the web request. A01 may be called once a
day: a retest within that day shows the stored A01 answer with its time and when the next
live A01 is allowed, while PC01 (no published limit) still proves the key works now. What
they answer is stored as the shop's settings (:mod:`integration_hub.services.shop_settings`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from connectors.base import ConfigError, PermanentError, TransientError
from connectors.mirakl.dtos import Account
from connectors.mirakl.limiter import CallDeferred, wait_words
from integration_hub.models import ConnectionCheck, Integration, MarketplaceShop
from integration_hub.services.shop_settings import (
    shop_account_due,
    shop_account_next_at,
    shop_settings_get,
    shop_settings_store,
)

TASK = "integration_hub.services.connection_checks.connection_check_run"


def connection_check_request(*, integration: Integration, user=None) -> ConnectionCheck:
    """Record the request and queue the check once the row is committed."""
    from django_q.tasks import async_task

    check = ConnectionCheck.objects.create(integration=integration, requested_by=user)
    transaction.on_commit(
        lambda: async_task(TASK, check.pk, task_name=f"connection check {check.pk}")
    )
    return check


# "<call> failed (401): <text from the answer>" and its Mirakl and Shopify forms: up to the
# status is the hub's own words, after it is whatever the remote answered.
_HTTP_FAILURE = re.compile(r"^.*?(?:failed \(\d{3}\)|failed with HTTP \d{3}|\(HTTP \d{3}\))")


def _summary(error: Exception) -> str:
    """The error without the remote's text: a connection test shows what happened (which
    call, which status), never part of an answer, so it cannot be used to read another
    server's pages through the hub (issue 18)."""
    text = str(error)
    found = _HTTP_FAILURE.match(text)
    return found.group(0) if found else text


def _outcome(error: Exception) -> str:
    """A person-readable reason; connector errors never carry credentials, and a wait is said
    as a time of day, never as a number of seconds."""
    if isinstance(error, ConfigError):
        return f"refused: {_summary(error)} (check the credentials)"
    if isinstance(error, CallDeferred):
        return f"not asked now: {error}"
    if isinstance(error, TransientError):
        when = ""
        if error.retry_after:
            when = f"; it asks the hub to wait until {wait_words(error.retry_after)}"
        return f"not reachable now: {_summary(error)}{when}"
    if isinstance(error, PermanentError):
        return f"answered with an error: {_summary(error)}"
    return f"failed: {type(error).__name__}"


def _clock(moment: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """ "06:12 UTC", or "06:12 UTC yesterday" when ``moment`` is on the day before ``now``."""
    moment = moment.astimezone(dt.UTC)
    day = ""
    if now is not None and moment.date() < now.astimezone(dt.UTC).date():
        day = " yesterday"
    return f"{moment:%H:%M} UTC{day}"


def _shop_words(shop: MarketplaceShop) -> str:
    return f"shop {shop.shop_name} ({shop.shop_id}), {shop.shop_state}"


def _account_read(
    integration: Integration, client, *, now: dt.datetime
) -> tuple[Account | None, str]:
    """A01 live when its day is over; otherwise (or when the budget is spent) say why not."""
    shop = shop_settings_get(integration)
    if not shop_account_due(shop, now=now):
        next_at = shop_account_next_at(shop)
        when = wait_words((next_at - now).total_seconds(), now=now.timestamp())
        read_at = _clock(shop.account_fetched_at, now=now)
        return None, (
            f"A01 last read at {read_at}: {_shop_words(shop)}; the marketplace allows one A01 a "
            f"day, next live check after {when}"
        )
    try:
        return client.account_get(), ""
    except CallDeferred as error:
        when = wait_words(error.retry_after or 0, now=now.timestamp())
        return None, (
            "A01 (the shop's details) was already called today; the marketplace allows one a "
            f"day, next live check after {when}"
        )


def _marketplace_check(
    integration: Integration, *, now: dt.datetime
) -> tuple[bool, str, dt.datetime | None]:
    """A01 (once a day, else the stored answer) and PC01 (no limit: it proves the key works
    now); both are stored as the shop's settings. Returns (ok, message, shop read at)."""
    from integration_hub.clients import marketplace_client_for

    try:
        client = marketplace_client_for(integration)
        account, reused = _account_read(integration, client, now=now)
    except Exception as error:  # noqa: BLE001 - every failure is shown, none is raised
        return False, _outcome(error)[:500], None
    if account is not None:  # kept even if PC01 fails: A01 cannot be asked again today
        shop_settings_store(integration, now=now, account=account)
    try:
        config = client.platform_configuration_get()
    except Exception as error:  # noqa: BLE001
        return False, f"PC01 {_outcome(error)}"[:500], now if account else None
    shop = shop_settings_store(integration, now=now, config=config)
    if account is not None:
        message = f"A01 answered at {_clock(now)}: {_shop_words(shop)}"
    else:
        message = reused
    message += "; PC01 answered now, so the API key works"
    ok = shop.account_fetched_at is None or shop.shop_state == "OPEN"
    if not ok:
        message = f"the shop is {shop.shop_state} on the marketplace, not OPEN. {message}"
    return ok, message[:500], shop.account_fetched_at


def _source_check(integration: Integration) -> tuple[bool, str]:
    from integration_hub.clients import source_connector_for

    try:
        source_connector_for(integration).ping()
    except Exception as error:  # noqa: BLE001 - every failure is shown, none is raised
        return False, _outcome(error)[:500]
    return True, f"{integration.get_source_kind_display()} answered the ping"


def connection_check_run(check_id: int) -> str:
    """Worker task: run both checks and store what they said."""
    check = ConnectionCheck.objects.select_related("integration").filter(pk=check_id).first()
    if check is None or check.finished_at:
        return "skipped"
    check.marketplace_ok, check.marketplace_message, check.account_read_at = _marketplace_check(
        check.integration, now=timezone.now()
    )
    check.source_ok, check.source_message = _source_check(check.integration)
    ok = check.marketplace_ok and check.source_ok
    check.status = ConnectionCheck.Status.OK if ok else ConnectionCheck.Status.FAILED
    check.finished_at = timezone.now()
    check.save()
    return check.status


def connection_check_json(check: ConnectionCheck | None) -> dict:
    """What the integration page's poller reads (no secrets, only outcomes)."""
    if check is None:
        return {"status": "none"}
    return {
        "status": check.status,
        "status_label": check.get_status_display(),
        "requested_at": check.requested_at.isoformat(),
        "finished_at": check.finished_at.isoformat() if check.finished_at else None,
        "marketplace_ok": check.marketplace_ok,
        "marketplace_message": check.marketplace_message,
        "account_read_at": check.account_read_at.isoformat() if check.account_read_at else None,
        "source_ok": check.source_ok,
        "source_message": check.source_message,
    }
