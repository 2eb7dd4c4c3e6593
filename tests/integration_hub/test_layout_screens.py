"""The shared layout: money, local times, static files served locally, no inline scripts."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from integration_hub.templatetags.hub import ago, money, tracking_link, when

TEMPLATES = Path(settings.BASE_DIR) / "templates"
MY_TEMPLATES = [
    "base.html",
    "dashboard.html",
    "search.html",
    "_search_box.html",
    "orders",
    "integrations",
    "mappings",
]


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("59.9"), "GBP", "£59.90"),
        (Decimal("1234.5"), "EUR", "€1,234.50"),
        (Decimal("-5"), "GBP", "−£5.00"),
        (Decimal("10"), "CHF", "10.00 CHF"),
        (None, "GBP", "—"),
    ],
)
def test_money_shows_the_currency(amount, currency, shown):
    assert money(amount, currency) == shown


def test_times_are_shown_in_the_hub_zone_with_its_name():
    summer = dt.datetime(2026, 7, 1, 11, 30, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 11, 30, tzinfo=dt.UTC)
    assert when(summer) == "01 Jul 2026 12:30 BST"
    assert when(winter) == "01 Dec 2026 11:30 GMT"
    assert when(None) == "—"


def test_tracking_link_fills_in_the_mirakl_placeholder():
    pattern = "https://ups.example/track?trackNums={trackingId}"
    assert tracking_link(pattern, "1Z99") == "https://ups.example/track?trackNums=1Z99"
    assert tracking_link("", "1Z99") == ""
    assert tracking_link("javascript:alert('{trackingId}')", "1Z99") == ""


def test_static_files_are_served_by_whitenoise_without_a_cdn():
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    order = settings.MIDDLEWARE.index
    whitenoise = order("whitenoise.middleware.WhiteNoiseMiddleware")
    assert order("django.middleware.security.SecurityMiddleware") < whitenoise
    assert whitenoise < order("django.contrib.sessions.middleware.SessionMiddleware")
    base = (TEMPLATES / "base.html").read_text()
    assert "http://" not in base and "https://" not in base  # nothing from outside


def _template_files():
    for name in MY_TEMPLATES:
        path = TEMPLATES / name
        yield from (sorted(path.rglob("*.html")) if path.is_dir() else [path])


@pytest.mark.parametrize("path", list(_template_files()), ids=lambda p: p.name)
def test_no_inline_script_or_event_handler(path):
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "style=" not in text, "inline style"


@pytest.mark.django_db
def test_layout_has_skip_link_breadcrumbs_and_flash_messages(client, role_user):
    from integration_hub.models import Product
    from tests.integration_hub.factories import integration_make

    product = Product.objects.create(integration=integration_make(), sku="SKU-1")
    client.force_login(role_user("Ops"))
    response = client.post(
        f"/mappings/skus/{product.pk}/edit/",
        {"offer_sku": "JL-1", "buffer_override": ""},
        follow=True,
    )
    body = response.content.decode()
    assert '<a class="skip" href="#main">Skip to content</a>' in body
    assert 'aria-label="Breadcrumb"' in body and 'href="/mappings/skus/"' in body
    assert 'class="flash flash-success"' in body and "SKU SKU-1 saved." in body
    assert 'aria-current="page"' in body
    assert "Times are shown in Europe/London." in body


@pytest.mark.django_db
def test_empty_states_say_what_to_do(client, role_user):
    client.force_login(role_user("Admin"))
    assert (
        "the SKU map fills from the source catalogue"
        in client.get("/mappings/skus/").content.decode()
    )
    assert "new orders appear once the orders flow" in client.get("/orders/").content.decode()
    assert 'Press "Add an integration"' in client.get("/integrations/").content.decode()


@pytest.mark.django_db
def test_tables_sort_and_page(client, role_user):
    from tests.integration_hub.factories import integration_make, order_make

    integration = integration_make()
    for n in range(55):
        order_make(integration, f"{1000 + n}")
    client.force_login(role_user("CX"))
    first = client.get("/orders/", {"sort": "commercial_id"})
    assert [r.record.commercial_id for r in first.context["table"].page.object_list][:2] == [
        "1000",
        "1001",
    ]
    assert first.context["table"].page.paginator.num_pages == 2
    desc = client.get("/orders/", {"sort": "-commercial_id"})
    assert desc.context["table"].page.object_list[0].record.commercial_id == "1054"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "never"),
        (12, "just now"),
        (2_755, "45 min ago"),
        (3_600, "1 h ago"),
        (3 * 3_600 + 300, "3 h 5 min ago"),
        (5 * 86_400, "5 days ago"),
    ],
)
def test_durations_are_said_in_words(seconds, words):
    assert ago(seconds) == words
