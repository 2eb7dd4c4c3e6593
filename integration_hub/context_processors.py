from django.conf import settings
from django.http import HttpRequest


def hub(request: HttpRequest) -> dict:
    return {"hub_sandbox": settings.HUB_SANDBOX}
