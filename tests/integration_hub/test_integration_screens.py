"""Integrations in the browser: create, edit with write-only credentials, test connection."""

import pytest

from connectors.base import ConfigError
from connectors.mirakl.dtos import Account, PlatformConfiguration
from integration_hub.models import ConnectionCheck, Integration
from integration_hub.services import connection_checks
from tests.integration_hub.factories import MARKETPLACE_SECRET, SOURCE_SECRET, integration_make

pytestmark = pytest.mark.django_db

PLATFORM = PlatformConfiguration(
    order_acceptance="NOT_AUTOMATIC",
    multi_shipment=False,
    returns={},
    order_tax_mode="TAX_INCLUDED",
    disable_seller_alternative_carrier=False,
    shipping_and_billing_details_before_acceptance=False,
    platform_models={},
)

NEW = {
    "name": "brand-x",
    "source_kind": "shopify",
    "source_url": "https://brand-x.myshopify.com/",
    "marketplace_url": "https://jl.mirakl.net",
    "shop_id": "2001",
    "default_buffer": "2",
    "call_limit_mode": "spec",
    "orders_enabled": "on",
    "stock_enabled": "on",
    "short_stock_policy": "hold",
    "acceptance_window_hours": "48",
    "order_not_injected_minutes": "30",
    "stock_stale_minutes": "5",
    "shipped_not_confirmed_minutes": "60",
    "marketplace_api_key": "new-key-123",
    "source_credentials_text": "access_token=shpat_abc\nwebhook_secret=whsec",
}


def test_admin_creates_an_integration(client, role_user):
    client.force_login(role_user("Admin"))
    response = client.post("/integrations/_new/", NEW)
    assert response.status_code == 302 and response["Location"] == "/integrations/brand-x/"
    integration = Integration.objects.get(name="brand-x")
    assert integration.source_url == "https://brand-x.myshopify.com"  # the service's cleaning
    assert integration.marketplace_api_key == "new-key-123"
    assert integration.source_credentials == {
        "access_token": "shpat_abc",
        "webhook_secret": "whsec",
    }
    assert integration.orders_enabled and not integration.prices_enabled
    assert integration.default_buffer == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"marketplace_api_key": ""}, "marketplace_api_key", "Enter the marketplace API key"),
        ({"name": "Bad Name"}, "name", "lower-case letters"),
        ({"source_credentials_text": "no-equals-sign"}, "source_credentials_text", "KEY=VALUE"),
        ({"default_buffer": "-1"}, "default_buffer", "greater than or equal to 0"),
    ],
)
def test_create_errors_are_next_to_the_field(client, role_user, change, field, message):
    client.force_login(role_user("Admin"))
    response = client.post("/integrations/_new/", {**NEW, **change})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Integration.objects.filter(name="brand-x").exists()


def test_duplicate_name_is_refused(client, role_user):
    integration_make("brand-x")
    client.force_login(role_user("Admin"))
    response = client.post("/integrations/_new/", NEW)
    assert "name" in response.context["form"].errors


def test_credentials_are_never_rendered_and_empty_keeps_them(client, role_user):
    integration = integration_make()
    client.force_login(role_user("Admin", "ada"))
    for url in ("/integrations/acme/", "/integrations/acme/edit/"):
        body = client.get(url).content.decode()
        assert SOURCE_SECRET not in body and MARKETPLACE_SECRET not in body
    form = {**NEW, "name": "acme", "marketplace_api_key": "", "source_credentials_text": ""}
    form.update(default_buffer="4", source_url=integration.source_url)  # same addresses
    response = client.post("/integrations/acme/edit/", form)
    assert response.status_code == 302
    integration.refresh_from_db()
    assert integration.default_buffer == 4
    assert integration.marketplace_api_key == MARKETPLACE_SECRET
    assert integration.source_credentials == {"access_token": SOURCE_SECRET}
    client.post("/integrations/acme/edit/", {**form, "source_credentials_text": "webhook_secret=w"})
    integration.refresh_from_db()
    assert integration.source_credentials == {"access_token": SOURCE_SECRET, "webhook_secret": "w"}
    history = client.get("/integrations/acme/").context["history"]
    assert history[0].who == "ada"
    assert all("credential" not in c.field for entry in history for c in entry.changes)


def test_a_new_url_needs_its_secrets_typed_again(client, role_user):
    """Issue 18: pointing a URL at a listener and pressing Test connection sent it the key."""
    integration = integration_make()
    client.force_login(role_user("Admin", "ada"))
    form = {**NEW, "name": "acme", "marketplace_api_key": "", "source_credentials_text": ""}
    form.update(source_url=integration.source_url, marketplace_url="https://listener.example")
    response = client.post("/integrations/acme/edit/", form)
    assert response.status_code == 200
    assert "enter the API key again" in response.content.decode()
    form.update(source_url="https://evil.example", marketplace_url=integration.marketplace_url)
    response = client.post("/integrations/acme/edit/", form)
    assert "enter the source credentials again" in response.content.decode()
    integration.refresh_from_db()
    assert integration.marketplace_url == "https://jl.mirakl.net"
    assert integration.source_url == "https://acme.myshopify.com"
    assert integration.marketplace_api_key == MARKETPLACE_SECRET
    # typed again: only what is typed now goes with the new address, nothing stored before
    form["source_credentials_text"] = "webhook_secret=w2"
    assert client.post("/integrations/acme/edit/", form).status_code == 302
    integration.refresh_from_db()
    assert integration.source_url == "https://evil.example"
    assert integration.source_credentials == {"webhook_secret": "w2"}
    assert integration.marketplace_api_key == MARKETPLACE_SECRET  # its URL did not change


def test_typed_credentials_are_not_shown_again_after_a_form_error(client, role_user):
    client.force_login(role_user("Admin", "ada"))
    form = {**NEW, "default_buffer": "-1", "source_credentials_text": "access_token=typed-secret"}
    response = client.post("/integrations/_new/", form)
    assert response.status_code == 200  # the form came back with its error
    assert "typed-secret" not in response.content.decode()


def test_saving_a_new_url_anywhere_drops_the_stored_secrets():
    """The model's rule covers the Django admin, the shell and every other writer."""
    integration = integration_make()
    loaded = Integration.objects.get(pk=integration.pk)
    loaded.marketplace_url = "https://listener.example"
    loaded.save()
    loaded.refresh_from_db()
    assert loaded.marketplace_credentials == {}
    assert loaded.source_credentials == {"access_token": SOURCE_SECRET}
    only_url = Integration.objects.get(pk=integration.pk)
    only_url.source_url = "https://listener.example"
    only_url.save(update_fields=["source_url"])  # the secrets go even when not named
    assert Integration.objects.get(pk=integration.pk).source_credentials == {}
    loaded = Integration.objects.get(pk=integration.pk)
    loaded.source_url = "https://other.example"
    loaded.source_credentials = {"access_token": "typed-with-it"}
    loaded.save()
    loaded.refresh_from_db()
    assert loaded.source_credentials == {"access_token": "typed-with-it"}


def test_the_name_cannot_be_changed(client, role_user):
    integration_make()
    client.force_login(role_user("Admin"))
    client.post("/integrations/acme/edit/", {**NEW, "name": "renamed", "marketplace_api_key": ""})
    assert Integration.objects.filter(name="acme").exists()


class FakeMirakl:
    def account_get(self):
        return Account(
            shop_id=2001, shop_name="Acme", shop_state="OPEN", currency_iso_code="GBP", model=""
        )

    def platform_configuration_get(self):
        return PLATFORM


class FakeSource:
    def ping(self):
        raise ConfigError("shopify refused the access token (401)")


def test_test_connection_runs_in_the_worker_and_shows_the_result(
    client, role_user, monkeypatch, django_capture_on_commit_callbacks
):
    integration_make()
    monkeypatch.setattr("integration_hub.clients.marketplace_client_for", lambda i: FakeMirakl())
    monkeypatch.setattr("integration_hub.clients.source_connector_for", lambda i: FakeSource())
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda *args, **kw: queued.append(args))
    client.force_login(role_user("Admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/integrations/acme/test/")
    assert response.status_code == 302
    check = ConnectionCheck.objects.get()
    assert check.status == "queued" and queued == [(connection_checks.TASK, check.pk)]
    assert client.get("/integrations/acme/test.json").json()["status"] == "queued"

    assert connection_checks.connection_check_run(check.pk) == "failed"  # what the worker runs
    status = client.get("/integrations/acme/test.json").json()
    assert (
        status["marketplace_ok"] is True
        and "shop Acme (2001), OPEN" in status["marketplace_message"]
    )
    assert status["source_ok"] is False and "refused" in status["source_message"]
    body = client.get("/integrations/acme/").content.decode()
    assert "shop Acme (2001)" in body and "check the credentials" in body
    assert "connection_check.js" in body and "<script>" not in body


def test_test_connection_needs_a_post(client, role_user):
    integration_make()
    client.force_login(role_user("Admin"))
    assert client.get("/integrations/acme/test/").status_code == 405
