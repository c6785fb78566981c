"""Answering a survey: finding it by its link, one-time codes, abuse limits and the submit.

The respondent's side stores nothing until the answers are submitted: the
pages in between keep their state in the visitor's session (see
``answer_views``). ``submit_survey_answer`` then writes, in one transaction,
the questionnaires ``Response`` (anonymous surveys: no person, no IP
address, the day only), the ``SurveyResponse`` naming the unit, the used
one-time code and the invitee's "answered" mark, so that a failure anywhere
leaves no half-stored answer.

Anonymous answers to a survey without one-time codes or file questions take
a shorter way (``accept_answer``): the checked answers are kept as one
``PendingAnswer`` row and the task worker stores them (``store_pending``)
seconds later, so a crowd answering from a QR code at once costs each of
them one insert. Everything else is stored in the request.

The rate limit counts submits per client in the cache under a keyed hash
(HMAC with ``SECRET_KEY``) of the client's address: the address itself is
never stored, neither with the answer nor anywhere else.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from medvirk.core import ratelimit
from medvirk.organizations.models import Unit
from medvirk.questionnaires import services as questionnaire_services
from medvirk.questionnaires.models import Response
from medvirk.surveys.models import AccessCode, Invitee, PendingAnswer, Survey, SurveyResponse

if TYPE_CHECKING:
    import datetime

    from medvirk.accounts.models import User
    from medvirk.questionnaires.definition import Definition

logger = logging.getLogger(__name__)

# Defaults of the abuse limit; ``settings.SURVEY_RATE_LIMIT = None`` switches it off
# (the load benchmark does, since all its requests come from one address).
DEFAULT_RATE_LIMIT = 10
DEFAULT_RATE_WINDOW_SECONDS = 3600
# Wrong one-time codes a client may type per window before it must wait: codes are
# short, so guessing them must stay slow.
CODE_ATTEMPT_LIMIT = 20

_SPACES = re.compile(r"\s+")


class Availability(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


class AnswerRefused(Exception):
    """The answer cannot be stored; nothing was."""


class CodeRejected(AnswerRefused):
    """The one-time code is unknown or already used."""


class UnitRejected(AnswerRefused):
    """The unit is not one the survey asks about."""


class AlreadySubmitted(AnswerRefused):
    """These answers (this submission key) were stored already: a second press of Submit."""


class AlreadyAnswered(AnswerRefused):
    """The person has answered this identified survey before."""


# --- Finding the survey ---------------------------------------------------------------------


def published_survey(token: str, *, with_form: bool = True) -> Survey | None:
    """The published survey behind a public link, with what the answer pages need.

    ``with_form`` fetches the form's version and the units too; the thanks page
    needs neither. The version's imported original is never needed here.
    """
    surveys = Survey.objects.filter(token=token, published_at__isnull=False)
    if not with_form:
        return surveys.select_related("organization").first()
    return (
        surveys.select_related("organization", "version", "version__questionnaire")
        # The parsed form is kept per process (``definition_for``): its JSON is read only
        # the first time.
        .defer("version__original", "version__resource")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("name", "pk")))
        .first()
    )


def availability(survey: Survey, today: datetime.date | None = None) -> Availability:
    """Whether the survey takes answers today (both dates included)."""
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return Availability.NOT_OPEN
    if today > survey.closes_on:
        return Availability.CLOSED
    return Availability.OPEN


def survey_units(survey: Survey) -> list[Unit]:
    """The units the survey asks about, in name order (for the respondent's choice).

    ``published_survey`` has fetched them already, in that order.
    """
    return sorted(survey.units.all(), key=lambda unit: (unit.name, unit.pk))


def has_answered(survey: Survey, user: User) -> bool:
    """Whether the person has already answered this (identified) survey."""
    return SurveyResponse.objects.filter(survey=survey, response__respondent=user).exists()


def submitted_with_key(survey: Survey, key: uuid.UUID | None) -> bool:
    """Whether an answer to this survey was stored from the form carrying ``key``."""
    if key is None:
        return False
    return (
        PendingAnswer.objects.filter(survey=survey, submission_key=key).exists()
        or SurveyResponse.objects.filter(survey=survey, response__submission_key=key).exists()
    )


# --- One-time codes ---------------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    """A typed code as stored: without any spaces, in capitals (codes are case-insensitive)."""
    return _SPACES.sub("", raw or "").upper()


def usable_code(survey: Survey, raw: str) -> AccessCode | None:
    """The survey's unused code matching what was typed, else None."""
    code = normalize_code(raw)
    if not code:
        return None
    return AccessCode.objects.filter(survey=survey, code__iexact=code, used_on__isnull=True).first()


# --- Abuse limits -----------------------------------------------------------------------------


def client_key(address: str) -> str:
    """A keyed hash of the client's address: it names the client without revealing it."""
    return ratelimit.client_key(address)


def rate_limit() -> int | None:
    """Submits allowed per client, survey and window; None when the limit is off."""
    return getattr(settings, "SURVEY_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _window() -> int:
    return int(getattr(settings, "SURVEY_RATE_WINDOW", DEFAULT_RATE_WINDOW_SECONDS))


def over_rate_limit(survey: Survey, address: str) -> bool:
    """Count one submit of this client to this survey; True once it is over the limit."""
    return ratelimit.hit(
        f"surveys:submit:{survey.pk}", address, limit=rate_limit(), window=_window()
    )


def over_code_attempts(survey: Survey, address: str) -> bool:
    """Count one wrong code from this client; True once it has guessed too often."""
    if rate_limit() is None:
        return False
    return ratelimit.hit(
        f"surveys:code:{survey.pk}", address, limit=CODE_ATTEMPT_LIMIT, window=_window()
    )


def code_attempts_exhausted(survey: Survey, address: str) -> bool:
    """Whether this client has already used up its wrong-code attempts (counts nothing)."""
    if rate_limit() is None:
        return False
    return ratelimit.exhausted(f"surveys:code:{survey.pk}", address, limit=CODE_ATTEMPT_LIMIT)


# --- Submitting -------------------------------------------------------------------------------


def _lock_submission_key(key: uuid.UUID) -> None:
    """Make concurrent submits of the same form wait for each other (PostgreSQL).

    Two presses of Submit race: both may find no answer with the key and both
    store one. A transaction-scoped advisory lock on the key serialises them,
    so the second sees the first's answer. SQLite writes one at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(key.bytes[:8], "big", signed=True)]
        )


def _check_unit(survey: Survey, unit: Unit | None) -> None:
    unit_ids = {found.pk for found in survey.units.all()}
    if unit is None:
        if unit_ids:
            raise UnitRejected
    elif unit.pk not in unit_ids:
        raise UnitRejected


def _take_code(survey: Survey, code: str) -> AccessCode:
    """The unused code, locked for this transaction; ``CodeRejected`` if there is none."""
    found = (
        AccessCode.objects.select_for_update()
        .filter(survey=survey, code__iexact=normalize_code(code), used_on__isnull=True)
        .first()
    )
    if found is None:
        raise CodeRejected
    return found


def submit_survey_answer(
    survey: Survey,
    *,
    items: list[dict[str, Any]],
    unit: Unit | None,
    code: str = "",
    respondent: User | None = None,
    submission_key: uuid.UUID | None = None,
    files: Sequence[questionnaire_services.PendingFileLike] = (),
    day: datetime.date | None = None,
) -> SurveyResponse:
    """Store one answer set to ``survey`` for ``unit``; all or nothing.

    Anonymous surveys store no respondent (passing one is ignored) and only
    the day; identified surveys name ``respondent``, who may answer once, and
    mark their invitation answered. A survey that needs a one-time code
    marks ``code`` used in the same transaction. ``submission_key`` is the
    key the form carried: posting the same form again raises
    ``AlreadySubmitted`` and stores nothing more. Raises ``CodeRejected``,
    ``UnitRejected`` or ``AlreadyAnswered`` without storing anything.
    ``day`` is the day the answers were given, when they are stored later.
    """
    if not survey.anonymous and respondent is None:
        raise ValueError("An identified survey needs the respondent.")
    key = submission_key or uuid.uuid4()
    try:
        with transaction.atomic():
            return _store(
                survey,
                items=items,
                unit=unit,
                code=code,
                respondent=respondent,
                key=key,
                files=files,
                day=day,
            )
    except IntegrityError as error:
        # The unique submission key: a concurrent submit of the same form won.
        if Response.objects.filter(submission_key=key).exists():
            raise AlreadySubmitted from error
        raise


def _store(
    survey: Survey,
    *,
    items: list[dict[str, Any]],
    unit: Unit | None,
    code: str,
    respondent: User | None,
    key: uuid.UUID,
    files: Sequence[questionnaire_services.PendingFileLike],
    day: datetime.date | None,
) -> SurveyResponse:
    _lock_submission_key(key)
    if Response.objects.filter(submission_key=key).exists():
        raise AlreadySubmitted
    _check_unit(survey, unit)
    access_code = _take_code(survey, code) if survey.requires_code else None
    person = None if survey.anonymous else respondent
    if person is not None:
        # Lock the invitation (when there is one) so two tabs cannot both answer.
        Invitee.objects.select_for_update().filter(survey=survey, user=person).first()
        if has_answered(survey, person):
            raise AlreadyAnswered
    response = questionnaire_services.start_response(
        survey.version,
        organization=survey.organization,
        respondent=person,
        anonymous=survey.anonymous,
        submission_key=key,
    )
    response = questionnaire_services.submit(response, items, files=files, day=day)
    today = day or timezone.localdate()
    stored = SurveyResponse.objects.create(
        survey=survey, unit=unit, response=response, submitted_on=today
    )
    if access_code is not None:
        access_code.used_on = today
        access_code.save(update_fields=["used_on", "updated_at"])
    if person is not None:
        Invitee.objects.filter(survey=survey, user=person).update(answered=True)
    return stored


# --- Answers accepted now and stored by the worker ------------------------------------------

# The worker stores accepted answers this many seconds after the first of a burst, all
# of them in one go; one task is queued per burst, not one per answer.
STORE_DELAY_SECONDS = 5
_STORE_SCHEDULED = "surveys:store-pending:scheduled"
STORE_BATCH = 200


def can_accept_for_later(survey: Survey, definition: Definition) -> bool:
    """Whether the survey's answers may wait for the worker (see ``accept_answer``).

    Only anonymous answers without a one-time code (which must be used up
    in the request) and without files (which cannot wait in a row).
    """
    if not survey.anonymous or survey.requires_code:
        return False
    return not any(item.type == "attachment" for item in definition.walk())


def accept_answer(
    survey: Survey, *, items: list[dict[str, Any]], unit: Unit | None, submission_key: uuid.UUID
) -> None:
    """Keep checked anonymous answers for the worker, in one insert; no day finer than today.

    The same form sent twice (the submission key) is kept once: the second
    insert is ignored. Raises ``UnitRejected`` if the unit is not one the
    survey asks about.
    """
    _check_unit(survey, unit)
    PendingAnswer.objects.bulk_create(
        [
            PendingAnswer(
                survey=survey,
                unit=unit,
                submission_key=submission_key,
                items=items,
                submitted_on=timezone.localdate(),
            )
        ],
        ignore_conflicts=True,
    )
    schedule_storing()


def schedule_storing() -> None:
    """Queue the worker's ``store_pending_answers`` once per burst of answers.

    The first answer of a burst queues the task to run ``STORE_DELAY_SECONDS``
    later and marks it in the cache for as long; answers in between find the
    mark and queue nothing. An answer's row is committed before it looks for
    the mark, and a mark found means the task has not started yet, so the
    task always sees it. A backend that cannot defer (tests) runs it now.
    """
    from medvirk.surveys.tasks import store_pending_answers

    if not store_pending_answers.get_backend().supports_defer:
        store_pending_answers.enqueue()
        return

    def queue() -> None:
        if cache.add(_STORE_SCHEDULED, 1, STORE_DELAY_SECONDS):
            run_after = timezone.now() + timedelta(seconds=STORE_DELAY_SECONDS + 1)
            store_pending_answers.using(run_after=run_after).enqueue()

    transaction.on_commit(queue)  # at once outside a transaction


def store_pending(batch: int = STORE_BATCH) -> int:
    """Store every waiting answer as a response; return how many were stored.

    Each answer is stored and its waiting row deleted in one transaction, so
    an answer is never stored twice or lost. Rows another worker holds are
    skipped (PostgreSQL). An answer that cannot be stored is marked failed
    and logged, never dropped.
    """
    from medvirk.surveys.results_tasks import schedule_sums_refresh

    stored = 0
    surveys: set[int] = set()
    while True:
        with transaction.atomic():
            rows = list(
                PendingAnswer.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(failed=False)
                .select_related("survey", "survey__organization", "unit")
                .order_by("pk")[:batch]
            )
            if not rows:
                break
            for pending in rows:
                if _store_one(pending):
                    stored += 1
                    surveys.add(pending.survey_id)
    for survey_id in sorted(surveys):  # the results' sums follow in the background
        schedule_sums_refresh(survey_id)
    return stored


def _store_one(pending: PendingAnswer) -> int:
    try:
        with transaction.atomic():
            submit_survey_answer(
                pending.survey,
                items=pending.items,
                unit=pending.unit,
                submission_key=pending.submission_key,
                day=pending.submitted_on,
            )
            pending.delete()
        return 1
    except AlreadySubmitted:
        pending.delete()  # the same form was sent twice; the first copy is stored
        return 0
    except Exception:  # keep it for a person to look at; never lose an answer
        logger.exception("A survey answer could not be stored (waiting answer %s)", pending.pk)
        PendingAnswer.objects.filter(pk=pending.pk).update(failed=True)
        return 0
