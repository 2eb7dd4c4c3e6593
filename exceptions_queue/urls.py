from django.urls import path

from exceptions_queue import views

urlpatterns = [
    path("", views.exception_list, name="exception-list"),
    path("bulk/", views.exception_bulk, name="exception-bulk"),
    path("<int:pk>/", views.exception_detail, name="exception-detail"),
    path("<int:pk>/retry/", views.exception_retry, name="exception-retry"),
    path("<int:pk>/assign/", views.exception_assign, name="exception-assign"),
    path("<int:pk>/reopen/", views.exception_reopen, name="exception-reopen"),
    path(
        "<int:pk>/resolve/",
        views.exception_close,
        {"action": "resolve"},
        name="exception-resolve",
    ),
    path("<int:pk>/ignore/", views.exception_close, {"action": "ignore"}, name="exception-ignore"),
]
