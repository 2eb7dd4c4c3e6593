"""The SCAYLE sandbox is a second implementation: it imports nothing of the connector.

Parsing and serialising are written twice on purpose (from SCAYLE's published material, see
tests/contracts/scayle/), so that one can catch the other's mistakes. The sandbox may use
Django, the standard library, ``requests``, the shared kit (``connectors.sandbox``) and itself;
not ``connectors.scayle.<contract, client, mapping, cursors, http, webhooks>`` nor the hub.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[3]
SANDBOX = ROOT / "connectors/scayle/sandbox"
PACKAGE = "connectors.scayle.sandbox"
FORBIDDEN = (
    "connectors.scayle",
    "connectors.base",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def test_the_sandbox_imports_nothing_of_the_connector_or_the_hub():
    assert SANDBOX.is_dir()
    assert forbidden_imports(SANDBOX, PACKAGE, FORBIDDEN) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from connectors.scayle import contract\n", ["from connectors.scayle import contract"]),
        (
            "from connectors.scayle.cursors import parse_time_or_none\n",
            ["from connectors.scayle.cursors import parse_time_or_none"],
        ),
        ("from connectors import scayle\n", ["from connectors import scayle"]),
        ("from ...webhooks import webhook_verify\n", ["from ...webhooks import webhook_verify"]),
        ("from connectors.scayle.sandbox import serializers\n", []),
        ("from .. import models\n", []),
        ("from connectors.sandbox.faults import sandbox_now\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/management/probe.py``."""
    folder = tmp_path / "management"
    folder.mkdir()
    (folder / "probe.py").write_text(source)
    found = forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)
    assert [entry.split(": ", 1)[1] for entry in found] == expected
