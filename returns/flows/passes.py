"""The returns pass: what the `returns` schedule and `hub sync returns` run per integration.

It runs whenever the orders flow runs, whatever ``returns_enabled`` says: with the switch off
(manual mode) it still pulls and shows every return, refund and cancellation, and queues no
call; with it on, the rows it records queue their calls in the outbox.
"""

from __future__ import annotations

from integration_hub.models import Integration
from integration_hub.services.runs import RunRecorder
from returns.flows import common
from returns.flows.returns_flow import return_receipts_pull, returns_pull
from returns.flows.scans import marketplace_adjustments_scan, source_refunds_pull

JOB_KINDS = [
    "return_authorise",
    "return_accept",
    "return_close",
    "refund_send",
    "refund_mirror",
    "cancel_send",
    "cancel_mirror",
]


def returns_pass(integration: Integration, run: RunRecorder) -> None:
    """RE01 (daily), RT11, marketplace refunds/cancellations, source refunds and receipts."""
    from integration_hub.clients import marketplace_client_for, source_connector_for

    client = marketplace_client_for(integration)
    if common.reasons_refresh_due(integration):
        run.add("reasons", common.reasons_refresh(integration, client))
    returns_pull(integration, client, run)
    marketplace_adjustments_scan(integration, run)
    source = source_connector_for(integration)
    source_refunds_pull(integration, source, run)
    return_receipts_pull(integration, source, run)
