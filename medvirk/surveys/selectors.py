"""Reads for running surveys: list rows, counts, stages, who is asked, who to remind.

Results (distributions, suppression, free text) are read elsewhere; this module
only answers what coordinators need to set up, publish and follow a survey.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership, Organization
from medvirk.organizations.roles import Role
from medvirk.questionnaires.choices import ResponseStatus, VersionStatus
from medvirk.questionnaires.models import QuestionnaireVersion, Response
from medvirk.surveys.models import Invitee, PendingAnswer, Survey


class Stage(StrEnum):
    """Where a survey is in its life, computed from publication and dates."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self])


STAGE_LABELS = {
    Stage.DRAFT: _("Draft"),
    Stage.SCHEDULED: _("Published, not yet open"),
    Stage.OPEN: _("Open"),
    Stage.CLOSED: _("Closed"),
}


def survey_stage(survey: Survey, today: date | None = None) -> Stage:
    today = today or timezone.localdate()
    if survey.published_at is None:
        return Stage.DRAFT
    if today < survey.opens_on:
        return Stage.SCHEDULED
    if today > survey.closes_on:
        return Stage.CLOSED
    return Stage.OPEN


def is_open(survey: Survey, today: date | None = None) -> bool:
    """Published and within its dates (both days included): answers are accepted."""
    return survey_stage(survey, today) == Stage.OPEN


def survey_rows(organization: Organization) -> QuerySet[Survey]:
    """The organisation's surveys for the list, each with ``response_count``, in one query.

    Units come with one extra query for the whole page (prefetch), whatever its length.
    """
    return (
        Survey.objects.filter(organization=organization)
        .select_related("version__questionnaire")
        .prefetch_related("units")
        .annotate(response_count=Count("responses"))
        .order_by("-opens_on", "-pk")
    )


def failed_answer_count(survey: Survey) -> int:
    """Answers the worker could not store: kept, and shown to the coordinator."""
    return PendingAnswer.objects.filter(survey=survey, failed=True).count()


def response_count(survey: Survey) -> int:
    """Answers given so far, including those the worker has not stored yet."""
    waiting = PendingAnswer.objects.filter(survey=survey, failed=False).count()
    return survey.responses.count() + waiting


@dataclass(frozen=True)
class CodeCounts:
    total: int
    used: int

    @property
    def unused(self) -> int:
        return self.total - self.used


def code_counts(survey: Survey) -> CodeCounts:
    counts = survey.codes.aggregate(
        total=Count("pk"), used=Count("pk", filter=Q(used_on__isnull=False))
    )
    return CodeCounts(total=counts["total"], used=counts["used"])


def unused_codes(survey: Survey) -> QuerySet:
    return survey.codes.filter(used_on__isnull=True).order_by("pk")


def active_versions(organization: Organization) -> QuerySet[QuestionnaireVersion]:
    """The organisation's forms a survey can use: each questionnaire's active version."""
    return (
        QuestionnaireVersion.objects.filter(
            questionnaire__organization=organization, status=VersionStatus.ACTIVE
        )
        .select_related("questionnaire")
        .order_by("questionnaire__title", "pk")
    )


def earlier_surveys(
    organization: Organization, *, exclude: Survey | None = None
) -> QuerySet[Survey]:
    """Surveys a new survey can be the next round of (newest first)."""
    surveys = Survey.objects.filter(organization=organization).order_by("-opens_on", "-pk")
    if exclude is not None and exclude.pk:
        surveys = surveys.exclude(pk=exclude.pk)
    return surveys


def rounds_of(survey: Survey) -> QuerySet[Survey]:
    """Every round of the survey's series, the survey itself included, oldest first."""
    return (
        Survey.objects.filter(organization_id=survey.organization_id, series=survey.series)
        .annotate(response_count=Count("responses"))
        .order_by("opens_on", "pk")
    )


def previous_round(survey: Survey) -> Survey | None:
    """The round of the same series that came just before this one, if any."""
    if not survey.pk:
        return None
    return (
        Survey.objects.filter(organization_id=survey.organization_id, series=survey.series)
        .exclude(pk=survey.pk)
        .filter(Q(opens_on__lt=survey.opens_on) | Q(opens_on=survey.opens_on, pk__lt=survey.pk))
        .order_by("-opens_on", "-pk")
        .first()
    )


def target_users(survey: Survey) -> QuerySet[User]:
    """Who an identified survey asks: active people with the role user in a targeted unit."""
    members = Membership.objects.filter(
        organization_id=survey.organization_id,
        role=Role.USER,
        unit__in=survey.units.all(),
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("pk")


@dataclass(frozen=True)
class InviteeCounts:
    invited: int
    answered: int
    reminded: int


def invitee_counts(survey: Survey) -> InviteeCounts:
    counts = survey.invitees.aggregate(
        invited=Count("pk"),
        answered=Count("pk", filter=Q(answered=True)),
        reminded=Count("pk", filter=Q(reminded_at__isnull=False)),
    )
    return InviteeCounts(**counts)


def has_answered(survey: Survey, user: User) -> bool:
    """True when ``user`` has a submitted response to this (identified) survey."""
    return Response.objects.filter(
        survey_response__survey=survey, respondent=user, status=ResponseStatus.COMPLETED
    ).exists()


def reminders_due(today: date | None = None) -> QuerySet[Invitee]:
    """Invitees to remind today: not answered, never reminded, invited long enough ago.

    Only for published identified surveys that are open today; the waiting time
    counts from the invitation or the opening day, whichever is later.
    """
    today = today or timezone.localdate()
    candidates = (
        Invitee.objects.filter(
            answered=False,
            reminded_at__isnull=True,
            invited_at__isnull=False,
            survey__anonymous=False,
            survey__published_at__isnull=False,
            survey__reminder_after_days__isnull=False,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
            user__is_active=True,
        )
        .select_related("survey", "survey__organization", "user")
        .order_by("pk")
    )
    return candidates


def reminder_is_due(invitee: Invitee, today: date) -> bool:
    survey = invitee.survey
    if invitee.invited_at is None or survey.reminder_after_days is None:
        return False
    start = max(timezone.localdate(invitee.invited_at), survey.opens_on)
    return start + timedelta(days=survey.reminder_after_days) <= today
