from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    """One entry to the representatives' overview, named for what the person does there."""
    url = reverse("representatives:home", args=[context.organization.slug])
    if context.can(Action.MANAGE_REPRESENTATIVES) or context.can(Action.MANAGE_HONORARIUM):
        return [NavItem(_("Representatives"), url)]
    if context.can(Action.VIEW_REPRESENTATIVE_LOAD):
        return [
            NavItem(
                _("Representatives' load"),
                reverse("representatives:load", args=[context.organization.slug]),
            )
        ]
    if context.can(Action.ACT_AS_REPRESENTATIVE):
        return [NavItem(_("My assignments"), url)]
    return []
