from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    """The database cache backs the call limiters when no Redis is configured."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("integration_hub", "0002_role_groups")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
