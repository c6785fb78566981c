from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    if not context.can(Action.SUBMIT_PROPOSALS):
        return []
    return [NavItem(_("Proposals"), reverse("proposals:list", args=[context.organization.slug]))]
