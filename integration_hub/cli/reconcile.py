"""`hub reconcile export|import|match`: finance reconciliation from the command line.

* ``export FILE.xlsx [--integration NAME] [--cycle ID]``: the workbook (Payouts, Orders,
  Transactions, Journal).
* ``import FILE.csv|FILE.xlsx [--integration NAME]``: a settlement file received by hand; all or
  nothing, problems listed by row; then matching runs.
* ``match [--integration NAME] [--json]``: match orders and payouts again now (no API calls).
"""

from __future__ import annotations

from integration_hub.cli.output import json_dump, usage_error, work_failed
from integration_hub.models import Integration


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reconcile", help="finance reconciliation: export, import, match"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the reconciliation workbook (.xlsx)")
    export.add_argument("file", help="FILE.xlsx")
    export.add_argument("--integration", metavar="NAME", help="only this integration")
    export.add_argument("--cycle", metavar="ID", default="", help="only this billing cycle")
    export.set_defaults(handler=reconcile_export)
    upload = actions.add_parser("import", help="import a settlement file (.csv or .xlsx)")
    upload.add_argument("file")
    upload.add_argument("--integration", metavar="NAME", help="needed when there are several")
    upload.set_defaults(handler=reconcile_import)
    match = actions.add_parser("match", help="match orders and payouts again now")
    match.add_argument("--integration", metavar="NAME", help="only this integration")
    match.add_argument("--json", action="store_true")
    match.set_defaults(handler=reconcile_match)


def _named(name: str | None) -> Integration | None:
    if not name:
        return None
    integration = Integration.objects.filter(name=name).first()
    if integration is None:
        raise usage_error(f"no integration named {name!r}")
    return integration


def _the_one(name: str | None) -> Integration:
    if name:
        return _named(name)
    integrations = list(Integration.objects.all()[:2])
    if len(integrations) != 1:
        raise usage_error("say which integration with --integration NAME")
    return integrations[0]


def reconcile_export(command, options) -> None:
    from reconciliation.export import workbook_write

    if not options["file"].lower().endswith(".xlsx"):
        raise usage_error(f"{options['file']}: the workbook must be an .xlsx file")
    integration = _named(options["integration"])
    try:
        counts = workbook_write(options["file"], integration=integration, cycle_id=options["cycle"])
    except OSError as error:
        raise work_failed(str(error)) from None
    rows = ", ".join(f"{sheet} {count}" for sheet, count in counts.items())
    command.stdout.write(f"wrote {options['file']} ({rows})")


def reconcile_import(command, options) -> None:
    from integration_hub.services.carrier_mappings import ImportRejected
    from reconciliation.imports import settlement_file_import
    from reconciliation.matching import reconcile

    integration = _the_one(options["integration"])
    try:
        report = settlement_file_import(integration, options["file"])
    except ImportRejected as rejected:
        for error in rejected.errors:
            command.stderr.write(error)
        raise usage_error(
            f"nothing imported: {len(rejected.errors)} problem(s) in the file"
        ) from None
    counts = reconcile(integration)
    command.stdout.write(
        f"settlement lines for {integration.name}: {report.created} created, {report.updated} "
        f"updated, {report.unchanged} unchanged; matched again "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})"
    )


def reconcile_match(command, options) -> None:
    from reconciliation.matching import reconcile

    integration = _named(options["integration"])
    integrations = [integration] if integration else list(Integration.objects.all())
    results = {i.name: reconcile(i) for i in integrations}
    if options["json"]:
        json_dump(command, results)
        return
    for name, counts in results.items():
        command.stdout.write(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
