"""django-q2 task entry points: thin functions that call a service (the worker's only API)."""

from __future__ import annotations

from integration_hub.services.health import heartbeat_beat
from integration_hub.services.outbox import outbox_relay as _outbox_relay


def worker_heartbeat() -> None:
    heartbeat_beat()


def outbox_relay() -> dict[str, int]:
    return _outbox_relay()


def demo_tick() -> dict[str, int]:
    """Sandbox demo only: play customer, payment provider and warehouse for one step."""
    from integration_hub.demo_sandbox import demo_tick as tick

    return tick()


def flow_run_one(integration_id: int, flow: str) -> str:
    """One pass of ``flow`` for one integration (a webhook asked for it)."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.models import Integration

    integration = Integration.objects.get(pk=integration_id)
    run = flow_pass_run(integration, flow, FLOW_PASSES[flow])
    return run.outcome if run else "skipped"


def flow_run(flow: str) -> dict[str, str]:
    """One pass of ``flow`` for every integration that has it switched on."""
    from integration_hub.flows.passes import FLOW_PASSES
    from integration_hub.flows.runner import flow_run_all

    return flow_run_all(flow, FLOW_PASSES)
