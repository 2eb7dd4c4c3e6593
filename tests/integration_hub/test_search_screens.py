"""CX search: one box, every identifier, indexed equality only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integration_hub.flows.orders_pull import _postcode_key
from integration_hub.models import Product
from integration_hub.selectors import order_search, postcode_key, surname_key
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders():
    integration = integration_make()
    ada = order_make(
        integration,
        "8817455903",
        marketplace_order_id="JL-8817455903-A",
        source_order_id="gid-55",
        source_order_number="#1055",
        tracking_number="JD0002212345",
        customer_lastname="lovelace",
        shipping_postcode="N19GU",
    )
    other = order_make(
        integration, "8817455904", customer_lastname="byron", shipping_postcode="N19GU"
    )
    Product.objects.create(
        integration=integration, sku="SRC-1", offer_sku="SKU-1", ean="5012345678900"
    )
    return ada, other


@pytest.mark.parametrize(
    "query", ["8817455903", "JL-8817455903-A", "gid-55", "#1055", "JD0002212345", " jd0002212345 "]
)
def test_exact_identifier_opens_the_order(client, role_user, orders, query):
    ada, _other = orders
    client.force_login(role_user("CX"))
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{ada.pk}/"


@pytest.mark.parametrize(
    ("query", "matched_by"),
    [
        ("SKU-1", "SKU"),
        ("SRC-1", "SKU"),  # the source SKU, through the SKU map
        ("5012345678900", "EAN"),
    ],
)
def test_sku_and_ean_list_every_order_with_the_item(client, role_user, orders, query, matched_by):
    client.force_login(role_user("CX"))
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["result"].matched_by == matched_by
    found = {o.commercial_id for o in response.context["table"].data}
    assert found == {"8817455903", "8817455904"}
    assert "Export to Excel" in response.content.decode()


@pytest.mark.parametrize("query", ["Lovelace N1 9GU", "lovelace n19gu", "LOVELACE, N1 9GU"])
def test_surname_and_postcode(orders, query):
    result = order_search(query)
    assert result.matched_by == "surname and postcode"
    assert [o.commercial_id for o in result.orders] == ["8817455903"]
    assert result.exact is None  # not an identifier: CX picks from the list


def test_surname_with_spaces(orders):
    ada, _other = orders
    ada.customer_lastname = surname_key("de la Cruz")
    ada.save()
    assert [o.pk for o in order_search("De La Cruz N1 9GU").orders] == [ada.pk]


def test_postcode_is_normalised_the_same_way_on_write_and_search():
    for raw in ("n1 9gu", " N1  9GU ", "N19GU", "sw1a 1aa"):
        assert postcode_key(raw) == _postcode_key(raw)


def test_nothing_found_says_what_was_tried(client, role_user, orders):
    client.force_login(role_user("CX"))
    response = client.get("/search/", {"q": "no-such-thing"})
    body = response.content.decode()
    assert response.status_code == 200 and response.context["table"] is None
    assert "No order matches" in body and "order identifier" in body


def test_empty_query_shows_the_box(client, role_user):
    client.force_login(role_user("CX"))
    body = client.get("/search/").content.decode()
    assert 'id="order-search"' in body and "Type what the customer gave you" in body


def test_no_like_scans(orders):
    """Every lookup is equality (indexes), never LIKE '%x%'."""
    with CaptureQueriesContext(connection) as queries:
        for query in ["8817455903", "SKU-1", "5012345678900", "Lovelace N1 9GU", "zzz"]:
            result = order_search(query)
            if result.orders is not None:
                list(result.orders)
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert " LIKE " not in sql


def test_dashboard_has_the_search_box_for_cx(client, role_user):
    client.force_login(role_user("CX"))
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body and 'name="q"' in body
