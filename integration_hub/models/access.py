from django.db import models


class HubAccess(models.Model):
    """Holds the hub's role permissions; it has no table and no rows.

    The groups Ops, Finance, CX and Admin get these permissions (see `integration_hub.roles`);
    views check the permission, never the group name.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", "Can see the health dashboard"),
            ("view_orders", "Can read orders and their timelines"),
            ("view_personal_data", "Can see customer names, addresses and phone numbers"),
            ("edit_mappings", "Can edit carrier and SKU mappings"),
            ("handle_exceptions", "Can retry, resolve, ignore and assign exceptions"),
            ("view_finance", "Can read payouts, transactions and margins"),
            ("reconcile", "Can match, write off and undo reconciliation lines"),
            ("export_finance", "Can export finance workbooks"),
            ("configure_integrations", "Can create, edit and pause integrations"),
        ]

    def __str__(self) -> str:
        return "hub access permissions"


class PersonalDataAccess(models.Model):
    """Who looked at a customer's personal data, and when (kept for audits)."""

    user = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    # PROTECT: deleting an order must not delete who looked at it
    order = models.ForeignKey("integration_hub.Order", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} viewed order {self.order_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("the personal data access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the personal data access log is append-only")
