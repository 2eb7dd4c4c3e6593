"""Credentials never leave the hub in clear: logs, the exceptions queue, error reports, exports.

Encryption at rest and write-only screens are proven in tests/integration_hub/test_crypto.py;
this module follows a secret to every other place the hub writes text.
"""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

from exceptions_queue.models import ExceptionAction, ExceptionItem
from exceptions_queue.services import exception_record
from integration_hub.flows.runner import flow_pass_run
from integration_hub.logging import RedactSecretsFilter
from integration_hub.models import Integration, SyncRun
from tests.integration_hub.factories import MARKETPLACE_SECRET, SOURCE_SECRET, integration_make

SEKO_KEY = "seko-api-key-in-the-url-42"
HEADER_SECRET = "header-secret-9"
HMAC_VALUE = "hmac-value-1"
LEAKY_URL = f"https://api.seko.example/hub/v1/products?api_key={SEKO_KEY}&page=2"


def configured_log(logger_name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger wired like settings.LOGGING's console handler, writing into a buffer."""
    from django.conf import settings

    console = settings.LOGGING["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    assert console["filters"] == ["redact"]
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger(logger_name)
    logger.handlers, logger.propagate = [handler], False
    return logger, stream


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
        ("{'Authorization': 'Token tok-0123456789'}", "tok-0123456789"),
        ("sent Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
        ("GET https://brand:hunter2-pass@shop.example/orders failed", "hunter2-pass"),
    ],
)
def test_authorization_schemes_and_url_passwords_are_redacted(text, secret):
    """Issue 18: "Basic ..." and "Token ..." kept their value; a URL kept its password."""
    from integration_hub.logging import redact

    cleaned = redact(text)
    assert secret not in cleaned
    assert "***" in cleaned


def test_every_log_handler_redacts():
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), f"log handler {name} does not redact"


def test_a_logged_traceback_is_redacted_too():
    log, stream = configured_log("tests.security.traceback")
    try:
        raise ConnectionError(f"GET {LEAKY_URL} failed; headers={{'Authorization': 'Bearer s3'}}")
    except ConnectionError:
        log.exception("stock pass crashed for %s", {"access_token": SOURCE_SECRET})
    written = stream.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "ConnectionError: GET https://api.seko.example/hub/v1/products?api_key=***" in written
    for secret in (SEKO_KEY, SOURCE_SECRET, "s3"):
        assert secret not in written


@pytest.mark.django_db
def test_a_failed_webhook_is_logged_without_its_signature(client, caplog):
    integration_make(source_credentials={"access_token": SOURCE_SECRET, "webhook_secret": "w"})
    client.post(
        "/webhooks/acme/",
        b"{}",
        content_type="application/json",
        headers={"X-Shopify-Hmac-Sha256": "forged", "X-Shopify-Access-Token": SOURCE_SECRET},
    )
    assert "webhook for acme refused" in caplog.text
    assert SOURCE_SECRET not in caplog.text


@pytest.mark.django_db
def test_the_exceptions_queue_stores_details_redacted():
    integration = integration_make()
    item = exception_record(
        integration=integration,
        kind="api_unavailable",
        subject_type="integration",
        subject_id="acme",
        message="The stock pass failed",
        detail=f"GET {LEAKY_URL}\nAuthorization: Bearer {MARKETPLACE_SECRET}",
    )
    item.refresh_from_db()
    assert SEKO_KEY not in item.detail and MARKETPLACE_SECRET not in item.detail
    assert "api_key=***" in item.detail


def crash_a_pass_with_a_secret_in_its_error():
    """A library error carrying a secret-bearing URL escapes a pass unwrapped."""
    integration = integration_make()

    def body(integration, recorder):
        raise ConnectionError(f"GET {LEAKY_URL} failed")

    flow_pass_run(integration, "stock", body)
    return ExceptionItem.objects.get(kind="internal_error")


@pytest.mark.django_db
def test_a_crashed_pass_logs_and_details_its_error_redacted(caplog):
    item = crash_a_pass_with_a_secret_in_its_error()
    assert "api_key=***" in item.detail and SEKO_KEY not in item.detail
    assert SEKO_KEY not in json.dumps(item.payload)
    assert "pass crashed" in caplog.text
    assert SEKO_KEY not in caplog.text


@pytest.mark.django_db
def test_a_crashed_pass_leaves_no_secret_in_the_item_message_or_the_run():
    item = crash_a_pass_with_a_secret_in_its_error()
    stored = [item.message]
    stored += list(ExceptionAction.objects.filter(item=item).values_list("note", flat=True))
    stored += list(SyncRun.objects.values_list("error", flat=True))
    assert all(SEKO_KEY not in text for text in stored), stored


# --- the technical 500 report ----------------------------------------------------------------


def report_text(exc_info, request=None) -> str:
    reporter = ExceptionReporter(request, *exc_info)
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def connector_call(credentials: dict, secret: str, headers: dict):
    """Stands for any connector frame that holds credentials when it fails."""
    api_key = credentials["api_key"]  # noqa: F841 (a local the report would print)
    raise RuntimeError("the remote system answered nonsense")


def test_the_500_report_hides_secret_locals_settings_and_headers(settings):
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("HubExceptionReporterFilter")
    request = RequestFactory().post(
        "/webhooks/acme/",
        {"password": "pw-in-a-form"},
        HTTP_AUTHORIZATION=f"Bearer {MARKETPLACE_SECRET}",
        HTTP_X_SHOPIFY_HMAC_SHA256=HMAC_VALUE,
    )
    try:
        connector_call(
            {"api_key": MARKETPLACE_SECRET, "shop_id": "2001"},
            SOURCE_SECRET,
            {"X-Api-Key": HEADER_SECRET, "Accept": "application/json"},
        )
    except RuntimeError:
        text = report_text(sys.exc_info(), request)
    assert "connector_call" in text and "the remote system answered nonsense" in text
    for secret in (
        MARKETPLACE_SECRET,
        SOURCE_SECRET,
        HEADER_SECRET,
        HMAC_VALUE,
        settings.SECRET_KEY,
        settings.HUB_ENCRYPTION_KEYS[0],
    ):
        assert secret not in text, f"{secret!r} is in the 500 report"
    assert "2001" in text  # not everything is hidden: the report stays useful


def test_the_filter_is_the_one_django_uses():
    assert type(get_default_exception_reporter_filter()).__name__ == "HubExceptionReporterFilter"


@pytest.mark.django_db
def test_the_500_page_shows_nothing_but_an_apology(client, settings, monkeypatch, role_user):
    settings.DEBUG = False

    def boom(request):
        raise RuntimeError(f"token={SOURCE_SECRET}")

    monkeypatch.setattr("integration_hub.views.dashboard_data", boom)
    client.raise_request_exception = False
    client.force_login(role_user("Ops"))
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert SOURCE_SECRET not in body and "Traceback" not in body


# --- exports ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dumpdata_of_the_whole_database_holds_ciphertext_only(capsys):
    integration = integration_make()
    integration.source_credentials = {"access_token": SOURCE_SECRET, "webhook_secret": "w-42x"}
    integration.save()  # a second version, so any history table holds one too
    call_command("dumpdata")  # no flags: the tableless HubAccess is skipped by the hub's command
    out = capsys.readouterr().out
    assert '"name": "acme"' in out
    for secret in (SOURCE_SECRET, MARKETPLACE_SECRET, "w-42x"):
        assert secret not in out
    assert "gAAAAA" in out  # Fernet tokens are what is exported


@pytest.mark.django_db
def test_no_table_holds_a_credential_in_clear():
    integration_make(source_credentials={"access_token": SOURCE_SECRET})
    Integration.objects.get(name="acme").save()
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert SOURCE_SECRET not in text, f"{table} holds the token in clear"
                assert MARKETPLACE_SECRET not in text, f"{table} holds the key in clear"


def test_the_500_report_survives_odd_locals():
    """The filter must never break the report it cleans (namedtuples, sets, objects)."""
    from collections import namedtuple

    Pair = namedtuple("Pair", "left right")

    def failing(pair, tags, nested):
        raise ValueError("boom")

    try:
        failing(Pair("a", f"token={SOURCE_SECRET}"), {"x"}, [{"password": HEADER_SECRET}, ("ok",)])
    except ValueError:
        text = report_text(sys.exc_info())
    assert "boom" in text and HEADER_SECRET not in text
    assert SOURCE_SECRET not in text and "Pair(left=" in text
