"""A value already stored wider than its column never stops a screen, an export or a pass
(issue 18). Only SQLite can hold one (PostgreSQL refuses it on write); the hub now refuses
them on every input, but a database written before that may still have one."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from reconciliation.export import workbook_write
from reconciliation.matching import reconcile
from reconciliation.models import Payout, TransactionLine
from tests.integration_hub.factories import integration_make
from tests.reconciliation.builders import D, order_with_lines, settle_line, tl

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite stores such a value"),
]
HUGE = "99999999999999999.99"


@pytest.fixture
def world():
    integration = integration_make()
    order = order_with_lines(integration, "5001", [("20.00", "0", "2.00", "0.40")])
    settle_line(integration, order, 1, "20.00", "0", "2.00", "0.40", cycle="CYC-H")
    bad = tl(integration, "ORDER_AMOUNT", "1.00", cycle="CYC-H", marketplace_order_id="5002-A",
             commercial_id="5002")  # fmt: skip
    Payout.objects.create(integration=integration, cycle_id="CYC-H", amount_to_seller=D("17.60"))
    with connection.cursor() as cursor:  # as an import before the column checks stored it
        cursor.execute(
            f"UPDATE {TransactionLine._meta.db_table} SET amount = {HUGE} WHERE id = %s", [bad.pk]
        )
    return integration


def test_the_pass_the_screens_and_the_exports_go_on(world, client, role_user, tmp_path):
    reconcile(world)  # raised decimal.InvalidOperation on reading the line
    client.force_login(role_user("Finance"))
    payout = Payout.objects.get(cycle_id="CYC-H")
    for url in (
        reverse("payout-list"),
        reverse("payout-detail", args=[payout.pk]),
        reverse("reconcile-queue"),
    ):
        assert client.get(url).status_code == 200, url
    workbook_write(tmp_path / "finance.xlsx", integration=world)
    call_command("hub", "reconcile", "match")
    call_command("hub", "reconcile", "export", str(tmp_path / "cli.xlsx"))
    stored = TransactionLine.objects.get(commercial_id="5002").amount  # SQLite kept a float
    assert stored > D("99999999999999")  # shown as it is, so a person can see it and fix it
