"""HTTP for the Magento 2 REST API on :class:`connectors.http.HttpClient`: Magento's quirks.

Errors come as ``{"message": "... %1 ...", "parameters": [...]}`` (or named ``%fieldName``
placeholders with a dict), rendered so the hub shows the sentence a person can act on. The
bearer token lives in the session headers; numbers stay as Magento sends them (attribute
values may be floats); writes are single attempts (the order flow looks again instead).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import requests

from connectors.http import Call, HttpClient

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%(\w+)")


def message_render(body: Any) -> str:
    """Magento's error sentence with ``%1`` / ``%name`` replaced by its parameters."""
    if not isinstance(body, Mapping):
        return ""
    parameters = body.get("parameters") or []
    if isinstance(parameters, list):  # %1, %2 ...
        parameters = {index + 1: value for index, value in enumerate(parameters)}
    lookup = {str(k): v for k, v in parameters.items()} if isinstance(parameters, Mapping) else {}

    def render(match: re.Match) -> str:
        return str(lookup.get(match.group(1), match.group(0)))

    return _PLACEHOLDER.sub(render, str(body.get("message", "")))


class MagentoHttp(HttpClient):
    """A thin REST caller bound to one store: ``/rest/<store_code>/V1/<path>``."""

    vendor = "Magento"
    retry_writes = False  # the cart flow looks the order up after any failed write
    decimal_numbers = False
    detail_is_body = True

    def __init__(
        self, *, base_url: str, store_code: str, token: str, read_attempts: int = 3, **options: Any
    ) -> None:
        """``options``: ``session``, ``timeout``, ``sleep`` (see :class:`HttpClient`)."""
        super().__init__(secrets=(token,), max_attempts=read_attempts, logger=logger, **options)
        self.api_root = f"{base_url.rstrip('/')}/rest/{store_code}/V1"
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )

    def read(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET with bounded, jittered retries on transient failures."""
        url = f"{self.api_root}/{path.lstrip('/')}"
        return self.send(Call("GET", url, f"GET {path}", params=params))

    def write(self, method: str, path: str, body: Any = None) -> Any:
        """A single attempt: writes are never blindly repeated (the caller re-checks)."""
        url, what = f"{self.api_root}/{path.lstrip('/')}", f"{method} {path}"
        return self.send(Call(method, url, what, json_body=body, idempotent=False))

    def error_fields(self, response: requests.Response) -> tuple[str, str]:
        return message_render(self.body_or_none(response)) or response.reason or "", ""
