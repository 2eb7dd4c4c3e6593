from django.apps import AppConfig


class FulfilSandboxConfig(AppConfig):
    name = "connectors.fulfil.sandbox"
    label = "fulfil_sandbox"
    verbose_name = "Fulfil sandbox (ERP)"
    default_auto_field = "django.db.models.BigAutoField"
