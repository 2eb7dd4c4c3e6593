from django.apps import AppConfig


class SekoSandboxConfig(AppConfig):
    name = "connectors.seko.sandbox"
    label = "seko_sandbox"
    verbose_name = "Sandbox: SEKO Logistics (iHub)"
    default_auto_field = "django.db.models.BigAutoField"
