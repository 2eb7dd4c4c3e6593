"""Regenerate the user guide's screenshots: docs/images/user-guide/*.png (1280x800).

Run by hand after a screen changes (needs the test extras, ``make install-test``, and Debian's
Chromium at /usr/bin/chromium)::

    .venv/bin/python scripts/user_guide_screenshots.py [--only NAME ...]

It migrates a throwaway SQLite database in a temporary folder, seeds demo-like data through the
real flows against the in-process sandboxes (the browser tests' scenarios), serves the hub on
127.0.0.1 on a free port and captures each page with the browser tests' Chromium setup. Nothing
but the temporary folder (removed at the end) and the images folder is written.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images" / "user-guide"
PASSWORD = "guide-password-1"  # the throwaway database's users only
USERS = {"ops": "Ops", "finance": "Finance", "cx": "CX", "admin": "Admin"}


@dataclass
class Shot:
    """One picture: who looks at which page, and what they do there first."""

    name: str
    user: str | None  # None: logged out
    path: Callable[[dict], str]
    act: Callable[[object, dict], None] | None = None
    status: int = 200


def django_start(workdir: Path) -> None:
    """Point Django at a fresh SQLite file with the test settings (fixed keys, sandbox on)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'guide.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "integration_hub.settings_test"
    # Playwright's sync API runs an event loop in this thread; the seeding is plain sync code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django
    from django.core.management import call_command

    django.setup()
    logging.disable(logging.WARNING)  # the flows' progress lines; a failing page still raises
    call_command("migrate", verbosity=0)


def users_create() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    for username, role in USERS.items():
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))


def orders_seed(hub) -> tuple:
    """Two orders shipped and confirmed, one held for an unmapped carrier, one in the source."""
    from tests.browser import scenarios

    shipped = [scenarios.order_in_source(hub, sku=f"SB-000{n}") for n in (1, 2, 3)]
    scenarios.carrier_map(hub, "Royal Mail", "RM")
    for n, order in enumerate(shipped[:2]):
        scenarios.order_shipped(hub, order, carrier="Royal Mail", tracking=f"RM12345678{n}GB")
    held = scenarios.order_shipped(hub, shipped[2], carrier="Pigeon Post", tracking="PP-0042")
    scenarios.order_in_source(hub, sku="SB-0004", quantity=2)
    return shipped[0], held


def demo_seed() -> dict:
    """Every flow run once, orders in the states a person meets, a payout with a stray line.

    Returns the rows and paths the shots need.
    """
    from exceptions_queue.models import ExceptionItem
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.services.health import heartbeat_beat
    from tests.browser import scenarios

    hub = scenarios.sandbox_hub_make(setattr)
    for flow, body in FLOW_PASSES.items():  # every flow ran once: the home shows no red flows
        flow_pass_run(hub.integration, flow, body)
    hub.relay()
    users_create()
    order, held = orders_seed(hub)
    heartbeat_beat()
    _, stray = scenarios.payout_with_a_mistyped_line(hub.integration)
    return {
        "order": order,
        "held": held,
        "exception": ExceptionItem.objects.get(kind="unmapped_carrier"),
        "stray": stray,
        "payout": stray.integration.payouts.get(cycle_id="CYCLE-7"),
        "integration": hub.integration.name,
        "map_it": (
            f"/mappings/carriers/new/?integration={hub.integration.pk}"
            "&source_carrier=Pigeon+Post&source_service=Standard+delivery"
        ),
    }


def server_start():
    """The hub on 127.0.0.1, a free port, in a thread (static files served too)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def timeline_show(page, data: dict) -> None:
    page.get_by_role("heading", name="Timeline").scroll_into_view_if_needed()


def connection_test(page, data: dict) -> None:
    """The worker runs in-process here (django-q sync), so the result is there at once."""
    page.get_by_role("button", name="Test connection").click()
    page.wait_for_load_state()
    page.get_by_role("heading", name="Connection test").scroll_into_view_if_needed()


def search_box_fill(page, data: dict) -> None:
    page.get_by_role("searchbox").first.fill(data["order"].commercial_id)


SHOTS = [
    Shot("login", None, lambda d: "/login/"),
    Shot("ops-home", "ops", lambda d: "/"),
    Shot("ops-exceptions", "ops", lambda d: "/exceptions/"),
    Shot("ops-exception", "ops", lambda d: f"/exceptions/{d['exception'].pk}/"),
    Shot("ops-carrier-mappings", "ops", lambda d: "/mappings/carriers/"),
    Shot("ops-carrier-mapping-form", "ops", lambda d: d["map_it"]),
    Shot("ops-sku-map", "ops", lambda d: "/mappings/skus/"),
    Shot("ops-held-order", "ops", lambda d: f"/orders/{d['held'].pk}/"),
    Shot("cx-home", "cx", lambda d: "/", search_box_fill),
    Shot("cx-order", "cx", lambda d: f"/orders/{d['order'].pk}/"),
    Shot("cx-order-timeline", "cx", lambda d: f"/orders/{d['order'].pk}/", timeline_show),
    Shot("cx-orders", "cx", lambda d: "/orders/"),
    Shot("cx-denied", "cx", lambda d: "/mappings/carriers/", status=403),
    Shot("finance-home", "finance", lambda d: "/"),
    Shot("finance-payouts", "finance", lambda d: "/finance/"),
    Shot("finance-payout", "finance", lambda d: f"/finance/payouts/{d['payout'].pk}/"),
    Shot("finance-queue", "finance", lambda d: "/finance/queue/"),
    Shot("finance-line-match", "finance", lambda d: f"/finance/lines/{d['stray'].pk}/match/"),
    Shot("finance-margin", "finance", lambda d: "/finance/margin/"),
    Shot("admin-integrations", "admin", lambda d: "/integrations/"),
    Shot("admin-integration", "admin", lambda d: f"/integrations/{d['integration']}/"),
    Shot(
        "admin-integration-tested",
        "admin",
        lambda d: f"/integrations/{d['integration']}/",
        connection_test,
    ),  # fmt: skip
    Shot("admin-integration-new", "admin", lambda d: "/integrations/_new/"),
]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def shots_take(base_url: str, data: dict, only: set[str]) -> list[Path]:
    """One browser context per user (logged in once); a viewport-sized PNG per shot."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages: dict[str | None, object] = {}
        for shot in SHOTS:
            if only and shot.name not in only:
                continue
            if shot.user not in pages:
                pages[shot.user] = browser.new_context(viewport=VIEWPORT).new_page()
                if shot.user:
                    log_in(pages[shot.user], base_url, shot.user)
            page = pages[shot.user]
            response = page.goto(base_url + shot.path(data))
            if response.status != shot.status:
                raise RuntimeError(f"{shot.name}: {page.url} answered {response.status}")
            if shot.act:
                shot.act(page, data)
            path = IMAGES / f"{shot.name}.png"
            page.screenshot(path=str(path))
            taken.append(path)
        browser.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="shot names to retake")
    args = parser.parse_args()
    if not Path("/usr/bin/chromium").exists():
        print("needs Debian's Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="hub-guide-"))
    try:
        django_start(workdir)
        data = demo_seed()
        server = server_start()
        try:
            taken = shots_take(f"http://127.0.0.1:{server.port}", data, set(args.only))
        finally:
            server.terminate()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for path in taken:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
