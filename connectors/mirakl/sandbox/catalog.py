"""Fixed reference data the John Lewis instance would configure (carriers, reasons, limits)."""

from __future__ import annotations

from decimal import Decimal

# (code, label, standard_code, tracking_url)
_CARRIER_ROWS = [
    (
        "DHL-PARCEL-UK",
        "DHL Parcel UK",
        "DHL_PARCEL_UK",
        "https://track.dhlparcel.co.uk/?con={trackingId}",
    ),
    ("DPD", "DPD", "DPD_UK", "https://track.dpd.co.uk/parcels/{trackingId}"),
    ("EVRI", "Evri", "EVRI", "https://www.evri.com/track/parcel/{trackingId}"),
    (
        "PARCELFORCE",
        "Parcelforce",
        "PARCELFORCE",
        "https://www.parcelforce.com/track-trace?trackNumber={trackingId}",
    ),
    (
        "RM",
        "Royal Mail",
        "ROYAL_MAIL",
        "https://www.royalmail.com/track-your-item#/tracking-results/{trackingId}",
    ),
    ("UPS", "UPS", "UPS", "https://www.ups.com/track?tracknum={trackingId}"),
    ("YODEL", "Yodel", "YODEL", "https://www.yodel.co.uk/tracking/{trackingId}"),
]
CARRIERS: list[dict[str, str]] = [
    {"code": code, "label": label, "standard_code": standard, "tracking_url": url}
    for code, label, standard, url in _CARRIER_ROWS
]
CARRIERS_BY_CODE = {carrier["code"]: carrier for carrier in CARRIERS}

SHIPPING_TYPES: list[dict] = [
    {
        "code": "STD",
        "label": "Standard delivery",
        "description": "Standard UK delivery, 3-5 working days",
        "standard_code": "STANDARD",
        "mandatory_tracking": True,
        "click_and_collect": False,
        "delivery_by_operator": False,
        "ignore_lead_time_to_ship": False,
    },
    {
        "code": "EXP",
        "label": "Next day delivery",
        "description": "Next working day delivery when ordered before 8pm",
        "standard_code": "EXPRESS",
        "mandatory_tracking": True,
        "click_and_collect": False,
        "delivery_by_operator": False,
        "ignore_lead_time_to_ship": False,
    },
    {
        "code": "LETTER",
        "label": "Large letter",
        "description": "Untracked large letter for small items",
        "standard_code": "LETTER",
        "mandatory_tracking": False,
        "click_and_collect": False,
        "delivery_by_operator": False,
        "ignore_lead_time_to_ship": False,
    },
]
SHIPPING_TYPES_BY_CODE = {shipping["code"]: shipping for shipping in SHIPPING_TYPES}
SHIPPING_ZONE = {"code": "UK", "label": "United Kingdom"}

# RE01. ``is_shop_right`` false: the operator's own reasons, which OR28/OR30 refuse from the
# shop (the spec's example has such reasons too); the portal (the operator) may use any.
REASONS: list[dict] = [
    {"code": "12", "label": "Return refused by the operator", "type": "REFUND",
     "is_shop_right": False},
    {"code": "13", "label": "Damaged on arrival", "type": "REFUND", "is_shop_right": True},
    {"code": "14", "label": "Item not received", "type": "REFUND", "is_shop_right": True},
    {"code": "15", "label": "Customer return", "type": "REFUND", "is_shop_right": True},
    {"code": "16", "label": "Goodwill gesture", "type": "REFUND", "is_shop_right": True},
    {"code": "19", "label": "Out of stock at the operator", "type": "CANCELATION",
     "is_shop_right": False},
    {"code": "20", "label": "Out of stock", "type": "CANCELATION", "is_shop_right": True},
    {"code": "21", "label": "Customer request", "type": "CANCELATION", "is_shop_right": True},
    {"code": "22", "label": "Unable to ship to address", "type": "CANCELATION",
     "is_shop_right": True},
    {"code": "30", "label": "Item damaged", "type": "INCIDENT_OPEN", "is_shop_right": False},
    {"code": "31", "label": "Incident resolved", "type": "INCIDENT_CLOSE", "is_shop_right": False},
    {"code": "40", "label": "Delivery question", "type": "ORDER_MESSAGING", "is_shop_right": True},
]  # fmt: skip
ALL_REASON_CODES = {(reason["type"], reason["code"]) for reason in REASONS}
# what the shop may send (OR28/OR30 answer 400 to the rest)
REASON_CODES = {(r["type"], r["code"]) for r in REASONS if r["is_shop_right"]}

# Spec "Maximum usage" per operation: (calls, window seconds) pairs, all must hold.
# "OF52" is a differential export (once a minute), "OF52:full" one without last_request_date
# (once a day). IV01 and SBC11 are "once per day and as many times as there are pages": only
# their first page counts.
CALL_LIMITS: dict[str, list[tuple[int, int]]] = {
    "A01": [(1, 86400)],
    "SH21": [(1, 86400)],
    "SH12": [(1, 86400)],
    "OR11": [(1, 60)],
    "STO01": [(1, 60)],
    "STO02": [(1, 15)],
    "STO03": [(1, 60)],
    "PRI01": [(1, 60)],
    "PRI02": [(1, 60)],
    "PRI03": [(1, 60)],
    "OF52": [(1, 60)],
    "OF52:full": [(1, 86400)],
    "OF53": [(1, 10)],
    "TL02": [(20, 60), (60, 3600)],
    "IV01": [(1, 86400)],
    "SBC11": [(1, 86400)],
    "RT11": [(1, 300)],
    # catalogue: P44, P45 and P47 are "each time a report is needed" (no limit)
    "H11": [(1, 3600)],
    "PM11": [(1, 3600)],
    "VL11": [(1, 3600)],
    "P41": [(1, 900)],
    "P42": [(1, 60)],
    "OF01": [(1, 60)],
    "OF01:products": [(1, 900)],
    "OF02": [(1, 60)],
    "OF03": [(1, 60)],
}

VAT_RATE = Decimal("20")
COMMISSION_VAT_RATE = Decimal("20")

PRODUCTS: list[tuple[str, str, str, Decimal]] = [
    ("JL-SHIRT-OXF-BLU-M", "Oxford Shirt, Blue, M", "H-FASHION-SHIRTS", Decimal("45.00")),
    ("JL-SHIRT-OXF-WHT-L", "Oxford Shirt, White, L", "H-FASHION-SHIRTS", Decimal("45.00")),
    ("JL-KNIT-MERINO-NVY-S", "Merino Crew Jumper, Navy, S", "H-FASHION-KNIT", Decimal("79.00")),
    ("JL-LOAFER-TAN-42", "Leather Loafers, Tan, 42", "H-FASHION-SHOES", Decimal("129.00")),
    ("JL-BOOT-CHELSEA-BLK-40", "Chelsea Boots, Black, 40", "H-FASHION-SHOES", Decimal("189.00")),
    ("JL-SCARF-CASH-GRY", "Cashmere Scarf, Grey", "H-FASHION-ACC", Decimal("95.00")),
    ("JL-BELT-LEATHER-BRN-90", "Leather Belt, Brown, 90", "H-FASHION-ACC", Decimal("39.50")),
    ("JL-MUG-STONEWARE-SET4", "Stoneware Mugs, Set of 4", "H-HOME-KITCHEN", Decimal("24.99")),
]

# (civility, firstname, lastname, street_1, city, zip_code)
CUSTOMERS: list[tuple[str, str, str, str, str, str]] = [
    ("Mrs", "Eleanor", "Whitfield", "14 Albion Road", "Reading", "RG1 5BH"),
    ("Mr", "Oliver", "Pemberton", "7 Kings Parade", "Cambridge", "CB2 1SJ"),
    ("Ms", "Priya", "Raman", "Flat 3, 22 Deansgate", "Manchester", "M3 4LQ"),
    ("Mr", "Callum", "MacLeod", "81 Byres Road", "Glasgow", "G12 8TT"),
    ("Mrs", "Sian", "Llewellyn", "5 Cathedral Road", "Cardiff", "CF11 9HA"),
    ("Mr", "James", "Okafor", "39 Coldharbour Lane", "London", "SE5 9NR"),
    ("Miss", "Hannah", "Bradshaw", "2 The Shambles", "York", "YO1 7LZ"),
    ("Dr", "Aisling", "Byrne", "118 Lisburn Road", "Belfast", "BT9 6AH"),
]
