"""Test connection tells the truth: A01 once a day (then its stored answer, with when), PC01
live, the shop's settings stored and shown; the integration's own call limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import responses
import time_machine
from django.core.management import call_command

from connectors.base import ConfigError
from connectors.mirakl.limiter import Rule
from integration_hub.clients import call_limiter_for
from integration_hub.models import ConnectionCheck, Integration, MarketplaceShop
from integration_hub.services import connection_checks
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db

MARKETPLACE = "https://jl.mirakl.net"
START = dt.datetime(2026, 12, 3, 6, 12, 30, tzinfo=dt.UTC)
ACCOUNT = {
    "shop_id": 2001,
    "shop_name": "Acme",
    "shop_state": "OPEN",
    "currency_iso_code": "GBP",
    "model": "MARKETPLACE",
}
PLATFORM = {
    "features": {
        "order_tax_mode": "TAX_EXCLUDED",
        "order_workflows": {"order_acceptance": "NOT_AUTOMATIC"},
        "shipment": {"multi_shipment": True},
        "dropship": {"retail_pricing_enabled": True},
    }
}


class PingingSource:
    def ping(self):
        return None


@pytest.fixture
def marketplace(monkeypatch):
    monkeypatch.setattr("integration_hub.clients.source_connector_for", lambda i: PingingSource())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{MARKETPLACE}/api/account", json=ACCOUNT)
        mock.get(f"{MARKETPLACE}/api/platform/configuration", json=PLATFORM)
        yield mock


def check_run(integration: Integration) -> ConnectionCheck:
    check = ConnectionCheck.objects.create(integration=integration)
    connection_checks.connection_check_run(check.pk)
    check.refresh_from_db()
    return check


def calls(mock, path: str) -> int:
    return sum(1 for call in mock.calls if call.request.url.split("?")[0].endswith(path))


def test_first_test_reads_a01_and_pc01_and_stores_the_shop_settings(marketplace):
    integration = integration_make()
    with time_machine.travel(START, tick=False):
        check = check_run(integration)
    assert check.status == "ok" and check.marketplace_ok is True
    assert check.marketplace_message.startswith("A01 answered at 06:12 UTC: shop Acme (2001), OPEN")
    assert "PC01 answered now" in check.marketplace_message
    assert check.account_read_at == START and check.finished_at == START
    shop = MarketplaceShop.objects.get(integration=integration)
    assert (shop.model, shop.currency_iso_code, shop.order_acceptance) == (
        "MARKETPLACE",
        "GBP",
        "NOT_AUTOMATIC",
    )
    assert (shop.multi_shipment, shop.order_tax_mode, shop.dropship_retail_pricing) == (
        True,
        "TAX_EXCLUDED",
        True,
    )
    assert shop.account_fetched_at == shop.platform_fetched_at == START


def test_a_retest_within_the_day_reuses_the_last_a01_answer_and_says_when(marketplace):
    integration = integration_make()
    with time_machine.travel(START, tick=False):
        check_run(integration)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        check = check_run(integration)
    assert calls(marketplace, "/api/account") == 1
    assert calls(marketplace, "/api/platform/configuration") == 2
    assert check.marketplace_ok is True
    assert check.marketplace_message == (
        "A01 last read at 06:12 UTC: shop Acme (2001), OPEN; the marketplace allows one A01 a "
        "day, next live check after 06:13 UTC tomorrow; PC01 answered now, so the API key works"
    )
    assert "retry in" not in check.marketplace_message
    assert check.account_read_at == START  # the answer shown, with its own time
    with time_machine.travel(START + dt.timedelta(hours=20), tick=False):
        late = check_run(integration)
    assert late.marketplace_message.startswith("A01 last read at 06:12 UTC yesterday")
    assert "next live check after 06:13 UTC today" in late.marketplace_message
    with time_machine.travel(START + dt.timedelta(days=1, minutes=1), tick=False):
        check_run(integration)
    assert calls(marketplace, "/api/account") == 2


def test_a01_budget_spent_elsewhere_says_when_in_words(marketplace):
    integration = integration_make()
    with time_machine.travel(START, tick=False):
        call_limiter_for(integration).acquire("A01")  # e.g. a worker read it and crashed
        check = check_run(integration)
    assert calls(marketplace, "/api/account") == 0
    assert check.marketplace_ok is True  # PC01 proved the key; the shop details wait
    assert "retry in" not in check.marketplace_message
    assert "allows one a day, next live check after 06:13 UTC tomorrow" in (
        check.marketplace_message
    )


def test_a_shop_that_is_not_open_fails_the_test(marketplace):
    marketplace.replace(
        responses.GET, f"{MARKETPLACE}/api/account", json={**ACCOUNT, "shop_state": "SUSPENDED"}
    )
    check = check_run(integration_make())
    assert check.marketplace_ok is False and check.status == "failed"
    assert check.marketplace_message.startswith("the shop is SUSPENDED on the marketplace")


def test_a01_is_kept_when_pc01_fails_so_the_retest_can_show_it(marketplace):
    marketplace.replace(
        responses.GET, f"{MARKETPLACE}/api/platform/configuration", status=400, json={}
    )
    integration = integration_make()
    with time_machine.travel(START, tick=False):
        check = check_run(integration)
    assert check.marketplace_ok is False and check.marketplace_message.startswith("PC01 answered")
    assert MarketplaceShop.objects.get(integration=integration).account_fetched_at == START


def test_a_refused_key_is_said_and_nothing_is_stored(marketplace):
    marketplace.replace(responses.GET, f"{MARKETPLACE}/api/account", status=401, json={})
    check = check_run(integration_make())
    assert check.marketplace_ok is False and "check the credentials" in check.marketplace_message
    assert not MarketplaceShop.objects.exists()


def test_the_integration_page_shows_the_marketplace_shop_panel(client, role_user, marketplace):
    integration = integration_make()
    client.force_login(role_user("Admin"))
    body = client.get("/integrations/acme/").content.decode()
    assert "Marketplace shop" in body and "Not read yet" in body
    check_run(integration)
    MarketplaceShop.objects.filter(integration=integration).update(model="DROPSHIP")
    body = client.get("/integrations/acme/").content.decode()
    assert "Acme (2001)" in body and "TAX_EXCLUDED" in body and "NOT_AUTOMATIC" in body
    assert "prices are not sent" in body
    assert "Shop details read" in body


# --- per-integration call limits ----------------------------------------------------------


def test_partner_mode_and_own_limits_only_tighten():
    integration = integration_make(call_limit_mode="partner", mirakl_call_limits={"TL02": "5/1m"})
    limiter = call_limiter_for(integration)
    assert limiter.rules["OR11"] == (Rule(1, 60), Rule(1, 900))
    assert limiter.rules["TL02"] == (Rule(5, 60), Rule(60, 3600))
    assert limiter.rules["OR11:ids"] == (Rule(30, 60),)
    spec = call_limiter_for(integration_make("other"))
    assert spec.rules["OR11"] == (Rule(1, 60),)


def test_stored_limits_that_do_not_parse_are_a_config_error():
    integration = integration_make()
    Integration.objects.filter(pk=integration.pk).update(mirakl_call_limits={"OR11": "fast"})
    integration.refresh_from_db()
    with pytest.raises(ConfigError, match="call limits"):
        call_limiter_for(integration)


FORM = {
    "name": "acme",
    "source_kind": "shopify",
    "source_url": "https://acme.myshopify.com",
    "marketplace_url": MARKETPLACE,
    "shop_id": "",
    "default_buffer": "0",
    "call_limit_mode": "spec",
    "short_stock_policy": "hold",
    "acceptance_window_hours": "48",
    "order_not_injected_minutes": "30",
    "stock_stale_minutes": "5",
    "shipped_not_confirmed_minutes": "60",
}


def test_the_form_edits_call_limits_and_refuses_a_looser_one(client, role_user):
    integration = integration_make()
    client.force_login(role_user("Admin"))
    response = client.post(
        "/integrations/acme/edit/", {**FORM, "mirakl_call_limits": "OR11 = 1/30"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["mirakl_call_limits"]
    assert any("does not tighten Mirakl's maximum of 1/1m" in e for e in errors)

    response = client.post(
        "/integrations/acme/edit/",
        {
            **FORM,
            "mirakl_call_limits": "or11 = 1/15m\nOR11:ids = 10/1m",
            "call_limit_mode": "partner",
        },
    )
    assert response.status_code == 302
    integration.refresh_from_db()
    assert integration.mirakl_call_limits == {"OR11": "1/15m", "OR11:ids": "10/1m"}
    assert integration.call_limit_mode == "partner"
    page = client.get("/integrations/acme/edit/").content.decode()
    assert "OR11 = 1/15m" in page
    assert "OR11:ids" in client.get("/integrations/acme/").content.decode()


def test_cli_add_takes_stricter_call_limits(capsys):
    options = [
        "integration", "add", "brand-y", "--source", "shopify",
        "--source-url", "https://y.myshopify.com", "--marketplace-url", MARKETPLACE,
        "--marketplace-key", "k", "--call-limit", "OR11=1/15m", "--json",
    ]  # fmt: skip
    call_command("hub", *options)
    summary = json.loads(capsys.readouterr().out)
    assert summary["stricter_call_limits"] == {"OR11": "1/15m"}
    with pytest.raises(Exception, match="does not tighten"):
        call_command(
            "hub", *[o.replace("brand-y", "brand-z").replace("1/15m", "2/1m") for o in options]
        )


def test_cli_reads_operation_names_as_the_form_does(capsys):
    """Before, the CLI refused 'or11' ('unknown operation') while the form took it as OR11."""
    options = [
        "integration", "add", "brand-w", "--source", "shopify",
        "--source-url", "https://w.myshopify.com", "--marketplace-url", MARKETPLACE,
        "--marketplace-key", "k", "--call-limit", "or11:IDS=10/1m", "--json",
    ]  # fmt: skip
    call_command("hub", *options)
    assert json.loads(capsys.readouterr().out)["stricter_call_limits"] == {"OR11:ids": "10/1m"}


@pytest.mark.parametrize("status", [401, 404, 500])
def test_a_failed_check_shows_the_status_never_the_answer(marketplace, status):
    """Issue 18: any URL could be probed through Test connection, with part of its answer
    shown. The result names the call and the status; what the server said stays out."""
    integration = integration_make(marketplace_url=MARKETPLACE)
    page = {"message": "INTERNAL-PAGE-CONTENT root:x:0:0", "status": status}
    marketplace.replace(responses.GET, f"{MARKETPLACE}/api/account", json=page, status=status)
    check = check_run(integration)
    assert check.status == ConnectionCheck.Status.FAILED
    assert "INTERNAL-PAGE-CONTENT" not in check.marketplace_message
    assert str(status) in check.marketplace_message
