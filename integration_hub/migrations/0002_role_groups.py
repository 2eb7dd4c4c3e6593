from django.db import migrations

from integration_hub.roles import role_groups_sync


def noop(apps, schema_editor):
    """Groups are left in place on reverse: people may have been added to them."""


class Migration(migrations.Migration):
    dependencies = [
        ("integration_hub", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(role_groups_sync, noop)]
