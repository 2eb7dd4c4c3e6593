"""`hub demo`: seed the sandbox demo (users for every role, a demo integration)."""

from __future__ import annotations

import os

from django.conf import settings

from connectors.registry import SOURCE_KINDS
from integration_hub.cli.output import usage_error
from integration_hub.services.demo import DEMO_USERS, demo_integration_ensure, demo_users_ensure


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="seed the sandbox demo (HUB_SANDBOX=1 only)")
    parser.add_argument(
        "--source",
        choices=list(SOURCE_KINDS),
        default=os.environ.get("HUB_DEMO_SOURCE", "shopify"),
        help="source system the demo runs on (default: $HUB_DEMO_SOURCE or shopify)",
    )
    parser.add_argument(
        "--reset-passwords", action="store_true", help="give the demo users new passwords"
    )
    parser.set_defaults(handler=demo_seed)


def demo_seed(command, options) -> None:
    if not settings.HUB_SANDBOX:
        raise usage_error("the demo needs HUB_SANDBOX=1: it talks to the built-in sandboxes")
    integration = demo_integration_ensure(source_kind=options["source"])
    command.stdout.write(
        f"demo integration {integration.name!r}: "
        f"{integration.source_kind} sandbox -> Mirakl sandbox"
    )
    passwords = demo_users_ensure(reset_passwords=options["reset_passwords"])
    if passwords:
        command.stdout.write("demo users (shown once; keep them or reset with --reset-passwords):")
        for username, password in passwords.items():
            command.stdout.write(f"  {username:<8} {password}")
    else:
        command.stdout.write("demo users already exist (" + ", ".join(DEMO_USERS) + ")")
