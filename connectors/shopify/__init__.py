"""Shopify source connector (GraphQL Admin API) and its sandbox.

Importing this package registers :class:`ShopifyConnector` under the source kind "shopify".
"""

from connectors.shopify.client import ShopifyConnector

__all__ = ["ShopifyConnector"]
