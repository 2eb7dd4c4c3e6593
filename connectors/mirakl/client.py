"""The John Lewis Marketplace (Mirakl) seller API client.

One method per Mirakl operation the hub uses, named ``<entity>_<action>`` with keyword-only
arguments; the Mirakl operation code is in each docstring. Transport, error classes and
retries live in :mod:`connectors.mirakl.http`; parsing in :mod:`connectors.mirakl.parse`; the
call budget in :mod:`connectors.mirakl.limiter`. See ``docs/connectors/mirakl.md``.

Listings are generators that page to the end lazily: the limiter is charged when iteration
starts. Objects that cannot be parsed are skipped and reported together, after every good
object was yielded, as :class:`connectors.mirakl.parse.ParseErrors` (a PermanentError with
``ids`` and ``failures``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from connectors.base import PermanentError
from connectors.mirakl import dtos, parse
from connectors.mirakl.catalogue import CatalogueMixin
from connectors.mirakl.http import MiraklHttp
from connectors.mirakl.offers import OffersMixin
from connectors.mirakl.paging import PagingMixin

OR11_MAX_IDS = 100
RETURNS_BATCH = 100


class MiraklClient(PagingMixin, OffersMixin, CatalogueMixin):
    """Seller-side client for one Mirakl shop.

    ``base_url`` is the instance root (``https://<instance>.mirakl.net``); ``api_key`` the
    shop's key (seller back-office: user menu > API key); ``shop_id`` is sent on every call
    when set. ``limiter`` is a :class:`connectors.mirakl.limiter.CallLimiter` (None: no
    limit). ``session`` lets tests mount a transport adapter. ``sleep``/``clock`` are
    injectable for tests. ``request_validator`` judges each request before it is sent (None:
    ``MiraklHttp.default_request_validator``, the spec's check in the tests).

    Raises only TransientError (incl. CallDeferred, OutcomeUnknownError), PermanentError
    (incl. ParseErrors) and ConfigError.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        shop_id: int | str | None = None,
        limiter=None,
        timeout: tuple[float, float] = (5, 30),
        session=None,
        max_attempts: int = 3,
        max_wait_seconds: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        request_validator: Callable[..., None] | None = None,
    ) -> None:
        self._http = MiraklHttp(
            base_url,
            api_key,
            shop_id=shop_id,
            limiter=limiter,
            timeout=timeout,
            session=session,
            max_attempts=max_attempts,
            max_wait_seconds=max_wait_seconds,
            sleep=sleep,
            clock=clock,
            request_validator=request_validator,
        )

    def __repr__(self) -> str:
        return f"MiraklClient(base_url={self._http.base_url!r}, shop_id={self._http.shop_id!r})"

    @property
    def request_counts(self):
        """HTTP requests sent per operation code (retries included), in this process."""
        return self._http.request_counts

    # --- configuration ------------------------------------------------------------------

    def account_get(self) -> dtos.Account:
        """A01 ``GET /api/account``: shop id, state, currency and ``model`` (once a day)."""
        return parse.account(self._http.call("A01", "GET", "/api/account"))

    def platform_configuration_get(self) -> dtos.PlatformConfiguration:
        """PC01 ``GET /api/platform/configuration``: order_acceptance, multi_shipment, returns."""
        body = self._http.call("PC01", "GET", "/api/platform/configuration")
        return parse.platform_configuration(body)

    def carriers_list(self) -> list[dtos.Carrier]:
        """SH21 ``GET /api/shipping/carriers`` (once a day)."""
        return self._codes_list("SH21", "/api/shipping/carriers", "carriers", parse.carrier)

    def shipping_types_list(self) -> list[dtos.ShippingType]:
        """SH12 ``GET /api/shipping/types`` (``mandatory_tracking`` per type; once a day)."""
        return self._codes_list(
            "SH12", "/api/shipping/types", "shipping_types", parse.shipping_type
        )

    def reasons_list(self) -> list[dtos.Reason]:
        """RE01 ``GET /api/reasons``: refund, cancelation and incident reason codes."""
        return self._codes_list("RE01", "/api/reasons", "reasons", parse.reason)

    def _codes_list(self, op: str, path: str, key: str, parser: Callable[[dict], Any]) -> list:
        body = self._http.call(op, "GET", path)
        return list(parse.parse_each(body.get(key) or [], parser, kind=op, id_key="code"))

    # --- orders -------------------------------------------------------------------------

    def orders_list(
        self,
        *,
        order_ids: Sequence[str] | None = None,
        order_state_codes: Sequence[str] | None = None,
        start_update_date: dt.datetime | None = None,
        end_update_date: dt.datetime | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
    ) -> Iterator[dtos.OrderDTO]:
        """OR11 ``GET /api/orders``, every page (``max=100``) until ``total_count``.

        Poll with ``start_update_date`` (Mirakl subtracts a safety delta itself, so expect
        duplicates and dedupe on order_id + last_updated_date). ``order_ids`` are sent as csv
        in batches of at most 100 (Mirakl rejects more). A poll is one limiter call ("OR11",
        once a minute) however many pages it takes; a look-up by ids is "OR11:ids" (the spec's
        synchronous use, "at each order page display"), one limiter call per batch.
        """
        filters = [
            ("order_state_codes", ",".join(order_state_codes) if order_state_codes else None),
            ("start_update_date", start_update_date),
            ("end_update_date", end_update_date),
            ("start_date", start_date),
            ("end_date", end_date),
        ]
        if order_ids is None:
            raw = self._offset_items("OR11", "/api/orders", filters, "orders")
        else:
            raw = self._orders_by_ids(list(dict.fromkeys(order_ids)), filters)
        return parse.parse_each(raw, parse.order, kind="OR11 orders", id_key="order_id")

    def _orders_by_ids(self, ids: list[str], filters: list) -> Iterator[dict]:
        for start in range(0, len(ids), OR11_MAX_IDS):
            batch = ",".join(ids[start : start + OR11_MAX_IDS])
            yield from self._offset_items(
                "OR11",
                "/api/orders",
                [("order_ids", batch), *filters],
                "orders",
                limit_as="OR11:ids",
            )

    def order_accept(self, order_id: str, *, decisions: Mapping[str, bool]) -> None:
        """OR21 ``PUT /api/orders/{order_id}/accept``: accept or refuse every line.

        ``decisions`` maps order_line_id -> accepted; Mirakl wants every line decided
        (ORDER_LINE_ACCEPTANCE_DECISION_MISSING otherwise), so an empty mapping is refused
        here. Safe to retry: a repeat on a decided order gets 400 ORDER_INVALID_STATE
        (PermanentError with ``code``), never a second decision.
        """
        if not decisions:
            raise PermanentError(f"OR21 refused for {order_id}: no line decisions given")
        lines = [{"id": str(k), "accepted": bool(v)} for k, v in decisions.items()]
        self._http.call(
            "OR21",
            "PUT",
            f"/api/orders/{_seg(order_id)}/accept",
            json_body={"order_lines": lines},
            expect="none",
        )

    def order_tracking_update(
        self,
        order_id: str,
        *,
        tracking_number: str | None = None,
        carrier_code: str | None = None,
        carrier_name: str | None = None,
        carrier_url: str | None = None,
        carrier_standard_code: str | None = None,
    ) -> None:
        """OR23 ``PUT /api/orders/{order_id}/tracking``.

        A registered carrier (SH21) is named by ``carrier_code``; an unregistered one by
        ``carrier_name``, with its tracking URL as the optional ``carrier_url``. The spec
        requires no field: ``tracking_number`` is mandatory only for a registered carrier
        whose SH21 tracking URL needs one (the caller knows the carrier), so it is sent only
        when given. ``tracking_url`` is not a field of OR23 and is never sent. Refused before
        any call (PermanentError without a status) when no carrier is named or both kinds
        are. Idempotent (same data twice is harmless).
        """
        if carrier_code and (carrier_name or carrier_url):
            raise PermanentError(
                f"OR23 not sent for {order_id}: carrier_code, or carrier_name (+ carrier_url), "
                "not both"
            )
        if not (carrier_code or carrier_name):
            raise PermanentError(f"OR23 not sent for {order_id}: need carrier_code or carrier_name")
        body = {"carrier_code": carrier_code} if carrier_code else {"carrier_name": carrier_name}
        if carrier_url:
            body["carrier_url"] = carrier_url
        if carrier_standard_code:
            body["carrier_standard_code"] = carrier_standard_code
        if tracking_number:
            body["tracking_number"] = tracking_number
        self._http.call(
            "OR23", "PUT", f"/api/orders/{_seg(order_id)}/tracking", json_body=body, expect="none"
        )

    def order_ship(self, order_id: str) -> None:
        """OR24 ``PUT /api/orders/{order_id}/ship`` (order in SHIPPING; send OR23 first).

        Retried on transient errors: a repeat after success gets 400 ORDER_INVALID_STATE.
        """
        self._http.call("OR24", "PUT", f"/api/orders/{_seg(order_id)}/ship", expect="none")

    def order_cancel(self, order_id: str) -> None:
        """OR29 ``PUT /api/orders/{order_id}/cancel``: cancel the whole order (``can_cancel``)."""
        self._http.call("OR29", "PUT", f"/api/orders/{_seg(order_id)}/cancel", expect="none")

    def orders_refund(
        self, *, refunds: Sequence[dtos.RefundRequest], order_tax_mode: str | None = None
    ) -> list[dtos.RefundCreated]:
        """OR28 ``PUT /api/orders/refund``; returns the created refunds (``refund_id`` each).

        NOT idempotent: each call creates refunds. It is retried only when Mirakl certainly
        did nothing (429, 503, connect timeout). After any other failure it raises
        OutcomeUnknownError: read the order (OR11 ``order_ids``) and look for the refund on
        the line before sending again.
        """
        created = self._lines_put("OR28", "/api/orders/refund", "refunds", refunds, order_tax_mode)
        return list(
            parse.parse_each(created, parse.refund_created, kind="OR28", id_key="order_line_id")
        )

    def order_lines_cancel(
        self,
        *,
        cancelations: Sequence[dtos.CancelationRequest],
        order_tax_mode: str | None = None,
    ) -> list[dtos.CancelationCreated]:
        """OR30 ``PUT /api/orders/cancel``: cancel quantities on lines.

        NOT idempotent (same retry rule as :meth:`orders_refund`).
        """
        created = self._lines_put(
            "OR30", "/api/orders/cancel", "cancelations", cancelations, order_tax_mode
        )
        return list(
            parse.parse_each(
                created, parse.cancelation_created, kind="OR30", id_key="order_line_id"
            )
        )

    def _lines_put(
        self, op: str, path: str, key: str, requests: Sequence[Any], order_tax_mode: str | None
    ) -> list:
        """OR28/OR30: ``requests`` sent under ``key``; what Mirakl created, also under ``key``."""
        if not requests:
            raise PermanentError(f"{op} refused: no {key} given")
        body: dict[str, Any] = {key: [_body(r) for r in requests]}
        if order_tax_mode:
            body["order_tax_mode"] = order_tax_mode
        answer = self._http.call(op, "PUT", path, json_body=body, idempotent=False)
        return answer.get(key) or []

    # --- finance ------------------------------------------------------------------------

    def transaction_logs_list(
        self,
        *,
        last_updated_from: dt.datetime | None = None,
        date_created_from: dt.datetime | None = None,
        date_created_to: dt.datetime | None = None,
        transaction_date_from: dt.datetime | None = None,
        transaction_date_to: dt.datetime | None = None,
        payment_states: Sequence[str] = (),
        transaction_types: Sequence[str] = (),
        order_ids: Sequence[str] = (),
        seller_billing_cycle_ids: Sequence[str] = (),
        accounting_document_number: str | None = None,
        limit: int = 2000,
        sort: str = "lastUpdated",
    ) -> Iterator[dtos.TransactionLine]:
        """TL02 ``GET /api/sellerpayment/transactions_logs``, following ``next_page_token``.

        Seek pagination (``limit`` up to 2000). Every page is one TL02 call for the limiter
        (20 a minute and 60 an hour). Array filters are repeated parameters; at most 100
        order ids.
        """
        if len(order_ids) > 100:
            raise PermanentError("TL02 refused: at most 100 order ids per listing")
        params = [
            ("last_updated_from", last_updated_from),
            ("date_created_from", date_created_from),
            ("date_created_to", date_created_to),
            ("transaction_date_from", transaction_date_from),
            ("transaction_date_to", transaction_date_to),
            *[("payment_state", s) for s in payment_states],
            *[("transaction_type", t) for t in transaction_types],
            *[("order_id", o) for o in order_ids],
            *[("seller_billing_cycle_id", c) for c in seller_billing_cycle_ids],
            ("accounting_document_number", accounting_document_number),
            ("limit", min(max(limit, 1), 2000)),
            ("sort", sort),
        ]
        raw = self._seek_items(
            "TL02", "/api/sellerpayment/transactions_logs", params, charge_every_page=True
        )
        return parse.parse_each(raw, parse.transaction_line, kind="TL02", id_key="id")

    def invoices_list(
        self,
        *,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        type: str | None = None,
        payment_status: str | None = None,
        seller_billing_cycle_ids: Sequence[str] = (),
    ) -> Iterator[dtos.Invoice]:
        """IV01 ``GET /api/invoices`` (offset pages). ``type`` defaults server-side to
        AUTO_INVOICE; pass "ALL" for manual invoices and credits too."""
        params = [
            ("start_date", start_date),
            ("end_date", end_date),
            ("type", type),
            ("payment_status", payment_status),
            *[("seller_billing_cycle_id", c) for c in seller_billing_cycle_ids],
        ]
        raw = self._offset_items("IV01", "/api/invoices", params, "invoices")
        return parse.parse_each(raw, parse.invoice, kind="IV01", id_key="id")

    def billing_cycles_list(
        self,
        *,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        pay_out_states: Sequence[str] = (),
        ids: Sequence[str] = (),
        limit: int = 1000,
    ) -> Iterator[dtos.BillingCycle]:
        """SBC11 ``GET /api/seller-billing-cycles`` (seek pages, ``limit`` up to 1000)."""
        params = [
            ("start_date", start_date),
            ("end_date", end_date),
            *[("pay_out_state", s) for s in pay_out_states],
            *[("id", i) for i in ids],
            ("limit", min(max(limit, 1), 1000)),
        ]
        raw = self._seek_items("SBC11", "/api/seller-billing-cycles", params)
        return parse.parse_each(raw, parse.billing_cycle, kind="SBC11", id_key="id")

    # --- returns ------------------------------------------------------------------------

    def returns_list(
        self,
        *,
        return_states: Sequence[str] = (),
        last_updated_from: dt.datetime | None = None,
        last_updated_to: dt.datetime | None = None,
        order_commercial_ids: Sequence[str] = (),
        limit: int = 100,
    ) -> Iterator[dtos.Return]:
        """RT11 ``GET /api/returns`` (seek pages; every 5 minutes at most)."""
        params = [
            *[("return_state", s) for s in return_states],
            ("return_last_updated_from", last_updated_from),
            ("return_last_updated_to", last_updated_to),
            *[("order_commercial_id", c) for c in order_commercial_ids],
            ("limit", min(max(limit, 1), 100)),
        ]
        raw = self._seek_items("RT11", "/api/returns", params)
        return parse.parse_each(raw, parse.return_, kind="RT11", id_key="id")

    def returns_accept(self, *, decisions: Sequence[dtos.ReturnDecision]) -> dtos.ReturnsResult:
        """RT21 ``PUT /api/returns/accept`` (batches of 100); per-return errors in the result."""
        items = [_body(d) for d in decisions]
        return self._returns_update("RT21", "/api/returns/accept", items)

    def returns_receive(self, *, return_ids: Sequence[str]) -> dtos.ReturnsResult:
        """RT25 ``PUT /api/returns/receive`` (batches of 100)."""
        return self._returns_update("RT25", "/api/returns/receive", [{"id": i} for i in return_ids])

    def returns_close(self, *, return_ids: Sequence[str]) -> dtos.ReturnsResult:
        """RT27 ``PUT /api/returns/close`` (batches of 100)."""
        return self._returns_update("RT27", "/api/returns/close", [{"id": i} for i in return_ids])

    def _returns_update(self, op: str, path: str, items: list[dict]) -> dtos.ReturnsResult:
        if not items:
            raise PermanentError(f"{op} refused: no returns given")
        success: list[str] = []
        errors: list[tuple[str, str]] = []
        for start in range(0, len(items), RETURNS_BATCH):
            body = {"returns": items[start : start + RETURNS_BATCH]}
            result = parse.returns_result(self._http.call(op, "PUT", path, json_body=body))
            success.extend(result.success_ids)
            errors.extend(result.errors)
        return dtos.ReturnsResult(success_ids=tuple(success), errors=tuple(errors))


def _seg(value: str) -> str:
    if not value:
        raise PermanentError("an order id is required")
    return quote(str(value), safe="")


def _body(request: Any) -> dict[str, Any]:
    """A write DTO (OR28, OR30, RT21) as Mirakl's JSON: each field under its own name, taxes
    as ``{code, amount}``; an optional field (one with a default) left None or "" is left out."""
    body: dict[str, Any] = {}
    for f in dataclasses.fields(request):
        value = getattr(request, f.name)
        if f.default is not dataclasses.MISSING and value in (None, ""):
            continue
        if f.name in ("taxes", "shipping_taxes"):
            value = [{"code": t.code, "amount": t.amount} for t in value]
        body[f.name] = value
    return body
