"""Catalogue screens (issue 21): Listings, the SKU page's Listing panel, the category /
attribute / value mapping editors, and the Merchandising role."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from integration_hub.flows.listings import listings_refresh
from integration_hub.models import (
    AttributeMapping,
    CatalogueImport,
    CatalogueImportLine,
    CategoryMapping,
    MarketplaceAttribute,
    MarketplaceCategory,
    MarketplaceValueList,
    Product,
    ValueMapping,
)
from integration_hub.roles import MERCHANDISING, ROLE_PERMISSIONS
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

CATEGORIES = [
    ("FASHION", "Fashion", 0, ""),
    ("DRESSES", "Dresses", 1, "FASHION"),
    ("HOME", "Home", 0, ""),
]
ATTRIBUTES = [
    # code, category, requirement, type, values list, extra
    ("shop_sku", "", "REQUIRED", "TEXT", "", {"roles": ["SHOP_SKU"]}),
    ("category", "", "REQUIRED", "TEXT", "", {"roles": ["CATEGORY"]}),
    ("title", "", "REQUIRED", "TEXT", "", {"validations": {"MAX_LENGTH": "20"}}),
    ("colour", "FASHION", "REQUIRED", "LIST", "colours", {}),
    ("size", "DRESSES", "RECOMMENDED", "LIST", "sizes", {}),
    ("material", "HOME", "OPTIONAL", "TEXT", "", {}),
]


def structure_seed(integration) -> None:
    now = timezone.now()
    for code, label, level, parent in CATEGORIES:
        MarketplaceCategory.objects.create(
            integration=integration,
            code=code,
            label=label,
            level=level,
            parent_code=parent,
            fetched_at=now,
        )
    for code, category, requirement, kind, values_list, extra in ATTRIBUTES:
        MarketplaceAttribute.objects.create(
            integration=integration,
            code=code,
            hierarchy_code=category,
            label=code.title(),
            requirement_level=requirement,
            type=kind,
            values_list=values_list,
            fetched_at=now,
            **extra,
        )
    for code, values in (
        ("colours", [["blue", "Blue"], ["red", "Red"]]),
        ("sizes", [["10", "UK 10"]]),
    ):
        MarketplaceValueList.objects.create(
            integration=integration, code=code, values=values, fetched_at=now
        )


@pytest.fixture
def catalogue():
    """Two dresses (one with a colour not in the list), a mug in an unmapped category."""
    integration = integration_make()
    structure_seed(integration)
    CategoryMapping.objects.create(
        integration=integration, source_category="Dresses", marketplace_category="DRESSES"
    )
    for attribute, field in (("title", "name"), ("colour", "color")):
        AttributeMapping.objects.create(
            integration=integration, marketplace_attribute=attribute, source_field=field
        )
    products = {}
    for sku, categories, content in (
        ("DR-1", ["Dresses"], {"name": "Blue dress", "color": "Navy"}),
        ("DR-2", ["Dresses"], {"name": "=HYPERLINK(1)", "color": "Red"}),
        ("MUG-1", ["Mugs"], {"name": "Mug"}),
    ):
        products[sku] = Product.objects.create(
            integration=integration,
            sku=sku,
            title=content["name"],
            source_categories=categories,
            source_content=content,
        )
    listings_refresh(integration)
    return integration, products


def _statuses() -> dict[str, str]:
    return dict(Product.objects.values_list("sku", "listing_status"))


# --- Listings -------------------------------------------------------------------------------


def test_listings_show_status_missing_errors_and_counts(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get("/listings/")
    assert response.status_code == 200
    counts = {e["status"]: e["count"] for e in response.context["status_counts"]}
    assert counts["incomplete"] == 2 and counts["ready"] == 1 and counts["live"] == 0
    body = response.content.decode()
    assert "listing_status=ready" in body  # each count is a link that filters
    assert "&#x27;Navy&#x27; is not in the list colours" in body
    rows = {p.sku: p for p in response.context["table"].data}
    assert set(rows) == {"DR-1", "DR-2", "MUG-1"}
    assert "<code>category</code>" in body  # MUG-1: no category, the category column missing


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"listing_status": "ready"}, {"DR-2"}),
        ({"listing_status": "incomplete"}, {"DR-1", "MUG-1"}),
        ({"listing_category": "DRESSES"}, {"DR-1", "DR-2"}),
        ({"listing_category": "-"}, {"MUG-1"}),
        ({"q": "mug"}, {"MUG-1"}),
        ({"q": "DR-1"}, {"DR-1"}),
    ],
)
def test_listings_filters(client, role_user, catalogue, params, expected):
    client.force_login(role_user("Ops"))
    response = client.get("/listings/", params)
    assert {p.sku for p in response.context["table"].data} == expected


def test_status_counts_ignore_the_status_filter_but_keep_the_others(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get("/listings/", {"listing_status": "ready", "listing_category": "DRESSES"})
    counts = {e["status"]: e["count"] for e in response.context["status_counts"]}
    assert (counts["ready"], counts["incomplete"]) == (1, 1)


def test_completeness_per_category(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    rows = {r["category"]: r for r in client.get("/listings/").context["completeness"]}
    dresses = rows["DRESSES"]
    assert (dresses["skus"], dresses["ready"], dresses["incomplete"], dresses["percent"]) == (
        2,
        1,
        1,
        50,
    )
    assert dresses["label"] == "Dresses"
    assert (rows[""]["skus"], rows[""]["percent"]) == (1, 0)


def test_listings_export_is_the_filtered_table_with_formulas_escaped(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get("/listings/", {"_export": "xlsx", "listing_category": "DRESSES"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("SKU", "Integration", "Title", "Status", "Category")
    by_sku = {row[0]: row for row in rows[1:]}
    assert set(by_sku) == {"DR-1", "DR-2"}
    assert by_sku["DR-2"][2] == "'=HYPERLINK(1)"  # never a live formula
    assert by_sku["DR-1"][3] == "incomplete" and "Navy" in by_sku["DR-1"][6]


@pytest.mark.parametrize(
    ("role", "status"),
    [(MERCHANDISING, 200), ("Ops", 200), ("Admin", 200), ("Finance", 403), ("CX", 403)],
)
def test_listings_permissions(client, role_user, catalogue, role, status):
    client.force_login(role_user(role))
    assert client.get("/listings/").status_code == status
    assert client.get("/listings/", {"_export": "xlsx"}).status_code == status


# --- The SKU page's Listing panel -----------------------------------------------------------


def test_sku_page_shows_the_record_beside_the_category_attributes(client, role_user, catalogue):
    _integration, products = catalogue
    client.force_login(role_user(MERCHANDISING))
    response = client.get(f"/mappings/skus/{products['DR-1'].pk}/")
    assert response.status_code == 200
    states = {row["spec"].code: row["state"] for row in response.context["listing"]["rows"]}
    assert states == {
        "shop_sku": "present",
        "category": "present",
        "title": "present",
        "colour": "invalid",
        "size": "warning",
    }
    body = response.content.decode()
    assert 'id="listing-panel"' in body and "Blue dress" in body
    assert "required" in body and "recommended" in body


def test_sku_page_marks_missing_and_shows_the_import_trace(client, role_user, catalogue):
    integration, products = catalogue
    product = products["DR-2"]
    Product.objects.filter(pk=product.pk).update(source_content={"color": "Red"})
    listings_refresh(integration)
    sent = CatalogueImport.objects.create(
        integration=integration,
        kind="products",
        import_id="P41-778",
        status="COMPLETE",
        finished=True,
        sent_at=timezone.now(),
    )
    CatalogueImportLine.objects.create(
        catalogue_import=sent,
        product=product,
        sku=product.sku,
        outcome="rejected",
        message="Title is too short",
        attributes=["title"],
    )
    client.force_login(role_user("Ops"))
    response = client.get(f"/mappings/skus/{product.pk}/")
    states = {row["spec"].code: row["state"] for row in response.context["listing"]["rows"]}
    assert states["title"] == "missing"
    body = response.content.decode()
    assert "P41-778" in body and "Title is too short" in body and "Rejected" in body


def test_sku_page_hides_the_listing_panel_without_the_permission(client, role_user, catalogue):
    _integration, products = catalogue
    client.force_login(role_user("Finance"))
    response = client.get(f"/mappings/skus/{products['DR-1'].pk}/")
    assert response.status_code == 200
    assert response.context["listing"] is None
    assert 'id="listing-panel"' not in response.content.decode()


# --- Category mappings ----------------------------------------------------------------------


def test_category_list_shows_reach_and_unmapped_source_categories(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get("/catalogue/mappings/categories/", {"integration": "acme"})
    assert response.status_code == 200
    assert [row["reach"] for row in response.context["rows"]] == [2]
    assert [row["name"] for row in response.context["seen"]] == ["Mugs", "Dresses"]
    seen = {row["name"]: row for row in response.context["seen"]}
    assert seen["Mugs"]["products"] == 1 and not seen["Mugs"]["mapped"]
    assert seen["Dresses"]["mapped"] == "DRESSES"
    assert "source_category=Mugs" in response.content.decode()  # the "Map it" link


def test_category_mapping_refuses_an_unknown_code(client, role_user, catalogue):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    data = {"integration": integration.pk, "source_category": "Mugs", "marketplace_category": "X9"}
    response = client.post("/catalogue/mappings/categories/new/", data)
    assert response.status_code == 200
    assert "&#x27;X9&#x27; is not a category of the marketplace" in response.content.decode()
    assert not CategoryMapping.objects.filter(source_category="Mugs").exists()


def test_category_mapping_refuses_a_duplicate_ignoring_case(client, role_user, catalogue):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    data = {
        "integration": integration.pk,
        "source_category": " dresses",
        "marketplace_category": "HOME",
    }
    response = client.post("/catalogue/mappings/categories/new/", data)
    assert "is already mapped (to DRESSES)" in response.content.decode()
    assert CategoryMapping.objects.count() == 1


def test_saving_a_category_mapping_refreshes_listings_and_keeps_history(
    client, role_user, catalogue
):
    integration, products = catalogue
    user = role_user(MERCHANDISING, username="meg")
    client.force_login(user)
    data = {
        "integration": integration.pk,
        "source_category": "Mugs",
        "marketplace_category": "HOME",
    }
    response = client.post("/catalogue/mappings/categories/new/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/catalogue/mappings/categories/?integration=acme"
    flash = [str(m) for m in response.context["messages"]]
    assert any("Listings refreshed:" in m and "1 SKU(s) changed" in m for m in flash), flash
    products["MUG-1"].refresh_from_db()
    assert products["MUG-1"].listing_category == "HOME"
    history = client.get("/catalogue/mappings/categories/history/")
    entries = history.context["history"]
    assert entries[0].who == "meg" and entries[0].kind == "created"
    assert entries[0].subject == "acme: Mugs"


def test_editing_and_deleting_a_category_mapping(client, role_user, catalogue):
    integration, products = catalogue
    mapping = CategoryMapping.objects.get()
    client.force_login(role_user(MERCHANDISING))
    edit = client.get(f"/catalogue/mappings/categories/{mapping.pk}/")
    assert edit.status_code == 200 and "DRESSES" in edit.content.decode()
    data = {"source_category": "Dresses", "marketplace_category": "FASHION"}
    client.post(f"/catalogue/mappings/categories/{mapping.pk}/", data)
    mapping.refresh_from_db()
    assert mapping.marketplace_category == "FASHION" and mapping.integration == integration
    response = client.post(f"/catalogue/mappings/categories/{mapping.pk}/delete/", follow=True)
    assert not CategoryMapping.objects.exists()
    assert any("deleted" in str(m) for m in response.context["messages"])
    assert _statuses() == {"DR-1": "incomplete", "DR-2": "incomplete", "MUG-1": "incomplete"}
    changes = client.get("/catalogue/mappings/categories/history/").context["history"]
    assert [entry.kind for entry in changes] == ["deleted", "changed", "created"]
    assert changes[1].changes[0].old == "DRESSES" and changes[1].changes[0].new == "FASHION"


def test_mapping_before_the_structure_is_pulled_is_refused(client, role_user):
    integration = integration_make("bare")
    client.force_login(role_user(MERCHANDISING))
    data = {
        "integration": integration.pk,
        "source_category": "Mugs",
        "marketplace_category": "HOME",
    }
    response = client.post("/catalogue/mappings/categories/new/", data)
    assert "run `hub sync catalogue` first" in response.content.decode()
    assert not CategoryMapping.objects.exists()


# --- Attribute mappings ---------------------------------------------------------------------


def test_attribute_list_shows_the_category_attributes_and_reach(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get(
        "/catalogue/mappings/attributes/", {"integration": "acme", "category": "DRESSES"}
    )
    attributes = {row["spec"].code: row for row in response.context["attributes"]}
    assert set(attributes) == {"shop_sku", "category", "title", "colour", "size"}
    assert attributes["colour"]["spec"].required and attributes["size"]["spec"].recommended
    assert attributes["title"]["mapping"].source_field == "name"
    assert attributes["size"]["mapping"] is None
    assert attributes["shop_sku"]["hub_filled"] and not attributes["title"]["hub_filled"]
    reach = {row["mapping"].marketplace_attribute: row["reach"] for row in response.context["rows"]}
    assert reach == {"title": 3, "colour": 2}  # the mug has no "color"
    assert ("color", 2) in response.context["fields"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"marketplace_attribute": "fabric", "source_field": "x"}, "is not an attribute of the"),
        (
            {"marketplace_attribute": "size", "marketplace_category": "HOME", "source_field": "s"},
            "is not an attribute of category HOME",
        ),
        (
            {"marketplace_attribute": "size", "marketplace_category": "ZZ", "source_field": "s"},
            "is not a category of the marketplace",
        ),
        ({"marketplace_attribute": "size"}, "Give a source field, a default, or both."),
        (
            {"marketplace_attribute": "shop_sku", "source_field": "sku"},
            "is filled in by the hub (the SKU and its marketplace category)",
        ),
        (
            {"marketplace_attribute": "colour", "default": "Mauve"},
            "&#x27;Mauve&#x27; is not in the value list colours of colour.",
        ),
        ({"marketplace_attribute": "title", "default": "x" * 21}, "21 characters: title takes"),
    ],
)
def test_attribute_mapping_refuses_bad_codes(client, role_user, catalogue, data, error):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    response = client.post(
        "/catalogue/mappings/attributes/new/", {"integration": integration.pk, **data}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert AttributeMapping.objects.count() == 2


def test_attribute_mapping_to_a_field_no_product_has_warns_with_the_count(
    client, role_user, catalogue
):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    data = {
        "integration": integration.pk,
        "marketplace_attribute": "size",
        "marketplace_category": "DRESSES",
        "source_field": "option:Size",
    }
    response = client.post("/catalogue/mappings/attributes/new/", data, follow=True)
    assert AttributeMapping.objects.filter(marketplace_attribute="size").exists()
    flash = [str(m) for m in response.context["messages"]]
    assert any("'option:Size' (0 products): saved anyway" in m for m in flash), flash
    assert response.redirect_chain[-1][0].endswith("?integration=acme&category=DRESSES")


def test_attribute_form_lists_the_category_attributes(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get(
        "/catalogue/mappings/attributes/new/",
        {"integration": "acme", "marketplace_category": "DRESSES", "marketplace_attribute": "size"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'list="marketplace_attribute-choices"' in body
    assert '<datalist id="source_field-choices">' in body
    codes = [row[0] for row in response.context["references"][0]["rows"]]
    assert "size" in codes and "material" not in codes
    assert 'value="size"' in body  # the "Map it" link fills the attribute in


# --- Value mappings -------------------------------------------------------------------------


def test_value_list_shows_source_values_and_the_value_list(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get(
        "/catalogue/mappings/values/", {"integration": "acme", "attribute": "colour"}
    )
    seen = {row["value"]: row for row in response.context["seen"]}
    assert seen["Navy"]["products"] == 1 and not seen["Navy"]["matches"]
    assert seen["Red"]["matches"] == "red"
    assert response.context["choices"] == [("blue", "Blue"), ("red", "Red")]
    assert "source_value=Navy" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"marketplace_attribute": "title", "source_value": "a", "marketplace_value": "b"},
            "is a TEXT attribute: values are mapped only for LIST attributes",
        ),
        (
            {
                "marketplace_attribute": "colour",
                "source_value": "Navy",
                "marketplace_value": "navy",
            },
            "is not in the value list colours of colour",
        ),
        (
            {"marketplace_attribute": "hue", "source_value": "Navy", "marketplace_value": "blue"},
            "is not an attribute of the marketplace",
        ),
    ],
)
def test_value_mapping_refuses_bad_codes(client, role_user, catalogue, data, error):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    response = client.post(
        "/catalogue/mappings/values/new/", {"integration": integration.pk, **data}
    )
    assert error in response.content.decode()
    assert not ValueMapping.objects.exists()


def test_a_value_mapping_fixes_the_sku_and_counts_it(client, role_user, catalogue):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    data = {
        "integration": integration.pk,
        "marketplace_attribute": "colour",
        "source_value": "navy",
        "marketplace_value": "BLUE",  # a label or code in any case: stored as the code
    }
    response = client.post("/catalogue/mappings/values/new/", data, follow=True)
    assert ValueMapping.objects.get().marketplace_value == "blue"
    assert _statuses()["DR-1"] == "ready"
    assert any("2 ready" in str(m) for m in response.context["messages"])
    listed = client.get(
        "/catalogue/mappings/values/", {"integration": "acme", "attribute": "colour"}
    )
    assert [row["reach"] for row in listed.context["rows"]] == [1]
    assert listed.context["rows"][0]["label"] == "Blue"


# --- Overview, navigation and the Merchandising role ----------------------------------------


def test_overview_counts_rows_and_the_pulled_structure(client, role_user, catalogue):
    client.force_login(role_user(MERCHANDISING))
    response = client.get("/catalogue/mappings/")
    row = response.context["overview"][0]
    assert row["mappings"] == {"categories": 1, "attributes": 2, "values": 0}
    assert row["integration"].categories == 3 and row["integration"].value_lists == 2
    assert "3 categories, 6 attributes, 2 value lists" in response.content.decode()


def test_merchandising_group_holds_exactly_its_permissions():
    group = Group.objects.get(name=MERCHANDISING)
    held = set(group.permissions.values_list("codename", flat=True))
    assert held == set(ROLE_PERMISSIONS[MERCHANDISING])
    assert {"view_orders", "view_dashboard", "view_product", "change_valuemapping"} <= held
    assert not held & {"handle_exceptions", "view_finance", "edit_mappings", "view_personal_data"}


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/", 200),
        ("get", "/orders/", 200),
        ("get", "/orders/{order}/", 200),
        ("post", "/orders/{order}/decide/", 403),
        ("get", "/mappings/skus/", 200),
        ("post", "/mappings/skus/{product}/edit/", 403),
        ("get", "/mappings/carriers/", 403),
        ("get", "/finance/", 403),
        ("get", "/integrations/", 403),
        ("get", "/listings/", 200),
        ("get", "/catalogue/mappings/values/", 200),
        ("get", "/catalogue/mappings/attributes/new/", 200),
    ],
)
def test_merchandising_reads_orders_and_edits_only_the_catalogue(
    client, role_user, catalogue, method, url, status
):
    integration, products = catalogue
    order = order_make(integration)
    client.force_login(role_user(MERCHANDISING))
    target = url.format(order=order.pk, product=products["DR-1"].pk)
    assert getattr(client, method)(target).status_code == status


def test_merchandising_sees_no_customer_details(client, role_user, catalogue):
    integration, _products = catalogue
    order = order_make(integration)
    client.force_login(role_user(MERCHANDISING))
    assert "12 Byron Road" not in client.get(f"/orders/{order.pk}/").content.decode()


@pytest.mark.parametrize(
    ("role", "sees_listings", "edits"),
    [(MERCHANDISING, True, True), ("Ops", True, False), ("Finance", False, False)],
)
def test_menu_and_edit_links_follow_the_role(
    client, role_user, catalogue, role, sees_listings, edits
):
    client.force_login(role_user(role))
    body = client.get("/").content.decode()
    assert ('href="/listings/"' in body) is sees_listings
    assert ('href="/catalogue/mappings/"' in body) is sees_listings
    if sees_listings:
        page = client.get("/catalogue/mappings/categories/").content.decode()
        assert ("Add a mapping" in page) is edits
        assert client.get("/catalogue/mappings/categories/new/").status_code == (
            200 if edits else 403
        )


def test_attribute_mapping_with_a_list_label_as_default_is_saved(client, role_user, catalogue):
    integration, _products = catalogue
    client.force_login(role_user(MERCHANDISING))
    data = {
        "integration": integration.pk,
        "marketplace_attribute": "size",
        "marketplace_category": "DRESSES",
        "default": "uk 10",
    }
    response = client.post("/catalogue/mappings/attributes/new/", data)
    assert response.status_code == 302
    saved = AttributeMapping.objects.get(marketplace_attribute="size")
    assert (saved.marketplace_category, saved.default) == ("DRESSES", "uk 10")
    dress = Product.objects.get(sku="DR-2")
    assert dress.listing_record["size"] == "10" and dress.listing_status == "ready"
