from django.db import migrations

from integration_hub.roles import role_groups_sync


def noop(apps, schema_editor):
    """Groups are left in place on reverse: people may have been added to them."""


class Migration(migrations.Migration):
    """The Merchandising role, and the catalogue screens' permissions for Ops and Admin."""

    dependencies = [("integration_hub", "0014_catalogue_publishing")]

    operations = [migrations.RunPython(role_groups_sync, noop)]
