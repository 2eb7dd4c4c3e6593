"""SCAYLE: the source connector (``client``) and its sandbox.

Importing this package registers :class:`ScayleConnector` under the kind ``scayle``.
"""

from connectors.scayle.client import ScayleConnector

__all__ = ["ScayleConnector"]
