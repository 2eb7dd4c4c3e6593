"""Fixtures of the Magento connector contract tests."""

from __future__ import annotations

import pytest

from connectors.magento import MagentoConnector
from tests.connectors.magento.support import make


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the connector's retries asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def connector(sleeps) -> MagentoConnector:
    return make(sleeps)
