"""Shared contract pieces for every connector: the three error classes.

Every client in this package raises only these errors, so the flows can decide what to do
without knowing which system failed:

* :class:`TransientError` - timeouts, connection errors, 429 and 5xx. Safe to retry later;
  ``retry_after`` (seconds) says when, if the remote system told us. Its subclass
  :class:`OutcomeUnknownError` says a write may have been done: look before sending it again.
* :class:`PermanentError` - the remote system understood the request and refused it
  (other 4xx, a business rule). Retrying the same request will fail the same way.
* :class:`ConfigError` - the hub is not allowed in (401/403) or is missing configuration
  (credentials, URLs). A person must fix the integration's settings.

Messages never contain credentials: clients strip them before raising.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal


class ConnectorError(Exception):
    """Base class of every error a connector raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        detail: str = "",
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail
        self.code = code

    def __str__(self) -> str:
        return self.message


class TransientError(ConnectorError):
    """A failure that may succeed when retried later (timeout, connection, 429, 5xx)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        # ``nothing_done``: the remote certainly did not act (429, 503, connect timeout).
        self.nothing_done: bool = kwargs.pop("nothing_done", False)
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class OutcomeUnknownError(TransientError):
    """A write failed after it may have reached the remote system; look it up before resending."""


class PermanentError(ConnectorError):
    """The remote system refused the request; the same request will fail again."""


class ConfigError(ConnectorError):
    """Authentication failed or configuration is missing; a person must fix the settings."""


SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError, ArithmeticError)


@contextmanager
def malformed_as_permanent(vendor: str, what: str) -> Iterator[None]:
    """Read a ``vendor`` answer; a body of the wrong shape becomes a PermanentError naming ``what``.

    Bodies are read with ``.get()``/``int()``/``[...]``; well-formed JSON of another shape
    (``[null]``, a list where an object is expected, a row without ``id``) would otherwise
    escape as AttributeError/TypeError/KeyError, which this module does not allow. Retrying
    cannot fix a body, hence permanent.
    """
    try:
        yield
    except SHAPE_ERRORS as error:
        raise PermanentError(
            f"{vendor} {what} answered a malformed body ({type(error).__name__}: {error})"
        ) from error


# --- The source-connector contract ---------------------------------------------------------
#
# Every source system (Shopify, Magento 2, Fulfil, SCAYLE, SEKO) is one subclass of
# SourceConnector, registered by kind in connectors.registry. The order and stock flows only
# ever talk to this interface, with these plain dataclasses.


#: A source field's value: text, or a tuple of texts for a multi-valued field (a
#: multiselect, a list metafield, every image).
FieldValue = str | tuple[str, ...]


@dataclass(frozen=True)
class SourceProduct:
    """One sellable SKU as the source holds it.

    ``attributes`` is the full product content under the source's own field names (each
    connector's docs list them), so a merchandiser recognises them in the attribute mapping:
    a select value is given by its label (never an option id), a media field as an absolute
    http(s) URL. ``categories`` are the names of the categories the product is linked to
    (a source with a tree may add each full path joined with `` / ``).
    """

    sku: str
    title: str
    price: Decimal | None
    barcode: str = ""
    currency: str = "GBP"
    source_ids: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, FieldValue] = field(default_factory=dict)
    updated_at: dt.datetime | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class StockLevel:
    sku: str
    available: int
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class Page:
    """One page of a cursor-driven read: the items and the cursor to resume from."""

    items: list
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class Address:
    first_name: str
    last_name: str
    street_1: str
    city: str
    postcode: str
    country_iso2: str
    street_2: str = ""
    company: str = ""
    county: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SourceOrderLine:
    sku: str
    quantity: int
    unit_price: Decimal
    title: str = ""
    marketplace_line_id: str = ""
    tax_amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class SourceOrderRequest:
    """What the hub asks a source system to create for one marketplace order."""

    external_reference: str  # the JL customer order number (Mirakl commercial_id)
    marketplace_order_id: str
    currency: str
    lines: list[SourceOrderLine]
    shipping_price: Decimal
    shipping_method: str
    customer_email: str
    shipping_address: Address
    billing_address: Address
    placed_at: dt.datetime
    # Create attempts, for sources whose create cannot carry our reference in one step: notes
    # the connector left before earlier attempts of this order (oldest first), and where it
    # leaves a new one. The hub commits a note before ``attempt_record`` returns.
    attempts: tuple[Mapping[str, str], ...] = ()
    attempt_record: Callable[[Mapping[str, str]], None] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True)
class SourceOrderRef:
    source_order_id: str
    source_order_number: str = ""


@dataclass(frozen=True)
class ShipmentLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    source_order_id: str
    external_reference: str
    carrier_name: str
    carrier_service: str
    tracking_number: str
    tracking_url: str
    shipped_at: dt.datetime
    lines: list[ShipmentLine] = field(default_factory=list)


@dataclass(frozen=True)
class SourceRefund:
    refund_id: str
    source_order_id: str
    external_reference: str
    amount: Decimal
    shipping_amount: Decimal
    created_at: dt.datetime
    lines: list[ShipmentLine] = field(default_factory=list)


@dataclass(frozen=True)
class WebhookEvent:
    """A verified, parsed webhook: its topic, a dedupe id and the payload."""

    topic: str
    event_id: str
    payload: Mapping


# webhook_parse finds the query string of the URL the delivery was posted to (a secret in the
# URL) under this name in ``headers``: no request can send it, header names hold no ":".
WEBHOOK_QUERY_HEADER = ":query"


class SourceConnector(ABC):
    """Contract every source system implements. Subclasses are registered by kind.

    Construction takes the integration's source URL and its decrypted credentials dict; a
    missing credential raises ConfigError. Every method raises only TransientError,
    PermanentError or ConfigError. Reads that page take an opaque cursor ("" = from the start)
    and return a Page; callers store ``next_cursor`` only after they committed the items.

    * products_read(cursor)          -> Page[SourceProduct], incrementally where possible
    * stock_read(skus=None)          -> Iterator[StockLevel]; all SKUs, or just these
    * stock_changes_read(cursor)     -> Page[StockLevel] changed since the cursor
    * order_find(external_reference) -> SourceOrderRef | None
    * order_create(request)          -> SourceOrderRef; looks the reference up first, so a
                                        repeat returns the existing order, never a duplicate.
                                        A source that writes the reference only after the
                                        create calls ``request.attempt_record(note)`` before
                                        it, and looks ``request.attempts`` up on a retry
    * shipments_read(cursor)         -> Page[Shipment] created or updated since the cursor
    * refunds_read(cursor)           -> Page[SourceRefund] (empty Page if the system has none)
    * webhook_parse(headers, body)   -> WebhookEvent; raises PermanentError on a bad signature
                                        (``headers[WEBHOOK_QUERY_HEADER]``: the URL's query)
    * ping()                         -> None; a cheap authenticated call for "test connection"
    """

    kind: str = ""
    # False: _setting reads the options only, never a credential of the same name
    settings_from_credentials = True
    # The product fields this source's catalogue carries; the hub requires each of them on
    # every SKU before it publishes the SKU (a missing one is a `missing_attribute`).
    catalogue_fields: frozenset[str] = frozenset({"ean", "title", "price"})

    def __init__(self, *, base_url: str, credentials: Mapping[str, str], **options) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = dict(credentials)
        self.options = options

    def require_credential(self, name: str) -> str:
        value = self.credentials.get(name, "")
        if not value:
            raise ConfigError(f"the {self.kind} credential {name!r} is missing")
        return value

    def _setting(self, name: str, default: str = "") -> str:
        """The option ``name``, else the credential of that name, else ``default``, as text."""
        value = self.options.get(name)
        if value in (None, "") and self.settings_from_credentials:
            value = self.credentials.get(name)
        return default if value in (None, "") else str(value)

    @abstractmethod
    def ping(self) -> None: ...

    @abstractmethod
    def products_read(self, cursor: str = "") -> Page: ...

    @abstractmethod
    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]: ...

    @abstractmethod
    def stock_changes_read(self, cursor: str = "") -> Page: ...

    @abstractmethod
    def order_find(self, external_reference: str) -> SourceOrderRef | None: ...

    @abstractmethod
    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef: ...

    @abstractmethod
    def shipments_read(self, cursor: str = "") -> Page: ...

    def refunds_read(self, cursor: str = "") -> Page:
        """Refunds made in the source since ``cursor``; systems without refunds return none."""
        return Page(items=[], next_cursor=cursor, has_more=False)

    def webhook_parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        raise PermanentError(f"{self.kind} does not send webhooks")

    # --- returns, refunds and cancellations (optional) --------------------------------------
    #
    # A source that cannot do one of these keeps the default, which raises NotSupportedError
    # (or returns nothing, for reads): the hub then shows the work as manual, with one
    # exception saying what a person must do in the source.

    def return_authorise(self, request: SourceReturnRequest) -> SourceReturnRef:
        """Create the return authorisation (RMA, return, credit memo) for a marketplace return.

        Exactly once: look the return up by ``request.reference`` first and return the one that
        exists instead of creating a second.
        """
        raise NotSupportedError(f"return authorisation is not supported by {self.kind}")

    def returns_read(self, cursor: str = "") -> Page:
        """Page[SourceReturnReceipt]: returns whose goods were received and inspected since
        ``cursor`` (sellable or not). Systems without returns return none."""
        return Page(items=[], next_cursor=cursor, has_more=False)

    def order_cancel(self, request: SourceCancelRequest) -> None:
        """Cancel the whole source order (the marketplace cancelled it before dispatch).

        Idempotent: an order that is already cancelled is success.
        """
        raise NotSupportedError(f"cancelling an order is not supported by {self.kind}")

    def order_lines_cancel(self, request: SourceCancelRequest) -> None:
        """Cancel quantities on some lines of the source order (marketplace line cancels)."""
        raise NotSupportedError(f"cancelling order lines is not supported by {self.kind}")

    def refund_create(self, request: SourceRefundRequest) -> str:
        """Record a refund made in the marketplace portal in the source; returns its id.

        Exactly once: look the refund up by ``request.reference`` first.
        """
        raise NotSupportedError(f"creating a refund is not supported by {self.kind}")


class NotSupportedError(PermanentError):
    """The source system has no API for this; the hub falls back to manual handling."""

    def __init__(self, message: str, **kwargs) -> None:
        kwargs.setdefault("code", "not_supported")
        super().__init__(message, **kwargs)


@dataclass(frozen=True)
class SourceReturnLine:
    sku: str
    quantity: int
    reason: str = ""


@dataclass(frozen=True)
class SourceReturnRequest:
    """A marketplace return the source should expect back."""

    reference: str  # ours, unique per return: the marketplace return id
    external_reference: str  # the JL customer order number
    source_order_id: str
    lines: list[SourceReturnLine]
    rma: str = ""


@dataclass(frozen=True)
class SourceReturnRef:
    source_return_id: str
    source_return_name: str = ""


@dataclass(frozen=True)
class ReturnReceiptLine:
    sku: str
    received: int
    sellable: int | None  # None: the source reports received units, not where they went


@dataclass(frozen=True)
class SourceReturnReceipt:
    """The goods of one source return, received and inspected."""

    source_return_id: str
    source_order_id: str
    external_reference: str
    lines: list[ReturnReceiptLine]
    received_at: dt.datetime | None = None


@dataclass(frozen=True)
class SourceRefundRequest:
    """A refund made on the marketplace (portal) that the source should record too."""

    reference: str  # ours, unique per refund; written on the source refund to find it again
    external_reference: str
    source_order_id: str
    lines: list[ShipmentLine]
    amount: Decimal  # goods, tax included
    shipping_amount: Decimal
    currency: str = "GBP"


@dataclass(frozen=True)
class SourceCancelRequest:
    """Cancel a source order, or quantities on its lines (``lines`` empty: the whole order)."""

    reference: str
    external_reference: str
    source_order_id: str
    lines: list[ShipmentLine] = field(default_factory=list)
    reason: str = ""
