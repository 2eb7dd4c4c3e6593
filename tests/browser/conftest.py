"""Browser journeys: Debian's Chromium, driven by Playwright, against a live server on 127.0.0.1.

No browser is ever downloaded: Playwright launches ``/usr/bin/chromium`` (``.ci/run`` installs
it with apt). Without it the journeys skip, except under CI (``CI`` set), where a missing
browser is a failure: a green CI run must mean the journeys ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from integration_hub.roles import role_groups_sync
from tests.browser.scenarios import sandbox_hub_make

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "pw-for-tests-1"  # the suite's role_user password
# Playwright waits this long (ms) for a page or an element; the 2-core CI machine is shared.
TIMEOUT_MS = 15_000


def chromium_required() -> None:
    """Skip when Chromium is missing on a developer machine; fail under CI."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser journeys", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(django_db_setup) -> Iterator[LiveServer]:
    """pytest-django's live server, bound to 127.0.0.1 on a free port (never another address).

    Same name as pytest-django's fixture so its helper still gives each test a transactional
    database. It depends on the test database so that it stops before that is dropped.
    """
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def roles(transactional_db) -> None:
    """A transactional test starts after another one's flush, which drops the role groups."""
    role_groups_sync(apps)


@pytest.fixture
def hub(roles, monkeypatch):
    """The integration "acme" on the in-process Mirakl and Shopify sandboxes."""
    return sandbox_hub_make(monkeypatch.setattr)


class Journey:
    """One browser tab plus numbered screenshots in tests/browser/screenshots/<name>/."""

    def __init__(self, page, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.step = 0

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def shot(self, label: str) -> Path:
        """Save ``NN-label.png`` of the whole page (a CI artefact, git-ignored)."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()


@pytest.fixture
def browser_page(live_server, roles, monkeypatch) -> Iterator:
    """A fresh Chromium page at 1280x800; the browser is closed after the test.

    Playwright's sync API runs an event loop in this thread, which trips Django's guard
    against sync ORM calls from async code; the test's own ORM calls are plain sync code, so
    the guard is lifted for this test only.
    """
    chromium_required()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
        finally:
            browser.close()
            # Django's connections are context-local and Playwright's loop gives this test
            # its own context: close what the test opened here, or PostgreSQL keeps the
            # session and refuses to drop the test database at the end.
            connections.close_all()


@pytest.fixture
def journey(request, browser_page, live_server) -> Journey:
    """The page plus a screenshot folder named after the test (``test_`` dropped)."""
    name = request.node.name.removeprefix("test_")
    return Journey(browser_page, live_server.url, name)
