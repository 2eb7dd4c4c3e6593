"""The base of every ``<system>_sandbox`` control command.

A command declares its subcommands in ``add_arguments`` (``dest="action"``) and one method
``_<action>`` each (dashes become underscores); the base dispatches to it and turns the
sandbox's own refusals (``refusals``) into a :class:`CommandError` with exit code 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


def sku_quantities(
    values: list[str] | None, *, flag: str, sep: str = ":", returncode: int = 2
) -> dict[str, int] | None:
    """``["SKU:QTY", ...]`` as ``{sku: qty}`` (repeats add up); None when nothing was given."""
    if not values:
        return None
    lines: dict[str, int] = {}
    for value in values:
        sku, _, qty = value.rpartition(sep)
        if not sku or not qty.isdigit():
            raise CommandError(f"{flag} takes SKU{sep}QTY, not {value!r}", returncode=returncode)
        lines[sku] = lines.get(sku, 0) + int(qty)
    return lines


class SandboxCommand(BaseCommand):
    """Dispatch ``action`` to ``_<action>``; a refusal in ``refusals`` exits 1 with its text."""

    refusals: tuple[type[Exception], ...] = ()

    def refusal_message(self, error: Exception) -> str:
        return getattr(error, "message", None) or str(error)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except self.refusals as error:
            raise CommandError(self.refusal_message(error), returncode=1) from None

    def say(self, text: str) -> None:
        self.stdout.write(text)
