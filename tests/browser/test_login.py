"""Journey: log in, and a wrong password says so without letting anyone in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_log_in(journey, role_user):
    role_user("Ops", "olivia")
    page = journey.page
    journey.goto("/")
    expect(page).to_have_url(f"{journey.base_url}/login/?next=/")
    journey.shot("login-page")

    journey.log_in("olivia", "not-her-password")
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    journey.shot("wrong-password")

    journey.log_in("olivia")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    journey.shot("dashboard")
