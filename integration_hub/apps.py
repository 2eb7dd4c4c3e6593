from django.apps import AppConfig


class IntegrationHubConfig(AppConfig):
    name = "integration_hub"
    verbose_name = "Integration Hub"
    default_auto_field = "django.db.models.BigAutoField"
