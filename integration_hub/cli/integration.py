"""`hub integration add|list|show|remove`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError

from connectors.mirakl.limiter import call_limit_operation
from connectors.registry import SOURCE_KINDS
from integration_hub.cli.output import json_dump, usage_error, validation_message
from integration_hub.models import CallLimitMode, Integration
from integration_hub.services.integrations import (
    integration_create,
    integration_remove,
    integration_summary,
)

OPTION_NAMES = {
    "name": "NAME",
    "source_kind": "--source",
    "source_url": "--source-url",
    "source_credentials": "--source-credential",
    "marketplace_url": "--marketplace-url",
    "marketplace_credentials": "--marketplace-key",
    "shop_id": "--shop-id",
    "default_buffer": "--buffer",
    "mirakl_call_limits": "--call-limit",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser("integration", help="add, list, show or remove integrations")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="connect a source system to a marketplace shop")
    add.add_argument("name", help="short name, e.g. acme-shopify")
    add.add_argument("--source", required=True, choices=list(SOURCE_KINDS))
    add.add_argument("--source-url", required=True)
    add.add_argument(
        "--source-credential",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="repeat for each credential (stored encrypted, never printed); on a shared "
        "machine prefer --source-credential-file: a command line is visible to other users",
    )
    add.add_argument(
        "--source-credential-file",
        metavar="FILE",
        help="read KEY=VALUE lines from FILE ('-' for stdin; blank lines and # comments skipped)",
    )
    add.add_argument("--marketplace-url", required=True)
    key = add.add_mutually_exclusive_group(required=True)
    key.add_argument("--marketplace-key")
    key.add_argument(
        "--marketplace-key-file", metavar="FILE", help="read the API key from FILE ('-' for stdin)"
    )
    add.add_argument("--shop-id", default="")
    add.add_argument("--buffer", type=int, default=0, help="default safety buffer per SKU")
    add.add_argument("--call-limits", choices=CallLimitMode.values, default=CallLimitMode.SPEC)
    add.add_argument(
        "--call-limit",
        action="append",
        default=[],
        metavar="OP=CALLS/WINDOW",
        help="a stricter limit for one Mirakl operation, e.g. OR11=1/15m (repeatable; never "
        "looser than the spec's maximum)",
    )
    add.add_argument(
        "--catalogue",
        action="store_true",
        help="list products and create offers on the marketplace (the catalogue flow)",
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=integration_add)

    listing = actions.add_parser("list", help="list integrations")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=integration_list)

    show = actions.add_parser("show", help="show one integration (credentials never shown)")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=integration_show)

    remove = actions.add_parser("remove", help="remove an integration that has no orders")
    remove.add_argument("name")
    remove.set_defaults(handler=integration_delete)


def _secret_lines(path: str, option: str) -> list[str]:
    """The non-blank, non-comment lines of ``path`` ('-': stdin), for a secret-bearing option."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise usage_error(f"{option}: cannot read {path}: {type(error).__name__}") from None
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def integration_add(command, options) -> None:
    if options["source_credential_file"] == "-" and options["marketplace_key_file"] == "-":
        raise usage_error("only one of the credential files can be read from stdin")
    pairs = list(options["source_credential"])
    if options["source_credential_file"]:
        pairs += _secret_lines(options["source_credential_file"], "--source-credential-file")
    api_key = options["marketplace_key"]
    if options["marketplace_key_file"]:
        lines = _secret_lines(options["marketplace_key_file"], "--marketplace-key-file")
        if len(lines) != 1:
            raise usage_error("--marketplace-key-file must hold the key on one line")
        api_key = lines[0]
    try:
        integration = integration_create(
            name=options["name"],
            source_kind=options["source"],
            source_url=options["source_url"],
            source_credential_pairs=pairs,
            marketplace_url=options["marketplace_url"],
            marketplace_api_key=api_key,
            shop_id=options["shop_id"],
            default_buffer=options["buffer"],
            call_limit_mode=options["call_limits"],
            mirakl_call_limits=_call_limits_parse(options["call_limit"]),
            catalogue_enabled=options["catalogue"],
        )
    except ValidationError as error:
        raise usage_error(validation_message(error, OPTION_NAMES)) from None
    if options["json"]:
        json_dump(command, integration_summary(integration))
    else:
        command.stdout.write(f"integration {integration.name} added ({integration.source_kind})")


def _call_limits_parse(pairs: list[str]) -> dict[str, str]:
    limits = {}
    for pair in pairs:
        op, sep, rule = pair.partition("=")
        if not sep or not op.strip() or not rule.strip():
            raise usage_error(
                f"--call-limit expects OP=CALLS/WINDOW (e.g. OR11=1/15m), not {pair!r}"
            )
        limits[call_limit_operation(op)] = rule.strip()
    return limits


def integration_list(command, options) -> None:
    summaries = [integration_summary(i) for i in Integration.objects.all()]
    if options["json"]:
        json_dump(command, summaries)
        return
    if not summaries:
        command.stdout.write("no integrations yet: add one with `hub integration add`")
        return
    for s in summaries:
        state = "paused" if s["paused"] else "running"
        command.stdout.write(f"{s['name']:<24} {s['source']:<8} {state:<8} {s['marketplace_url']}")


def _integration_get(name: str) -> Integration:
    integration = Integration.objects.filter(name=name).first()
    if integration is None:
        raise usage_error(f"no integration named {name!r}")
    return integration


def integration_show(command, options) -> None:
    summary = integration_summary(_integration_get(options["name"]))
    if options["json"]:
        json_dump(command, summary)
        return
    for key, value in summary.items():
        if isinstance(value, list):
            value = ", ".join(value) or "-"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
        command.stdout.write(f"{key:<20} {value}")


def integration_delete(command, options) -> None:
    try:
        integration_remove(name=options["name"])
    except ValidationError as error:
        raise usage_error(validation_message(error)) from None
    command.stdout.write(f"integration {options['name']} removed")
