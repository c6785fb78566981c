"""Load consultations for a person, checking organisation, role and audience in one call.

Like ``medvirk.organizations.access``: missing and forbidden both answer 404,
so an address never tells whether a consultation exists for someone who may
not see it. Coordinators see every consultation of their organisation, drafts
included; everyone else the published ones whose audience includes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from medvirk.consultations.models import Consultation, ConsultationDocument
from medvirk.consultations.selectors import visible_consultations
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


def access_consultation(
    user: AnyUser,
    org_slug: str,
    consultation_id: int,
    action: Action = Action.VIEW_CONSULTATIONS,
) -> tuple[OrgContext, Consultation]:
    """The person's context and a consultation they may see (and ``action`` on), or 404."""
    context = org_context(user, org_slug, action)
    consultation = get_owned_or_404(
        visible_consultations(context).select_related(
            "organization", "coordinator", "questionnaire_version__questionnaire"
        ),
        context,
        pk=consultation_id,
    )
    return context, consultation


def access_document(
    user: AnyUser, org_slug: str, consultation_id: int, document_id: int
) -> tuple[OrgContext, Consultation, ConsultationDocument]:
    """A document of a consultation the person may see, or 404."""
    context, consultation = access_consultation(user, org_slug, consultation_id)
    document = consultation.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return context, consultation, document
