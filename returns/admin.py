from django.contrib import admin

from returns.models import (
    Cancellation,
    MarketplaceReason,
    Refund,
    RefundLine,
    Return,
    ReturnLine,
)


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["rma", "commercial_id", "integration", "marketplace_state", "step", "work"]
    list_filter = ["integration", "step", "work", "marketplace_state"]
    search_fields = ["rma", "commercial_id", "marketplace_return_id", "marketplace_order_id"]
    raw_id_fields = ["order"]
    readonly_fields = ["raw", "created_at", "updated_at"]
    inlines = [ReturnLineInline]


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["key", "order", "origin", "amount", "shipping_amount", "work", "created_at"]
    list_filter = ["integration", "origin", "work"]
    search_fields = ["key", "order__commercial_id", "source_refund_id"]
    raw_id_fields = ["order", "created_by"]
    readonly_fields = ["created_at", "updated_at", "attempted_at", "done_at"]
    inlines = [RefundLineInline]


@admin.register(Cancellation)
class CancellationAdmin(admin.ModelAdmin):
    list_display = ["key", "order", "origin", "whole_order", "work", "created_at"]
    list_filter = ["integration", "origin", "work"]
    search_fields = ["key", "order__commercial_id"]
    raw_id_fields = ["order", "created_by"]
    readonly_fields = ["created_at", "updated_at", "attempted_at", "done_at"]


@admin.register(MarketplaceReason)
class MarketplaceReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "type", "is_shop_right", "integration", "refreshed_at"]
    list_filter = ["integration", "type", "is_shop_right"]
