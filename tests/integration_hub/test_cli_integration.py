import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integration_hub.models import Integration
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ADD = [
    "hub", "integration", "add", "acme",
    "--source", "shopify",
    "--source-url", "https://acme.myshopify.com/",
    "--source-credential", "access_token=shpat_secret",
    "--source-credential", "webhook_secret=whsec",
    "--marketplace-url", "https://jl.mirakl.net",
    "--marketplace-key", "mk-secret",
    "--shop-id", "2001",
    "--buffer", "3",
]  # fmt: skip


def run(*args, capsys=None):
    call_command(*args)
    return capsys.readouterr() if capsys else None


def test_add_stores_everything_and_encrypts_credentials(capsys):
    out = run(*ADD, capsys=capsys).out
    assert "integration acme added (shopify)" in out
    integration = Integration.objects.get(name="acme")
    assert integration.source_url == "https://acme.myshopify.com"
    assert integration.source_credentials == {
        "access_token": "shpat_secret",
        "webhook_secret": "whsec",
    }
    assert integration.marketplace_api_key == "mk-secret"
    assert (integration.shop_id, integration.default_buffer) == ("2001", 3)
    assert integration.call_limit_mode == "spec"


def test_list_and_show_json_never_print_secrets(capsys):
    run(*ADD, capsys=capsys)
    listing = json.loads(run("hub", "integration", "list", "--json", capsys=capsys).out)
    assert [i["name"] for i in listing] == ["acme"]
    assert listing[0]["source_credentials"] == ["access_token", "webhook_secret"]
    shown = run("hub", "integration", "show", "acme", "--json", capsys=capsys).out
    assert json.loads(shown)["marketplace_key_set"] is True
    for secret in ("shpat_secret", "whsec", "mk-secret"):
        assert secret not in shown
        assert secret not in json.dumps(listing)


def test_list_when_empty_says_what_to_do(capsys):
    assert "hub integration add" in run("hub", "integration", "list", capsys=capsys).out


def test_remove(capsys):
    run(*ADD)
    assert "removed" in run("hub", "integration", "remove", "acme", capsys=capsys).out
    assert not Integration.objects.exists()


def test_remove_refuses_an_integration_with_orders():
    order_make(integration_make())
    with pytest.raises(CommandError, match="has orders; pause it") as error:
        call_command("hub", "integration", "remove", "acme")
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--source": "woocommerce"}, "invalid choice: 'woocommerce'"),
        ({"--source-url": "not-a-url"}, "--source-url: Enter a valid URL."),
        ({"--marketplace-url": "ftp:/x"}, "--marketplace-url: Enter a valid URL."),
        ({"--source-credential": "shpat_typed-without-key"}, r"credential #1 is not KEY=VALUE"),
        ({"--source-url": "https://u:pw@acme.example"}, "--source-url: Put user names"),
        ({"--marketplace-url": "https://k@jl.mirakl.net"}, "--marketplace-url: Put user names"),
        ({"--source-credential": "token="}, "credential 'token' has no value"),
        ({"--buffer": "-1"}, "--buffer: the buffer cannot be negative"),
        ({"--buffer": "lots"}, "invalid int value: 'lots'"),
        ({"--call-limits": "maybe"}, "invalid choice: 'maybe'"),
        ({"name": "Bad Name"}, "NAME: Use lower-case letters"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(change, message):
    args = list(ADD)
    for key, value in change.items():
        if key == "name":
            args[3] = value
        elif key in args:
            args[args.index(key) + 1] = value
        else:
            args += [key, value]
    with pytest.raises(CommandError, match=message) as error:
        call_command(*args)
    assert error.value.returncode == 2
    assert not Integration.objects.exists()


def test_a_credential_without_key_is_never_echoed():
    args = [a if a != "access_token=shpat_secret" else "shpat_secret" for a in ADD]
    with pytest.raises(CommandError) as error:
        call_command(*args)
    assert "shpat_secret" not in str(error.value)


def test_credentials_can_come_from_files_and_stdin(tmp_path, monkeypatch):
    creds = tmp_path / "source.env"
    creds.write_text("# Shopify\naccess_token=shpat_from_file\n\nwebhook_secret=whsec_file\n")
    args = [a for a in ADD if a not in ("access_token=shpat_secret", "webhook_secret=whsec")]
    args = [a for a in args if a != "--source-credential"]
    args = args[: args.index("--marketplace-key")] + args[args.index("--marketplace-key") + 2 :]
    monkeypatch.setattr("sys.stdin", io.StringIO("mk-from-stdin\n"))
    call_command(*args, "--source-credential-file", str(creds), "--marketplace-key-file", "-")
    integration = Integration.objects.get(name="acme")
    assert integration.source_credentials == {
        "access_token": "shpat_from_file",
        "webhook_secret": "whsec_file",
    }
    assert integration.marketplace_api_key == "mk-from-stdin"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--marketplace-key-file", "/nonexistent/key"], "cannot read /nonexistent/key"),
        (["--source-credential-file", "-", "--marketplace-key-file", "-"], "only one of"),
    ],
)
def test_credential_file_errors_exit_2(extra, message):
    args = ADD[: ADD.index("--marketplace-key")] + ADD[ADD.index("--marketplace-key") + 2 :]
    with pytest.raises(CommandError, match=message) as error:
        call_command(*args, *extra)
    assert error.value.returncode == 2


def test_duplicate_name_exits_2():
    run(*ADD)
    with pytest.raises(CommandError, match="an integration named 'acme' already exists") as error:
        call_command(*ADD)
    assert error.value.returncode == 2


def test_show_unknown_exits_2():
    with pytest.raises(CommandError, match="no integration named 'ghost'") as error:
        call_command("hub", "integration", "show", "ghost")
    assert error.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_real_command_line_exit_status_and_one_line_stderr(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integration_hub.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }

    def hub(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert hub("migrate", "-v0").returncode == 0
    ok = hub(*ADD)
    assert ok.returncode == 0, ok.stderr
    duplicate = hub(*ADD)
    assert duplicate.returncode == 2
    assert duplicate.stderr.strip().splitlines() == [
        "hub: error: NAME: an integration named 'acme' already exists"
    ]
    bad_kind = hub(*[("magento2" if a == "shopify" else a) for a in ADD])
    assert bad_kind.returncode == 2
    assert len(bad_kind.stderr.strip().splitlines()) == 1
    assert "invalid choice: 'magento2'" in bad_kind.stderr
