"""The source-connector contract, run for every source system against its own sandbox.

Each case holds for Shopify, Magento 2, Fulfil, SCAYLE and SEKO alike (the ``source_world``
fixture in ``tests/connectors/conftest.py`` wires each one): an order is created once however
often it is asked for and whatever answer is lost, listings are read to their last page, a
wrong credential is a ConfigError, a 429 is waited out or handed back with its Retry-After,
and a webhook the vendor did not authenticate is refused. Vendor-specific behaviour stays in
``tests/connectors/<vendor>/``.
"""

from __future__ import annotations

import pytest

from connectors.base import ConfigError, Page, PermanentError, TransientError
from connectors.sandbox.models import SandboxFault
from tests.connectors.conftest import LosingAdapter, World

pytestmark = pytest.mark.django_db

MAX_PAGES = 50  # a read that has not ended by then never will


def read_all(read) -> tuple[list, int]:
    """Follow ``next_cursor`` until ``has_more`` is false; the items and the page count."""
    items, cursor = [], ""
    for pages in range(1, MAX_PAGES + 1):
        page: Page = read(cursor)
        items += page.items
        cursor = page.next_cursor
        if not page.has_more:
            return items, pages
    raise AssertionError(f"still has_more after {MAX_PAGES} pages")


# --- 1 and 2: one order per JL reference ------------------------------------------------------


def test_order_create_twice_makes_one_order(source_world: World):
    world = source_world
    connector = world.connector()

    first = connector.order_create(world.order_request("JL-C1"))
    second = connector.order_create(world.order_request("JL-C1"))
    # another worker, with a fresh connector, asks again
    third = world.connector().order_create(world.order_request("JL-C1"))

    assert second == first == third
    assert first.source_order_id
    assert (world.orders_with("JL-C1"), world.orders_total()) == (1, 1)
    assert connector.order_find("JL-C1") == first
    assert connector.order_find("JL-NOT-THERE") is None


def test_lost_create_answer_is_found_not_created_again(source_world: World):
    world = source_world
    losing = LosingAdapter(world.is_create)
    connector = world.connector(losing)
    request = world.order_request("JL-L1")

    try:
        lost = connector.order_create(request)  # the connector looked the order up itself
    except TransientError:
        lost = None  # or it says the outcome is unknown and leaves the look-up to the retry
    retried = connector.order_create(request)

    assert losing.lost == 1, "the create request was never sent"
    assert lost is None or lost == retried
    assert (world.orders_with("JL-L1"), world.orders_total()) == (1, 1)
    assert losing.sent == 1, "the create was sent again instead of being looked up"
    assert world.connector().order_find("JL-L1") == retried


# --- 3: listings are read to the end ----------------------------------------------------------


def test_products_are_read_page_by_page_to_the_end(source_world: World):
    world = source_world
    expected = world.product_skus()
    connector = world.connector(**world.paging)

    products, pages = read_all(connector.products_read)

    assert pages > 1
    assert sorted(p.sku for p in products) == sorted(expected)


def test_stock_is_read_page_by_page_to_the_end(source_world: World):
    world = source_world
    connector = world.connector(**world.paging)

    levels, expected = world.stock_walk(connector)

    assert sorted(level.sku for level in levels) == sorted(expected)
    assert all(level.available >= 0 for level in levels)


def test_shipments_are_read_page_by_page_to_the_end(source_world: World):
    world = source_world
    connector = world.connector(**world.paging)
    refs = {}
    for number in range(1, 4):
        reference = f"JL-S{number}"
        refs[reference] = connector.order_create(world.order_request(reference))
        world.ship(reference, f"TRK{number}")
    world.shipments_walk_prepare()

    shipments, pages = read_all(connector.shipments_read)

    assert pages > 1
    unique = {s.shipment_id: s for s in shipments}  # overlapping reads: dedupe on the id
    assert sorted((s.source_order_id, s.tracking_number) for s in unique.values()) == sorted(
        (refs[f"JL-S{n}"].source_order_id, f"TRK{n}") for n in range(1, 4)
    )


# --- 4: a wrong credential is a ConfigError ---------------------------------------------------


def test_wrong_credentials_are_a_config_error(source_world: World):
    world = source_world
    connector = world.connector(wrong_key=True)

    with pytest.raises(ConfigError) as pinged:
        connector.ping()
    with pytest.raises(ConfigError) as read:
        list(connector.stock_read([world.order_sku]))

    assert pinged.value.status in (401, 403)
    assert read.value.status in (401, 403)
    for error in (pinged.value, read.value):
        assert world.wrong_key not in f"{error} {error.detail}"


# --- 5: 429 with Retry-After ------------------------------------------------------------------


def test_429_with_a_short_retry_after_is_waited_out_then_the_read_succeeds(source_world: World):
    world = source_world
    SandboxFault.objects.create(system=world.kind, kind="429", remaining=1, retry_after=7)
    connector = world.connector()

    levels = list(connector.stock_read([world.order_sku]))

    assert [level.sku for level in levels] == [world.order_sku]
    assert SandboxFault.objects.get().injected == 1
    assert [s for s in world.waits.sleeps if 7 <= s < 8], world.waits.sleeps


def test_429_with_a_long_retry_after_goes_back_to_the_caller(source_world: World):
    world = source_world
    SandboxFault.objects.create(system=world.kind, kind="429", remaining=1, retry_after=3600)
    connector = world.connector()

    with pytest.raises(TransientError) as caught:
        list(connector.stock_read([world.order_sku]))

    assert caught.value.status == 429
    assert caught.value.retry_after == pytest.approx(3600, abs=1)
    assert all(s < 60 for s in world.waits.sleeps), "the worker slept the Retry-After"


# --- 6: webhooks the vendor did not authenticate are refused ----------------------------------


def test_an_authentic_webhook_is_accepted(source_world: World):
    world = source_world
    if world.no_webhooks:
        pytest.skip(world.no_webhooks)
    headers, body = world.webhook_delivery()

    event = world.connector().webhook_parse(headers, body)

    assert event.topic and event.event_id


def test_a_webhook_with_a_bad_signature_is_refused(source_world: World):
    world = source_world
    genuine = world.webhook_delivery()
    forged = world.webhook_forged(*genuine)

    assert forged != genuine
    with pytest.raises(PermanentError):
        world.connector().webhook_parse(*forged)


def test_a_webhook_without_credentials_is_refused(source_world: World):
    world = source_world
    _, body = world.webhook_delivery()

    with pytest.raises(PermanentError):
        world.connector().webhook_parse({"Content-Type": "application/json"}, body)
