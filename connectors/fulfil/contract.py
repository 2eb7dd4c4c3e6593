"""Every Fulfil detail that public documentation does not confirm, in one place.

Each constant below is a choice made without a live account; docs/connectors/fulfil.md lists
them as numbered "questions to confirm on go-live". Change them here (or through the
connector option named next to them) and nowhere else.
"""

from __future__ import annotations

# Q1. Names of the models in the v3 JSON-RPC API. fulfil-cli shows friendly names
# (``sales_order``, ``contact``) rather than the Tryton ones, so ``product`` is a guess.
V3_PRODUCT_MODEL = "product"

# Q1b. The "last changed" field per API. v2 is the Tryton model API: ``write_date`` (and
# ``create_date``). v3 records carry ``updated_at`` / ``created_at`` instead (fulfil-cli 0.6.0
# fulfil_cli/output/table.py skips them as the metadata every v3 record has); whether v3 also
# accepts ``write_date`` is unknown. Option ``v3_updated_field`` overrides it.
V2_UPDATED_FIELD = "write_date"
V3_UPDATED_FIELD = "updated_at"

# Q2. The product field holding the EAN-13 (option ``barcode_field`` overrides it).
BARCODE_FIELD = "ean"

# Q3. Field paths read from an outbound shipment (stock.shipment.out). ``tracking_number`` is
# a Many2One to shipment.tracking in the trytond-shipping lineage, hence the dotted paths.
SHIPMENT_FIELDS: dict[str, str] = {
    "number": "number",
    "state": "state",
    "carrier_name": "carrier.name",
    "carrier_service": "carrier_service.name",
    "tracking_number": "tracking_number.tracking_number",
    "tracking_url": "tracking_number.tracking_url",
    "shipped_on": "effective_date",
    "sales": "sales",
    "moves": "outgoing_moves",
    "write_date": "write_date",
}
SHIPMENT_SHIPPED_STATES = ["done"]  # Q4. "packed" shipments have not left the building yet.

# Q5. Sale states. A sale found in one of DRAFT_STATES after a crash is quoted and confirmed.
SALE_DRAFT_STATES = {"draft", "quotation"}
SALE_OPEN_STATES = ["confirmed", "processing", "done"]

# Q6. Returns: a return is a sale.sale with a negative total (Fulfil's "return" wizard negates
# the line quantities) that keeps the original ``reference`` (the JL order number).
RETURN_TOTAL_FIELD = "total_amount"

# Q7. Webhook headers. Only the signature scheme is confirmed (fulfil_client.verify_webhook).
WEBHOOK_SIGNATURE_HEADER = "X-Fulfil-Hmac-SHA256"
WEBHOOK_TOPIC_HEADER = "X-Fulfil-Topic"
WEBHOOK_ID_HEADER = "X-Fulfil-Webhook-Id"
WEBHOOK_TIMESTAMP_HEADER = "X-Fulfil-Timestamp"  # unix seconds; replay window when present
WEBHOOK_REPLAY_WINDOW_SECONDS = 300

# Q8. Address fields of party.address, as in fulfil-python-api examples/create-sale-order.py
# (``street_bis``; the country by ISO code from country.country). A phone is not an address
# field: it is a party.contact_mechanism {party, type "phone", value} (same example). With one
# JL party for every order, the phone lands on that party (option ``phone_contact_mechanism``
# "0" turns it off); where the brand wants it is a go-live question.
ADDRESS_FIELDS = {
    "name": "name",
    "street": "street",
    "street_2": "street_bis",
    "city": "city",
    "postcode": "zip",
    "country": "country",
}
CONTACT_MECHANISM_MODEL = "party.contact_mechanism"

# Q9. Where the marketplace order id goes on the sale (the JL number is ``reference``).
SALE_NOTE_FIELD = "comment"

# Q10. Stock deltas: there is no documented inventory feed; stock.move rows changed since the
# cursor name the products whose levels to re-read.
STOCK_MOVE_PRODUCT_CODE = "product.code"

# Q16. User context: every v2 call sends what res.user.get_preferences(True) answered, as the
# official client does (fulfil_client Client.refresh_context); option ``user_context`` pins it.
# Q17. Dates are sent as the official client 3.x sends them ({"__class__": "date",
# "iso_string": ...}); answers are read in that form or the parts form (http.DECODERS).

# --- Product content (docs/connectors/fulfil.md, "Product content") -----------------------
#
# Q18. Content fields of a variant, read with v2 search_read on product.product by id (one
# call per page of products): output key -> field path. Tryton's product model names
# (``template.name``, ``variant_name``, ``description``, product_measurements' ``weight`` /
# ``weight_uom``); ``brand`` and ``image`` are the fields Fulfil's 3PL catalogue API lists
# for a product ("Brand of the product", "URL of the product image"); their model-API paths
# are unconfirmed: go-live question. A field the account lacks makes the read a
# PermanentError naming it (the pass fails; change the path here).
PRODUCT_CONTENT_FIELDS: dict[str, str] = {
    "name": "template.name",
    "variant_name": "variant_name",
    "description": "description",
    "brand": "brand.name",
    "weight": "weight",
    "weight_uom": "weight_uom.name",
    "image": "image",
}
# Q19. Categories: the template's ``categories`` (Tryton: Many2Many to product.category,
# whose ``parent`` makes the tree). Names and full paths come from one read of the whole
# category table per connector instance. Unconfirmed: go-live question (or ``category``?).
PRODUCT_CATEGORIES_FIELD = "template.categories"
CATEGORY_MODEL = "product.category"
# Q20. Images: the product's ``media`` (to-many, read as ids like every to-many link) and
# the media records' ``url`` in ``sequence`` order; a relative URL is resolved against the
# instance URL. Unconfirmed: go-live question (model and field names).
PRODUCT_MEDIA_FIELD = "media"
MEDIA_MODEL = "product.media"
MEDIA_URL_FIELD = "url"
MEDIA_ORDER_FIELD = "sequence"
# Q21. Product attributes: records of ``product.product.attribute`` as Fulfil's 3PL catalogue
# API shows them (``product_id``, ``attribute_name``, ``value``, ``value_selection``, ...;
# tests/contracts/fulfil/product_attribute_record.json), read here by their model-API paths.
# ``value`` is the text Fulfil shows; a selection attribute's option is resolved by its id to
# the option's ``name`` from one read of the whole option table per connector instance (the
# option model's name is unconfirmed: go-live question). Emitted as ``attribute:<name>``.
PRODUCT_ATTRIBUTE_MODEL = "product.product.attribute"
ATTRIBUTE_FIELDS = {
    "product": "product",
    "name": "attribute.name",
    "value": "value",
    "selection": "value_selection",
}
SELECTION_OPTION_MODEL = "product.attribute.selection_option"
ATTRIBUTE_KEY_PREFIX = "attribute:"
