"""The read-retry policy, now in :mod:`connectors.http`; kept for the callers not yet ported."""

from connectors.http import RETRY_AFTER_CAP, backoff_seconds
from connectors.http import parse_retry_after as retry_after_header
from connectors.http import retrying as read_retrying

__all__ = ["RETRY_AFTER_CAP", "backoff_seconds", "read_retrying", "retry_after_header"]
