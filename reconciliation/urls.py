from django.urls import path

from reconciliation import views

urlpatterns = [
    path("", views.payout_list, name="payout-list"),
    path("payouts/<int:pk>/", views.payout_detail, name="payout-detail"),
    path("queue/", views.reconcile_queue, name="reconcile-queue"),
    path("orders/<int:pk>/", views.order_reconciliation, name="reconcile-order"),
    path("orders/<int:pk>/write-off/", views.order_write_off, name="reconcile-order-write-off"),
    path("lines/<int:pk>/match/", views.line_match, name="reconcile-line-match"),
    path("lines/<int:pk>/write-off/", views.line_write_off, name="reconcile-line-write-off"),
    path("actions/<int:pk>/undo/", views.action_undo, name="reconcile-action-undo"),
    path("margin/", views.margin, name="reconcile-margin"),
    path("export.xlsx", views.export_download, name="reconcile-export"),
    path("import/", views.settlement_import, name="reconcile-import"),
]
