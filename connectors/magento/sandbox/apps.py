from django.apps import AppConfig


class MagentoSandboxConfig(AppConfig):
    name = "connectors.magento.sandbox"
    label = "magento_sandbox"
    verbose_name = "Sandbox: Magento 2"
    default_auto_field = "django.db.models.BigAutoField"
