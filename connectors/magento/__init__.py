"""Magento 2 / Adobe Commerce: the source connector (``client``) and its sandbox.

Importing this package registers :class:`MagentoConnector` under the kind ``magento``.
"""

from connectors.magento.client import MagentoConnector

__all__ = ["MagentoConnector"]
