"""Suite-wide fixtures: a guard against real network calls and the role users."""

from __future__ import annotations

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # unix socket paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guarded_create_connection(address, *args, **kwargs):
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_create_connection(address, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any connection that leaves the machine (loopback is allowed for PG, Redis, servers)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "create_connection", _guarded_create_connection)


@pytest.fixture
def role_user(db, django_user_model):
    """Factory: ``role_user("Ops")`` returns a user in that role group."""
    from django.contrib.auth.models import Group

    def make(role: str | None, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or f"user-{(role or 'none').lower()}", password="pw-for-tests-1"
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make
