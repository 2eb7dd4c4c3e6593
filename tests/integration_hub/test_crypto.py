import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from integration_hub.crypto import decrypt_text, encrypt_text
from integration_hub.models import Integration
from tests.integration_hub.factories import MARKETPLACE_SECRET, SOURCE_SECRET, integration_make

pytestmark = pytest.mark.django_db

OTHER_KEY = "0Zp6yqQ0p3zU6oK4bq7jM0l6xkq3tqYJ8m4nq2v5c1E="


def test_credentials_round_trip_through_the_database():
    integration_make()
    loaded = Integration.objects.get(name="acme")
    assert loaded.source_credentials == {"access_token": SOURCE_SECRET}
    assert loaded.marketplace_api_key == MARKETPLACE_SECRET


def test_database_holds_only_ciphertext():
    integration = integration_make()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_credentials, marketplace_credentials FROM integration_hub_integration "
            "WHERE id = %s",
            [integration.pk],
        )
        source_raw, marketplace_raw = cursor.fetchone()
    assert SOURCE_SECRET not in source_raw
    assert MARKETPLACE_SECRET not in marketplace_raw
    assert json.loads(decrypt_text(source_raw)) == {"access_token": SOURCE_SECRET}


def test_key_rotation_old_key_still_decrypts(settings):
    token = encrypt_text("hello")
    with override_settings(HUB_ENCRYPTION_KEYS=[OTHER_KEY, *settings.HUB_ENCRYPTION_KEYS]):
        assert decrypt_text(token) == "hello"


def test_wrong_key_gives_a_clear_error():
    token = encrypt_text("hello")
    with (
        override_settings(HUB_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(Exception, match="cannot be decrypted with HUB_ENCRYPTION_KEY"),
    ):
        decrypt_text(token)


def test_dumpdata_writes_ciphertext_not_secrets(capsys):
    integration_make()
    call_command("dumpdata", "integration_hub.integration")
    out = capsys.readouterr().out
    assert "acme" in out
    assert SOURCE_SECRET not in out
    assert MARKETPLACE_SECRET not in out


def test_screens_never_render_credentials(client, role_user):
    integration_make()
    client.force_login(role_user("Admin"))
    for url in ("/integrations/", "/integrations/acme/"):
        body = client.get(url).content.decode()
        assert "access_token" in body or url == "/integrations/"
        assert SOURCE_SECRET not in body
        assert MARKETPLACE_SECRET not in body


def test_admin_change_form_never_renders_credentials(admin_client):
    integration = integration_make()
    body = admin_client.get(f"/admin/integration_hub/integration/{integration.pk}/change/")
    assert body.status_code == 200
    assert SOURCE_SECRET not in body.content.decode()
    assert MARKETPLACE_SECRET not in body.content.decode()


def test_admin_form_keeps_key_when_left_empty_and_replaces_when_given(admin_client):
    integration = integration_make()
    url = f"/admin/integration_hub/integration/{integration.pk}/change/"
    form = {
        "name": "acme",
        "source_kind": "shopify",
        "source_url": "https://acme.myshopify.com",
        "marketplace_url": "https://jl.mirakl.net",
        "shop_id": "",
        "default_buffer": "3",
        "call_limit_mode": "spec",
        "marketplace_api_key": "",
        "source_credentials_text": "",
        "orders_enabled": "on",
    }
    assert admin_client.post(url, form).status_code == 302
    integration.refresh_from_db()
    assert integration.marketplace_api_key == MARKETPLACE_SECRET
    assert integration.default_buffer == 3
    form.update(marketplace_api_key="new-key", source_credentials_text="access_token=shpat_new")
    assert admin_client.post(url, form).status_code == 302
    integration.refresh_from_db()
    assert integration.marketplace_api_key == "new-key"
    assert integration.source_credentials == {"access_token": "shpat_new"}


def test_admin_form_rejects_a_malformed_credential_line(admin_client):
    integration = integration_make()
    url = f"/admin/integration_hub/integration/{integration.pk}/change/"
    response = admin_client.post(
        url,
        {
            "name": "acme",
            "source_kind": "shopify",
            "source_url": "https://acme.myshopify.com",
            "marketplace_url": "https://jl.mirakl.net",
            "default_buffer": "0",
            "call_limit_mode": "spec",
            "source_credentials_text": "access_token",
        },
    )
    assert response.status_code == 200
    assert "line 1: expected KEY=VALUE" in response.content.decode()
