"""Background work of the surveys app, run by the task worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from medvirk.surveys import services


@task()
def send_survey_reminders() -> int:
    """Remind invitees of identified surveys who have not answered; return how many."""
    return services.reminders_send()
