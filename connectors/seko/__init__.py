"""SEKO Logistics (3PL): the source connector (``client``) and its sandbox.

Importing this package registers :class:`SekoConnector` under the kind ``seko``.
"""

from connectors.seko.client import SekoConnector

__all__ = ["SekoConnector"]
