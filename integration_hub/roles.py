"""The four roles and their permissions, kept as Django groups.

Views check permissions (``integration_hub.<codename>``), never group names, so a deployment
can build its own groups. The data migration calls :func:`role_groups_sync`; call it again from
a new migration whenever this table changes.
"""

from __future__ import annotations

OPS = "Ops"
FINANCE = "Finance"
CX = "CX"
ADMIN = "Admin"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OPS: [
        "view_dashboard",
        "view_orders",
        "view_personal_data",
        "edit_mappings",
        "handle_exceptions",
    ],
    FINANCE: ["view_dashboard", "view_orders", "view_finance", "reconcile", "export_finance"],
    CX: ["view_dashboard", "view_orders", "view_personal_data"],
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
    ],
}


def role_groups_sync(apps, schema_editor=None) -> None:
    """Create the role groups and set exactly their permissions (works with historical apps)."""
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
        if missing:
            raise RuntimeError(f"permissions missing for role {role}: {sorted(missing)}")
        group.permissions.set(permissions)
