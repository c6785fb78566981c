"""The representatives' overview: /o/<org_slug>/representatives/.

What each person may do here, with the counts that call for action: for a
representative, invitations to answer, the onboarding checklist and claims
to check; for a coordinator, open requests, claims to approve and claims
ready for payroll.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role
from medvirk.representatives.models import (
    Claim,
    ClaimStatus,
    Invitation,
    InvitationStatus,
    Onboarding,
    Profile,
    Request,
    RequestStatus,
)


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug)
    organization = context.organization
    mine = context.can(Action.ACT_AS_REPRESENTATIVE)
    manages = context.can(Action.MANAGE_REPRESENTATIVES)
    pays = context.can(Action.MANAGE_HONORARIUM)
    if not (mine or manages or pays or context.can(Action.VIEW_REPRESENTATIVE_LOAD)):
        raise PermissionDenied
    values: dict[str, object] = {
        "org": context,
        "mine": mine,
        "manages": manages,
        "pays": pays,
        # Experience consultants are employees: they claim no honorarium.
        "claims_honorarium": Role.REPRESENTATIVE in context.roles,
    }
    if mine:
        user = context.user
        values["has_profile"] = Profile.objects.filter(
            organization=organization, user=user
        ).exists()
        values["open_invitations"] = Invitation.objects.filter(
            organization=organization, user=user, status=InvitationStatus.INVITED
        ).count()
        onboarding = Onboarding.objects.filter(organization=organization, user=user).first()
        values["onboarding"] = onboarding
        values["draft_claims"] = Claim.objects.filter(
            organization=organization, user=user, status=ClaimStatus.DRAFT
        ).count()
    if manages:
        values["open_requests"] = Request.objects.filter(
            organization=organization, status=RequestStatus.OPEN
        ).count()
    if pays:
        values["claims"] = Claim.objects.filter(organization=organization).aggregate(
            submitted=Count("pk", filter=Q(status=ClaimStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=ClaimStatus.APPROVED)),
        )
    return render(request, "representatives/home.html", values)
