"""Every Mirakl client test runs with the spec judging each request the client sends."""

from __future__ import annotations

import pytest

from connectors.mirakl import spec_check


@pytest.fixture(autouse=True)
def spec_judges_requests(monkeypatch):
    """Any MiraklHttp without its own validator refuses what the seller spec does not allow."""
    monkeypatch.setattr(spec_check, "enabled_by_default", True)
