from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns, refunds and cancellations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from returns.flows.handlers import handlers_register

        handlers_register()
