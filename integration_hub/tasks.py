"""django-q2 task entry points: thin functions that call a service (the worker's only API)."""

from __future__ import annotations

from integration_hub.services.health import heartbeat_beat
from integration_hub.services.outbox import outbox_relay as _outbox_relay


def worker_heartbeat() -> None:
    heartbeat_beat()


def outbox_relay() -> dict[str, int]:
    return _outbox_relay()
