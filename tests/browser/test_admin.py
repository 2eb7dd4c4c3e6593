"""Journey of an Admin: replace the marketplace API key in the browser and test the connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from integration_hub.models import Integration

pytestmark = pytest.mark.browser


def key_save(journey, key: str) -> None:
    page = journey.page
    page.get_by_role("link", name="Edit", exact=True).click()
    field = page.get_by_label("Marketplace API key")
    expect(field).to_have_value("")  # write-only: the stored key is never sent to the browser
    field.fill(key)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Integration acme saved")


def test_admin_replaces_a_key_and_tests_the_connection(journey, hub, role_user):
    good_key = hub.mirakl_shop.api_key
    role_user("Admin", "adele")
    page = journey.page
    journey.log_in("adele")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="acme", exact=True).click()
    expect(page.get_by_role("heading", name="acme", level=1)).to_be_visible()
    journey.shot("integration")

    key_save(journey, "a-revoked-key")
    page.get_by_role("button", name="Test connection").click()
    connection = page.get_by_role("main")  # the result replaces "Never tested"
    expect(connection).to_contain_text("401")
    expect(connection).not_to_contain_text("a-revoked-key")
    journey.shot("refused-key")

    key_save(journey, good_key)
    page.get_by_role("button", name="Test connection").click()
    expect(connection).to_contain_text("Both answered")
    expect(connection).not_to_contain_text(good_key)
    journey.shot("connection-ok")
    integration = Integration.objects.get(name="acme")
    assert integration.marketplace_credentials == {"api_key": good_key}
