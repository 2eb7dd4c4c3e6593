"""The Fulfil sandbox is a second implementation: it imports nothing of the Fulfil connector.

Its JSON codec, webhook signing and field names are written apart from ``connectors.fulfil``
on purpose, so that one can catch the other's mistakes. The sandbox may use Django, the
standard library, the shared kit (``connectors.sandbox``) and itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[3]
SANDBOX = ROOT / "connectors/fulfil/sandbox"
PACKAGE = "connectors.fulfil.sandbox"
FORBIDDEN = (
    "connectors.fulfil",
    "connectors.base",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def test_the_sandbox_imports_nothing_of_the_connector_or_the_hub():
    assert forbidden_imports(SANDBOX, PACKAGE, FORBIDDEN) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from connectors.fulfil.http import json_loads\n",
            ["from connectors.fulfil.http import json_loads"],
        ),
        ("from connectors.fulfil import contract\n", ["from connectors.fulfil import contract"]),
        ("import connectors.fulfil.mapping\n", ["import connectors.fulfil.mapping"]),
        ("from .. import http\n", ["from .. import http"]),
        ("from connectors.fulfil.sandbox import codec\n", []),
        ("from connectors.sandbox.faults import sandbox_now\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/probe.py``."""
    (tmp_path / "probe.py").write_text(source)
    found = forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)
    assert [entry.split(": ", 1)[1] for entry in found] == expected
