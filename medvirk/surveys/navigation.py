from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    """Coordinators reach the survey list; results readers get theirs from the results pages."""
    if not context.can(Action.MANAGE_SURVEYS):
        return []
    return [NavItem(_("Surveys"), reverse("surveys:list", args=[context.organization.slug]))]
