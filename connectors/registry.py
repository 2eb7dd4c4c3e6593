"""The source systems the hub can connect to, by kind.

Each source connector registers its client class here under its kind; the hub looks the
class up by the integration's ``source_kind`` and never imports a connector directly.
"""

from __future__ import annotations

import contextlib
import importlib

SOURCE_KINDS: dict[str, str] = {
    "shopify": "Shopify",
    "magento": "Magento 2 / Adobe Commerce",
    "fulfil": "Fulfil",
    "scayle": "SCAYLE",
    "seko": "SEKO Logistics (3PL)",
}

_SOURCE_CLASSES: dict[str, type] = {}


def source_register(kind: str):
    """Class decorator: register a source connector class under ``kind``."""
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source kind {kind!r}")

    def decorator(cls: type) -> type:
        _SOURCE_CLASSES[kind] = cls
        return cls

    return decorator


def source_class_for(kind: str) -> type:
    """Return the connector class registered for ``kind``.

    Raises ``LookupError`` when the kind is known but no connector has been built for it yet.
    """
    if kind not in SOURCE_KINDS:
        raise LookupError(f"unknown source kind {kind!r}")
    if kind not in _SOURCE_CLASSES:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"connectors.{kind}")  # registers itself on import
    try:
        return _SOURCE_CLASSES[kind]
    except KeyError:
        raise LookupError(f"no connector is installed for source kind {kind!r}") from None
