"""The pinned Admin API version, Shopify's 12-month support window and the page's warning."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from connectors.shopify.versions import API_VERSION, api_version_warning, support_ends

from .helpers import make_connector

TODAY = dt.date(2026, 12, 3)


def test_the_pinned_version_is_supported_today_and_is_the_default():
    assert api_version_warning(API_VERSION, today=TODAY) == ""
    assert support_ends(API_VERSION) == dt.date(2027, 10, 1)
    assert make_connector().endpoint.endswith(f"/admin/api/{API_VERSION}/graphql.json")


def test_the_version_is_a_setting():
    connector = make_connector(api_version="2027-01")

    assert connector.endpoint == "https://acme.myshopify.com/admin/api/2027-01/graphql.json"


@pytest.mark.parametrize(
    ("version", "today", "expected"),
    [
        ("2025-01", TODAY, "left Shopify's support window on 2026-01-01"),
        ("2026-01", TODAY, "leaves Shopify's support window on 2027-01-01"),
        ("2026-04", TODAY, ""),
        ("2026-10", dt.date(2027, 6, 30), ""),
        ("2026-10", dt.date(2027, 7, 1), "leaves Shopify's support window on 2027-10-01"),
        ("2026-10", dt.date(2027, 10, 1), "left Shopify's support window"),
        ("2026-13", TODAY, "not a stable version name"),
    ],
)
def test_warning_within_three_months_of_the_end_of_support(version, today, expected):
    warning = api_version_warning(version, today=today)

    assert (expected in warning) if expected else warning == ""


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC), tick=False)
def test_integration_page_warns_about_an_old_version(client, role_user):
    from tests.integration_hub.factories import integration_make

    integration_make("old-shop", source_options={"api_version": "2026-01"})
    integration_make("new-shop")
    client.force_login(role_user("Admin"))

    old = client.get("/integrations/old-shop/").content.decode()
    new = client.get("/integrations/new-shop/").content.decode()

    assert 'id="source-version-warning"' in old
    assert "leaves Shopify&#x27;s support window on 2027-01-01" in old
    assert 'id="source-version-warning"' not in new
