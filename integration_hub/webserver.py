"""The web server `make run` and `hub serve` start: waitress in front of the WSGI app.

Why waitress and not gunicorn's sync workers: a sync worker is held by one connection from its
first byte to its last, so a handful of clients that send headers and then a body one byte at a
time (slowloris) hold every worker, and login, ``/healthz`` and the webhooks stop answering.
Waitress reads each request on one asynchronous I/O thread and hands it to a worker thread only
once it has arrived whole (headers and body, up to the size limits below), so a slow client
costs a socket, never a worker. An idle or stalled connection is closed after
``HUB_WEB_CHANNEL_TIMEOUT`` seconds. What is left (very many connections that each trickle a
byte just often enough) is for the proxy in front of a public hub: see ``docs/security.md``.
"""

from __future__ import annotations

from django.conf import settings
from waitress.server import create_server


def bind_split(bind: str) -> tuple[str, int]:
    """``"127.0.0.1:8000"`` → ``("127.0.0.1", 8000)``; a ValueError names the bad part."""
    host, sep, port = bind.rpartition(":")
    if (
        not sep
        or not host
        or not (port.isascii() and port.isdigit())
        or not 0 <= int(port) <= 65535
    ):
        raise ValueError(f"--bind must be HOST:PORT, got {bind!r}")
    return host.strip("[]"), int(port)


def server_create(bind: str, *, threads: int | None = None):
    """A waitress server for the hub on ``bind``; ``.run()`` serves, ``.close()`` stops."""
    from integration_hub.wsgi import application

    host, port = bind_split(bind)
    body_limit = max(settings.HUB_UPLOAD_MAX_MB * 1024 * 1024, settings.HUB_WEBHOOK_MAX_KB * 1024)
    return create_server(
        application,
        host=host,
        port=port,
        threads=threads or settings.HUB_WEB_THREADS,
        # a connection quiet for this long is closed, whatever state its request is in
        channel_timeout=settings.HUB_WEB_CHANNEL_TIMEOUT,
        cleanup_interval=min(10, settings.HUB_WEB_CHANNEL_TIMEOUT),
        connection_limit=settings.HUB_WEB_CONNECTION_LIMIT,
        asyncore_use_poll=True,  # select() stops at 1,024 descriptors
        # a body over the upload limit is refused before it reaches Django (and memory)
        max_request_body_size=body_limit + 1024 * 1024,
        max_request_header_size=64 * 1024,
        ident="",  # no "Server: waitress" banner
        # X-Forwarded-* reach Django only behind the proxy (settings.HUB_BEHIND_PROXY), which
        # then decides what to trust; otherwise waitress drops them as a client's forgery
        clear_untrusted_proxy_headers=not settings.HUB_BEHIND_PROXY,
    )
