"""Every SCAYLE detail we could not confirm publicly, isolated here (and nowhere else).

docs/connectors/scayle.md lists each one as a numbered "question to confirm on go-live"; the
``Q<n>`` tags below match that list. When a tenant answers differently, change this module,
not the client. The sandbox does not import it: it is a second implementation written from
SCAYLE's published material, so the two can disagree (tests/contracts/scayle/ holds that
material: the official Admin API SDK's fixtures).
"""

from __future__ import annotations

# --- Auth and rate limits (documented; header names lower-cased) ----------------------------

AUTH_HEADER = "X-Access-Token"
RATE_SCOPE = "x-ratelimit-scope"
RATE_REMAINING = "x-ratelimit-remaining"
RATE_RESET = "x-ratelimit-reset"  # seconds until the scope's window resets

# Scope names the Admin API reports (scayle.dev "Rate Limits"); we pace per scope.
SCOPE_SHOP_READ = "globalRead"
SCOPE_PRODUCT_READ = "productRead"
SCOPE_STOCK_READ = "stocksRead"
SCOPE_ORDER_READ = "ordersRead"
SCOPE_ORDER_WRITE = "ordersWrite"

# --- Paths (Admin API v1, relative to the integration's source_url) -------------------------

SHOP_PATH = "shops/{shop_key}"
PRODUCTS_PATH = "products"
VARIANT_STOCKS_PATH = "variants/{variant}/stocks"
ORDERS_PATH = "shops/{shop_key}/countries/{country_code}/orders"
ORDER_PATH = ORDERS_PATH + "/{order}"
ORDER_REFERENCE_KEY_PATH = ORDER_PATH + "/reference-key"
REFERENCE_KEY_PREFIX = "key="  # identifiers by reference key: ``key=<referenceKey>``

# Q1: the Admin API order endpoints accept ``key=<referenceKey>`` as the order identifier
# (documented for variants; assumed for orders). order_find relies on it.
ORDER_BY_REFERENCE = ORDER_PATH

# Q2/Q3: the name of the "updated since" filter on GET /products and GET .../orders, and
# that the products list embeds variants (with attributes and prices), the product's images
# and its master (master attributes, master category paths) through ``with``. The shape of
# each embedded part is the official SDK's (tests/contracts/scayle/product_list_response.json);
# which ``with`` values switch them on is not published. The single place for the expansion.
UPDATED_SINCE_PARAM = "filters[minUpdatedAt]"
PRODUCTS_WITH = "variants,variants.attributes,variants.prices,attributes,images,master"
ORDERS_WITH = "items,packages"

# --- Product content ------------------------------------------------------------------------

# Localized attribute values are read for this locale (option ``locale``); a value missing in
# it is taken from another locale of the same language (en_US for en_GB), never from another
# language (the marketplace is English).
DEFAULT_LOCALE = "en_GB"

# Q13: an image's ``assetUrl`` is an absolute URL when the image is self-hosted, else a path
# on the tenant's SCAYLE CDN, ``https://{tenant-space}.cdn.scayle.cloud`` (scayle.dev "Manage
# Media / Assets"); the Admin API lives on ``https://{tenant-space}.admin.api.scayle.cloud``.
# The CDN root is derived from the source URL by swapping these host suffixes (option
# ``media_base_url`` overrides it). Unconfirmed: go-live question (does ``images/<hash>``
# resolve on the CDN root as the SDK fixture shows it, without a file extension?).
ADMIN_HOST_SUFFIX = ".admin.api.scayle.cloud"
CDN_HOST_SUFFIX = ".cdn.scayle.cloud"

# --- Order creation -------------------------------------------------------------------------

# Q4: External Order Creation is documented on the Storefront API; the official Admin API SDK
# also creates orders (OrderService.create: POST .../orders with its Order model, whose
# fixtures carry ``referenceKey``, ``legacyCustomData``, ``channel{key}`` and item prices
# ``withTax``/``withoutTax``/``tax.vat``). We use the Admin route with that model. How a
# *guest* customer is asked for on create is not shown: we send the Customer model's
# ``status.isGuestCustomer`` with the email.
ORDER_GUEST_CUSTOMER_STATUS = {"isGuestCustomer": True}

# Q5: SCAYLE order items are single pieces (no quantity field): a line of 3 is 3 items.
ORDER_ITEMS_ARE_PIECES = True

# Q6: order addresses carry ISO 3166 alpha-3 country codes (the SDK examples show "DEU").
COUNTRY_ALPHA3 = {
    "GB": "GBR",
    "IE": "IRL",
    "JE": "JEY",
    "GG": "GGY",
    "IM": "IMN",
    "FR": "FRA",
    "DE": "DEU",
    "NL": "NLD",
    "BE": "BEL",
    "ES": "ESP",
    "IT": "ITA",
    "US": "USA",
}

# --- Shipments and refunds ------------------------------------------------------------------

# Q8: the carrier *service* is not on the package; we take the delivery fee's ``option``
# (cost.appliedFees[category=delivery].option) the order was bought with.
DELIVERY_FEE_CATEGORY = "delivery"
PACKAGE_SHIPPED_STATUSES = frozenset({"shipped", "delivered"})

# Q9: refunds are modelled from item status: each returned or cancelled piece is one refund
# of its price with tax; delivery fees are not refunded per item.
REFUND_ITEM_STATUSES = frozenset({"returned", "cancelled"})

# --- Webhooks (Admin webhooks v2) -----------------------------------------------------------

# Q10: SCAYLE does not sign deliveries (no HMAC scheme is published). What it offers is
# authentication of the call: v2 subscriptions carry Basic-auth credentials in the URL
# (``https://user:pass@host/...``, SDK fixture WebhookSubscriptionCreateRequest), newer producer
# subscriptions ``auth{username,password}`` and ``customHeaders``. The option
# ``webhook_auth`` picks ``basic`` (default: user ``webhook_username``, password credential
# ``webhook_secret``) or ``header`` (header ``webhook_header`` must equal ``webhook_secret``).
# ``key`` is the dedupe id; nothing in the body is signed, so age is not checked.
WEBHOOK_AUTH_MODES = frozenset({"basic", "header"})
WEBHOOK_DEFAULT_USERNAME = "scayle"
WEBHOOK_DEFAULT_HEADER = "X-Hub-Webhook-Secret"
WEBHOOK_TOPICS = frozenset(
    {
        "product-variant-stock-updated",
        "order-package-shipped",
        "order-item-returned",
        "order-item-canceled",
        "order-canceled",
    }
)
