"""Reads of recruitment: requests, invitations, onboarding and assignments.

List selectors annotate their counts with correlated subqueries, so a page of
rows is one query however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from medvirk.learning.models import ModuleProgress
from medvirk.representatives.models import (
    Assignment,
    Invitation,
    InvitationStatus,
    Onboarding,
    Request,
)

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization

DEFAULT_INTRODUCTION_MODULE = "being-a-representative"


def introduction_module() -> str:
    """The stable id of the learning module that is the introduction course."""
    return str(getattr(settings, "REPRESENTATIVE_INTRODUCTION_MODULE", DEFAULT_INTRODUCTION_MODULE))


def _count(queryset: QuerySet[Any]) -> Coalesce:
    rows = queryset.order_by().values("request").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_progress(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Annotate ``accepted_count``, ``waiting_count`` (unanswered) and ``assigned_count``."""
    invitations = Invitation.objects.filter(request=OuterRef("pk"))
    return requests.annotate(
        accepted_count=_count(invitations.filter(status=InvitationStatus.ACCEPTED)),
        waiting_count=_count(invitations.filter(status=InvitationStatus.INVITED)),
        assigned_count=_count(Assignment.objects.filter(request=OuterRef("pk"))),
    )


def request_list(organization: Organization, *, status: str = "") -> QuerySet[Request]:
    """The organisation's requests, newest start first, with their progress counts."""
    requests = Request.objects.filter(organization=organization).select_related("council")
    if status:
        requests = requests.filter(status=status)
    return with_progress(requests)


def assigned_count(req: Request) -> int:
    return Assignment.objects.filter(request=req).count()


# --- Onboarding ------------------------------------------------------------------------------


def course_completed_at(user: User, organization: Organization) -> datetime | None:
    """When the person completed the introduction module in this organisation, if they have.

    Learning progress belongs to the organisation it was made in, as the
    learning reports count it.
    """
    return (
        ModuleProgress.objects.filter(
            organization=organization,
            user=user,
            module_key=introduction_module(),
            completed_at__isnull=False,
        )
        .values_list("completed_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class OnboardingStatus:
    """The three steps of onboarding and when each was done (None: not yet)."""

    agreement_at: datetime | None
    declaration_at: datetime | None
    course_at: datetime | None
    # True when the course counts because of the learning module, not yet stored.
    course_from_module: bool = False

    @property
    def done_count(self) -> int:
        return sum(1 for step in (self.agreement_at, self.declaration_at, self.course_at) if step)

    @property
    def complete(self) -> bool:
        return self.done_count == 3


def onboarding_status(
    onboarding: Onboarding | None,
    *,
    user: User,
    organization: Organization,
    module_completed_at: datetime | bool | None = False,
) -> OnboardingStatus:
    """The person's onboarding, with the introduction course read from learning if needed.

    ``module_completed_at`` may be given when the caller has already read it
    (``False``: read it here, only if the course is not marked done).
    """
    course_at = onboarding.course_completed_at if onboarding else None
    from_module = False
    if course_at is None:
        if module_completed_at is False:
            module_completed_at = course_completed_at(user, organization)
        if isinstance(module_completed_at, datetime):
            course_at, from_module = module_completed_at, True
    return OnboardingStatus(
        agreement_at=onboarding.agreement_accepted_at if onboarding else None,
        declaration_at=onboarding.confidentiality_signed_at if onboarding else None,
        course_at=course_at,
        course_from_module=from_module,
    )


def onboarding_for(user: User, organization: Organization) -> Onboarding | None:
    return Onboarding.objects.filter(organization=organization, user=user).first()


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    onboarding: Onboarding | None
    status: OnboardingStatus | None  # only for accepted invitations
    assignment: Assignment | None


def invitation_rows(req: Request) -> list[InvitationRow]:
    """The request's invitations with each accepted person's onboarding (four queries)."""
    invitations = list(
        Invitation.objects.filter(request=req).select_related("user").order_by("-created_at", "pk")
    )
    users = [i.user_id for i in invitations if i.status == InvitationStatus.ACCEPTED]
    onboardings = {
        o.user_id: o
        for o in Onboarding.objects.filter(organization=req.organization, user__in=users)
    }
    modules = dict(
        ModuleProgress.objects.filter(
            organization=req.organization,
            user__in=users,
            module_key=introduction_module(),
            completed_at__isnull=False,
        ).values_list("user", "completed_at")
    )
    assignments = {a.user_id: a for a in Assignment.objects.filter(request=req)}
    rows = []
    for invitation in invitations:
        onboarding = onboardings.get(invitation.user_id)
        status = None
        if invitation.status == InvitationStatus.ACCEPTED:
            status = onboarding_status(
                onboarding,
                user=invitation.user,
                organization=req.organization,
                module_completed_at=modules.get(invitation.user_id),
            )
        rows.append(
            InvitationRow(
                invitation=invitation,
                onboarding=onboarding,
                status=status,
                assignment=assignments.get(invitation.user_id),
            )
        )
    return rows


# --- The person's own ------------------------------------------------------------------------


def my_invitations(user: User, organization: Organization) -> QuerySet[Invitation]:
    """The person's invitations in the organisation, unanswered first, then newest."""
    waiting = Case(
        When(status=InvitationStatus.INVITED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Invitation.objects.filter(organization=organization, user=user)
        .select_related("request", "request__council")
        .order_by(waiting, "-created_at", "-pk")
    )


def my_assignments(user: User, organization: Organization) -> QuerySet[Assignment]:
    return Assignment.objects.filter(organization=organization, user=user).select_related("council")


# --- Assignments -----------------------------------------------------------------------------


class AssignmentState:
    CURRENT = "current"
    COMING = "coming"
    ENDED = "ended"


def _state_q(state: str, today: date) -> Q:
    if state == AssignmentState.CURRENT:
        return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if state == AssignmentState.COMING:
        return Q(starts_on__gt=today)
    if state == AssignmentState.ENDED:
        return Q(ends_on__lt=today)
    return Q()


def assignment_list(
    organization: Organization, *, state: str = "", today: date | None = None
) -> QuerySet[Assignment]:
    today = today or timezone.localdate()
    return (
        Assignment.objects.filter(organization=organization)
        .filter(_state_q(state, today))
        .select_related("user", "council")
    )
