"""Brute-force protection on the login page (django-axes): per username + IP address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOCKED = "Too many failed log-ins for this username from your address"


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_that_username_from_that_address(client, role_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    role_user("Ops", username="ops")
    for _ in range(4):
        response = attempt(client, "ops", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = attempt(client, "ops", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert LOCKED in body and "(5 in a row)" in body and "locked for 15 minutes" in body
    # even the right password is refused while locked
    right = attempt(client, "ops", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_touches_neither_other_users_nor_other_addresses(client, role_user):
    role_user("Ops", username="ops")
    role_user("CX", username="cx")
    for _ in range(5):
        attempt(client, "ops", "wrong")
    assert attempt(client, "cx", PASSWORD).status_code == 302  # same address, other user
    client.logout()
    assert attempt(client, "ops", PASSWORD, ip="198.51.100.9").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, role_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False)
    role_user("Ops", username="ops")
    for _ in range(5):
        attempt(client, "ops", "wrong")
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 16, tzinfo=dt.UTC), tick=False)
    assert attempt(client, "ops", PASSWORD).status_code == 302


def test_trying_during_the_lockout_restarts_the_cool_off(client, role_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False)
    role_user("Ops", username="ops")
    for _ in range(5):
        attempt(client, "ops", "wrong")
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 14, tzinfo=dt.UTC), tick=False)
    assert attempt(client, "ops", PASSWORD).status_code == 429
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 16, tzinfo=dt.UTC), tick=False)
    assert attempt(client, "ops", PASSWORD).status_code == 429
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC), tick=False)
    assert attempt(client, "ops", PASSWORD).status_code == 429  # 9:16 restarted it too
    time_machine.move_to(dt.datetime(2026, 1, 5, 9, 46, tzinfo=dt.UTC), tick=False)
    assert attempt(client, "ops", PASSWORD).status_code == 302


def test_a_good_login_resets_the_count(client, role_user):
    role_user("Ops", username="ops")
    for _ in range(4):
        attempt(client, "ops", "wrong")
    assert attempt(client, "ops", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "ops", "wrong").status_code == 200


def test_the_limit_comes_from_the_setting(client, role_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    role_user("Ops", username="ops")
    assert attempt(client, "ops", "wrong").status_code == 200
    assert attempt(client, "ops", "wrong").status_code == 429


def test_test_logins_without_a_request_still_work(client, role_user):
    """Client.login and authenticate() without a request bypass axes (no address to throttle)."""
    role_user("Ops", username="ops")
    for _ in range(10):
        assert authenticate(username="ops", password="wrong") is None
    assert authenticate(username="ops", password=PASSWORD) is not None
    assert client.login(username="ops", password=PASSWORD)
    assert client.get("/").status_code == 200
