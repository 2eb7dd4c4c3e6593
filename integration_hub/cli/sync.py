"""`hub sync FLOW [--integration NAME]`: run one pass of a flow now, in this process."""

from __future__ import annotations

from integration_hub.cli.output import json_dump, usage_error, work_failed
from integration_hub.models import Integration

# The outbound calls each flow queues; `hub sync` sends the due ones right after the pass.
FLOW_JOB_KINDS = {
    "orders": ["order_accept", "order_inject"],
    "dispatch": ["order_tracking", "order_ship"],
    "returns": [
        "return_authorise",
        "return_accept",
        "return_close",
        "refund_send",
        "refund_mirror",
        "cancel_send",
        "cancel_mirror",
    ],
}


def register(subparsers) -> None:
    from integration_hub.flows.passes import FLOW_PASSES

    parser = subparsers.add_parser("sync", help="run one pass of a flow now")
    parser.add_argument("flow", choices=sorted(FLOW_PASSES))
    parser.add_argument("--integration", metavar="NAME", help="only this integration")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=sync_now)


def _integrations(name: str | None) -> list[Integration]:
    if name is None:
        return list(Integration.objects.all())
    integration = Integration.objects.filter(name=name).first()
    if integration is None:
        raise usage_error(f"no integration named {name!r}")
    return [integration]


def sync_now(command, options) -> None:
    from integration_hub.flows.passes import FLOW_PASSES, FLOW_SWITCH
    from integration_hub.flows.runner import flow_pass_run
    from integration_hub.services.outbox import outbox_relay

    flow = options["flow"]
    results, failed = [], 0
    for integration in _integrations(options["integration"]):
        if not integration.flow_enabled(FLOW_SWITCH.get(flow, flow)):
            results.append({"integration": integration.name, "outcome": "off"})
            continue
        run = flow_pass_run(integration, flow, FLOW_PASSES[flow])
        sent = outbox_relay(kinds=FLOW_JOB_KINDS.get(flow)) if run else {}
        outcome = run.outcome if run else "skipped (a pass is already running)"
        failed += outcome == "failed"
        results.append(
            {
                "integration": integration.name,
                "outcome": outcome,
                "counts": run.counts if run else {},
                "error": run.error if run else "",
                "outbound": sent,
            }
        )
    if options["json"]:
        json_dump(command, results)
    else:
        for row in results:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(row.get("counts", {}).items()))
            line = f"{row['integration']}: {flow} {row['outcome']}"
            command.stdout.write(f"{line}{f' ({counts})' if counts else ''} {row.get('error', '')}")
    if failed:
        raise work_failed(f"the {flow} pass failed for {failed} integration(s)")
