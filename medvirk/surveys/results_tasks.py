"""Background work for survey results: keeping each round's stored sums current.

A results page reads a round's sums from the cache or from ``RoundSums`` and
aggregates only the responses stored since (``results.round_groups``). These
tasks keep ``RoundSums`` close to the responses, so that no reader — least
of all the first one after a restart, with an empty cache — aggregates a
whole large round:

- ``schedule_sums_refresh(survey_id)``: call it after storing answers to a
  survey (after the commit). It queues ``refresh_round_sums`` at most once
  per survey per ``REFRESH_DELAY_SECONDS``, to run that much later, so a
  burst of answers costs one refresh.
- ``refresh_round_sums(survey_id)``: adds the new responses to the stored
  sums (or aggregates the round afresh) in the worker.
- ``refresh_behind_round_sums()``: every round whose stored sums are
  missing or behind; for cron and deploys (``manage.py refresh_survey_results``).

Tasks take ids, not objects: arguments are stored as JSON until a worker
picks them up.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from medvirk.surveys import results

# One refresh per survey per this many seconds, run this long after the first answer.
REFRESH_DELAY_SECONDS = 30


def _scheduled_key(survey_id: int) -> str:
    return f"surveys:results:refresh-scheduled:{survey_id}"


@task()
def refresh_round_sums(survey_id: int) -> int:
    """Bring one round's stored sums up to date; 1 if they were written, 0 if current."""
    return int(results.refresh_stored_sums(survey_id))


@task()
def refresh_behind_round_sums() -> int:
    """Refresh every round whose stored sums are missing or behind; return how many."""
    return results.refresh_behind_sums()


def schedule_sums_refresh(survey_id: int) -> None:
    """Queue ``refresh_round_sums`` for the survey, once per burst of answers.

    The first call queues the task to run ``REFRESH_DELAY_SECONDS`` later
    and marks the survey in the cache for that long; calls in between find
    the mark and queue nothing. The mark is gone before the task starts, so
    an answer committed while a mark is found is one the task will see.
    Inside a transaction the queueing waits for the commit. A backend that
    cannot defer (the tests' ``ImmediateBackend``) runs the task now, each
    time. Never raises for the caller: the stored sums only save readers
    time, a request adds whatever they lack.
    """
    if not refresh_round_sums.get_backend().supports_defer:
        refresh_round_sums.enqueue(survey_id)
        return

    def queue() -> None:
        if cache.add(_scheduled_key(survey_id), 1, REFRESH_DELAY_SECONDS):
            run_after = timezone.now() + timedelta(seconds=REFRESH_DELAY_SECONDS + 1)
            refresh_round_sums.using(run_after=run_after).enqueue(survey_id)

    transaction.on_commit(queue, robust=True)  # at once outside a transaction
