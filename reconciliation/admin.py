from django.contrib import admin

from reconciliation.models import ReconciliationOptions


@admin.register(ReconciliationOptions)
class ReconciliationOptionsAdmin(admin.ModelAdmin):
    list_display = ["integration", "tolerance", "unsettled_after_days"]
