"""Django's ``dumpdata``, skipping models that have no table (issue 18: it failed without flags).

``integration_hub.HubAccess`` only holds the role permissions (``managed = False``, no table);
Django's own command would query it and stop with "no such table". Every other option and
behaviour is Django's.
"""

from django.apps import apps
from django.core.management.commands import dumpdata


class Command(dumpdata.Command):
    def handle(self, *app_labels, **options):
        tableless = [m._meta.label for m in apps.get_models() if not m._meta.managed]
        options["exclude"] = [*options.get("exclude", []), *tableless]
        return super().handle(*app_labels, **options)
