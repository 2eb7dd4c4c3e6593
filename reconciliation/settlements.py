"""The settlements pass: pull what the marketplace settled, then match it (one run)."""

from __future__ import annotations

from integration_hub.models import Integration
from integration_hub.services.runs import RunRecorder
from reconciliation.matching import reconcile
from reconciliation.pull import billing_cycles_pull, invoices_pull, transaction_lines_pull
from reconciliation.refunds import expected_refunds_sync


def settlements_pass(integration: Integration, run: RunRecorder, *, client=None) -> None:
    """TL02 lines, SBC11 payouts and IV01 documents, then matching of orders and payouts.

    A spent call budget defers the rest of a pull to the next pass; matching always runs on
    what is stored, so the screens stay current while the marketplace is slow.
    """
    from integration_hub.clients import marketplace_client_for

    client = client or marketplace_client_for(integration)
    transaction_lines_pull(integration, client, run)
    billing_cycles_pull(integration, client, run)
    invoices_pull(integration, client, run)
    run.add("refunds and fees read", expected_refunds_sync(integration))
    for name, count in reconcile(integration).items():
        run.add(name, count)
