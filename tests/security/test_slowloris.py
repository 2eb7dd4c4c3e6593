"""Slow clients cannot take the hub down (issue 18, item 1).

The server `make run` starts (integration_hub/webserver.py) runs on 127.0.0.1 in this process.
Slow clients send headers and part of a body to the webhook endpoint and then stall; while
they hold their connections, login and ``/healthz`` must still answer within a second. With
gunicorn's sync workers (what `make run` started before) 16 such clients held every worker.
Bounded: 48 sockets, a few seconds, everything closed by the test itself.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from integration_hub.webserver import bind_split, server_create
from tests.integration_hub.factories import integration_make

SLOW_CLIENTS = 48  # three times what took the old server down


@pytest.fixture
def served(transactional_db, settings):
    settings.HUB_WEB_CHANNEL_TIMEOUT = 3
    integration_make("acme")  # a known name: the webhook view reads the whole body
    server = server_create("127.0.0.1:0", threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    host, port = server.effective_host, server.effective_port
    yield f"http://{host}:{port}"
    server.close()
    thread.join(timeout=5)


def slow_client_open(base_url: str) -> socket.socket:
    host, port = bind_split(base_url.removeprefix("http://"))
    sock = socket.create_connection((host, port), timeout=2)
    sock.sendall(
        b"POST /webhooks/acme/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"id": '
    )
    return sock


def test_slow_clients_do_not_hold_the_workers(served):
    for path in ("/healthz", "/login/"):  # warm up: the first request imports the views
        requests.get(served + path, timeout=30)
    slow = [slow_client_open(served) for _ in range(SLOW_CLIENTS)]
    try:
        time.sleep(0.5)  # they are all connected and stalled
        for path, expected in (("/healthz", {200, 503}), ("/login/", {200})):
            started = time.monotonic()
            response = requests.get(served + path, timeout=1)
            assert time.monotonic() - started < 1
            assert response.status_code in expected, path
    finally:
        for sock in slow:
            sock.close()


def test_a_stalled_connection_is_closed_by_the_server(served):
    sock = slow_client_open(served)
    try:
        sock.settimeout(10)
        started = time.monotonic()
        assert sock.recv(1024) == b""  # the server closed it: channel timeout (3 s here)
        assert time.monotonic() - started < 10
    finally:
        sock.close()


def test_a_body_over_the_limit_is_refused_before_django(served, settings):
    host, port = bind_split(served.removeprefix("http://"))
    too_big = settings.HUB_UPLOAD_MAX_MB * 1024 * 1024 + 2 * 1024 * 1024 + 1
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(
            b"POST /webhooks/acme/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Length: {too_big}\r\n\r\n".encode()
        )
        answer = sock.recv(1024)
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("bind", ["8000", "host:", ":80", "host:99999", "host:port"])
def test_bind_must_be_host_and_port(bind):
    with pytest.raises(ValueError, match="HOST:PORT"):
        bind_split(bind)


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_forwarded_headers_reach_django_only_behind_the_proxy(settings, monkeypatch, behind_proxy):
    settings.HUB_BEHIND_PROXY = behind_proxy
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    monkeypatch.setattr("integration_hub.wsgi.application", app)
    server = server_create("127.0.0.1:0", threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}/"
        requests.get(url, headers={"X-Forwarded-Proto": "https"}, timeout=5)
    finally:
        server.close()
        thread.join(timeout=5)
    assert ("HTTP_X_FORWARDED_PROTO" in seen) is behind_proxy


@pytest.mark.parametrize("argv", [["--bind", "8000"], ["--threads", "0"]])
def test_hub_serve_refuses_bad_arguments(argv):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command("hub", "serve", *argv)
    assert error.value.returncode == 2
