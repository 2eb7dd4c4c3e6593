"""`hub mappings import|export carriers FILE [--integration NAME]`."""

from __future__ import annotations

from integration_hub.cli.output import usage_error, work_failed
from integration_hub.models import Integration
from integration_hub.services.carrier_mappings import (
    ImportRejected,
    carrier_mappings_export,
    carrier_mappings_import,
)
from integration_hub.services.sku_mappings import sku_mappings_export, sku_mappings_import
from integration_hub.tabular import TableError

KINDS = {
    "carriers": (carrier_mappings_import, carrier_mappings_export),
    "skus": (sku_mappings_import, sku_mappings_export),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser("mappings", help="import or export mappings (.csv or .xlsx)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action in ("import", "export"):
        sub = actions.add_parser(action, help=f"{action} a mapping table")
        sub.add_argument("kind", choices=sorted(KINDS))
        sub.add_argument("file")
        sub.add_argument("--integration", metavar="NAME", help="needed when there are several")
        sub.set_defaults(handler=mappings_import if action == "import" else mappings_export)


def _integration(name: str | None) -> Integration:
    if name:
        integration = Integration.objects.filter(name=name).first()
        if integration is None:
            raise usage_error(f"no integration named {name!r}")
        return integration
    integrations = list(Integration.objects.all()[:2])
    if len(integrations) != 1:
        raise usage_error("say which integration with --integration NAME")
    return integrations[0]


def mappings_import(command, options) -> None:
    integration = _integration(options["integration"])
    importer, _exporter = KINDS[options["kind"]]
    try:
        report = importer(integration, options["file"])
    except ImportRejected as rejected:
        for error in rejected.errors:
            command.stderr.write(error)
        raise usage_error(
            f"nothing imported: {len(rejected.errors)} problem(s) in the file"
        ) from None
    command.stdout.write(
        f"{options['kind']} mappings for {integration.name}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )


def mappings_export(command, options) -> None:
    integration = _integration(options["integration"])
    _importer, exporter = KINDS[options["kind"]]
    try:
        count = exporter(integration, options["file"])
    except (TableError, OSError) as error:
        raise work_failed(str(error)) from None
    command.stdout.write(f"{count} {options['kind']} mapping(s) written to {options['file']}")
