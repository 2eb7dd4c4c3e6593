"""The five roles and their permissions, kept as Django groups.

Views check permissions (``integration_hub.<codename>``), never group names, so a deployment
can build its own groups. The data migrations call :func:`role_groups_sync`; call it again from
a new migration whenever this table changes.

The hub-wide permissions live on ``HubAccess``; the catalogue screens (issue 21) use the
models' own permissions: ``view_product`` opens the Listings screen, and the three catalogue
mappings have Django's view/add/change/delete each.
"""

from __future__ import annotations

OPS = "Ops"
FINANCE = "Finance"
CX = "CX"
MERCHANDISING = "Merchandising"
ADMIN = "Admin"

CATALOGUE_MAPPING_MODELS = ("categorymapping", "attributemapping", "valuemapping")
LISTINGS_VIEW = ["view_product"] + [f"view_{model}" for model in CATALOGUE_MAPPING_MODELS]
CATALOGUE_EDIT = [
    f"{action}_{model}"
    for model in CATALOGUE_MAPPING_MODELS
    for action in ("add", "change", "delete")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OPS: [
        "view_dashboard",
        "view_orders",
        "view_personal_data",
        "edit_mappings",
        "handle_exceptions",
        *LISTINGS_VIEW,
    ],
    FINANCE: ["view_dashboard", "view_orders", "view_finance", "reconcile", "export_finance"],
    CX: ["view_dashboard", "view_orders", "view_personal_data"],
    # Listings and catalogue mappings; the SKU map and orders read-only (no customer details,
    # no order or exception actions: a fixed mapping clears its listing exceptions by itself).
    MERCHANDISING: ["view_dashboard", "view_orders", *LISTINGS_VIEW, *CATALOGUE_EDIT],
    ADMIN: [
        "view_dashboard",
        "view_orders",
        "view_personal_data",
        "edit_mappings",
        "handle_exceptions",
        "view_finance",
        "reconcile",
        "export_finance",
        "configure_integrations",
        *LISTINGS_VIEW,
        *CATALOGUE_EDIT,
    ],
}


def _declared_codenames() -> set[str]:
    """Every permission the current code of the app declares (default and Meta ones)."""
    from django.apps import apps as live_apps

    declared: set[str] = set()
    for model in live_apps.get_app_config("integration_hub").get_models():
        options = model._meta
        declared.update(f"{action}_{options.model_name}" for action in options.default_permissions)
        declared.update(codename for codename, _name in options.permissions)
    return declared


def role_groups_sync(apps, schema_editor=None) -> None:
    """Create the role groups and set exactly their permissions (works with historical apps).

    An early migration runs this before later models exist: their permissions are left out
    then and set by the later migration that calls it again. A codename no model declares at
    all is a typo and fails.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label="integration_hub", codename__in=codenames
        )
        missing = set(codenames) - {p.codename for p in permissions}
        unknown = missing - _declared_codenames()
        if unknown:
            raise RuntimeError(f"permissions missing for role {role}: {sorted(unknown)}")
        group.permissions.set(permissions)
