"""docs/runbook.md, generated from kinds.py so the page cannot drift from the code.

Regenerate after changing a kind: ``python -m exceptions_queue.runbook > docs/runbook.md``
(a test compares the committed file with :func:`runbook_markdown`).
"""

from __future__ import annotations

from exceptions_queue.kinds import KINDS, OWNERS, SEVERITIES, Kind

INTRO = """\
# Exceptions runbook

<!-- Generated from exceptions_queue/kinds.py by exceptions_queue/runbook.py: do not edit by
hand; run `python -m exceptions_queue.runbook > docs/runbook.md`. -->

Every problem the hub cannot fix by itself becomes one exception item, bound to one business
object, owned by one team. Open them under **Exceptions** (Ops and Admin act; everyone else
reads). A retry is queued, never run in the web request, and is safe to press twice; resolve
and ignore need a note; every action is kept with who and when.

## Alerts

- **Critical** kinds email the owner team (and post to the chat webhook, if set) within a minute
  of the item opening, **also during quiet hours**: each of them costs orders or money within
  hours (an order refused at its deadline, stock oversold, a flow stopped).
- Every other kind goes into the owner team's **hourly digest**. The digest is held during quiet
  hours (`HUB_ALERT_QUIET_HOURS`, default 22-07 hub local time) and the first digest after
  them carries the night's items.
- `HUB_ALERT_THRESHOLDS` (e.g. `unmapped_carrier:3`) delays a kind's alert until the item has
  happened that many times. Each item is alerted at most once per channel; a failed send is
  retried with backoff. Items closed before their alert goes out are not alerted.
- Recipients per team: `HUB_ALERT_EMAILS_OPS`, `_FINANCE`, `_MERCHANDISING`, `_CX`, `_TECH`.
"""


def _kind_section(kind: Kind) -> str:
    return (
        f"### {kind.title} (`{kind.code}`)\n\n"
        f"Owner: {OWNERS[kind.owner]} · Severity: {SEVERITIES[kind.severity]}\n\n"
        f"{kind.runbook}\n"
    )


def runbook_markdown() -> str:
    """The whole runbook page: the intro, then every kind grouped by owner team."""
    parts = [INTRO]
    for owner, team in OWNERS.items():
        kinds = [kind for kind in KINDS.values() if kind.owner == owner]
        if kinds:
            parts.append(f"## {team}\n")
            parts.extend(_kind_section(kind) for kind in kinds)
    return "\n".join(parts)


if __name__ == "__main__":
    print(runbook_markdown(), end="")
