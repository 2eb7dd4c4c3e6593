"""docs/runbook.md is generated from kinds.py; the committed page must match the code."""

from pathlib import Path

from exceptions_queue.kinds import KINDS, OWNERS
from exceptions_queue.runbook import runbook_markdown

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "runbook.md"


def test_committed_runbook_equals_the_generated_text():
    assert RUNBOOK.read_text(encoding="utf-8") == runbook_markdown(), (
        "docs/runbook.md is out of date: python -m exceptions_queue.runbook > docs/runbook.md"
    )


def test_runbook_covers_every_kind_with_owner_and_severity():
    text = runbook_markdown()
    for kind in KINDS.values():
        section = text.split(f"### {kind.title} (`{kind.code}`)\n", 1)[1]
        assert section.lstrip().startswith(f"Owner: {OWNERS[kind.owner]} · Severity:")
        assert kind.runbook in section.split("###", 1)[0]


def test_runbook_documents_the_alert_rules():
    text = runbook_markdown()
    assert "also during quiet hours" in text
    assert "HUB_ALERT_THRESHOLDS" in text and "HUB_ALERT_QUIET_HOURS" in text
