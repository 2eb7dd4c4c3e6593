"""`hub exceptions list|retry`."""

from __future__ import annotations

from exceptions_queue.kinds import KINDS
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.cli.output import json_dump, usage_error, work_failed
from integration_hub.models import Integration


def register(subparsers) -> None:
    parser = subparsers.add_parser("exceptions", help="list or retry exceptions")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list exceptions (open ones by default)")
    listing.add_argument("--status", choices=Status.values, default=Status.OPEN)
    listing.add_argument("--kind", choices=list(KINDS))
    listing.add_argument("--integration", metavar="NAME")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=exceptions_list)
    retry = actions.add_parser("retry", help="retry exceptions by id, or every open one of a kind")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--kind", choices=list(KINDS))
    retry.set_defaults(handler=exceptions_retry)


def item_json(item: ExceptionItem) -> dict:
    return {
        "id": item.pk,
        "integration": item.integration.name,
        "kind": item.kind,
        "owner": item.owner,
        "status": item.status,
        "subject": f"{item.subject_type}:{item.subject_id}",
        "message": item.message,
        "occurrences": item.occurrences,
        "first_seen": item.first_seen.isoformat(),
        "last_seen": item.last_seen.isoformat(),
        "due_by": item.due_by.isoformat() if item.due_by else None,
    }


def exceptions_list(command, options) -> None:
    items = ExceptionItem.objects.select_related("integration").filter(status=options["status"])
    if options["kind"]:
        items = items.filter(kind=options["kind"])
    if options["integration"]:
        if not Integration.objects.filter(name=options["integration"]).exists():
            raise usage_error(f"no integration named {options['integration']!r}")
        items = items.filter(integration__name=options["integration"])
    rows = [item_json(item) for item in items.order_by("id")]
    if options["json"]:
        json_dump(command, rows)
        return
    if not rows:
        command.stdout.write(f"no {options['status']} exceptions")
    for row in rows:
        command.stdout.write(
            f"#{row['id']:<6} {row['kind']:<22} {row['subject']:<32} x{row['occurrences']:<4} "
            f"{row['message']}"
        )


def exceptions_retry(command, options) -> None:
    if bool(options["ids"]) == bool(options["kind"]):
        raise usage_error("give exception ids or --kind, not both and not neither")
    if options["kind"]:
        ids = list(
            ExceptionItem.objects.filter(kind=options["kind"], status=Status.OPEN)
            .order_by("id")
            .values_list("id", flat=True)
        )
    else:
        ids = options["ids"]
        missing = set(ids) - set(
            ExceptionItem.objects.filter(pk__in=ids).values_list("id", flat=True)
        )
        if missing:
            raise usage_error(f"no exception with id {', '.join(map(str, sorted(missing)))}")
    failed = 0
    for item_id in ids:
        outcome = exception_retry(item_id)
        failed += outcome in ("failed", "still_failing", "no_handler")
        command.stdout.write(f"#{item_id}: {outcome}")
    if failed:
        raise work_failed(f"{failed} of {len(ids)} retries did not fix the problem")
