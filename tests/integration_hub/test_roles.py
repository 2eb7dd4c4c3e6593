"""Every screen × every role: allowed (200), denied (403) or sent to log in (302)."""

import pytest
from django.contrib.auth.models import Group

from integration_hub.models import PersonalDataAccess
from integration_hub.roles import ROLE_PERMISSIONS
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

ROLES = ["Ops", "Finance", "CX", "Admin", None]

# screen -> roles allowed to see it
SCREENS = {
    "/": {"Ops", "Finance", "CX", "Admin"},
    "/orders/": {"Ops", "Finance", "CX", "Admin"},
    "/orders/{order}/": {"Ops", "Finance", "CX", "Admin"},
    "/integrations/": {"Admin"},
    "/integrations/acme/": {"Admin"},
}


def test_groups_hold_exactly_the_role_permissions():
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(codenames)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_permissions(client, role_user, role, screen):
    integration = integration_make()
    order = order_make(integration)
    client.force_login(role_user(role))
    response = client.get(screen.format(order=order.pk))
    expected = 200 if role in SCREENS[screen] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("screen", list(SCREENS))
def test_anonymous_is_sent_to_log_in(client, screen):
    integration = integration_make()
    order = order_make(integration)
    response = client.get(screen.format(order=order.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_and_health_are_public(client):
    assert client.get("/login/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def test_denied_page_explains_itself(client, role_user):
    client.force_login(role_user("CX"))
    response = client.get("/integrations/")
    assert response.status_code == 403
    assert "Your role does not include this screen" in response.content.decode()


def test_navigation_only_shows_allowed_screens(client, role_user):
    client.force_login(role_user("CX"))
    body = client.get("/").content.decode()
    assert 'href="/orders/"' in body
    assert 'href="/integrations/"' not in body


@pytest.mark.parametrize(
    ("role", "sees_address"), [("CX", True), ("Ops", True), ("Finance", False)]
)
def test_personal_data_only_for_roles_that_need_it_and_logged(
    client, role_user, role, sees_address
):
    order = order_make(integration_make())
    user = role_user(role)
    client.force_login(user)
    body = client.get(f"/orders/{order.pk}/").content.decode()
    assert ("12 Byron Road" in body) is sees_address
    assert PersonalDataAccess.objects.filter(user=user, order=order).exists() is sees_address
    if not sees_address:
        assert "Customer details are hidden for your role" in body


def test_login_with_password_reaches_the_dashboard(client, role_user):
    role_user("Ops", username="olivia")
    response = client.post("/login/", {"username": "olivia", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused(client, role_user):
    role_user("Ops", username="olivia")
    response = client.post("/login/", {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
