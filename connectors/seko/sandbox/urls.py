"""iHub paths under /sandbox/seko/: ``<service>/v1/<endpoint>`` (a legacy ``.json`` suffix ok)."""

from django.urls import re_path

from connectors.seko.sandbox import views as v

END = r"(?:\.json)?$"
TIME = r"[0-9T:\-Z.+]+"
WINDOW = rf"(?P<start>{TIME})/(?P<end>{TIME})"
GUID = r"(?P<guid>[^/]+?)"
EVENTS = r"(?P<kind>adjustment|movement)"

urlpatterns = [
    re_path(r"^echo/v1/(?P<parameter>[^/]+?)" + END, v.endpoint("GET", v.echo, bare=True)),
    re_path(r"^salesorders/v1/websubmit" + END, v.endpoint("POST", v.order_websubmit)),
    re_path(rf"^salesorders/v1/{GUID}/status" + END, v.endpoint("GET", v.order_status)),
    re_path(rf"^salesorders/v1/{GUID}/tracking" + END, v.endpoint("GET", v.order_tracking)),
    re_path(r"^stock/v1/all" + END, v.endpoint("GET", v.stock_query)),
    re_path(r"^stock/v1/dc/(?P<dc>[^/]+?)" + END, v.endpoint("GET", v.stock_dc)),
    re_path(r"^stock/v1/product" + END, v.endpoint("GET", v.stock_query)),
    re_path(rf"^stock/v1/{EVENTS}/{WINDOW}" + END, v.endpoint("GET", v.stock_events)),
    re_path(rf"^dispatches/v1/status/{WINDOW}" + END, v.endpoint("GET", v.dispatch_statuses)),
    re_path(r"^receipts/v1/submit" + END, v.endpoint("POST", v.receipt_submit)),
    re_path(rf"^GRN/v1/{WINDOW}" + END, v.endpoint("GET", v.grn_list)),
]
