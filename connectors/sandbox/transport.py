"""A `requests` transport that answers from the Django app in this process.

Mount it on a ``requests.Session`` to drive a real HTTP client against a sandbox end to end
without sockets or threads (tests, `hub bench`); the calls share the caller's database
connection and transaction::

    session = requests.Session()
    session.mount("http://sandbox.test", DjangoAppAdapter())
"""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class DjangoAppAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.client = Client(raise_request_exception=True)
        self.calls: list[tuple[str, str]] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        skipped = ("content-length", "host")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skipped}
        content_type = headers.pop("Content-Type", "application/octet-stream")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        self.calls.append((request.method, path))
        django_response = self.client.generic(
            request.method, path, data=body, content_type=content_type, headers=headers
        )
        return self._to_requests(request, django_response)

    @staticmethod
    def _to_requests(request, django_response) -> requests.Response:
        response = requests.Response()
        response.status_code = django_response.status_code
        response.headers = CaseInsensitiveDict(dict(django_response.items()))
        response.raw = BytesIO(django_response.content)
        response._content = django_response.content
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
