"""Journey of Merchandising: see why a SKU is not live and fix it with a value mapping."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from integration_hub.demo_catalogue import demo_catalogue_map
from integration_hub.flows.passes import FLOW_PASSES
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import Product

pytestmark = pytest.mark.browser


def catalogue_ready(hub) -> None:
    """The Shopify sandbox's products read, the marketplace's structure pulled and the demo's
    mappings in place: the Oatmeal jumper (SB-0002) cannot be listed."""
    integration = hub.integration
    integration.catalogue_enabled = True
    integration.save()
    flow_pass_run(integration, "products", FLOW_PASSES["products"])
    flow_pass_run(integration, "catalogue", FLOW_PASSES["catalogue"])
    assert demo_catalogue_map(integration)
    flow_pass_run(integration, "catalogue", FLOW_PASSES["catalogue"])


def test_merchandising_maps_a_colour_so_the_jumper_can_be_listed(journey, hub, role_user):
    catalogue_ready(hub)
    jumper = Product.objects.get(integration=hub.integration, sku="SB-0002")
    assert jumper.listing_status == "incomplete"
    role_user("Merchandising", "mia")
    page = journey.page
    journey.log_in("mia")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Listings").click()
    row = page.get_by_role("row", name=re.compile("SB-0002"))
    expect(row).to_contain_text("Incomplete")
    expect(row).to_contain_text("'Oatmeal' is not in the list COLOURS")
    journey.shot("listings")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Catalogue mappings"
    ).click()
    overview = page.get_by_role("row", name=re.compile("acme"))
    expect(overview).to_contain_text("categories")  # the structure was pulled
    journey.shot("catalogue-mappings")
    overview.get_by_role("link", name=re.compile("row")).nth(2).click()  # the value mappings
    page.get_by_label("List attribute", exact=True).select_option("colour")
    page.get_by_role("button", name="Show its values").click()
    oatmeal = page.get_by_role("row", name=re.compile("Oatmeal"))
    expect(oatmeal).to_contain_text("not in the list")
    journey.shot("colour-values")
    oatmeal.get_by_role("link", name="Map it").click()
    page.get_by_label("Marketplace value code").fill("CREAM")
    journey.shot("value-mapping-form")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("main")).to_contain_text("Oatmeal")
    journey.shot("value-mapped")

    jumper.refresh_from_db()
    assert not any("Oatmeal" in p["message"] for p in jumper.listing_problems)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Listings").click()
    row = page.get_by_role("row", name=re.compile("SB-0002"))
    expect(row).not_to_contain_text("'Oatmeal' is not in the list")  # only its size is left
    expect(row).to_contain_text("SIZES_WOMENS")
