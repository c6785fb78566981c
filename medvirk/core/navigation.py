"""Build the main navigation from memberships.

Each app contributes links through ``nav_items`` in its ``navigation.py``;
the core layout only renders them. Computed lazily, once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from medvirk.organizations.access import OrgContext


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


@dataclass(frozen=True)
class OrgNav:
    context: OrgContext
    items: list[NavItem]


def _providers() -> list[Any]:
    providers = []
    for config in apps.get_app_configs():
        if not config.name.startswith("medvirk."):
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "nav_items"):
            providers.append(module.nav_items)
    return providers


def _build(request: HttpRequest) -> list[OrgNav]:
    from medvirk.organizations.selectors import contexts_for_user

    user = request.user
    if not user.is_authenticated:
        return []
    result = []
    providers = _providers()
    for context in contexts_for_user(user):
        items: list[NavItem] = []
        for provider in providers:
            items.extend(provider(context))
        result.append(OrgNav(context=context, items=items))
    return result


def build_navigation(request: HttpRequest) -> Any:
    return SimpleLazyObject(lambda: _build(request))
