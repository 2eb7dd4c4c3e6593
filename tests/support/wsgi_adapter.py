"""The in-process transport lives with the sandboxes; tests import it from here."""

from connectors.sandbox.transport import DjangoAppAdapter

__all__ = ["DjangoAppAdapter"]
