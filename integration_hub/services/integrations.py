"""Create, change and remove integrations (the CLI, the admin and the screens call these)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from connectors.registry import SOURCE_KINDS
from integration_hub.models import CallLimitMode, Integration


def _credentials_parse(pairs: list[str]) -> dict[str, str]:
    """Turn ``["KEY=VALUE", ...]`` into a dict; a pair without '=' or a key is an error."""
    credentials: dict[str, str] = {}
    for number, pair in enumerate(pairs, start=1):
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:  # never echo it: without "=", the whole text may be the secret
            raise ValidationError(
                {"source_credentials": f"credential #{number} is not KEY=VALUE (not shown)"}
            )
        if not value:
            raise ValidationError({"source_credentials": f"credential {key!r} has no value"})
        credentials[key] = value
    return credentials


@transaction.atomic
def integration_create(
    *,
    name: str,
    source_kind: str,
    source_url: str,
    marketplace_url: str,
    marketplace_api_key: str,
    source_credential_pairs: list[str] | None = None,
    shop_id: str = "",
    default_buffer: int = 0,
    call_limit_mode: str = CallLimitMode.SPEC,
    mirakl_call_limits: dict[str, str] | None = None,
    catalogue_enabled: bool = False,
) -> Integration:
    """Validate and save a new integration; raises ``ValidationError`` with per-field messages."""
    if source_kind not in SOURCE_KINDS:
        raise ValidationError(
            {
                "source_kind": f"unknown source kind {source_kind!r}; "
                f"use one of {', '.join(SOURCE_KINDS)}"
            }
        )
    if Integration.objects.filter(name=name).exists():
        raise ValidationError({"name": f"an integration named {name!r} already exists"})
    if not marketplace_api_key.strip():
        raise ValidationError({"marketplace_credentials": "the marketplace API key is empty"})
    if default_buffer < 0:
        raise ValidationError({"default_buffer": "the buffer cannot be negative"})
    integration = Integration(
        name=name,
        source_kind=source_kind,
        source_url=source_url.rstrip("/"),
        source_credentials=_credentials_parse(source_credential_pairs or []),
        marketplace_url=marketplace_url.rstrip("/"),
        marketplace_credentials={"api_key": marketplace_api_key.strip()},
        shop_id=shop_id,
        default_buffer=default_buffer,
        call_limit_mode=call_limit_mode,
        mirakl_call_limits=mirakl_call_limits or {},
        catalogue_enabled=catalogue_enabled,
    )
    integration.full_clean()
    integration.save()
    return integration


def integration_remove(*, name: str) -> None:
    """Delete an integration that has no orders; one with orders must be paused instead."""
    integration = Integration.objects.filter(name=name).first()
    if integration is None:
        raise ValidationError({"name": f"no integration named {name!r}"})
    if integration.orders.exists():
        raise ValidationError(
            {"name": f"integration {name!r} has orders; pause it instead of removing it"}
        )
    integration.delete()


def integration_summary(integration: Integration) -> dict:
    """A JSON-safe description of an integration. Secrets appear only as their key names."""
    return {
        "name": integration.name,
        "source": integration.source_kind,
        "source_url": integration.source_url,
        "source_credentials": sorted(integration.source_credentials),
        "marketplace_url": integration.marketplace_url,
        "marketplace_key_set": bool(integration.marketplace_api_key),
        "shop_id": integration.shop_id,
        "default_buffer": integration.default_buffer,
        "call_limits": integration.call_limit_mode,
        "stricter_call_limits": dict(integration.mirakl_call_limits or {}),
        "paused": integration.paused,
        "flows": integration.enabled_flows(),
        "created_at": integration.created_at.isoformat(),
    }
