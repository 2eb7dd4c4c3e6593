"""Every Mirakl catalogue detail the official seller spec does not settle, in one place.

The spec (connectors/mirakl/openapi/mirakl-mmp-seller-openapi.json) wins wherever it speaks;
its examples are copied in tests/contracts/mirakl/. Each constant below marked
"unconfirmed: go-live question" is a choice to confirm on the John Lewis instance (listed in
docs/connectors/mirakl.md, "Catalogue"). Change the value here, nowhere else; the sandbox keeps
its own copy on purpose.
"""

from __future__ import annotations

# --- P41 product file -----------------------------------------------------------------------

# unconfirmed: go-live question. P41's spec says only "Import file (CSV or XML or XLSX)"; the
# columns are the operator's attribute codes (PM11). Every CSV the spec does show (OF01,
# STO01, PRI01, OF03, the PM11 text/csv example) is UTF-8 and ";"-separated, so P41 is too.
PRODUCT_CSV_DELIMITER = ";"
PRODUCT_CSV_FILENAME = "products.csv"

# unconfirmed: go-live question. Several values of one attribute (a LIST_MULTIPLE_VALUES, the
# extra images) in one cell, joined by the caller with "|": Mirakl marketplaces document "|"
# for multiple values (https://helpcenter.channable.com/hc/en-us/articles/360012678720).
MULTI_VALUE_SEPARATOR = "|"

# --- PM11 attributes ------------------------------------------------------------------------

# The spec: "Use the "type_parameter" field for "LIST" attribute types to retrieve the value
# list code". unconfirmed: go-live question: that LIST_MULTIPLE_VALUES works the same way.
VALUE_LIST_TYPES = frozenset({"LIST", "LIST_MULTIPLE_VALUES"})
# The name of the type_parameters entry that holds the value list code: the spec's PM11
# text/csv example writes ``type-parameters`` as ``LIST_CODE|Boolean`` for the LIST attribute
# whose JSON example has ``"type_parameter": "Boolean"``.
TYPE_PARAMETER_LIST_CODE = "LIST_CODE"
# PM11 ``validations``: "a list of validations separated by commas", each ``NAME|value`` (the
# spec's example is "MIN_LENGTH|10").
VALIDATIONS_SEPARATOR = ","
VALIDATION_VALUE_SEPARATOR = "|"

# --- OF01 offers ----------------------------------------------------------------------------

# unconfirmed: go-live question. The offer state code for new goods: the spec's OF01 example
# sends state 11, and Mirakl seller docs name 11 "New"
# (https://help-partner.modivo.com/en/integrations/how-to-check-file-errors.html). JL may
# define its own codes (OF26 lists them).
OFFER_STATE_NEW = "11"
OFFER_CSV_FILENAME = "offers.csv"

# --- P44 / P45 / P47 reports ----------------------------------------------------------------

# unconfirmed: go-live question. The spec gives no layout for P44, P45 or P47 ("either a CSV
# file (MCM enabled) or a file in a format defined by the operator"). Read as: a CSV (";", or
# "," when the header has more commas) holding the columns of the file we sent, so the SKU
# column we sent finds the line, plus an ``errors`` and a ``warnings`` column (P44/P47);
# several messages in one cell separated by "," before a ``code|`` prefix, or by "|". The
# other names are accepted too. Column names are compared without case.
REPORT_ERROR_COLUMNS = ("errors", "error-message", "error_message", "message", "error")
REPORT_WARNING_COLUMNS = ("warnings", "warning-message", "warning_message", "warning")
REPORT_ATTRIBUTE_COLUMNS = ("attribute", "attribute-code", "attribute_code")
REPORT_LINE_COLUMNS = ("error-line", "line", "line-number", "error_line", "line_number")
# When the SKU column we sent is not in the report, these are tried (in this order).
REPORT_SKU_FALLBACK_COLUMNS = ("sku", "shop_sku", "shop-sku", "offer-sku")
# unconfirmed: go-live question. A message like "1000|The attribute 'colour' is required":
# a numeric prefix is Mirakl's error code (codes 1000 "Attribute is required", 1001 "The
# category is unknown": https://sellersupport.shopsimon.com/hc/en-us/articles/9648534744471),
# a non-numeric one the attribute code.
REPORT_MESSAGE_CODE_SEPARATOR = "|"
