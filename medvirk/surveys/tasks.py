"""Background work of the surveys app, run by the task worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from medvirk.surveys import answering, services


@task()
def send_survey_reminders() -> int:
    """Remind invitees of identified surveys who have not answered; return how many."""
    return services.reminders_send()


@task()
def store_pending_answers() -> int:
    """Store the anonymous answers accepted by the form since the last run; return how many."""
    return answering.store_pending()
