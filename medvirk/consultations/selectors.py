"""Reads of consultations: who is in the audience, what a person may see, list rows.

The audience of a consultation is computed, never stored: the current members
of its councils, the organisation's representatives (when all representatives
are asked), the council members who represent one of its user organisations,
and, for a public consultation, anyone. Only people with a membership of the
consultation's organisation can open its pages, so the people notified are
limited to them too (a collaboration council's members from other
organisations follow the collaboration body's own consultations instead).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.consultations.choices import ResponsesVisibleTo, Stage
from medvirk.consultations.models import (
    OVERDUE_AFTER_DAYS,
    Consultation,
    ConsultationResponse,
)
from medvirk.councils.models import CouncilMember, UserOrganization
from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role
from medvirk.questionnaires.choices import ResponseStatus

if TYPE_CHECKING:
    from medvirk.organizations.access import OrgContext


# --- Audience -------------------------------------------------------------------------------


def current_council_members(on: date | None = None) -> QuerySet[CouncilMember]:
    """Council memberships whose term includes ``on`` (today by default)."""
    on = on or timezone.localdate()
    return CouncilMember.objects.filter(term_start__lte=on).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=on)
    )


def audience_users(consultation: Consultation, on: date | None = None) -> QuerySet[User]:
    """The named audience: people told when the consultation opens and when it is decided.

    A public consultation is also open to everyone else in the organisation
    (and anonymous visitors), but they are reached through the lists and the
    public page, not by a message to every member of a municipality.
    """
    members = current_council_members(on)
    rules = Q(
        pk__in=members.filter(council__in=consultation.audience_councils.all()).values("user_id")
    )
    rules |= Q(
        pk__in=members.filter(represents__in=consultation.audience_user_organizations.all()).values(
            "user_id"
        )
    )
    if consultation.audience_all_representatives:
        rules |= Q(
            pk__in=Membership.objects.filter(
                organization_id=consultation.organization_id, role=Role.REPRESENTATIVE
            ).values("user_id")
        )
    in_organization = Membership.objects.filter(organization_id=consultation.organization_id)
    return User.objects.filter(rules, pk__in=in_organization.values("user_id"), is_active=True)


def is_in_audience(user: User, consultation: Consultation, on: date | None = None) -> bool:
    """True when ``user`` (a member of the organisation) belongs to the audience."""
    if consultation.audience_public:
        return Membership.objects.filter(
            organization_id=consultation.organization_id, user=user
        ).exists()
    return audience_users(consultation, on).filter(pk=user.pk).exists()


def represented_organizations(user: User, on: date | None = None) -> QuerySet[UserOrganization]:
    """The user organisations ``user`` represents on a council today.

    A response may be given on behalf of one of them.
    """
    return UserOrganization.objects.filter(
        pk__in=current_council_members(on).filter(user=user).values("represents_id")
    )


# --- What a person sees ---------------------------------------------------------------------


def _audience_rule(context: OrgContext, on: date | None = None) -> Q:
    """Consultations whose audience includes the context's person (published or not)."""
    members = current_council_members(on).filter(user=context.user)
    through_councils = Consultation.audience_councils.through.objects.filter(
        consultation_id=OuterRef("pk"), council_id__in=members.values("council_id")
    )
    through_user_orgs = Consultation.audience_user_organizations.through.objects.filter(
        consultation_id=OuterRef("pk"),
        userorganization_id__in=members.filter(represents__isnull=False).values("represents_id"),
    )
    rule = Q(audience_public=True) | Q(Exists(through_councils)) | Q(Exists(through_user_orgs))
    if Role.REPRESENTATIVE in context.roles:
        rule |= Q(audience_all_representatives=True)
    return rule


def visible_consultations(context: OrgContext) -> QuerySet[Consultation]:
    """The organisation's consultations the person may open.

    Coordinators see every one, drafts included; everyone else sees the
    published ones whose audience includes them.
    """
    base = Consultation.objects.filter(organization=context.organization)
    if context.can(Action.MANAGE_CONSULTATIONS):
        return base
    return base.filter(_audience_rule(context), published_at__isnull=False)


def given_responses() -> Q:
    """Responses that count: free text, or a form that was submitted (drafts do not)."""
    return Q(questionnaire_response__isnull=True) | Q(
        questionnaire_response__status=ResponseStatus.COMPLETED
    )


def with_response_count(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """Annotate ``response_count`` with one subquery (no join, no GROUP BY on the list)."""
    counted = (
        ConsultationResponse.objects.filter(given_responses(), consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(count=Count("*"))
        .values("count")
    )
    return queryset.annotate(
        response_count=Coalesce(Subquery(counted), Value(0), output_field=IntegerField())
    )


def stage_rule(stage: Stage | str, today: date | None = None) -> Q:
    """The database condition for ``Consultation.stage() == stage`` on ``today``."""
    today = today or timezone.localdate()
    undecided = Q(published_at__isnull=False, decision_published_at__isnull=True)
    overdue_before = today - timedelta(days=OVERDUE_AFTER_DAYS)
    rules = {
        Stage.DRAFT: Q(published_at__isnull=True, decision_published_at__isnull=True),
        Stage.UPCOMING: undecided & Q(opens_on__gt=today),
        Stage.OPEN: undecided & Q(opens_on__lte=today, closes_on__gte=today),
        Stage.CLOSED: undecided & Q(closes_on__lt=today, closes_on__gte=overdue_before),
        Stage.OVERDUE: undecided & Q(closes_on__lt=overdue_before),
        Stage.DECIDED: Q(decision_published_at__isnull=False),
    }
    return rules[Stage(stage)]


def list_rows(context: OrgContext, stage: str = "") -> QuerySet[Consultation]:
    """The list page's rows: visible consultations, counted, optionally of one stage."""
    rows = with_response_count(visible_consultations(context))
    if stage:
        rows = rows.filter(stage_rule(stage))
    return rows.order_by("-closes_on", "-pk")


def public_consultations(organization_id: int) -> QuerySet[Consultation]:
    """What the public list shows: public consultations and any with a published decision."""
    return Consultation.objects.filter(organization_id=organization_id).filter(
        Q(published_at__isnull=False, audience_public=True) | Q(decision_published_at__isnull=False)
    )


# --- Responses ------------------------------------------------------------------------------


def own_response(consultation: Consultation, user: User) -> ConsultationResponse | None:
    """The person's one response to the consultation (a form draft included)."""
    return (
        ConsultationResponse.objects.select_related("questionnaire_response", "on_behalf_of")
        .filter(consultation=consultation, respondent=user)
        .first()
    )


def may_read_responses(
    context: OrgContext, consultation: Consultation, *, in_audience: bool
) -> bool:
    """Whether the person may read the consultation's responses, by its setting."""
    if context.can(Action.MANAGE_CONSULTATIONS):
        return True
    if consultation.published_at is None:
        return False
    if consultation.responses_visible_to == ResponsesVisibleTo.PUBLIC:
        return True
    return consultation.responses_visible_to == ResponsesVisibleTo.AUDIENCE and in_audience


def given_responses_of(consultation: Consultation) -> QuerySet[ConsultationResponse]:
    """The responses that count, oldest first, with what showing them needs."""
    return (
        ConsultationResponse.objects.filter(given_responses(), consultation=consultation)
        .select_related("respondent", "on_behalf_of", "questionnaire_response")
        .order_by("created_at", "pk")
    )
