"""The fixed vocabulary of exception kinds, shared by flows, filters, the CLI and the runbook.

Each kind has an owner team, a severity and a one-paragraph runbook (what it means, who owns
it, how to fix it), shown on the item's page and in docs/runbook.md.
"""

from __future__ import annotations

from dataclasses import dataclass

OPS, FINANCE, MERCHANDISING, CX, TECH = "ops", "finance", "merchandising", "cx", "tech"
OWNERS = {OPS: "Ops", FINANCE: "Finance", MERCHANDISING: "Merchandising", CX: "CX", TECH: "Tech"}
CRITICAL, HIGH, NORMAL, LOW = "critical", "high", "normal", "low"
SEVERITIES = {CRITICAL: "Critical", HIGH: "High", NORMAL: "Normal", LOW: "Low"}


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    owner: str
    severity: str
    runbook: str


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("unmapped_carrier", "Carrier not mapped", OPS, HIGH,
             "The source shipped an order with a carrier (or carrier service) that has no mapping "
             "to a carrier approved by the marketplace, so the hub did not confirm the dispatch: "
             "it never guesses a carrier. Ops owns it. Add the mapping under Mappings › Carriers "
             "(or `hub mappings import carriers`); every dispatch held for that carrier goes out "
             "on the next pass and this item resolves itself."),
        Kind("missing_tracking", "Tracking number missing", OPS, HIGH,
             "The source dispatched an order without a tracking number, and the marketplace "
             "shipping type requires one. Ops owns it. Add the tracking number to the shipment in "
             "the source system (or ask the warehouse for it); the next dispatch pass picks it up "
             "and this item resolves itself."),
        Kind("unknown_sku", "Unknown SKU", OPS, HIGH,
             "A marketplace order line names an offer SKU that is not in the SKU map, so the order "
             "cannot be accepted or created in the source. Ops owns it with merchandising. Check "
             "the offer on the marketplace, add or fix the SKU in the SKU map, then retry."),
        Kind("sku_mismatch", "SKU format mismatch", OPS, NORMAL,
             "An order line's SKU matches a source SKU only after ignoring case, spaces or leading "
             "zeros, so the hub will not guess. Ops owns it. Make the offer SKU match exactly (SKU "
             "map › offer SKU), then retry."),
        Kind("invalid_ean", "Invalid EAN / GTIN", MERCHANDISING, NORMAL,
             "A product's barcode fails the EAN-13/GTIN check digit or is missing, so the SKU is "
             "not published to the marketplace. Merchandising owns it. Correct the barcode in the "
             "source system; the next product sync validates it again and this item resolves "
             "itself."),
        Kind("missing_attribute", "Mandatory field missing", MERCHANDISING, NORMAL,
             "A product lacks a field the marketplace requires (title, price, category or an "
             "attribute), so it is not published. Merchandising owns it. Fill the field in the "
             "source system; the next product sync resolves this item. For catalogue "
             "publishing the item names every attribute the SKU's marketplace category requires "
             "that is empty: fill it in the source or the catalogue spreadsheet, or map a source "
             "field to it (Catalogue mappings); the next catalogue pass resolves it."),
        Kind("invalid_attribute_value", "Attribute value refused", MERCHANDISING, NORMAL,
             "A product attribute holds a value its marketplace category does not accept (not in "
             "the value list, too long, not a number or date, not an absolute image URL, a bad "
             "EAN check digit), so the product is not sent. Merchandising owns it. Fix the value "
             "in the source or the catalogue spreadsheet, or map the source value to a list code "
             "(Catalogue mappings › Values); the next catalogue pass resolves this item."),
        Kind("product_import_error", "Product refused by the marketplace", MERCHANDISING, NORMAL,
             "The marketplace refused the product in a product import (P41): its transformation "
             "(P47) or integration (P44) report names the SKU, with the operator's message and "
             "the attribute when the report gives one. Merchandising owns it. Fix the content; "
             "the changed product is sent again in the next import window and the item resolves "
             "once the marketplace accepts it. Retry sends the same product again (for a rule "
             "the operator has changed)."),
        Kind("offer_import_error", "Offer refused by the marketplace", MERCHANDISING, NORMAL,
             "The marketplace refused to create the SKU's offer (OF01): the offer import error "
             "report (OF03) names it with the reason. Merchandising owns it with ops. Fix the "
             "cause (price, quantity, product identifier); retry sends the offer once more."),
        Kind("order_injection_failed", "Order not created in source", OPS, CRITICAL,
             "The hub could not create the marketplace order in the source system (the source "
             "refused it: address, stock, product). Nothing was duplicated. Ops owns it. Read the "
             "source's message below, fix the cause in the source, then retry: the hub looks the "
             "order up by the JL order number before creating it."),
        Kind("order_not_injected", "Order missing in source", OPS, CRITICAL,
             "A paid marketplace order has not reached the source system within the expected "
             "time, so it will not be picked and shipped. Ops owns it. Check the order's timeline "
             "and any linked exception; retry creates it (never twice). Resolves itself once the "
             "order exists in the source."),
        Kind("dispatch_rejected", "Dispatch not confirmed", OPS, HIGH,
             "The dispatch confirmation (OR23 tracking, OR24 ship) did not go through: the "
             "marketplace refused it (wrong state, unknown carrier, bad tracking number) or the "
             "hub did not send it (the order is no longer SHIPPING, no carrier to name); the "
             "message says which. Ops owns it. Correct the carrier mapping or tracking, then "
             "retry."),
        Kind("shipped_not_confirmed", "Shipped but not confirmed", OPS, HIGH,
             "The source dispatched the order but the marketplace still does not show it shipped, "
             "which hurts the seller's late-shipment rate. Ops owns it. Look for a linked carrier "
             "or tracking exception; retry sends the confirmation again (safe: an order already "
             "shipped on the marketplace is only marked confirmed)."),
        Kind("acceptance_deadline", "Acceptance deadline near", OPS, CRITICAL,
             "An order is still undecided in the last quarter of its acceptance window; the "
             "marketplace refuses it automatically at the deadline. Ops owns it. Accept or refuse "
             "it on the order page now."),
        Kind("dispatch_deadline", "Dispatch deadline near or past", OPS, HIGH,
             "An order has not shipped and its shipping deadline is near or past. Ops owns it. "
             "Chase the warehouse; if it cannot ship, cancel the lines with a reason so the "
             "customer is told."),
        Kind("stock_import_error", "Stock update rejected", OPS, HIGH,
             "The marketplace rejected this SKU's line in a stock import (unknown offer, bad "
             "quantity), so the marketplace may show a wrong quantity. Ops owns it. Check the "
             "offer SKU in the SKU map; retry re-sends this SKU's stock."),
        Kind("price_import_error", "Price update rejected", MERCHANDISING, NORMAL,
             "The marketplace rejected this SKU's price line. Merchandising owns it. Check the "
             "price and offer SKU; retry re-sends the price."),
        Kind("stock_sync_stale", "Stock not confirmed in time", OPS, CRITICAL,
             "A stock change has not been confirmed on the marketplace within the configured "
             "window, so the marketplace may be selling stock the brand no longer has. Ops owns "
             "it with tech. Check the stock flow on the dashboard and any import errors."),
        Kind("stock_drift", "Marketplace stock differs", OPS, HIGH,
             "The drift audit found the marketplace showing a different quantity from what the "
             "hub pushed. The hub re-pushes it automatically. Ops owns it; if it keeps coming "
             "back, someone is editing stock in the marketplace back office."),
        Kind("payout_unmatched", "Transaction without an order", FINANCE, NORMAL,
             "A marketplace transaction line points to no order the hub knows. Finance owns it. "
             "Match it to an order by hand, or write it off with a reason."),
        Kind("payout_variance", "Payout variance", FINANCE, HIGH,
             "What the marketplace settled for an order or payout differs from what the order "
             "says beyond the tolerance. Finance owns it. Open the payout, compare the lines, and "
             "match, write off with a reason, or raise it with the marketplace."),
        Kind("return_failed", "Return or refund failed", CX, HIGH,
             "A return, refund or cancellation could not be passed between the marketplace and "
             "the source. CX owns it with ops. Read the message, fix the cause, then retry: the "
             "hub sends each refund once."),
        Kind("auth_failed", "Credentials refused", TECH, CRITICAL,
             "A system refused the hub's credentials (401/403), so the flow for this integration "
             "is stopped. Tech owns it. Renew the API key or token and save it on the "
             "integration; the next run resolves this item."),
        Kind("api_unavailable", "System unavailable", TECH, HIGH,
             "A system kept failing (timeouts, 5xx, rate limits) after every retry. Tech owns it. "
             "Check the system's status page; the hub keeps retrying and resolves this item when "
             "calls succeed."),
        Kind("shop_setting_conflict", "Shop setting blocks a flow", TECH, HIGH,
             "A setting of the marketplace shop (A01 model, PC01 platform settings) changes what "
             "the hub would send, so the hub sends nothing rather than wrong data. For a DROPSHIP "
             "shop, PRI01's price is the purchase (wholesale) price, not the selling price the "
             "source holds, so no price is pushed. Tech owns it with the operator. Confirm the "
             "shop's model with John Lewis; once A01 reports another model (Test connection, or "
             "the daily read) the next pass sends again and this item resolves itself."),
        Kind("internal_error", "Internal error", TECH, HIGH,
             "The hub hit an unexpected error. Tech owns it. The technical detail holds the "
             "error; fix or report it, then retry."),
    ]
}  # fmt: skip
