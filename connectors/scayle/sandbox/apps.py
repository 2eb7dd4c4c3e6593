from django.apps import AppConfig


class ScayleSandboxConfig(AppConfig):
    name = "connectors.scayle.sandbox"
    label = "scayle_sandbox"
    verbose_name = "Sandbox: SCAYLE"
    default_auto_field = "django.db.models.BigAutoField"
