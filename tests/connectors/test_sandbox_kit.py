"""The sandbox kit's mechanics, tested once (each vendor's tests cover its wire format)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses
from django.core.management.base import CommandError
from django.test import RequestFactory

from connectors.fulfil.sandbox import models as fulfil
from connectors.sandbox.commands import sku_quantities
from connectors.sandbox.faults import sandbox_view, window_spend
from connectors.sandbox.models import SandboxFault
from connectors.sandbox.webhooks import basic_auth, hmac_sha256, webhook_post
from connectors.seko.sandbox import models as seko

pytestmark = pytest.mark.django_db
MINUTE = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def test_sku_quantities_adds_repeats_and_refuses_a_bad_pair():
    assert sku_quantities(["A:1", "B:2", "A:3"], flag="--line") == {"A": 4, "B": 2}
    assert sku_quantities(["A=1"], flag="--sellable", sep="=") == {"A": 1}
    assert sku_quantities(None, flag="--line") is None
    with pytest.raises(CommandError, match="--item takes SKU:QTY, not 'A'") as error:
        sku_quantities(["A"], flag="--item")
    assert error.value.returncode == 2


def test_signatures_and_basic_auth():
    assert hmac_sha256(b"key", b"body") == "UVquEztDXUAAlWcx9orlz164XU8NxqVG0r/NNZXsGuE="
    hex_digest = "515aae133b435d4000956731f68ae5cf5eb85d4f0dc6a546d2bfcd3595ec1ae1"
    assert hmac_sha256(b"key", b"body", hex_digest=True) == hex_digest
    assert basic_auth("user", "pass") == "Basic dXNlcjpwYXNz"


@responses.activate
def test_webhook_post_records_the_answer_or_the_error_name_and_never_raises():
    responses.post("https://hub.test/ok", status=202)
    responses.post("https://hub.test/down", body=requests.ConnectionError())
    assert webhook_post("https://hub.test/ok", "{}", {}, timeout=1) == (202, "")
    assert webhook_post("https://hub.test/down", "{}", {}, timeout=1) == (None, "ConnectionError")
    assert responses.calls[0].request.body == b"{}"


def test_window_spend_counts_refused_calls_only_when_asked():
    row = {"window_start": MINUTE}
    assert window_spend(fulfil.CallWindow, limit=1, now=MINUTE, count_refused=True, **row) is None
    assert window_spend(fulfil.CallWindow, limit=1, now=MINUTE, count_refused=True, **row) == 60
    assert fulfil.CallWindow.objects.get().calls == 2
    late = MINUTE + dt.timedelta(seconds=45)
    key = {"key": "k", "minute": MINUTE}
    assert window_spend(seko.RateWindow, limit=1, now=late, **key) is None
    assert window_spend(seko.RateWindow, limit=1, now=late, **key) == 15
    assert seko.RateWindow.objects.get().calls == 1


def test_sandbox_view_answers_an_injected_fault_in_the_vendor_body_first():
    calls = []

    @sandbox_view("kit", lambda status, message: {"oops": message}, on_fault=lambda r: r)
    def view(request):
        calls.append(request)
        return "real answer"

    SandboxFault.objects.create(system="kit", kind="503", remaining=1, retry_after=7)
    request = RequestFactory().get("/sandbox/kit/x")
    fault = view(request)
    assert (fault.status_code, fault["Retry-After"], calls) == (503, "7", [])
    assert json.loads(fault.content) == {"oops": "Service temporarily unavailable"}
    assert view(request) == "real answer"
    assert view.login_required is False and view.csrf_exempt is True
