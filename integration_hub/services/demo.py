"""The sandbox demo: demo users for every role and a demo integration wired to the sandboxes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from integration_hub import roles
from integration_hub.models import CallLimitMode, Integration

DEMO_USERS = {
    "ops": roles.OPS,
    "merch": roles.MERCHANDISING,
    "finance": roles.FINANCE,
    "cx": roles.CX,
    "admin": roles.ADMIN,
}
DEMO_INTEGRATION = "demo"


def demo_users_ensure(*, reset_passwords: bool = False) -> dict[str, str]:
    """Create the demo users; returns {username: password} for users created or reset now."""
    User = get_user_model()
    created: dict[str, str] = {}
    for username, role in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@demo.invalid")
            user.is_staff = user.is_superuser = role == roles.ADMIN
        elif not reset_passwords:
            continue
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        created[username] = password
    return created


def demo_integration_ensure(*, source_kind: str) -> Integration:
    """The demo integration, pointed at this hub's own sandboxes (HUB_SANDBOX=1 only).

    Seeds the marketplace sandbox and the source's; switching the source kind, or serving the
    hub on another address (``BIND=host:port make run``), repoints it.
    """
    if not settings.HUB_SANDBOX:
        raise ImproperlyConfigured("the demo needs HUB_SANDBOX=1 (it talks to the sandboxes)")
    from integration_hub.demo_sandbox import SOURCE_PATHS, demo_sandboxes_seed

    marketplace_key, credentials, options = demo_sandboxes_seed(source_kind)
    base = settings.HUB_BASE_URL
    defaults = {
        "source_kind": source_kind,
        "source_url": f"{base}/sandbox/{source_kind}{SOURCE_PATHS.get(source_kind, '')}",
        "source_credentials": credentials,
        "source_options": options,
        "marketplace_url": f"{base}/sandbox/mirakl",
        "marketplace_credentials": {"api_key": marketplace_key},
        "call_limit_mode": CallLimitMode.SPEC,
        "default_buffer": 2,
        "catalogue_enabled": True,
    }
    with transaction.atomic():
        integration, created = Integration.objects.get_or_create(
            name=DEMO_INTEGRATION, defaults=defaults
        )
        moved = integration.marketplace_url != defaults["marketplace_url"]  # BIND changed
        if not created and (integration.source_kind != source_kind or moved):
            switched = integration.source_kind != source_kind
            for key, value in defaults.items():
                setattr(integration, key, value)
            integration.save()
            if switched:  # the old source's SKU map and read positions mean nothing to it
                integration.products.all().delete()
                integration.cursors.all().delete()
                for mappings in ("category", "attribute", "value"):  # its field names differ
                    getattr(integration, f"{mappings}_mappings").all().delete()
    from integration_hub.demo_catalogue import demo_catalogue_map

    demo_catalogue_map(integration)
    return integration
