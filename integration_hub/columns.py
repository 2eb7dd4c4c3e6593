"""Does a value fit its column? One check for every input the hub stores (issue 18).

Identifiers and amounts are never cut to fit: a truncated SKU or a clipped price would be a
wrong record, not a shorter one. Left to the database, PostgreSQL raises DataError (and stops
the transaction) while SQLite stores the value whole, and a later read of a decimal wider than
its column fails on every screen, export and pass that touches it. So each import (with its
row number) and each pull (with the record's id) asks here first, and refuses what does not fit.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.functional import cached_property

# Django's portable ranges (PostgreSQL's): SQLite would take 64 bits in any integer column, and
# the same input must be the same error on both.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


class DoesNotFit(ValueError):
    """A value longer or larger than its column (raised before anything is saved)."""


def column_problem(field: models.Field, value) -> str:
    """What is wrong with ``value`` for ``field``'s column ("" when it fits)."""
    if value is None:
        return ""
    if isinstance(field, models.CharField) and isinstance(value, str):
        if field.max_length is not None and len(value) > field.max_length:
            return f"is {len(value)} characters long, at most {field.max_length}"
        return ""
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
        if not value.is_finite():
            return f"{value} is not an amount"
        whole = field.max_digits - field.decimal_places
        too_big = value != 0 and value.adjusted() >= whole
        return f"{value} has more than {whole} digits before the point" if too_big else ""
    if isinstance(field, models.IntegerField) and isinstance(value, int):
        low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
        inside = (low is None or value >= low) and (high is None or value <= high)
        return "" if inside else f"{value} is not between {low} and {high}"
    if isinstance(field, models.JSONField):
        try:  # a float NaN/Infinity would be written as invalid JSON (SQLite's CHECK refuses it)
            json.dumps(value, cls=field.encoder, allow_nan=False)
        except (TypeError, ValueError) as error:
            return f"is not storable as JSON ({error})"
    return ""


def columns_problems(
    model: type[models.Model], values: dict, labels: dict[str, str] | None = None
) -> list[str]:
    """``"<label> <problem>"`` for each value (field name to value) that does not fit.

    ``labels`` names a field as its input calls it (a file's column), else the field's name.
    """
    problems = []
    for name, value in values.items():
        problem = column_problem(model._meta.get_field(name), value)
        if problem:
            problems.append(f"{(labels or {}).get(name, name)} {problem}")
    return problems


def columns_check(model: type[models.Model], values: dict, where: str) -> None:
    """Raise DoesNotFit naming ``where`` and the first value that does not fit."""
    problems = columns_problems(model, values)
    if problems:
        raise DoesNotFit(f"{where}: {problems[0]}")


def unstorable_record(
    integration,
    *,
    kind: str,
    subject_type: str,
    subject_id: str,
    problem: str,
    what: str = "",
    sender: str = "marketplace",
    then: str = "It is not in the hub; it will be read again when it changes.",
    detail: str = "",
):
    """The exception for a record refused because a value does not fit (one per record; the
    rest of the page or read goes on)."""
    # here, not at the top: the models import this module for DecimalField
    from exceptions_queue.services import exception_record

    return exception_record(
        integration=integration,
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id)[:200],
        message=(
            f"The {sender} sent {what or subject_type.replace('_', ' ')} {str(subject_id)[:100]} "
            f"with a value the hub cannot store ({problem}). {then}"
        ),
        detail=detail,
    )


class DecimalField(models.DecimalField):
    """Django's DecimalField, able to read back a value already stored wider than the column.

    SQLite stores whatever it is given, and Django reads a decimal through a context of
    ``max_digits`` digits: one amount of 99999999999999999.99, stored before the checks above
    existed, raised InvalidOperation on every screen, export and pass that read its table. The
    wider reading context shows it as it is, so a person can see it and fix it. Writing is
    unchanged (every input is checked before it is stored), and migrations see a plain
    ``models.DecimalField``: nothing in the database changes.
    """

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=max(self.max_digits or 0, 40))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
