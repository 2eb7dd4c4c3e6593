"""The SEKO sandbox is a second implementation: it imports nothing of the SEKO connector.

It may use Django, the standard library, the shared kit (``connectors.sandbox``) and itself;
not ``connectors.seko.<client, contract, http, mapping, returns, webhooks>``, the contract
module (``connectors.base``) nor the hub's apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[3]
SANDBOX = ROOT / "connectors/seko/sandbox"
PACKAGE = "connectors.seko.sandbox"
FORBIDDEN = (
    "connectors.seko",
    "connectors.base",
    "connectors.retrying",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def test_the_seko_sandbox_imports_nothing_of_the_connector_or_the_hub():
    assert forbidden_imports(SANDBOX, PACKAGE, FORBIDDEN) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from connectors.seko import contract\n", ["from connectors.seko import contract"]),
        ("import connectors.seko.mapping\n", ["import connectors.seko.mapping"]),
        ("def f():\n    from connectors.seko.webhooks import push_signature\n", 1),
        ("from ... import http\n", ["from ... import http"]),
        ("from connectors.seko.sandbox import services\n", []),
        ("from connectors.sandbox.faults import fault_for\n", []),
        ("from .services import now\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/management/probe.py``."""
    folder = tmp_path / "management"
    folder.mkdir()
    (folder / "probe.py").write_text(source)
    found = [entry.split(": ", 1)[1] for entry in forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)]
    assert (len(found) if isinstance(expected, int) else found) == expected
