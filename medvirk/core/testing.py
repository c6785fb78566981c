"""Test helpers shared across apps (imported only by tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class ObjectViewCase:
    """How to build an object in an organisation for one organisation-scoped object URL.

    ``build`` gets the shared fixture's ``OrgWorld`` and returns the URL's
    keyword arguments other than ``org_slug``. ``role`` is a role that can open
    such an object in its own organisation: the test proves the holder of that
    same role in another organisation gets 404.
    """

    url_name: str
    build: Callable[[Any], dict[str, Any]]
    role: str = "admin"


def iter_url_routes() -> Iterator[tuple[str, str]]:
    """Yield ``(namespaced name, full route)`` for every named URL of the project."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", route

    yield from walk(get_resolver().url_patterns, "", "")


def organization_routes() -> dict[str, str]:
    """Every named URL under ``/o/<org_slug>/``."""
    # Public pages (/p/<org_slug>/...) name an organisation too but are open to anyone.
    return {
        name: route for name, route in iter_url_routes() if route.startswith("o/<slug:org_slug>/")
    }
