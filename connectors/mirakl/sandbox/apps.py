from django.apps import AppConfig


class MiraklSandboxConfig(AppConfig):
    name = "connectors.mirakl.sandbox"
    label = "mirakl_sandbox"
    verbose_name = "Mirakl sandbox (John Lewis Marketplace)"
    default_auto_field = "django.db.models.BigAutoField"
