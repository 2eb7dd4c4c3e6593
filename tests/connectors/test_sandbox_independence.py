"""Every sandbox is a second implementation: it imports nothing of its connector or the hub.

Parsing and serialising are written twice on purpose (the sandbox from the vendor's published
material, see tests/contracts/<vendor>/), so that one can catch the other's mistakes. A sandbox
may use Django, the standard library, ``requests``, the shared kit (``connectors.sandbox``) and
itself; not ``connectors.<vendor>.<client, http, parse, mapping, ...>``, ``connectors.base`` nor
the hub's apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("mirakl", "shopify", "magento", "fulfil", "scayle", "seko")
# The connectors' own shared code is the client side too; only connectors.sandbox is the kit.
HUB = (
    "connectors.base",
    "connectors.http",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def _forbidden(vendor: str) -> tuple[str, ...]:
    return (f"connectors.{vendor}", *HUB)


def test_every_sandbox_is_checked():
    found = {p.parent.name for p in (ROOT / "connectors").glob("*/sandbox") if p.is_dir()}
    assert found == set(VENDORS)


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_sandbox_imports_nothing_of_its_connector_or_the_hub(vendor):
    sandbox = ROOT / "connectors" / vendor / "sandbox"
    assert sandbox.is_dir()
    assert forbidden_imports(sandbox, f"connectors.{vendor}.sandbox", _forbidden(vendor)) == []


DYNAMIC = "import importlib\nimportlib.import_module('connectors.{v}.http')\n"
PROBES = [
    ("from connectors.{v} import client\n", ["from connectors.{v} import client"]),
    ("import connectors.{v}.mapping\n", ["import connectors.{v}.mapping"]),
    ("from connectors import {v}\n", ["from connectors import {v}"]),
    (
        "def f():\n    from connectors.{v}.http import X\n",
        ["from connectors.{v}.http import X"],
    ),
    ("from ... import http\n", ["from ... import http"]),
    ("from ...webhooks import verify\n", ["from ...webhooks import verify"]),
    (DYNAMIC, ["importlib.import_module('connectors.{v}.http')"]),
    ("from connectors.base import Address\n", ["from connectors.base import Address"]),
    ("from integration_hub.models import Order\n", ["from integration_hub.models import Order"]),
    ("from connectors.{v} import sandbox\n", []),
    ("from connectors.{v}.sandbox import services\n", []),
    ("from connectors.{v}.sandbox.models import Thing\n", []),
    ("from .. import models\n", []),
    ("from .base import helper\n", []),
    ("from connectors.sandbox.faults import sandbox_now\n", []),
    ("import json\nfrom django.db import models\n", []),
]


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(("source", "expected"), PROBES)
def test_the_check_catches_a_forbidden_import(tmp_path, vendor, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/views/probe.py``."""
    views = tmp_path / "views"
    views.mkdir()
    (views / "probe.py").write_text(source.format(v=vendor))
    found = forbidden_imports(tmp_path, f"connectors.{vendor}.sandbox", _forbidden(vendor))
    assert [entry.split(": ", 1)[1] for entry in found] == [e.format(v=vendor) for e in expected]
