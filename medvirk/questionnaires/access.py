"""Load questionnaires and responses for a person, checking organisation and role in one call.

Like ``medvirk.organizations.access``: missing and forbidden both answer 404,
so an address never reveals whether a form or an answer exists in another
organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.questionnaires.models import Questionnaire, Response

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


def access_questionnaire(
    user: AnyUser,
    org_slug: str,
    questionnaire_id: int,
    action: Action = Action.VIEW_QUESTIONNAIRES,
) -> tuple[OrgContext, Questionnaire]:
    """The organisation's questionnaire, if the person may do ``action`` there."""
    context = org_context(user, org_slug, action)
    questionnaire = get_owned_or_404(Questionnaire.objects.all(), context, pk=questionnaire_id)
    return context, questionnaire


def access_response(
    user: AnyUser,
    org_slug: str,
    questionnaire_id: int,
    response_id: int,
    action: Action = Action.VIEW_RESPONSES,
) -> tuple[OrgContext, Questionnaire, Response]:
    """A response to the questionnaire; the questionnaire in the address must be its own."""
    context, questionnaire = access_questionnaire(user, org_slug, questionnaire_id, action)
    response = get_owned_or_404(
        Response.objects.select_related("version", "respondent", "subject", "entered_by"),
        context,
        pk=response_id,
        version__questionnaire=questionnaire,
    )
    return context, questionnaire, response
