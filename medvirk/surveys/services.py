"""Writes for running surveys: save, publish, invite, one-time codes and reminders.

Every write checks the rules the database cannot (the form, units and earlier
round belong to the survey's organisation; a published survey no longer
changes) and runs in one transaction, so a refused change stores nothing.
People are told only through ``notify``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.models import User
from medvirk.notifications.services import notify
from medvirk.organizations.models import Unit
from medvirk.surveys import selectors
from medvirk.surveys.models import AccessCode, Invitee, Survey
from medvirk.surveys.publishing import answer_path
from medvirk.surveys.templates import install_template

# One-time codes: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, Q — nothing read or typed wrongly.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 8
CODES_MAX_PER_BATCH = 2000


class SurveyError(Exception):
    """A change to a survey that its rules do not allow; the message says why."""


def _check_ownership(survey: Survey, units: Iterable[Unit], previous: Survey | None) -> None:
    organization_id = survey.organization_id
    if survey.version.questionnaire.organization_id != organization_id:
        raise SurveyError(_("The form belongs to another organisation."))
    if any(unit.organization_id != organization_id for unit in units):
        raise SurveyError(_("A unit belongs to another organisation."))
    if previous is not None and (
        previous.organization_id != organization_id or previous.pk == survey.pk
    ):
        raise SurveyError(_("The earlier round must be another survey of the organisation."))


@transaction.atomic
def survey_save(
    *,
    survey: Survey,
    units: Iterable[Unit],
    previous: Survey | None = None,
    use_template: bool = False,
    user: User | None = None,
) -> Survey:
    """Store a new or changed (unpublished) survey with its target units.

    ``use_template`` puts the project's user-experience template in as the form,
    installing it into the organisation on first use. ``previous`` makes this
    survey the next round of an earlier one (they share its series key).
    """
    if survey.pk and Survey.objects.filter(pk=survey.pk, published_at__isnull=False).exists():
        raise SurveyError(_("The survey is published and can no longer change."))
    if use_template:
        survey.version = install_template(survey.organization, user=user)
    units = list(units)
    _check_ownership(survey, units, previous)
    if not units:
        raise SurveyError(_("Choose at least one unit."))
    if survey.closes_on < survey.opens_on:
        raise SurveyError(_("The closing date must be on or after the opening date."))
    if survey.anonymous:
        survey.reminder_after_days = None
    if previous is not None:
        survey.series = previous.series
    elif survey.pk:
        # Unlinked from its earlier round: a series of its own (later rounds follow it).
        earlier = selectors.previous_round(Survey.objects.get(pk=survey.pk))
        if earlier is not None:
            survey.series = uuid.uuid4()
    if user is not None and not survey.pk:
        survey.created_by = user
    survey.save()
    survey.units.set(units)
    return survey


def _lock(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("organization").get(pk=survey.pk)


@transaction.atomic
def survey_publish(*, survey: Survey, now: datetime | None = None) -> int:
    """Publish the survey (its link and QR code start to work); return how many were invited.

    An identified survey invites the users of its units at once. Publishing
    twice is refused, so nobody is invited twice.
    """
    locked = _lock(survey)
    if locked.published_at is not None:
        raise SurveyError(_("The survey is already published."))
    if not locked.units.exists():
        raise SurveyError(_("Choose at least one unit before you publish."))
    locked.published_at = now or timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    survey.published_at = locked.published_at
    if locked.anonymous:
        return 0
    return invitees_invite(survey=locked, now=locked.published_at)


@transaction.atomic
def invitees_invite(*, survey: Survey, now: datetime | None = None) -> int:
    """Invite the survey's target users not invited yet (in the app and by e-mail).

    Safe to run again, e.g. after people joined a unit: each person is invited once.
    """
    if survey.anonymous or survey.published_at is None:
        return 0
    now = now or timezone.now()
    already = set(survey.invitees.values_list("user_id", flat=True))
    new = [user for user in selectors.target_users(survey) if user.pk not in already]
    Invitee.objects.bulk_create(
        [Invitee(survey=survey, user=user, invited_at=now) for user in new],
        ignore_conflicts=True,
    )
    for user in new:
        _tell(survey, user, "survey_invitation")
    return len(new)


def _tell(survey: Survey, user: User, message: str) -> None:
    notify(
        recipient=user,
        message=message,
        context={"survey": survey, "organization": survey.organization},
        url=answer_path(survey),
        organization=survey.organization,
    )


def reminders_send(*, today: date | None = None, now: datetime | None = None) -> int:
    """Remind invitees who have not answered ``reminder_after_days`` after the invitation.

    Each invitee is reminded at most once; people found to have answered are
    marked so and skipped. Returns how many were reminded. Safe to run daily.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    sent = 0
    for invitee in selectors.reminders_due(today):
        if not selectors.reminder_is_due(invitee, today):
            continue
        if _remind_one(invitee.pk, now):
            sent += 1
    return sent


@transaction.atomic
def _remind_one(invitee_pk: int, now: datetime) -> bool:
    invitee = (
        Invitee.objects.select_for_update(of=("self",))
        .select_related("survey", "survey__organization", "user")
        .get(pk=invitee_pk)
    )
    if invitee.reminded_at is not None or invitee.answered:
        return False
    if selectors.has_answered(invitee.survey, invitee.user):
        invitee.answered = True
        invitee.save(update_fields=["answered", "updated_at"])
        return False
    invitee.reminded_at = now
    invitee.save(update_fields=["reminded_at", "updated_at"])
    _tell(invitee.survey, invitee.user, "survey_reminder")
    return True


# --- One-time codes -------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def codes_generate(*, survey: Survey, count: int) -> list[AccessCode]:
    """Make ``count`` new one-time codes (1–2,000), unique within the survey."""
    if not 1 <= count <= CODES_MAX_PER_BATCH:
        raise SurveyError(
            _("Make between 1 and %(max)s codes at a time.") % {"max": CODES_MAX_PER_BATCH}
        )
    locked = _lock(survey)
    if not locked.requires_code:
        raise SurveyError(_("This survey does not use one-time codes."))
    taken = set(locked.codes.values_list("code", flat=True))
    fresh: list[str] = []
    while len(fresh) < count:
        code = new_code()
        if code not in taken:
            taken.add(code)
            fresh.append(code)
    return AccessCode.objects.bulk_create([AccessCode(survey=locked, code=c) for c in fresh])
