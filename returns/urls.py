from django.urls import path

from returns import views

urlpatterns = [
    path("", views.return_list, name="return-list"),
    path("orders/<int:pk>/refund/", views.order_refund, name="returns-order-refund"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="returns-order-cancel"),
]
