"""The Shopify sandbox is a second implementation: it imports nothing of the connector.

Parsing, serialising and signing are written twice on purpose, so that one can catch the
other. The sandbox may use Django, graphql-core, the standard library, the shared kit
(``connectors.sandbox``) and itself; not ``connectors.shopify.<client, mapping, webhooks,
...>`` nor the hub's apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[3]
SANDBOX = ROOT / "connectors/shopify/sandbox"
PACKAGE = "connectors.shopify.sandbox"
FORBIDDEN = (
    "connectors.shopify",
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
        (
            "from connectors.shopify.webhooks import webhook_signature\n",
            ["from connectors.shopify.webhooks import webhook_signature"],
        ),
        ("from connectors.shopify import mapping\n", ["from connectors.shopify import mapping"]),
        ("import connectors.shopify.graphql\n", ["import connectors.shopify.graphql"]),
        ("from connectors import shopify\n", ["from connectors import shopify"]),
        ("from .. import cursors\n", ["from .. import cursors"]),
        ("from connectors.shopify.sandbox import services\n", []),
        ("from .nodes import OrderNode\n", []),
        ("from connectors.sandbox.faults import sandbox_now\n", []),
        ("import graphql\nfrom django.db import models\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/probe.py``."""
    (tmp_path / "probe.py").write_text(source)
    found = forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)
    assert [entry.split(": ", 1)[1] for entry in found] == expected
