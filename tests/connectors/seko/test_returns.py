"""Returns through SEKO (return ASN in, GRN out) against the SEKO sandbox."""

from __future__ import annotations

import pytest
import requests

from connectors.base import (
    NotSupportedError,
    ReturnReceiptLine,
    SourceCancelRequest,
    SourceReturnLine,
    SourceReturnRequest,
    TransientError,
)
from connectors.sandbox.faults import clock_advance
from connectors.seko import contract
from connectors.seko.returns import return_number
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox import services
from connectors.seko.sandbox.receipts import receipt_receive
from tests.connectors.seko.test_end_to_end import make_connector
from tests.integration_hub.flows.conftest import hub  # noqa: F401  (the fixture)
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db


class LosingAdapter(DjangoAppAdapter):
    """Handles the next submit, then loses the answer (a read timeout after the DC got it)."""

    lose_next_submit = False

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        if self.lose_next_submit and "receipts/v1/submit" in request.url:
            self.lose_next_submit = False
            raise requests.ReadTimeout("answer lost")
        return response


@pytest.fixture
def adapter() -> LosingAdapter:
    return LosingAdapter()


@pytest.fixture
def seko(adapter):
    services.catalogue_seed(products=6)
    return make_connector(adapter)


def _request(reference="5f0c-return-1") -> SourceReturnRequest:
    return SourceReturnRequest(
        reference=reference,
        external_reference="JL-3001",
        source_order_id="JL3001",
        lines=[SourceReturnLine(sku="SK-0001", quantity=2)],
        rma="RMA-000001",
    )


def _stock(code: str, location: str = services.AVAILABLE) -> int:
    row = m.StockRow.objects.filter(product__product_code=code, location_type=location).first()
    return row.quantity if row else 0


def test_return_asn_is_submitted_once_even_when_the_answer_is_lost(seko, adapter):
    adapter.lose_next_submit = True
    with pytest.raises(TransientError):  # the DC got it, the hub cannot know: retried later
        seko.return_authorise(_request())

    ref = seko.return_authorise(_request())  # SEKO refuses the repeated ASNNumber: it is there
    again = seko.return_authorise(_request())

    assert ref == again and ref.source_return_id == "RT-5f0c-return-1"
    receipt = m.Receipt.objects.get()
    assert receipt.receipt_type == "Return" and receipt.customer_reference == "RMA-000001"
    assert receipt.lines == [{"ProductCode": "SK-0001", "Quantity": 2}]


def test_a_long_return_id_still_gives_a_stable_number_within_50_characters():
    long_id = "x" * 80
    assert return_number(long_id) == return_number(long_id)
    assert len(return_number(long_id)) == contract.RECEIPT_NUMBER_MAX


def test_grn_reports_what_came_back_matched_by_delivery_number_without_a_sellable_guess(seko):
    ref = seko.return_authorise(_request())
    assert seko.returns_read("").items == []
    before = _stock("SK-0001")
    clock_advance("seko", 60)

    receipt_receive(number=ref.source_return_id, sellable={"SK-0001": 1})
    page = seko.returns_read("")

    (receipt,) = page.items
    assert receipt.source_return_id == ref.source_return_id
    # a GRN gives confirmed quantities, not where the DC put them away: sellable is unknown
    assert receipt.lines == [ReturnReceiptLine(sku="SK-0001", received=2, sellable=None)]
    assert _stock("SK-0001") == before + 1  # the DC booked one unit back as sellable
    assert _stock("SK-0001", "Damaged") == 1


def test_an_unknown_product_is_refused(seko):
    request = SourceReturnRequest(
        reference="r2",
        external_reference="JL-3001",
        source_order_id="x",
        lines=[SourceReturnLine(sku="NOPE", quantity=1)],
    )
    with pytest.raises(Exception, match="Product NOPE does not exist"):
        seko.return_authorise(request)


def test_a_submit_that_never_reached_seko_is_raised(seko, adapter, monkeypatch):
    def down(*args, **kwargs):
        raise TransientError("SEKO is down")

    monkeypatch.setattr(seko.http, "write", down)
    with pytest.raises(TransientError):
        seko.return_authorise(_request())


def test_refunds_and_cancellations_stay_manual(seko):
    with pytest.raises(NotSupportedError):
        seko.order_cancel(
            SourceCancelRequest(reference="k", external_reference="JL-1", source_order_id="x")
        )


def test_the_control_command_receives_a_return(seko, capsys):
    from django.core.management import call_command

    ref = seko.return_authorise(_request())

    call_command("seko_sandbox", "return-receive", ref.source_return_id, "--sellable", "SK-0001=2")

    assert "2 x SK-0001 to Available Stock" in capsys.readouterr().out
    assert m.Receipt.objects.get().received_at is not None


def test_the_hub_records_a_grn_without_a_sellable_count_as_unknown_not_zero(hub):  # noqa: F811
    """A SEKO receipt (sellable=None) through the returns flow, on the returns test hub."""
    from connectors.base import SourceReturnReceipt
    from connectors.mirakl.sandbox import services as mirakl
    from integration_hub.models import OrderEvent
    from returns.flows.returns_flow import return_receipt_apply
    from returns.models import Return
    from tests.returns.conftest import automate, returns, sandbox_order, shipped

    automate(hub)
    mirakl.return_create(sandbox_order(shipped(hub)))
    returns(hub)
    ret = Return.objects.get()
    line = ReturnReceiptLine(sku="SB-0001", received=2, sellable=None)
    receipt = SourceReturnReceipt(ret.source_return_id, "", "", [line])

    assert return_receipt_apply(hub.integration, receipt) == "received"

    assert ret.lines.values_list("received_quantity", "sellable_quantity").get() == (2, None)
    event = OrderEvent.objects.filter(kind="return_received").latest("pk")
    assert "does not say how many are sellable" in event.message


def test_the_sandbox_reset_empties_every_table_receipts_too(seko):
    seko.return_authorise(_request())

    services.sandbox_reset()

    assert not m.Receipt.objects.exists() and not m.Product.objects.exists()
