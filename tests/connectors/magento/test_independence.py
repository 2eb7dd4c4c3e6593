"""The Magento sandbox is a second implementation: it imports nothing of the Magento client.

It may use Django, the standard library, the shared kit (``connectors.sandbox``) and itself;
not ``connectors.magento.<client, http, mapping, search, returns>``, the contract module
(``connectors.base``) nor the hub's apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[3]
SANDBOX = ROOT / "connectors/magento/sandbox"
PACKAGE = "connectors.magento.sandbox"
FORBIDDEN = (
    "connectors.magento",
    "connectors.base",
    "connectors.retrying",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def test_the_magento_sandbox_imports_nothing_of_the_client_or_the_hub():
    assert SANDBOX.is_dir()
    assert forbidden_imports(SANDBOX, PACKAGE, FORBIDDEN) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from connectors.magento import mapping\n", ["from connectors.magento import mapping"]),
        ("import connectors.magento.search\n", ["import connectors.magento.search"]),
        ("from connectors import magento\n", ["from connectors import magento"]),
        ("from ...returns import CENT\n", ["from ...returns import CENT"]),
        ("from ..errors import MagentoError\n", []),
        ("from connectors.base import Page\n", ["from connectors.base import Page"]),
        ("from connectors.magento.sandbox import models\n", []),
        ("from .errors import MagentoError\n", []),
        ("from connectors.sandbox.faults import fault_for\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/management/probe.py``."""
    folder = tmp_path / "management"
    folder.mkdir()
    (folder / "probe.py").write_text(source)
    found = forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)
    assert [entry.split(": ", 1)[1] for entry in found] == expected
