from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "connectors.sandbox"
    label = "sandbox"
    verbose_name = "Sandboxes (shared)"
    default_auto_field = "django.db.models.BigAutoField"
