from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    slug = context.organization.slug
    items = [NavItem(_("Overview"), reverse("organizations:overview", args=[slug]))]
    if context.can(Action.VIEW_UNITS):
        items.append(NavItem(_("Units"), reverse("organizations:unit_list", args=[slug])))
    if context.can(Action.VIEW_MEMBERS):
        items.append(NavItem(_("Members"), reverse("organizations:member_list", args=[slug])))
    return items
