"""`hub catalogue template FILE.xlsx --category CODE [--uncategorised]` and
`hub catalogue import FILE.xlsx`: the catalogue spreadsheet (services/catalogue_sheet.py)."""

from __future__ import annotations

from integration_hub.cli.listings import listing_counts_text
from integration_hub.cli.mappings import integration_pick
from integration_hub.cli.output import usage_error, work_failed
from integration_hub.services.carrier_mappings import ImportRejected
from integration_hub.services.catalogue_sheet import (
    TemplateRefused,
    catalogue_sheet_import,
    catalogue_template_write,
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("catalogue", help="the catalogue spreadsheet (.xlsx)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    template = actions.add_parser("template", help="write a category's template")
    template.add_argument("file", metavar="FILE.xlsx")
    template.add_argument("--category", required=True, metavar="CODE", help="marketplace code")
    template.add_argument(
        "--uncategorised",
        action="store_true",
        help="also a row per SKU without a marketplace category (choose it in the sheet)",
    )
    template.add_argument("--integration", metavar="NAME", help="needed when there are several")
    template.set_defaults(handler=catalogue_template)
    reading = actions.add_parser("import", help="read a filled template back")
    reading.add_argument("file", metavar="FILE.xlsx")
    reading.add_argument("--integration", metavar="NAME", help="needed when there are several")
    reading.set_defaults(handler=catalogue_import)


def catalogue_template(command, options) -> None:
    integration = integration_pick(options["integration"])
    try:
        report = catalogue_template_write(
            integration,
            options["file"],
            category=options["category"],
            uncategorised=options["uncategorised"],
        )
    except TemplateRefused as refused:
        raise usage_error(str(refused)) from None
    except OSError as error:
        raise work_failed(str(error)) from None
    command.stdout.write(
        f"template for {options['category']} written to {options['file']}: "
        f"{report.skus} SKU(s), {report.columns} column(s)"
    )


def catalogue_import(command, options) -> None:
    integration = integration_pick(options["integration"])
    try:
        report = catalogue_sheet_import(integration, options["file"])
    except ImportRejected as rejected:
        for error in rejected.errors:
            command.stderr.write(error)
        raise usage_error(
            f"nothing imported: {len(rejected.errors)} problem(s) in the file"
        ) from None
    command.stdout.write(
        f"catalogue sheet for {integration.name}: {report.updated} SKU(s) updated "
        f"({report.values_set} value(s) set, {report.values_removed} removed), "
        f"{report.unchanged} unchanged"
    )
    command.stdout.write(listing_counts_text(report.listings))
