"""Contract tests for finance (TL02, IV01, SBC11), returns (RT11/21/25/27) and configuration
(A01, PC01, SH21, SH12, RE01)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import PermanentError
from connectors.mirakl import dtos
from connectors.mirakl.parse import ParseErrors
from tests.connectors.mirakl.fixtures import BASE, load_raw, make_client

UTC = dt.UTC
TL02 = f"{BASE}/api/sellerpayment/transactions_logs"


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def line(n: int) -> dict:
    return {**json.loads(load_raw("tl02_line.json")), "id": f"tl-{n}"}


@responses.activate
def test_tl02_follows_page_tokens_until_absent():
    responses.get(TL02, json={"data": [line(1), line(2)], "next_page_token": "tok-2"})
    responses.get(
        TL02, json={"data": [line(3)], "next_page_token": "tok-3", "previous_page_token": "tok-1"}
    )
    responses.get(TL02, json={"data": [line(4)], "previous_page_token": "tok-2"})

    lines = list(
        make_client(shop_id=7).transaction_logs_list(
            last_updated_from=dt.datetime(2026, 11, 1, tzinfo=UTC),
            payment_states=["PENDING", "PAYABLE"],
            order_ids=["1-A", "2-A"],
        )
    )

    assert [t.id for t in lines] == ["tl-1", "tl-2", "tl-3", "tl-4"]
    assert query(responses.calls[0]) == {
        "last_updated_from": ["2026-11-01T00:00:00Z"],
        "payment_state": ["PENDING", "PAYABLE"],
        "order_id": ["1-A", "2-A"],
        "limit": ["2000"],
        "sort": ["lastUpdated"],
        "shop_id": ["7"],
    }
    # With a page_token every other parameter is ignored by Mirakl: only the token is sent.
    assert query(responses.calls[1]) == {"page_token": ["tok-2"], "shop_id": ["7"]}
    assert query(responses.calls[2]) == {"page_token": ["tok-3"], "shop_id": ["7"]}


@responses.activate
def test_tl02_line_is_parsed_with_entities_and_decimals():
    responses.get(TL02, body=json.dumps({"data": [json.loads(load_raw("tl02_line.json"))]}))

    (t,) = list(make_client().transaction_logs_list())

    assert t == dtos.TransactionLine(
        id="a1b2c3d4-0000-0000-0000-000000000001",
        type="ORDER_AMOUNT",
        amount=Decimal("239.00"),
        currency_iso_code="GBP",
        payment_state="PAYABLE",
        date_created=dt.datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        last_updated=dt.datetime(2026, 11, 21, 10, 0, 0, 250000, tzinfo=UTC),
        amount_credited=Decimal("239.00"),
        amount_debited=Decimal("0"),
        balance=Decimal("1200.55"),
        accounting_document_number="INV-2026-0042",
        seller_billing_cycle_id="5c0b4f1e-1111-2222-3333-444455556666",
        order_id="8817455903-A",
        order_commercial_id="8817455903",
        order_line_id="8817455903-A-1",
        transaction_number="TX-1",
        transaction_date=dt.datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
    )
    assert isinstance(t.amount, Decimal)


@responses.activate
def test_tl02_repeated_token_stops_with_an_error():
    responses.get(TL02, json={"data": [line(1)], "next_page_token": "same"})
    responses.get(TL02, json={"data": [line(2)], "next_page_token": "same"})
    with pytest.raises(PermanentError, match="repeated"):
        list(make_client().transaction_logs_list())


@responses.activate
def test_tl02_unknown_transaction_type_is_kept_and_bad_line_reported_last():
    bad = {**line(2), "amount": "twelve"}
    responses.get(TL02, json={"data": [{**line(1), "type": "BRAND_NEW_TYPE"}, bad, line(3)]})
    got = []
    with pytest.raises(ParseErrors) as caught:
        for t in make_client().transaction_logs_list():
            got.append((t.id, t.type))
    assert got == [("tl-1", "BRAND_NEW_TYPE"), ("tl-3", "ORDER_AMOUNT")]
    assert caught.value.ids == ["tl-2"]


@responses.activate
def test_iv01_offset_pages_to_the_end():
    invoice = json.loads(load_raw("iv01_invoice.json"))
    page1 = [{**invoice, "id": str(n), "invoice_id": n} for n in range(100)]
    page2 = [{**invoice, "id": "100", "invoice_id": 100}]
    responses.get(f"{BASE}/api/invoices", json={"invoices": page1, "total_count": 101})
    responses.get(f"{BASE}/api/invoices", json={"invoices": page2, "total_count": 101})

    invoices = list(
        make_client().invoices_list(start_date=dt.datetime(2026, 11, 1, tzinfo=UTC), type="ALL")
    )

    assert len(invoices) == 101
    assert query(responses.calls[0]) == {
        "start_date": ["2026-11-01T00:00:00Z"],
        "type": ["ALL"],
        "max": ["100"],
        "offset": ["0"],
    }
    assert query(responses.calls[1])["offset"] == ["100"]
    last = invoices[-1]
    assert last.invoice_id == 100
    assert last.total_amount_incl_taxes == Decimal("120.12")
    assert last.total_taxes == (dtos.Tax("VAT", Decimal("20.02")),)
    assert last.payment_state == "PAID" and last.payment_reference == "PAY-9"


@responses.activate
def test_sbc11_seek_pages():
    cycle = json.loads(load_raw("sbc11_cycle.json"))
    responses.get(
        f"{BASE}/api/seller-billing-cycles", json={"data": [cycle], "next_page_token": "n2"}
    )
    responses.get(f"{BASE}/api/seller-billing-cycles", json={"data": [{**cycle, "id": "second"}]})

    cycles = list(make_client().billing_cycles_list(pay_out_states=["PAID"]))

    assert [c.id for c in cycles] == ["5c0b4f1e-1111-2222-3333-444455556666", "second"]
    assert query(responses.calls[0]) == {"pay_out_state": ["PAID"], "limit": ["1000"]}
    assert query(responses.calls[1]) == {"page_token": ["n2"]}
    first = cycles[0]
    assert first.amount_transferred_to_seller == Decimal("1034.56")
    assert first.pay_out_state == "PAID" and first.payment_voucher_number == "PV-0042"
    assert first.summary["total_commissions_incl_tax"] == Decimal("120.40")


@responses.activate
def test_rt11_seek_pages_and_parses_returns():
    ret = json.loads(load_raw("rt11_return.json"))
    responses.get(f"{BASE}/api/returns", json={"data": [ret], "next_page_token": "p2"})
    responses.get(
        f"{BASE}/api/returns", json={"data": [{**ret, "id": "r-2", "state": "NEW_STATE"}]}
    )

    returns = list(
        make_client().returns_list(
            return_states=["WAITING_ACCEPTANCE", "IN_PROGRESS"],
            last_updated_from=dt.datetime(2026, 11, 20, tzinfo=UTC),
        )
    )

    assert query(responses.calls[0]) == {
        "return_state": ["WAITING_ACCEPTANCE", "IN_PROGRESS"],
        "return_last_updated_from": ["2026-11-20T00:00:00Z"],
        "limit": ["100"],
    }
    assert query(responses.calls[1]) == {"page_token": ["p2"]}
    first, second = returns
    assert first.id == "58fd00d1-4ea4-453e-9a56-ec28c5c156ea"
    assert first.lines == (dtos.ReturnLine("9911-A-1", 1, "RETURN_CHANGED_MIND"),)
    assert first.tracking_number == "RT123" and first.rma == "RMA-1"
    assert second.state == "NEW_STATE"


@responses.activate
def test_rt21_accept_batches_by_100_and_merges_results():
    decisions = [dtos.ReturnDecision(f"r-{n}", n % 2 == 0) for n in range(150)]
    decisions[1] = dtos.ReturnDecision("r-1", False, "RETURN_REJECTION_NOT_ELIGIBLE")
    responses.put(
        f"{BASE}/api/returns/accept",
        json={"return_success": [{"id": f"r-{n}"} for n in range(100)], "return_errors": []},
    )
    responses.put(
        f"{BASE}/api/returns/accept",
        json={"return_success": [], "return_errors": [{"id": "r-149", "message": "wrong state"}]},
    )

    result = make_client().returns_accept(decisions=decisions)

    bodies = [json.loads(c.request.body) for c in responses.calls]
    assert [len(b["returns"]) for b in bodies] == [100, 50]
    assert bodies[0]["returns"][:2] == [
        {"id": "r-0", "accepted": True},
        {"id": "r-1", "accepted": False, "rejection_reason_code": "RETURN_REJECTION_NOT_ELIGIBLE"},
    ]
    assert len(result.success_ids) == 100
    assert result.errors == (("r-149", "wrong state"),)


@pytest.mark.parametrize(
    "method, path", [("returns_receive", "receive"), ("returns_close", "close")]
)
@responses.activate
def test_rt25_rt27_send_ids(method, path):
    responses.put(
        f"{BASE}/api/returns/{path}", json={"return_success": [{"id": "r-1"}], "return_errors": []}
    )

    result = getattr(make_client(), method)(return_ids=["r-1"])

    assert json.loads(responses.calls[0].request.body) == {"returns": [{"id": "r-1"}]}
    assert result == dtos.ReturnsResult(success_ids=("r-1",), errors=())


def test_returns_update_refuses_an_empty_list():
    with pytest.raises(PermanentError, match="no returns"):
        make_client().returns_close(return_ids=[])


@responses.activate
def test_a01_account():
    responses.get(
        f"{BASE}/api/account", body=load_raw("account.json"), content_type="application/json"
    )
    account = make_client().account_get()
    assert (account.shop_id, account.shop_state, account.model, account.currency_iso_code) == (
        2042,
        "OPEN",
        "DROPSHIP",
        "GBP",
    )
    assert account.lead_time_to_ship == 2
    assert account.payable_balance == Decimal("-259.20")
    assert account.approval_rate == Decimal("0.97")


@responses.activate
def test_pc01_platform_configuration_flags():
    responses.get(
        f"{BASE}/api/platform/configuration",
        body=load_raw("platform_configuration.json"),
        content_type="application/json",
    )
    config = make_client().platform_configuration_get()
    assert config.order_acceptance == "NOT_AUTOMATIC"
    assert config.multi_shipment is False
    assert config.returns == {"drop_ship": True, "marketplace": False, "one_creditor": False}
    assert config.disable_seller_alternative_carrier is True
    assert config.shipping_and_billing_details_before_acceptance is False
    assert config.platform_models["drop_ship"] is True
    assert config.timezone == "Europe/London"


@responses.activate
def test_sh21_sh12_re01_lists():
    responses.get(f"{BASE}/api/shipping/carriers", body=load_raw("carriers.json"))
    responses.get(f"{BASE}/api/shipping/types", body=load_raw("shipping_types.json"))
    responses.get(f"{BASE}/api/reasons", body=load_raw("reasons.json"))
    client = make_client()

    carriers = client.carriers_list()
    types = client.shipping_types_list()
    reasons = client.reasons_list()

    assert carriers == [
        dtos.Carrier("DPD", "DPD", "dpd-uk", "https://track.dpd.co.uk/{trackingId}"),
        dtos.Carrier("RM", "Royal Mail", "royal-mail", ""),
    ]
    assert [(t.code, t.mandatory_tracking, t.click_and_collect) for t in types] == [
        ("STD", True, False),
        ("CC", False, True),
    ]
    assert reasons[2] == dtos.Reason("77", "Future type", "SOMETHING_NEW", False)
    assert [urlsplit(c.request.url).path for c in responses.calls] == [
        "/api/shipping/carriers",
        "/api/shipping/types",
        "/api/reasons",
    ]
