"""Load proposals and changes for a person, checking organisation and role in one call.

Like ``medvirk.organizations.access``: missing and forbidden both answer 404.
Coordinators (MANAGE_PROPOSALS) reach every proposal of their organisation,
hidden ones included; everyone else only the visible ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.proposals.models import Change, Proposal

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


def access_proposal(
    user: AnyUser, org_slug: str, proposal_id: int, action: Action = Action.SUBMIT_PROPOSALS
) -> tuple[OrgContext, Proposal]:
    """The person's context and a proposal they may see (and ``action`` on), or 404."""
    context = org_context(user, org_slug, action)
    queryset = Proposal.objects.select_related(
        "organization", "unit", "submitted_by", "responsible", "hidden_by"
    )
    if not context.can(Action.MANAGE_PROPOSALS):
        queryset = queryset.filter(hidden_at__isnull=True)
    return context, get_owned_or_404(queryset, context, pk=proposal_id)


def access_change(user: AnyUser, org_slug: str, change_id: int) -> tuple[OrgContext, Change]:
    """A "you said — we did" change for a coordinator of its organisation, or 404."""
    context = org_context(user, org_slug, Action.MANAGE_PROPOSALS)
    change = get_owned_or_404(
        Change.objects.select_related("organization", "unit", "survey"), context, pk=change_id
    )
    return context, change
