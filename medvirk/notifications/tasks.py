"""Background work of notifications, run by the task worker (django-tasks).

Tasks take ids, not objects: arguments are stored as JSON until a worker
picks them up. The work itself is in ``services``.
"""

from __future__ import annotations

from django_tasks import task

from medvirk.notifications import services


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient (no-op if already sent)."""
    return services.notification_email_send(notification_id=notification_id)


@task()
def send_daily_digests() -> int:
    """E-mail each person a summary of their waiting notifications; return how many."""
    return services.digests_send()
