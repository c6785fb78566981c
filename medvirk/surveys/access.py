"""Load a survey for a person, checking organisation and role in one call.

Like ``medvirk.organizations.access``: a survey of another organisation and a
survey that does not exist both answer 404, as does a role without ``action``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.surveys.models import Survey

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


def access_survey(
    user: AnyUser, org_slug: str, survey_id: int, action: Action = Action.MANAGE_SURVEYS
) -> tuple[OrgContext, Survey]:
    """The organisation's survey ``survey_id`` if the person may do ``action`` there."""
    context = org_context(user, org_slug, action)
    survey = get_owned_or_404(
        Survey.objects.select_related("version", "version__questionnaire"), context, pk=survey_id
    )
    return context, survey
