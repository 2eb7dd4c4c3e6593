"""`hub serve`: the web server (waitress; see integration_hub/webserver.py for why)."""

from __future__ import annotations

from integration_hub.cli.output import usage_error
from integration_hub.webserver import bind_split, server_create


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="serve the web app (what `make run` starts)")
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default %(default)s)")
    parser.add_argument(
        "--threads", type=int, default=None, help="worker threads (default $HUB_WEB_THREADS or 8)"
    )
    parser.set_defaults(handler=serve)


def serve(command, options) -> None:
    try:
        bind_split(options["bind"])
    except ValueError as error:
        raise usage_error(str(error)) from None
    if options["threads"] is not None and options["threads"] < 1:
        raise usage_error("--threads must be 1 or more")
    server = server_create(options["bind"], threads=options["threads"])
    command.stdout.write(f"serving on http://{options['bind']}")
    command.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
