"""Magento's error shape: ``{"message": "... %1 ...", "parameters": [...]}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.http import JsonResponse

NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
NO_SUCH_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."
REQUIRED = '"%fieldName" is required. Enter and try again.'


class MagentoError(Exception):
    """Raised by sandbox services and views; rendered with Magento's status and body."""

    def __init__(self, status: int, message: str, parameters: Sequence | Mapping = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def response(self) -> JsonResponse:
        body = {"message": self.message, "parameters": self.parameters}
        return JsonResponse(body, status=self.status)


def no_such_entity(field_name: str, value: object) -> MagentoError:
    return MagentoError(404, NO_SUCH_ENTITY, {"fieldName": field_name, "fieldValue": value})


def required(field_name: str) -> MagentoError:
    return MagentoError(400, REQUIRED, {"fieldName": field_name})
