"""The per-integration, per-operation call limiter (no database: a LocMem cache)."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
import responses
import time_machine
from django.core.cache.backends.locmem import LocMemCache

from connectors.base import TransientError
from connectors.mirakl.limiter import (
    CALL_COUNTS,
    DEFAULT_RULES,
    FAILED_CALL_HOLD,
    PARTNER_RULES,
    CallDeferred,
    CallLimiter,
    Rule,
    call_limits_parse,
    rules_tighten,
    wait_words,
)
from tests.connectors.mirakl.fixtures import BASE, make_client, order

START = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
_names = itertools.count()


@pytest.fixture
def clock():
    """Frozen time; the fake sleep moves it (LocMem expiry follows, it reads time.time)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cache():
    return LocMemCache(f"mirakl-limiter-test-{next(_names)}", {})


class ShiftingSleep(list):
    def __init__(self, traveller):
        super().__init__()
        self.traveller = traveller

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))
        self.traveller.shift(seconds)


def make_limiter(cache, traveller=None, **options) -> CallLimiter:
    options.setdefault("scope", "brand-a")
    if traveller is not None:
        options.setdefault("sleep", ShiftingSleep(traveller))
    return CallLimiter(options.pop("scope"), cache=cache, **options)


def test_defaults_are_the_specs_maximum_call_frequencies():
    assert DEFAULT_RULES["OR11"] == (Rule(1, 60),)
    assert DEFAULT_RULES["STO01"] == (Rule(1, 60),)
    assert DEFAULT_RULES["PRI01"] == (Rule(1, 60),)
    assert DEFAULT_RULES["OF24"] == (Rule(1, 60),)
    assert DEFAULT_RULES["STO02"] == (Rule(1, 15),)
    assert DEFAULT_RULES["TL02"] == (Rule(20, 60), Rule(60, 3600))
    assert (
        DEFAULT_RULES["A01"] == DEFAULT_RULES["SH21"] == DEFAULT_RULES["SH12"] == (Rule(1, 86400),)
    )
    assert DEFAULT_RULES["RT11"] == (Rule(1, 300),)
    assert DEFAULT_RULES["OF53"] == (Rule(1, 10),)
    for event_driven in ("OR21", "OR23", "OR24", "OR28", "OR29", "OR30", "OF54"):
        assert event_driven not in DEFAULT_RULES


def test_every_or11_call_takes_a_slot_a_look_up_by_ids_too():
    """The spec's synchronous OR11 ("at each order page display") has no number: the hub's
    reading is 30 a minute, and it is a rule like any other."""
    assert DEFAULT_RULES["OR11:ids"] == (Rule(30, 60),)
    assert PARTNER_RULES["OR11"] == (Rule(1, 900),)


def test_one_slot_per_minute_waits_for_the_slot_to_expire(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=90)

    limiter.acquire("STO01")
    clock.shift(20)
    limiter.acquire("STO01")

    assert limiter._sleep == [40.0]
    assert limiter.granted["STO01"] == 2
    assert cache.get("mirakl-limit:brand-a:STO01:60:0") == START.timestamp() + 60 + 60


def test_a_wait_longer_than_max_wait_defers_the_call(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=30)
    limiter.acquire("OR11")
    clock.shift(5)

    with pytest.raises(CallDeferred) as caught:
        limiter.acquire("OR11")

    assert caught.value.retry_after == 55.0
    assert isinstance(caught.value, TransientError)
    assert limiter._sleep == []
    assert limiter.granted["OR11"] == 1
    clock.shift(55)
    limiter.acquire("OR11")  # the slot is free again
    assert limiter.granted["OR11"] == 2


def test_tl02_needs_both_rules_and_releases_the_minute_slot_when_the_hour_is_full(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=0)

    for _ in range(20):
        limiter.acquire("TL02")
    with pytest.raises(CallDeferred) as minute_full:
        limiter.acquire("TL02")
    assert minute_full.value.retry_after == 60.0

    for _minute in range(2):
        clock.shift(60)
        for _ in range(20):
            limiter.acquire("TL02")
    assert limiter.granted["TL02"] == 60

    clock.shift(60)  # minute slots free again, the hour is spent
    with pytest.raises(CallDeferred) as hour_full:
        limiter.acquire("TL02")
    assert hour_full.value.retry_after == 3600 - 180
    minute_keys = [f"mirakl-limit:brand-a:TL02:60:{n}" for n in range(20)]
    assert cache.get_many(minute_keys) == {}  # the minute slot taken first was released


def test_off_mode_never_touches_the_cache_but_counts(clock):
    class ExplodingCache:
        def __getattr__(self, name):
            raise AssertionError("cache used in off mode")

    limiter = CallLimiter("brand-b", mode="off", cache=ExplodingCache())
    for _ in range(5):
        limiter.acquire("OR11")
    assert limiter.granted["OR11"] == 5
    assert CALL_COUNTS[("brand-b", "OR11")] >= 5


def test_ops_without_a_rule_are_not_limited(cache):
    limiter = make_limiter(cache)
    for _ in range(50):
        limiter.acquire("OR21")
    assert limiter.granted["OR21"] == 50
    assert cache.get("mirakl-limit:brand-a:OR21:60:0") is None


def test_scopes_and_processes_share_or_split_the_budget(clock, cache):
    worker = make_limiter(cache, clock, max_wait_seconds=0)
    web = make_limiter(cache, clock, max_wait_seconds=0)  # another process, same cache
    other_brand = make_limiter(cache, clock, scope="brand-c", max_wait_seconds=0)

    worker.acquire("A01")
    other_brand.acquire("A01")
    with pytest.raises(CallDeferred) as caught:
        web.acquire("A01")
    assert caught.value.retry_after == 86400.0


def test_rules_can_be_overridden(clock, cache):
    limiter = make_limiter(cache, clock, rules={"OR11": (Rule(2, 900),)}, max_wait_seconds=0)
    limiter.acquire("OR11")
    limiter.acquire("OR11")
    with pytest.raises(CallDeferred) as caught:
        limiter.acquire("OR11")
    assert caught.value.retry_after == 900.0


def test_bad_mode_is_rejected():
    with pytest.raises(ValueError, match="mode"):
        CallLimiter("x", mode="sometimes")


def test_uses_django_default_cache(settings, clock):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mirakl-limit-default",
        }
    }
    from django.core.cache import caches

    limiter = CallLimiter("brand-d", max_wait_seconds=0)
    limiter.acquire("SH21")
    assert caches["default"].get("mirakl-limit:brand-d:SH21:86400:0") == START.timestamp() + 86400


# --- the client charges the limiter once per logical call -------------------------------


@responses.activate
def test_or11_poll_over_three_pages_is_one_limited_call(clock, cache):
    orders = [order(f"{n}-A") for n in range(250)]
    for start in (0, 100, 200):
        responses.get(
            f"{BASE}/api/orders", json={"orders": orders[start : start + 100], "total_count": 250}
        )
    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    client = make_client(limiter=limiter)

    assert len(list(client.orders_list(start_update_date=START))) == 250
    assert limiter.granted["OR11"] == 1
    assert client.request_counts["OR11"] == 3

    with pytest.raises(CallDeferred):
        list(client.orders_list(start_update_date=START))
    assert len(responses.calls) == 3  # deferred before any request


@responses.activate
def test_tl02_charges_every_page(clock, cache):
    url = f"{BASE}/api/sellerpayment/transactions_logs"
    responses.get(url, json={"data": [], "next_page_token": "a"})
    responses.get(url, json={"data": [], "next_page_token": "b"})
    responses.get(url, json={"data": []})
    limiter = make_limiter(cache, clock)
    list(make_client(limiter=limiter).transaction_logs_list())
    assert limiter.granted["TL02"] == 3


@responses.activate
def test_a_deferred_call_is_not_retried_by_the_client(clock, cache):
    responses.get(f"{BASE}/api/shipping/carriers", json={"carriers": []})
    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    client = make_client(limiter=limiter)
    client.carriers_list()
    with pytest.raises(CallDeferred):
        client.carriers_list()
    assert len(responses.calls) == 1


@responses.activate
def test_a_retried_attempt_takes_its_own_slot(clock, cache):
    """Mirakl counts a retry like any call: after a 500 the retry waits for STO02's window."""
    url = f"{BASE}/api/offers/stock/imports/7/status"
    responses.get(url, status=500, json={"status": 500, "message": "boom"})
    responses.get(url, json={"import_id": 7, "status": "COMPLETE", "has_error_report": False})
    limiter = make_limiter(cache, clock, max_wait_seconds=60)
    client = make_client(limiter=limiter, sleep=limiter._sleep)

    assert client.stock_import_status("7").status == "COMPLETE"
    assert limiter.granted["STO02"] == 2
    assert len(responses.calls) == 2
    # the retry's back-off, then the rest of the 15 s window the first attempt opened
    backoff, window_rest = limiter._sleep
    assert round(backoff + window_rest, 3) == 15.0


def test_a_margin_keeps_each_slot_beyond_its_window(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=90, margin_seconds=2)
    limiter.acquire("STO01")
    clock.shift(60)  # the window is over, the margin is not
    limiter.acquire("STO01")
    assert limiter._sleep == [2.0]


@responses.activate
def test_or11_look_ups_by_ids_are_limited_one_slot_per_batch(clock, cache):
    ids = [f"{n}-A" for n in range(150)]
    responses.get(
        f"{BASE}/api/orders", json={"orders": [order(i) for i in ids[:100]], "total_count": 100}
    )
    responses.get(
        f"{BASE}/api/orders", json={"orders": [order(i) for i in ids[100:]], "total_count": 50}
    )
    limiter = make_limiter(cache, clock, max_wait_seconds=0, tighten={"OR11:ids": (Rule(2, 60),)})
    client = make_client(limiter=limiter)

    assert len(list(client.orders_list(order_ids=ids))) == 150
    assert limiter.granted["OR11:ids"] == 2  # one per batch of 100
    with pytest.raises(CallDeferred):
        list(client.orders_list(order_ids=ids[:1]))
    assert len(responses.calls) == 2


def test_tighten_adds_rules_and_never_loosens(clock, cache):
    limiter = make_limiter(
        cache, clock, max_wait_seconds=0, tighten={"OR11": (Rule(1, 900),), "OR21": (Rule(1, 5),)}
    )
    assert limiter.rules["OR11"] == (Rule(1, 60), Rule(1, 900))
    limiter.acquire("OR11")
    clock.shift(61)  # the spec's minute is over; the integration's 15 minutes are not
    with pytest.raises(CallDeferred) as caught:
        limiter.acquire("OR11")
    assert caught.value.retry_after == 900 - 61
    limiter.acquire("OR21")
    with pytest.raises(CallDeferred):
        limiter.acquire("OR21")
    assert rules_tighten({"TL02": (Rule(20, 60), Rule(60, 3600))}, {"TL02": (Rule(30, 60),)}) == {
        "TL02": (Rule(20, 60), Rule(60, 3600))
    }
    assert rules_tighten({"TL02": (Rule(20, 60),)}, {"TL02": (Rule(5, 60),)}) == {
        "TL02": (Rule(5, 60),)
    }


def test_call_limits_parse_reads_units_and_several_rules():
    assert call_limits_parse({"OR11": "1/15m", "TL02": "10/60, 30/1h", "OR21": "2/10s"}) == {
        "OR11": (Rule(1, 900),),
        "TL02": (Rule(10, 60), Rule(30, 3600)),
        "OR21": (Rule(2, 10),),
    }


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"OR11": "1/30"}, "OR11: 1/30s does not tighten Mirakl's maximum of 1/1m"),
        ({"A01": "2/1d"}, "does not tighten Mirakl's maximum of 1/1d"),
        ({"OR11": "every 15 minutes"}, "is not CALLS/WINDOW"),
        ({"OR11": "0/60"}, "at least 1 call"),
        ({"OR99": "1/60"}, "unknown operation 'OR99'"),
        (["OR11"], "must map an operation"),
    ],
)
def test_call_limits_parse_refuses_what_would_not_tighten(limits, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call_limits_parse(limits)


def test_a_deferral_says_when_in_words(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    limiter.acquire("A01")
    with pytest.raises(CallDeferred) as caught:
        limiter.acquire("A01")
    assert "retry in" not in str(caught.value)
    assert (
        str(caught.value)
        == "Mirakl A01: call budget spent; next call allowed after 12:00 UTC tomorrow"
    )
    now = START.timestamp()
    assert wait_words(30.5, now=now) == "12:01 UTC (in 1 min)"
    assert wait_words(3600, now=now) == "13:00 UTC today"
    assert wait_words(3 * 86400, now=now) == "12:00 UTC on 25 Nov"


def test_a_failed_call_gives_a_daily_slot_back_after_a_few_minutes(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    slots = limiter.acquire("A01")

    limiter.give_back(slots)

    with pytest.raises(CallDeferred):
        limiter.acquire("A01")  # not at once: Mirakl may count the failed call
    clock.shift(FAILED_CALL_HOLD + 1)
    limiter.acquire("A01")  # minutes later, not a day


def test_give_back_leaves_short_windows_alone(clock, cache):
    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    slots = limiter.acquire("TL02")  # 20 a minute and 60 an hour: the hour slot shortens
    limiter.give_back(slots, after=120)
    held = cache.get_many(list(slots))
    minute = next(k for k in slots if ":60:" in k)
    hour = next(k for k in slots if ":3600:" in k)
    assert held[minute] == pytest.approx(START.timestamp() + 60)
    assert held[hour] == pytest.approx(START.timestamp() + 120)


@responses.activate
def test_a_failed_a01_says_what_failed_and_does_not_block_a01_for_a_day(clock, cache):
    """Before: the 500 spent A01's day, the retry said 'call budget spent' and every test
    connection and pass was blocked until tomorrow."""
    url = f"{BASE}/api/account"
    responses.get(url, status=500, json={"status": 500, "message": "upstream down"})
    limiter = make_limiter(cache, clock)
    client = make_client(limiter=limiter, sleep=limiter._sleep)

    with pytest.raises(TransientError) as failure:
        client.account_get()

    assert not isinstance(failure.value, CallDeferred)
    assert "HTTP 500" in str(failure.value) and "upstream down" in str(failure.value)
    assert failure.value.retry_after == pytest.approx(FAILED_CALL_HOLD, abs=1)
    assert len(responses.calls) == 1  # the retry waited for the slot instead of sending

    clock.shift(FAILED_CALL_HOLD + 1)
    responses.replace(
        responses.GET, url, json={"shop_id": 2001, "shop_name": "Acme", "shop_state": "OPEN"}
    )
    assert client.account_get().shop_id == 2001


def test_a_request_the_spec_check_refuses_spends_no_budget(clock, cache):
    """Before, the A01 slot was taken and kept although nothing was sent: A01 for a day."""
    from connectors.base import PermanentError

    def refuse(*request, **where):
        raise PermanentError("the spec does not allow this request")

    limiter = make_limiter(cache, clock, max_wait_seconds=0)
    client = make_client(limiter=limiter, request_validator=refuse)

    with pytest.raises(PermanentError, match="does not allow"):
        client.account_get()

    limiter.acquire("A01")  # still free
