"""Cross-organisation cases of the recruitment pages (joined in cross_org.py).

Objects are built in the owning organisation; the same role in the other
organisation must get 404. The invitee's own invitation opens for the
representative it was sent to.
"""

from __future__ import annotations

from typing import Any

from medvirk.core.testing import ObjectViewCase
from medvirk.representatives.models import InvitationStatus, Onboarding
from medvirk.representatives.tests import factories


def _request(world: Any) -> dict[str, Any]:
    return {"request_id": factories.request(world).pk}


def _invitation(world: Any) -> dict[str, Any]:
    return {"invitation_id": factories.invitation(world).pk}


def _accepted_invitation(world: Any) -> dict[str, Any]:
    return {
        "invitation_id": factories.invitation(world, status=InvitationStatus.ACCEPTED).pk,
    }


def _onboarding(world: Any) -> dict[str, Any]:
    onboarding = Onboarding.objects.create(organization=world.org, user=world["representative"])
    return {"onboarding_id": onboarding.pk}


def _assignment(world: Any) -> dict[str, Any]:
    return {"assignment_id": factories.assignment(world).pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("representatives:request_detail", _request, role="coordinator"),
    ObjectViewCase("representatives:request_edit", _request, role="coordinator"),
    ObjectViewCase("representatives:request_cancel", _request, role="admin"),
    ObjectViewCase("representatives:request_status", _request, role="coordinator"),
    ObjectViewCase("representatives:invitation_cancel", _invitation, role="coordinator"),
    ObjectViewCase("representatives:assignment_create", _accepted_invitation, role="coordinator"),
    ObjectViewCase("representatives:onboarding_detail", _onboarding, role="coordinator"),
    ObjectViewCase("representatives:assignment_end", _assignment, role="coordinator"),
    ObjectViewCase("representatives:invitation_respond", _invitation, role="representative"),
]
