"""Start-up checks: a typo in the alert settings stops `migrate`/`check` instead of silencing
alerts later (planning alerts never raises into a flow, so it would go unnoticed)."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def alert_settings_check(app_configs, **kwargs):
    from exceptions_queue.alerts import alert_thresholds, quiet_hours

    try:
        alert_thresholds()
        quiet_hours()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="exceptions_queue.E001")]
    return []
