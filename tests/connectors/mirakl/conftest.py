"""Every Mirakl client test runs with the spec judging each request the client sends; the
real client wired to the sandbox for the end-to-end tests."""

from __future__ import annotations

import pytest
import requests

from connectors.mirakl.client import MiraklClient
from connectors.mirakl.http import MiraklHttp
from connectors.mirakl.limiter import CallLimiter
from tests.support import mirakl_spec
from tests.support.wsgi_adapter import DjangoAppAdapter

SANDBOX_BASE = "http://mirakl.test/sandbox/mirakl"


@pytest.fixture(autouse=True)
def spec_judges_requests(monkeypatch):
    """Any MiraklHttp without its own validator refuses what the seller spec does not allow."""
    monkeypatch.setattr(MiraklHttp, "default_request_validator", mirakl_spec.request_check)


@pytest.fixture
def sandbox_shop(db):
    from connectors.mirakl.sandbox.services import shops

    return shops.shop_get_or_create()


@pytest.fixture
def sandbox_client(sandbox_shop):
    """The real MiraklClient on the sandbox's shop, in process, with no call limits."""
    session = requests.Session()
    session.mount("http://mirakl.test", DjangoAppAdapter())
    return MiraklClient(
        SANDBOX_BASE,
        sandbox_shop.api_key,
        shop_id=sandbox_shop.shop_id,
        limiter=CallLimiter("e2e", mode="off"),
        session=session,
    )
