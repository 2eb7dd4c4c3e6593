"""django-q2 entry points for the exceptions queue: thin functions that load by id and call a
service. Screens enqueue a retry (:func:`exception_retry_enqueue`) instead of running it in the
web request, because a retry handler may call a remote system.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_q.tasks import async_task

from exceptions_queue import alerts, services

RETRY_TASK = "exceptions_queue.tasks.exception_retry_task"


def exception_retry_enqueue(item_id: int, *, actor_id: int | None) -> None:
    async_task(RETRY_TASK, item_id, actor_id, task_name=f"exception retry #{item_id}")


def exception_retry_task(item_id: int, actor_id: int | None = None) -> str:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.exception_retry(item_id, actor=actor)


def exceptions_retry_stuck_release() -> int:
    return services.exceptions_retry_stuck_release()


def alerts_send() -> dict[str, int]:
    return alerts.alerts_send()


def alerts_digest_send() -> dict[str, int]:
    return alerts.alerts_digest_send()
