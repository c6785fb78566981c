"""Background work of the learning app, run by the task worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from medvirk.learning import services


@task()
def send_learning_reminders() -> int:
    """Remind people of required modules they have not completed; return how many."""
    return services.learning_reminders_send()
