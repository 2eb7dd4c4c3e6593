"""Every SEKO detail that is not public, or not confirmed, in one place.

SEKO publishes no OpenAPI document; the facts below come from SEKO's Confluence manuals
(seko.atlassian.net, bigdigit.atlassian.net) and an old public Ruby client. Each constant
marked ``[Q n]`` is a choice we made that must be confirmed on a real account: the number is
the question's number in docs/connectors/seko.md ("questions to confirm on go-live").
Change the value here, nowhere else.
"""

from __future__ import annotations

# --- base and auth --------------------------------------------------------------------------

# [Q1] The SEKO 360 / iHub API host is not published: the integration's source_url is the
# API root, e.g. https://ihub.supplystream.com:8081/api (old docs) - paths below hang off it.
# [Q2] The API key travels as a query parameter. Current docs name it ``api_key``; the legacy
# SupplyStream hub used ``token``. The option ``key_param`` switches between the two.
KEY_PARAM = "api_key"
KEY_PARAM_LEGACY = "token"
KEY_PARAMS = (KEY_PARAM, KEY_PARAM_LEGACY)
# [Q3] Service version: v1 everywhere (docs also show v3/v4 for some services).
SERVICE_VERSION = "v1"
# The documented limit of the whole query string (IIS default): longer URLs are refused.
QUERY_LIMIT = 2048

# --- paths (relative to source_url) ---------------------------------------------------------

ORDER_SUBMIT_PATH = "salesorders/{version}/websubmit"
# [Q4] The status/tracking lookups take the order's identifier in the path. The Ruby client
# passes the GUID SEKO answered on submit; we pass our own SalesOrderNumber (derived from the
# JL number) so a lookup works even when the submit answer was lost.
ORDER_STATUS_PATH = "salesorders/{version}/{number}/status"
ORDER_TRACKING_PATH = "salesorders/{version}/{number}/tracking"
STOCK_DC_PATH = "stock/{version}/dc/{dc}"
STOCK_PRODUCT_PATH = "stock/{version}/product"
STOCK_ADJUSTMENT_PATH = "stock/{version}/adjustment/{start}/{end}"
STOCK_MOVEMENT_PATH = "stock/{version}/movement/{start}/{end}"
DISPATCH_STATUS_PATH = "dispatches/{version}/status/{start}/{end}"
DISPATCHED = "Dispatched"
# [Q5] from/to in the path: UTC, ISO 8601 to the second with a trailing Z.
PATH_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# --- response shapes --------------------------------------------------------------------------

# CallStatus carries ``Message`` in the "Response codes" manual page and ``Description`` in
# other pages: read whichever is present.
CALL_STATUS_TEXT_KEYS = ("Message", "Description")
STOCK_LIST_ITEM = "StockQuantityLineItem"
ADJUSTMENT_LIST_ITEM = "StockAdjustmentLineItem"  # [Q6]
MOVEMENT_LIST_ITEM = "StockMovementLineItem"  # [Q6]
DISPATCH_LIST_ITEM = "DispatchLineItem"
# [Q11] The status lookup's order and the tracking lookup's record (and whether the dispatch
# list carries courier/tracking at all: a line without TrackingNumber is completed from the
# tracking lookup).
ORDER_STATUS_ITEM = "SalesOrder"
TRACKING_ITEM = "TrackingDetails"
SELLABLE_LOCATION_TYPE = "Available Stock"
# Words SEKO uses in a refusal, mapped to the code the hub sees on the PermanentError. [Q7]
NOT_FOUND_MARKERS = ("does not exist", "not found")
NO_FREE_STOCK_MARKER = "has no free stock"
DUPLICATE_MARKERS = ("already exists", "duplicate")

# --- orders -----------------------------------------------------------------------------------

# [Q8] SalesOrderNumber (unique, <= 50 chars) is ours: a prefix plus the JL order number, so
# a retried submit carries the same number and SEKO refuses the duplicate. The JL number also
# goes into SalesOrderReference (open reference, <= 50 chars) inside WebSalesOrder.
ORDER_NUMBER_PREFIX = "JL"
ORDER_NUMBER_MAX = 50
ORDER_REFERENCE_MAX = 50

# --- pushes (SEKO -> hub) -----------------------------------------------------------------------

# [Q9] SEKO documents no signature on pushes. We ask SEKO to send a shared-secret HMAC:
# hex HMAC-SHA256 of the raw body, keyed with the integration's ``push_secret``.
SIGNATURE_HEADER = "X-Seko-Signature"
PUSH_TRACKING = "TrackingDetails"
PUSH_DISPATCH = "DispatchConfirmation"  # [Q10] key of the Dispatch Confirmation record
PUSH_TOPICS = {PUSH_TRACKING: "seko/tracking_details", PUSH_DISPATCH: "seko/dispatch_confirmation"}

# --- returns (receipts/v1 ASN in, GRN/v1 out) -------------------------------------------------

# [Q16] A marketplace return is announced to the DC as an ASN of type "Return":
# receipts/v1/submit with {"Request": {"ASNHeader": {ASNNumber, ReceiptType, DCCode,
# CustomerReference}, "List": {"ASNLineItem": [{LineNumber, ProductCode, Quantity}]}}}.
RECEIPT_SUBMIT_PATH = "receipts/{version}/submit"
RECEIPT_TYPE_RETURN = "Return"
RECEIPT_LINE_ITEM = "ASNLineItem"
# [Q17] An ASN can be read back by our ASNNumber (the hub looks before it submits again).
RECEIPT_STATUS_PATH = "receipts/{version}/{number}/status"
RECEIPT_ITEM = "ASN"
# [Q18] Goods received notes for a window, like dispatches: one GRNLineItem per product and
# location, carrying ASNNumber, ProductCode, Quantity, LocationType and ReceivedDate.
GRN_PATH = "GRN/{version}/{start}/{end}"
GRN_LIST_ITEM = "GRNLineItem"
# [Q19] Received units booked to SELLABLE_LOCATION_TYPE ("Available Stock") are sellable;
# any other location (Damaged, Quarantine) is not.
# [Q20] ASNNumber (<= 50 chars) is ours: a prefix plus the marketplace return id.
RETURN_NUMBER_PREFIX = "RT-"
RECEIPT_NUMBER_MAX = 50
