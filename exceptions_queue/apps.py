from django.apps import AppConfig


class ExceptionsQueueConfig(AppConfig):
    name = "exceptions_queue"
    verbose_name = "Exceptions queue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exceptions_queue import checks  # noqa: F401  (registers the settings check)
