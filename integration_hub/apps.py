from django.apps import AppConfig


class IntegrationHubConfig(AppConfig):
    name = "integration_hub"
    verbose_name = "Integration Hub"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integration_hub.flows.handlers import handlers_register

        handlers_register()
