"""Every screen of the web app, for every role: allowed (200/302) or a 403 page."""

import pytest
from django.utils import timezone

from integration_hub.models import CarrierMapping, MarketplaceCarrier, Product
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

ROLES = ["Ops", "Finance", "CX", "Admin", None]
EVERYONE = {"Ops", "Finance", "CX", "Admin"}
MAPPERS = {"Ops", "Admin"}
ADMINS = {"Admin"}

# (method, url, roles allowed). {o} order, {p} product, {m} carrier mapping.
SCREENS = [
    ("get", "/", EVERYONE),
    ("get", "/search/?q=8817455903", EVERYONE),
    ("get", "/search/?q=nothing-like-it", EVERYONE),
    ("get", "/orders/", EVERYONE),
    ("get", "/orders/?_export=xlsx", EVERYONE),
    ("get", "/orders/{o}/", EVERYONE),
    ("get", "/mappings/skus/", EVERYONE),
    ("get", "/mappings/skus/?_export=xlsx", EVERYONE),
    ("get", "/mappings/skus/{p}/", EVERYONE),
    ("get", "/mappings/skus/export/acme.xlsx", EVERYONE),
    ("post", "/mappings/skus/{p}/edit/", MAPPERS),
    ("get", "/mappings/skus/import/", MAPPERS),
    ("get", "/mappings/carriers/", MAPPERS),
    ("get", "/mappings/carriers/new/", MAPPERS),
    ("get", "/mappings/carriers/{m}/", MAPPERS),
    ("get", "/mappings/carriers/history/", MAPPERS),
    ("get", "/mappings/carriers/import/", MAPPERS),
    ("get", "/mappings/carriers/export/acme.xlsx", MAPPERS),
    ("get", "/integrations/", ADMINS),
    ("get", "/integrations/_new/", ADMINS),
    ("get", "/integrations/acme/", ADMINS),
    ("get", "/integrations/acme/edit/", ADMINS),
    ("post", "/integrations/acme/test/", ADMINS),
    ("get", "/integrations/acme/test.json", ADMINS),
]


@pytest.fixture
def rows():
    integration = integration_make()
    order = order_make(integration)
    product = Product.objects.create(integration=integration, sku="SKU-1", ean="5012345678900")
    carrier = MarketplaceCarrier.objects.create(
        integration=integration, code="RM", label="Royal Mail", fetched_at=timezone.now()
    )
    mapping = CarrierMapping.objects.create(
        integration=integration, source_carrier="DPD", carrier=carrier
    )
    return {"o": order.pk, "p": product.pk, "m": mapping.pk}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), SCREENS)
def test_screen_permissions(client, role_user, rows, monkeypatch, role, method, url, allowed):
    monkeypatch.setattr(
        "integration_hub.services.connection_checks.connection_check_run", lambda pk: "stub"
    )
    client.force_login(role_user(role))
    response = getattr(client, method)(url.format(**rows))
    if role in allowed:
        assert response.status_code in (200, 302), response.content[:300]
    else:
        assert response.status_code == 403
        assert b"You don't have access to this page" in response.content


def test_anonymous_is_sent_to_login(client, rows):
    response = client.get("/search/?q=x")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("CX", ["Find an order", "Orders"], ["Carrier mappings", "Integrations"]),
        ("Ops", ["Carrier mappings", "SKU map", "Exceptions"], ["Integrations"]),
        ("Finance", ["Orders", "Exceptions"], ["Carrier mappings", "Integrations"]),
        ("Admin", ["Carrier mappings", "Integrations", "SKU map"], []),
    ],
)
def test_navigation_shows_only_what_the_role_may_open(client, role_user, role, shown, hidden):
    client.force_login(role_user(role))
    response = client.get("/")
    labels = [link["label"] for link in response.context["nav_links"]]
    nav = response.content.decode().split('id="main-nav"')[1].split("</nav>")[0]
    for label in shown:
        assert label in labels and f">{label}</a>" in nav
    for label in hidden:
        assert label not in labels and f">{label}</a>" not in nav


def test_finance_home_shows_payouts_and_variances(client, role_user):
    from django.apps import apps

    if not apps.is_installed("reconciliation"):
        pytest.skip("the reconciliation app is not installed")
    Payout = apps.get_model("reconciliation", "Payout")
    payout = Payout.objects.create(
        integration=integration_make(),
        cycle_id="CYCLE-7",
        amount_to_seller="100.00",
        variance="-2.50",
    )
    client.force_login(role_user("Finance"))
    body = client.get("/").content.decode()
    assert "CYCLE-7" in body and "−£2.50" in body and "£100.00" in body
    assert f'href="/finance/payouts/{payout.pk}/"' in body
    client.force_login(role_user("CX", "cx2"))
    assert "CYCLE-7" not in client.get("/").content.decode()
