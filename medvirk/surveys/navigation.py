from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    """Coordinators reach the survey list; other results readers the list of results."""
    slug = context.organization.slug
    if context.can(Action.MANAGE_SURVEYS):
        return [NavItem(_("Surveys"), reverse("surveys:list", args=[slug]))]
    if context.can(Action.VIEW_SURVEY_RESULTS):
        return [NavItem(_("Survey results"), reverse("surveys:results_list", args=[slug]))]
    return []
