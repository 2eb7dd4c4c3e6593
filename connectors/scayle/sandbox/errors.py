"""SCAYLE's error shape: ``{"errors": [{"errorKey", "message", "context"}]}``."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import JsonResponse


def error_body(status: int, message: str, error_key: str = "", context: Mapping | None = None):
    """The body SCAYLE answers with; also the shape fault injection uses."""
    key = error_key or {
        429: "RATE_LIMIT_EXCEEDED",
        500: "INTERNAL_SERVER_ERROR",
        503: "SERVICE_UNAVAILABLE",
    }.get(status, "ERROR")
    return {"errors": [{"errorKey": key, "message": message, "context": dict(context or {})}]}


class ScayleError(Exception):
    """Raised by sandbox services and views; rendered with SCAYLE's status and body."""

    def __init__(
        self, status: int, error_key: str, message: str, context: Mapping | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_key = error_key
        self.message = message
        self.context = dict(context or {})

    def response(self) -> JsonResponse:
        body = error_body(self.status, self.message, self.error_key, self.context)
        return JsonResponse(body, status=self.status)


def not_found(entity: str, identifier: object) -> ScayleError:
    return ScayleError(
        404,
        f"{entity.upper()}_NOT_FOUND",
        f"{entity.capitalize()} with identifier '{identifier}' not found.",
        {"identifier": str(identifier)},
    )
