"""Reconciliation tests reuse the hub wired to the in-process sandboxes (``hub``)."""

from tests.integration_hub.flows.conftest import hub  # noqa: F401 - a fixture
