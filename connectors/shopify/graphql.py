"""The GraphQL documents the Shopify connector sends (Admin API 2026-10, schema-checked in tests).

Nested page sizes keep every document's requested cost well under Shopify's 1,000-point
single-query maximum (cost = objects requested, multiplied through nested ``first``).
"""

from __future__ import annotations

PAGE_INFO = "pageInfo { hasNextPage endCursor }"

SHOP_PING = "query ShopPing { shop { name } }"

# Product content (issue 21): nested page sizes, so a page of products stays affordable. A
# product with more images or metafields than these is read up to them (logged).
PRODUCT_MEDIA = 10
PRODUCT_METAFIELDS = 10
PRODUCT_VARIANTS = 10
VARIANT_METAFIELDS = 5
VARIANTS_PAGE = 50  # the rest of a product's variants, per call

MEDIA_IMAGE_URL = "... on MediaImage { image { url } }"
METAFIELD = "namespace key type value"

VARIANT_FIELDS = f"""
        id sku barcode price title updatedAt
        selectedOptions {{ name value }}
        media(first: 1) {{ edges {{ node {{ {MEDIA_IMAGE_URL} }} }} }}
        inventoryItem {{ id measurement {{ weight {{ unit value }} }} }}
        metafields(first: {VARIANT_METAFIELDS}) {{
          edges {{ node {{ {METAFIELD} }} }}
          pageInfo {{ hasNextPage }}
        }}
"""

PRODUCTS_PAGE = f"""
query ProductsPage($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    edges {{ node {{
      id title vendor updatedAt
      descriptionHtml description productType tags
      category {{ name fullName }}
      featuredMedia {{ preview {{ image {{ url }} }} }}
      media(first: {PRODUCT_MEDIA}) {{
        edges {{ node {{ {MEDIA_IMAGE_URL} }} }}
        pageInfo {{ hasNextPage }}
      }}
      metafields(first: {PRODUCT_METAFIELDS}) {{
        edges {{ node {{ {METAFIELD} }} }}
        pageInfo {{ hasNextPage }}
      }}
      variants(first: {PRODUCT_VARIANTS}) {{
        edges {{ node {{ {VARIANT_FIELDS} }} }}
        {PAGE_INFO}
      }}
    }} }}
    {PAGE_INFO}
  }}
}}
"""

PRODUCT_VARIANTS_PAGE = f"""
query ProductVariantsPage($id: ID!, $first: Int!, $after: String) {{
  product(id: $id) {{
    variants(first: $first, after: $after) {{
      edges {{ node {{ {VARIANT_FIELDS} }} }}
      {PAGE_INFO}
    }}
  }}
}}
"""

LOCATIONS = f"""
query Locations($first: Int!, $after: String) {{
  locations(first: $first, after: $after) {{
    edges {{ node {{ id name isActive }} }}
    {PAGE_INFO}
  }}
}}
"""

LOCATION_LEVELS_PAGE = f"""
query LocationLevels($id: ID!, $first: Int!, $after: String, $query: String) {{
  location(id: $id) {{
    inventoryLevels(first: $first, after: $after, query: $query) {{
      edges {{ node {{
        id updatedAt
        item {{ id sku }}
        quantities(names: ["available"]) {{ name quantity }}
      }} }}
      {PAGE_INFO}
    }}
  }}
}}
"""

INVENTORY_ITEMS_LEVELS = f"""
query InventoryItemsLevels($first: Int!, $after: String, $query: String) {{
  inventoryItems(first: $first, after: $after, query: $query) {{
    edges {{ node {{
      id sku
      inventoryLevels(first: 25) {{
        edges {{ node {{
          updatedAt
          location {{ id }}
          quantities(names: ["available"]) {{ name quantity }}
        }} }}
        {PAGE_INFO}
      }}
    }} }}
    {PAGE_INFO}
  }}
}}
"""

VARIANTS_BY_SKU = """
query VariantsBySku($first: Int!, $query: String) {
  productVariants(first: $first, query: $query) {
    edges { node { id sku } }
  }
}
"""

ORDERS_BY_REFERENCE = """
query OrdersByReference($query: String) {
  orders(first: 10, query: $query) {
    edges { node { id name sourceIdentifier tags } }
  }
}
"""

ORDER_CREATE = """
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name sourceIdentifier }
    userErrors { field message code }
  }
}
"""

ORDERS_FULFILLMENTS_PAGE = f"""
query OrdersFulfillments($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    edges {{ node {{
      id name sourceIdentifier tags updatedAt
      shippingLine {{ title code }}
      fulfillments(first: 5) {{
        id status createdAt updatedAt
        trackingInfo(first: 3) {{ company number url }}
        fulfillmentLineItems(first: 10) {{
          edges {{ node {{ quantity lineItem {{ sku }} }} }}
        }}
      }}
    }} }}
    {PAGE_INFO}
  }}
}}
"""

ORDERS_REFUNDS_PAGE = f"""
query OrdersRefunds($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    edges {{ node {{
      id name sourceIdentifier tags updatedAt
      refunds(first: 5) {{
        id createdAt
        totalRefundedSet {{ shopMoney {{ amount currencyCode }} }}
        refundShippingLines(first: 2) {{
          edges {{ node {{ subtotalAmountSet {{ shopMoney {{ amount }} }} }} }}
        }}
        refundLineItems(first: 10) {{
          edges {{ node {{ quantity lineItem {{ sku }} }} }}
        }}
      }}
    }} }}
    {PAGE_INFO}
  }}
}}
"""
