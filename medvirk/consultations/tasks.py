"""Background work of consultations, run by the task worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from medvirk.consultations import services


@task()
def flag_overdue_consultations() -> int:
    """Tell coordinators and leaders of consultations overdue for a decision; return how many."""
    return services.overdue_consultations_flag()
