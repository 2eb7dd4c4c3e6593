"""Sandbox URL mounts, included under /sandbox/ only when HUB_SANDBOX=1.

Each system's sandbox adds one line here: path("<system>/", include("connectors.<system>.sandbox.urls")).
"""

from django.urls import path  # noqa: F401  (used by the mounts below)
from django.urls import include  # noqa: F401

urlpatterns: list = []
