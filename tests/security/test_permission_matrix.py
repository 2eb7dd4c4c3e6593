"""Every URL × every role × GET/POST -> the status written in permission_matrix.py.

The first test fails when a URL pattern has no entry in the matrix (or an entry names a URL
that no longer exists), so a new screen cannot ship with untested permissions.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.permission_matrix import ANONYMOUS, MATRIX, ROLES, World

SKIPPED_PREFIXES = ("admin/", "sandbox/", "static/", "media/")


def url_names(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every named URL pattern the resolver knows -> its route, except admin/sandbox/static."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    found: dict[str, str] = {}
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(url_names(entry.url_patterns, route, inner))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed: {route}>"
            found[name] = route
    return found


def cases() -> list[tuple[str, str, str]]:
    return [
        (name, method, role)
        for name, entry in MATRIX.items()
        for method in ("GET", "POST")
        if entry.get(method) is not None
        for role in ROLES
    ]


def test_every_url_pattern_has_a_matrix_entry():
    known = url_names()
    missing = sorted(set(known) - set(MATRIX))
    assert not missing, (
        "URL patterns without an entry in tests/security/permission_matrix.py (add one per "
        f"URL name; see the top of that file): {[(name, known[name]) for name in missing]}"
    )
    stale = sorted(set(MATRIX) - set(known))
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


def test_every_entry_is_complete():
    for name, entry in MATRIX.items():
        assert {"kwargs", "GET", "POST"} <= set(entry), f"{name}: needs kwargs, GET and POST"
        for method in ("GET", "POST"):
            if entry[method] is not None:
                assert set(entry[method]) == set(ROLES), f"{name} {method}: one status per role"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role"), cases())
def test_status(client, django_user_model, name, method, role):
    entry = MATRIX[name]
    world = World()
    url = reverse(name, kwargs={key: world.resolve(spec) for key, spec in entry["kwargs"].items()})
    if role != ANONYMOUS:
        user = django_user_model.objects.create_user(username=f"matrix-{role.lower()}")
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
    data = entry.get("data", {})
    response = client.get(url) if method == "GET" else client.post(url, data)
    expected = entry[method][role]
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed, f"{method} {url} as {role}"
    if (
        response.status_code == 302
        and role == ANONYMOUS
        and expected == 302
        and "login" not in name
    ):
        assert response["Location"].startswith(reverse("login")), "anonymous must go to log in"
    if response.status_code == 403:
        assert "Your role does not include this screen" in response.content.decode()


# --- the personal data access log (issue 18) -------------------------------------------------


def test_an_order_opened_in_the_django_admin_is_logged(client, django_user_model):
    from integration_hub.models import PersonalDataAccess
    from tests.integration_hub.factories import integration_make, order_make

    order = order_make(integration_make())
    superuser = django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(superuser)
    response = client.get(f"/admin/integration_hub/order/{order.pk}/change/")
    assert response.status_code == 200
    logged = PersonalDataAccess.objects.get()
    assert (logged.user, logged.order, logged.path) == (
        superuser,
        order,
        response.request["PATH_INFO"],
    )


def test_the_access_log_is_append_only_even_for_a_superuser(client, django_user_model):
    from integration_hub.models import PersonalDataAccess
    from tests.integration_hub.factories import integration_make, order_make

    order = order_make(integration_make())
    superuser = django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
    entry = PersonalDataAccess.objects.create(user=superuser, order=order, path="/orders/1/")
    client.force_login(superuser)
    base = "/admin/integration_hub/personaldataaccess"
    assert client.get(f"{base}/").status_code == 200  # it can be read
    assert client.post(f"{base}/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}/add/").status_code == 403
    with pytest.raises(PermissionError):
        entry.delete()
    entry.path = "/elsewhere/"
    with pytest.raises(PermissionError):
        entry.save()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        order.delete()  # deleting the order would have taken its access log with it
    assert PersonalDataAccess.objects.filter(pk=entry.pk, path="/orders/1/").exists()
