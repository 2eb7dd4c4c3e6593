"""Build the marketplace client and the source connector for one integration.

The only place that turns an Integration row (and its decrypted credentials) into connector
objects, so tests can swap the HTTP transport in one spot (:func:`http_session`).
"""

from __future__ import annotations

import requests

from connectors.base import ConfigError, SourceConnector
from connectors.mirakl.client import MiraklClient
from connectors.mirakl.limiter import (
    PARTNER_RULES,
    CallLimiter,
    Rule,
    call_limits_parse,
    rules_tighten,
)
from connectors.registry import source_class_for
from integration_hub.models import CallLimitMode, Integration

# Seconds each call-limit slot is kept beyond its window (see connectors/mirakl/limiter.py).
LIMIT_MARGIN_SECONDS = 2.0


def http_session() -> requests.Session:
    """A fresh HTTP session; tests replace this to answer from the in-process sandboxes."""
    return requests.Session()


def marketplace_client_for(integration: Integration) -> MiraklClient:
    api_key = integration.marketplace_api_key
    if not api_key:
        raise ConfigError(f"integration {integration.name} has no marketplace API key")
    return MiraklClient(
        integration.marketplace_url,
        api_key,
        shop_id=integration.shop_id or None,
        limiter=call_limiter_for(integration),
        session=http_session(),
    )


def call_limiter_for(integration: Integration) -> CallLimiter:
    """The spec's maximums, tightened by the External Partner persona and the integration's
    own limits (which can only tighten: see ``connectors/mirakl/limiter.py``)."""
    mode = "off" if integration.call_limit_mode == CallLimitMode.OFF else "on"
    tighten: dict[str, tuple[Rule, ...]] = {}
    if integration.call_limit_mode == CallLimitMode.PARTNER:
        tighten = dict(PARTNER_RULES)
    try:
        own = call_limits_parse(integration.mirakl_call_limits or {})
    except ValueError as error:
        raise ConfigError(f"integration {integration.name}: call limits: {error}") from None
    tighten = rules_tighten(tighten, own)
    return CallLimiter(
        integration.name, mode=mode, tighten=tighten, margin_seconds=LIMIT_MARGIN_SECONDS
    )


def source_connector_for(integration: Integration) -> SourceConnector:
    try:
        connector_class = source_class_for(integration.source_kind)
    except LookupError as exc:
        raise ConfigError(str(exc)) from None
    return connector_class(
        base_url=integration.source_url,
        credentials=integration.source_credentials,
        session=http_session(),
        **integration.source_options,
    )
