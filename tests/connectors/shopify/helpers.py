"""Builders for Shopify GraphQL answers used by the contract tests."""

from __future__ import annotations

import json

from connectors.shopify import ShopifyConnector

TOKEN = "shpat_test_secret_token_123"
SECRET = "hush-webhook-secret"
ENDPOINT = "https://acme.myshopify.com/admin/api/2026-10/graphql.json"


def make_connector(**options) -> ShopifyConnector:
    connector = ShopifyConnector(
        base_url="https://acme.myshopify.com",
        credentials={"access_token": TOKEN, "webhook_secret": SECRET, **options.pop("creds", {})},
        **options,
    )
    clock = FakeClock()
    connector.transport.sleep = clock.sleep
    connector.transport.clock = clock.now
    connector.waits = clock.waits
    return connector


class FakeClock:
    """Sleeps that only move a fake monotonic clock, and remember how long they were."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def now(self) -> float:
        return 1000.0 + sum(self.waits)


def answer(data: dict, *, cost: int = 10, available: int = 990, rate: float = 50.0) -> dict:
    return {
        "data": data,
        "extensions": {
            "cost": {
                "requestedQueryCost": cost,
                "actualQueryCost": cost,
                "throttleStatus": {
                    "maximumAvailable": 1000.0,
                    "currentlyAvailable": available,
                    "restoreRate": rate,
                },
            }
        },
    }


def throttled(*, cost: int = 100, available: int = 20, rate: float = 50.0) -> dict:
    return {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": cost,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 1000.0,
                    "currentlyAvailable": available,
                    "restoreRate": rate,
                },
            }
        },
    }


def connection(nodes: list[dict], *, has_next: bool = False, end: str | None = None) -> dict:
    return {
        "edges": [{"node": node} for node in nodes],
        "pageInfo": {"hasNextPage": has_next, "endCursor": end},
    }


def sent(call) -> dict:
    """The GraphQL payload (query + variables) of one recorded call."""
    return json.loads(call.request.body)


def level(item_id: int, sku: str, available: int, updated: str = "2026-11-20T10:00:00Z") -> dict:
    return {
        "id": f"gid://shopify/InventoryLevel/{item_id}",
        "updatedAt": updated,
        "item": {"id": f"gid://shopify/InventoryItem/{item_id}", "sku": sku},
        "quantities": [{"name": "available", "quantity": available}],
    }
