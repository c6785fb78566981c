"""The questionnaire engine's link in the main menu: every member can answer forms."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.core.navigation import NavItem
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action


def nav_items(context: OrgContext) -> list[NavItem]:
    if not context.can(Action.ANSWER_QUESTIONNAIRES):
        return []
    return [NavItem(_("Forms"), reverse("questionnaires:list", args=[context.organization.slug]))]
