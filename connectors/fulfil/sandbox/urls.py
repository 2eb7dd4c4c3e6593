"""Fulfil sandbox routes, mounted at /sandbox/fulfil/ (the instance's https://<sub>.fulfil.io)."""

from django.urls import path

from connectors.fulfil.sandbox import views

app_name = "fulfil_sandbox"

urlpatterns = [
    path("api/v2/model/<str:model>", views.model_list, name="model-list"),
    path("api/v2/model/<str:model>/<int:record_id>", views.model_read, name="model-read"),
    path("api/v2/model/<str:model>/<str:method>", views.model_method, name="model-method"),
    path("api/v3/jsonrpc", views.jsonrpc, name="jsonrpc"),
]
