"""Sandbox URL mounts, included under /sandbox/ only when HUB_SANDBOX=1.

Each system's sandbox adds one line: ``path("<system>/", include("connectors.<system>..."))``.
"""

from django.urls import include, path

urlpatterns: list = []
urlpatterns += [path("mirakl/", include("connectors.mirakl.sandbox.urls"))]
urlpatterns += [path("shopify/", include("connectors.shopify.sandbox.urls"))]
urlpatterns += [path("magento/", include("connectors.magento.sandbox.urls"))]
urlpatterns += [path("fulfil/", include("connectors.fulfil.sandbox.urls"))]
urlpatterns += [path("scayle/", include("connectors.scayle.sandbox.urls"))]
urlpatterns += [path("seko/", include("connectors.seko.sandbox.urls"))]
