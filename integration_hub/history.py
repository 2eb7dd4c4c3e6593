"""Readable change history for the mapping and integration screens (django-simple-history).

Each entry says when, by whom ("by person" with the username, or "by source" when the hub's
own passes or the CLI saved it) and which field went from what to what. Entries whose only
change is in fields nobody edits are left out, so source-driven noise stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

HISTORY_LIMIT = 50
EMPTY = "(empty)"
CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    kind: str  # created / changed / deleted
    by_person: bool
    who: str
    changes: list[Change] = field(default_factory=list)
    subject: str = ""


def _shown(record, name: str) -> str:
    try:
        value = getattr(record, name, None)
    except ObjectDoesNotExist:  # a related row deleted since: show its id
        value = f"#{getattr(record, name + '_id', '?')} (deleted)"
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    display = getattr(record, f"get_{name}_display", None)
    return str(display()) if display else str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field the history has but the model no longer has
        return name


def _who(record) -> tuple[bool, str]:
    user = getattr(record, "history_user", None)
    if user is not None:
        return True, user.get_username()
    reason = getattr(record, "history_change_reason", "") or ""
    return False, reason or "the hub (source sync, CLI or worker)"


def history_entries(
    records,
    *,
    model: type[models.Model],
    fields: list[str],
    subject=None,
    limit: int = HISTORY_LIMIT,
) -> list[HistoryEntry]:
    """Newest first: each historical record compared with the same row's previous record.

    ``subject(record) -> str`` names the row when ``records`` span several rows.
    """
    records = records.select_related("history_user").order_by("-history_date", "-history_id")
    entries = []
    for record in records[:limit]:
        kind = CHANGE_TYPES.get(record.history_type, record.history_type)
        previous = record.prev_record if kind != "created" else None
        if previous is None or kind == "deleted":
            changes = [
                Change(_label(model, n), "", _shown(record, n))
                for n in fields
                if _shown(record, n) != EMPTY
            ]
        else:
            changes = [
                Change(_label(model, n), _shown(previous, n), _shown(record, n))
                for n in fields
                if _shown(previous, n) != _shown(record, n)
            ]
        if kind == "changed" and not changes:
            continue
        by_person, who = _who(record)
        entry = HistoryEntry(record.history_date, kind, by_person, who, changes)
        entry.subject = subject(record) if subject else ""
        entries.append(entry)
    return entries
