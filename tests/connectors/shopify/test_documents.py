"""Every GraphQL document the connector sends is valid for the sandbox schema and affordable."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from connectors.shopify import graphql as gql
from connectors.shopify.sandbox.admin_schema import admin_schema
from connectors.shopify.sandbox.cost import MAX_SINGLE_QUERY_COST, query_cost

DOCUMENTS = {
    "SHOP_PING": (gql.SHOP_PING, {}),
    "PRODUCTS_PAGE": (gql.PRODUCTS_PAGE, {"first": 4}),
    "PRODUCT_VARIANTS_PAGE": (gql.PRODUCT_VARIANTS_PAGE, {"id": "x", "first": gql.VARIANTS_PAGE}),
    "LOCATIONS": (gql.LOCATIONS, {"first": 50}),
    "LOCATION_LEVELS_PAGE": (gql.LOCATION_LEVELS_PAGE, {"id": "x", "first": 100}),
    "INVENTORY_ITEMS_LEVELS": (gql.INVENTORY_ITEMS_LEVELS, {"first": 10}),
    "VARIANTS_BY_SKU": (gql.VARIANTS_BY_SKU, {"first": 100}),
    "ORDERS_BY_REFERENCE": (gql.ORDERS_BY_REFERENCE, {}),
    "ORDER_CREATE": (gql.ORDER_CREATE, {}),
    "ORDERS_FULFILLMENTS_PAGE": (gql.ORDERS_FULFILLMENTS_PAGE, {"first": 5}),
    "ORDERS_REFUNDS_PAGE": (gql.ORDERS_REFUNDS_PAGE, {"first": 5}),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_and_under_the_single_query_cost_limit(name):
    text, variables = DOCUMENTS[name]
    document = parse(text)

    assert validate(admin_schema(), document) == []
    assert query_cost(document, variables) < MAX_SINGLE_QUERY_COST


def test_products_page_cost_is_what_the_docs_say():
    assert query_cost(parse(gql.PRODUCTS_PAGE), {"first": 4}) == 806
    assert query_cost(parse(gql.PRODUCT_VARIANTS_PAGE), {"first": gql.VARIANTS_PAGE}) == 803


def test_the_default_page_is_the_largest_affordable_one():
    from connectors.shopify.client import PRODUCTS_PER_PAGE

    affordable = query_cost(parse(gql.PRODUCTS_PAGE), {"first": PRODUCTS_PER_PAGE})
    assert affordable < MAX_SINGLE_QUERY_COST
    assert query_cost(parse(gql.PRODUCTS_PAGE), {"first": PRODUCTS_PER_PAGE + 1}) > 1000
