from django.contrib import admin

from exceptions_queue.models import ExceptionAction, ExceptionItem


class ExceptionActionInline(admin.TabularInline):
    model = ExceptionAction
    extra = 0
    readonly_fields = ["at", "action", "actor", "note"]


@admin.register(ExceptionItem)
class ExceptionItemAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "subject_type",
        "subject_id",
        "status",
        "owner",
        "occurrences",
        "last_seen",
    ]
    list_filter = ["status", "kind", "owner", "integration"]
    search_fields = ["=subject_id"]
    inlines = [ExceptionActionInline]
