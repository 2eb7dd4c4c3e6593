"""The test suite's first authentication backend: django-axes, tolerant of request=None.

django-axes refuses ``authenticate()`` calls without a request (it needs the IP address).
Django's test ``Client.login()`` and a few tests call ``authenticate()`` without one; for those
calls there is no address to throttle, so this backend lets them through to ModelBackend.
Every request-carrying login (the login page) is throttled exactly as in production.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class AxesRequestOptionalBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # no request, nothing to throttle: the next backend decides
        return super().authenticate(request, username=username, password=password, **kwargs)
