"""Who may see and run which council; every council page loads its council here.

A council is seen by its owning organisation and, when the owner is a
collaboration body and the council's ``visibility`` says so, by the people of
the body's member organisations. It is run only from the owning organisation:
a coordinator of a member organisation sees a collaboration council but does
not manage it — the coordinators of the collaboration body do. Anything not
visible answers 404, like the rest of the platform (ADR 5).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from medvirk.councils.choices import Visibility
from medvirk.councils.models import Council, CouncilMember
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.models import Organization, OrganizationKind
from medvirk.organizations.permissions import Action

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser

# Visibilities that let a collaboration body's member organisations see a council.
SHARED_VISIBILITIES = (Visibility.MEMBER_ORGANIZATIONS, Visibility.PUBLIC)


def visible_councils(context: OrgContext) -> QuerySet[Council]:
    """The councils the context's organisation sees: its own and shared collaboration ones."""
    organization = context.organization
    bodies = Organization.objects.filter(
        kind=OrganizationKind.COLLABORATION, member_organizations=organization
    ).values("pk")
    # A subquery rather than a join through the many-to-many: a join would repeat
    # a collaboration body's own councils once per member organisation, and the
    # list would need DISTINCT, which does not mix with annotated counts.
    shared = Q(organization__in=bodies, visibility__in=SHARED_VISIBILITIES)
    return Council.objects.filter(Q(organization=organization) | shared)


def access_council(
    user: AnyUser, org_slug: str, council_id: int, action: Action = Action.VIEW_COUNCILS
) -> tuple[OrgContext, Council]:
    """The person's context and a council visible to it, or 404."""
    context = org_context(user, org_slug, action)
    try:
        council = (
            visible_councils(context).select_related("organization", "unit").get(pk=council_id)
        )
    except Council.DoesNotExist as exc:
        raise Http404 from exc
    return context, council


def can_manage_council(context: OrgContext, council: Council) -> bool:
    """True when the person may run the council: MANAGE_COUNCILS in its owning organisation."""
    return council.organization_id == context.organization.pk and context.can(
        Action.MANAGE_COUNCILS
    )


def access_managed_council(
    user: AnyUser, org_slug: str, council_id: int, action: Action = Action.MANAGE_COUNCILS
) -> tuple[OrgContext, Council]:
    """The context and a council the person runs, or 404 (also for visible-only councils)."""
    context = org_context(user, org_slug, action)
    council = get_owned_or_404(
        Council.objects.select_related("organization", "unit"), context, pk=council_id
    )
    if not can_manage_council(context, council):
        raise Http404
    return context, council


def is_council_member(user: AnyUser, council: Council, on: date | None = None) -> bool:
    """True when ``user`` holds a membership of ``council`` whose term includes ``on``."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    on = on or timezone.localdate()
    return (
        CouncilMember.objects.filter(council=council, user_id=user.pk, term_start__lte=on)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .exists()
    )
