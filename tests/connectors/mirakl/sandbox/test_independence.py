"""The sandbox is a second implementation: it imports nothing of the Mirakl client.

Parsing and serialising are written twice on purpose, so that one can catch the other. The
sandbox may use Django, the standard library, the shared kit (``connectors.sandbox``) and
itself; not ``connectors.mirakl.<client, parse, http, dtos, ...>`` nor the hub's apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import forbidden_imports

ROOT = Path(__file__).resolve().parents[4]
SANDBOX = ROOT / "connectors/mirakl/sandbox"
PACKAGE = "connectors.mirakl.sandbox"
FORBIDDEN = (
    "connectors.mirakl",
    "connectors.base",
    "integration_hub",
    "reconciliation",
    "exceptions_queue",
    "returns",
)


def test_the_sandbox_imports_nothing_of_the_client_or_the_hub():
    assert forbidden_imports(SANDBOX, PACKAGE, FORBIDDEN) == []


DYNAMIC = "import importlib\nimportlib.import_module('connectors.mirakl.http')\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from connectors.mirakl import parse\n", ["from connectors.mirakl import parse"]),
        ("import connectors.mirakl.client\n", ["import connectors.mirakl.client"]),
        ("from connectors import mirakl\n", ["from connectors import mirakl"]),
        (
            "def f():\n    from connectors.mirakl.dtos import Offer\n",
            ["from connectors.mirakl.dtos import Offer"],
        ),
        ("from ... import http\n", ["from ... import http"]),
        ("from ...parse import offer\n", ["from ...parse import offer"]),
        (DYNAMIC, ["importlib.import_module('connectors.mirakl.http')"]),
        (
            "from integration_hub.models import Order\n",
            ["from integration_hub.models import Order"],
        ),
        ("from connectors.mirakl import sandbox\n", []),
        ("from connectors.mirakl.sandbox import services\n", []),
        ("from connectors.mirakl.sandbox.views.base import api_json\n", []),
        ("from .. import catalog\n", []),
        ("from .base import api_json\n", []),
        ("from connectors.sandbox.faults import sandbox_now\n", []),
        ("import json\nfrom django.db import models\n", []),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected):
    """A file dropped into a copy of the layout, at ``<sandbox>/views/probe.py``."""
    views = tmp_path / "views"
    views.mkdir()
    (views / "probe.py").write_text(source)
    found = forbidden_imports(tmp_path, PACKAGE, FORBIDDEN)
    assert [entry.split(": ", 1)[1] for entry in found] == expected
