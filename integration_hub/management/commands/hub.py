"""`python manage.py hub ...`: the operator's CLI (a contract for ops scripts and cron jobs).

Exit status 0 on success, 1 when the work itself failed, 2 on a usage or configuration error,
always with a one-line message on stderr.
"""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from integration_hub.cli import SUBCOMMAND_MODULES

log = logging.getLogger(__name__)


class HubParser(CommandParser):
    """argparse errors as one line and exit status 2 (or CommandError(2) when called in code)."""

    def error(self, message):
        if self.called_from_command_line:
            sys.stderr.write(f"hub: error: {message} (see --help)\n")
            sys.exit(2)
        raise CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "The Integration Hub's operator CLI."

    def add_arguments(self, parser) -> None:
        parser.__class__ = HubParser  # before add_subparsers: subparsers take the parser's class
        subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        for module in SUBCOMMAND_MODULES:
            module.register(subparsers)

    def handle(self, *args, **options) -> None:
        handler = options.pop("handler")
        handler(self, options)

    def run_from_argv(self, argv) -> None:
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        try:
            self.execute(*args, **cmd_options)
        except CommandError as error:
            if cmd_options.get("traceback"):
                raise
            sys.stderr.write(f"hub: error: {error}\n")
            sys.exit(error.returncode)
        except Exception as error:  # the work failed: one line, details in the log
            if cmd_options.get("traceback"):
                raise
            log.debug("hub command failed", exc_info=True)
            sys.stderr.write(f"hub: failed: {type(error).__name__}: {error}\n")
            sys.exit(1)
        finally:
            connections.close_all()
