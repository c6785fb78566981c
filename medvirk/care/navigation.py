from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    """The individual level's entries: one per way a person takes part in it."""
    slug = context.organization.slug
    items = []
    if context.can(Action.BE_ON_CARE_TEAM):
        items.append(NavItem(_("People I follow"), reverse("care:overview", args=[slug])))
    if context.can(Action.ORGANISE_CARE_TEAMS):
        items.append(NavItem(_("Courses of care"), reverse("care:courses", args=[slug])))
        items.append(
            NavItem(_("Deletion requests"), reverse("care:deletion_requests", args=[slug]))
        )
    if context.can(Action.HAVE_OWN_CARE):
        items.append(NavItem(_("My care"), reverse("care:my_care", args=[slug])))
        items.append(NavItem(_("Who can see my data"), reverse("care:who_can_see", args=[slug])))
    if context.can(Action.VIEW_SHARED_CARE):
        items.append(
            NavItem(_("People who share with me"), reverse("care:shared_with_me", args=[slug]))
        )
    items.append(NavItem(_("My data"), reverse("care:my_data", args=[slug])))  # everyone's own
    return items
