"""Fulfil.io: the source connector (``client``) and its sandbox.

Importing this package registers :class:`FulfilConnector` under the kind ``fulfil``.
"""

from connectors.fulfil.client import FulfilConnector

__all__ = ["FulfilConnector"]
