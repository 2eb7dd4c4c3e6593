import json

import pytest
from django.core.management import CommandError, call_command

from exceptions_queue import services
from exceptions_queue.services import exception_record, retry_handler_register
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(monkeypatch):
    monkeypatch.setattr(services, "RETRY_HANDLERS", {})
    integration = integration_make()
    carrier = exception_record(
        integration=integration, kind="unmapped_carrier", subject_type="dispatch",
        subject_id="Yodel 48", message="Carrier 'Yodel 48' is not mapped",
    )  # fmt: skip
    sku = exception_record(
        integration=integration, kind="invalid_ean", subject_type="sku",
        subject_id="SKU-9", message="EAN 123 fails its check digit",
    )  # fmt: skip
    return carrier, sku


def test_list_json_has_the_contract_fields(items, capsys):
    call_command("hub", "exceptions", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in rows] == ["unmapped_carrier", "invalid_ean"]
    assert set(rows[0]) == {
        "id", "integration", "kind", "owner", "status", "subject", "message",
        "occurrences", "first_seen", "last_seen", "due_by",
    }  # fmt: skip
    assert rows[0]["subject"] == "dispatch:Yodel 48"
    assert rows[1]["owner"] == "merchandising"


def test_list_filters(items, capsys):
    call_command(
        "hub", "exceptions", "list", "--kind", "invalid_ean", "--integration", "acme", "--json"
    )
    assert [r["subject"] for r in json.loads(capsys.readouterr().out)] == ["sku:SKU-9"]
    call_command("hub", "exceptions", "list", "--status", "resolved")
    assert "no resolved exceptions" in capsys.readouterr().out


def test_list_unknown_integration_exits_2(items):
    with pytest.raises(CommandError, match="no integration named 'ghost'") as error:
        call_command("hub", "exceptions", "list", "--integration", "ghost")
    assert error.value.returncode == 2


def test_retry_by_kind_and_by_id(items, capsys):
    carrier, sku = items
    retry_handler_register("unmapped_carrier", lambda item: True)
    call_command("hub", "exceptions", "retry", "--kind", "unmapped_carrier")
    assert f"#{carrier.pk}: resolved" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 of 1 retries did not fix") as error:
        call_command("hub", "exceptions", "retry", str(sku.pk))
    assert error.value.returncode == 1


@pytest.mark.parametrize("args", [[], ["1", "--kind", "invalid_ean"], ["999"]])
def test_retry_usage_errors_exit_2(items, args):
    with pytest.raises(CommandError) as error:
        call_command("hub", "exceptions", "retry", *args)
    assert error.value.returncode == 2
