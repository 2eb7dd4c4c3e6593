"""`hub schedules`: create or correct the worker's recurring tasks (idempotent)."""

from __future__ import annotations

from integration_hub.cli.output import json_dump
from integration_hub.schedules import schedules_sync


def register(subparsers) -> None:
    parser = subparsers.add_parser("schedules", help="create or correct the worker's schedules")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=schedules_apply)


def schedules_apply(command, options) -> None:
    report = schedules_sync()
    if options["json"]:
        json_dump(command, report)
        return
    for change in ("created", "updated", "deleted", "unchanged"):
        for name in report[change]:
            command.stdout.write(f"{change:<10} {name}")
