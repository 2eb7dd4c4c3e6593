"""`hub mappings import|export KIND FILE [--integration NAME]`.

Kinds: ``carriers``, ``skus`` and the catalogue mappings ``categories``, ``attributes``,
``values`` (issue 21). `hub mappings export attributes --fields [FILE] [--json]` lists every
field a mapping can name, with how many products carry it (into FILE when given).
"""

from __future__ import annotations

from integration_hub.cli.listings import listing_counts_text
from integration_hub.cli.output import json_dump, usage_error, work_failed
from integration_hub.models import Integration
from integration_hub.services import catalogue_mappings
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
    "categories": (
        catalogue_mappings.category_mappings_import,
        catalogue_mappings.category_mappings_export,
    ),
    "attributes": (
        catalogue_mappings.attribute_mappings_import,
        catalogue_mappings.attribute_mappings_export,
    ),
    "values": (
        catalogue_mappings.value_mappings_import,
        catalogue_mappings.value_mappings_export,
    ),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser("mappings", help="import or export mappings (.csv or .xlsx)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action in ("import", "export"):
        sub = actions.add_parser(action, help=f"{action} a mapping table")
        sub.add_argument("kind", choices=sorted(KINDS))
        sub.add_argument("file", nargs="?" if action == "export" else None)
        sub.add_argument("--integration", metavar="NAME", help="needed when there are several")
        if action == "export":
            sub.add_argument(
                "--fields",
                nargs="?",
                const="",
                metavar="FILE",
                help="attributes only: list every source field with how many products carry it "
                "(into FILE when given)",
            )
            sub.add_argument("--json", action="store_true", help="with --fields: print JSON")
        sub.set_defaults(handler=mappings_import if action == "import" else mappings_export)


def integration_pick(name: str | None) -> Integration:
    """The integration named ``name``, or the only one there is (a usage error otherwise)."""
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
    integration = integration_pick(options["integration"])
    importer, _exporter = KINDS[options["kind"]]
    try:
        report = importer(integration, options["file"])
    except ImportRejected as rejected:
        for error in rejected.errors:
            command.stderr.write(error)
        raise usage_error(
            f"nothing imported: {len(rejected.errors)} problem(s) in the file"
        ) from None
    for warning in getattr(report, "warnings", ()):
        command.stderr.write(f"warning: {warning}")
    command.stdout.write(
        f"{options['kind']} mappings for {integration.name}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )
    if getattr(report, "listings", None):
        command.stdout.write(listing_counts_text(report.listings))


def mappings_export(command, options) -> None:
    integration = integration_pick(options["integration"])
    if options["fields"] is not None:
        _fields_export(command, options, integration)
        return
    if options["json"]:
        raise usage_error("--json goes with --fields")
    if not options["file"]:
        raise usage_error("give the FILE to write (.csv or .xlsx)")
    _importer, exporter = KINDS[options["kind"]]
    try:
        count = exporter(integration, options["file"])
    except (TableError, OSError) as error:
        raise work_failed(str(error)) from None
    command.stdout.write(f"{count} {options['kind']} mapping(s) written to {options['file']}")


def _fields_export(command, options, integration: Integration) -> None:
    if options["kind"] != "attributes":
        raise usage_error("--fields goes with `export attributes`")
    path = options["fields"] or options["file"]
    if path:
        try:
            count = catalogue_mappings.source_fields_export(integration, path)
        except (TableError, OSError) as error:
            raise work_failed(str(error)) from None
        command.stdout.write(f"{count} source field(s) written to {path}")
        return
    fields = catalogue_mappings.fields_carried(integration)
    if options["json"]:
        json_dump(command, [{"field": name, "products": count} for name, count in fields])
        return
    if not fields:
        command.stdout.write("no source fields: read the catalogue first (`hub sync products`)")
    for name, count in fields:
        command.stdout.write(f"{count:>8}  {name}")
