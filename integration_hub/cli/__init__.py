"""The `hub` CLI's subcommands, one module each. A module exposes ``register(subparsers)``
and sets ``handler=<function(command, options)>`` on every parser it adds.

Exit status: 0 success, 1 the work itself failed, 2 usage or configuration error; errors are
one line on stderr. Listings accept ``--json``.
"""

from integration_hub.cli import (
    bench,
    catalogue,
    demo,
    exceptions,
    integration,
    listings,
    mappings,
    reconcile,
    schedules,
    serve,
    soak,
    sync,
)

SUBCOMMAND_MODULES = [
    integration,
    schedules,
    demo,
    exceptions,
    sync,
    mappings,
    listings,
    catalogue,
    bench,
    soak,
    reconcile,
    serve,
]
