"""Load modules and lessons for a person, checking organisation and role in one call.

Like ``medvirk.organizations.access``: missing and forbidden both answer 404.
A person sees the shipped curriculum and their own organisation's published
modules, never another organisation's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import translation

from medvirk.learning.models import Lesson, Module
from medvirk.learning.selectors import module_for
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


def access_module(
    user: AnyUser, org_slug: str, module_key: str, action: Action = Action.VIEW_LEARNING
) -> tuple[OrgContext, Module]:
    """The module in the reader's language (or the fallback), as the organisation sees it."""
    context = org_context(user, org_slug, action)
    module = module_for(context.organization, module_key, translation.get_language())
    if module is None:
        raise Http404
    return context, module


def access_lesson(
    user: AnyUser, org_slug: str, module_key: str, step: int
) -> tuple[OrgContext, Module, Lesson]:
    context, module = access_module(user, org_slug, module_key)
    lesson = module.lessons.filter(position=step - 1).first() if step >= 1 else None
    if lesson is None:
        raise Http404
    lesson.module = module
    return context, module, lesson


def access_organization_module(
    user: AnyUser, org_slug: str, module_id: int
) -> tuple[OrgContext, Module]:
    """A module the organisation wrote, for those who manage learning there."""
    context = org_context(user, org_slug, Action.MANAGE_LEARNING)
    return context, get_owned_or_404(Module.objects.all(), context, pk=module_id)
