"""A person in one organisation gets 404 for every object URL of another.

Every URL under ``/o/<org_slug>/`` that names an object must have an
``ObjectViewCase`` in its app's ``tests/cross_org.py``; a new object view
without one fails ``test_every_object_url_has_a_case``. So this test grows
with every app.
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from medvirk.core.testing import ObjectViewCase, organization_routes


def _collect_cases() -> list[ObjectViewCase]:
    cases: list[ObjectViewCase] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("medvirk."):
            continue
        try:
            module = import_module(f"{config.name}.tests.cross_org")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _collect_cases()
ROUTES = organization_routes()


def _object_routes() -> set[str]:
    return {
        name
        for name, route in ROUTES.items()
        if set(re.findall(r"<(?:\w+:)?(\w+)>", route)) - {"org_slug"}
    }


def _org_level_routes() -> list[str]:
    return sorted(set(ROUTES) - _object_routes())


def test_every_object_url_has_a_case() -> None:
    covered = {case.url_name for case in CASES}
    missing = _object_routes() - covered
    assert not missing, f"object URLs without a cross-organisation case: {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=[case.url_name for case in CASES])
def test_object_of_another_organisation_is_404(case, world, client_for) -> None:
    kwargs = case.build(world.a)

    # Control: the same role in the owning organisation can open it.
    own = client_for(world.a[case.role]).get(
        reverse(case.url_name, kwargs={"org_slug": world.a.org.slug, **kwargs})
    )
    assert own.status_code == 200, f"{case.url_name} did not open for its own organisation"

    other = client_for(world.b[case.role])
    # Through the viewer's own organisation's address ...
    through_own = other.get(reverse(case.url_name, kwargs={"org_slug": world.b.org.slug, **kwargs}))
    assert through_own.status_code == 404
    # ... and through the owner's address, where the viewer is no member.
    direct = other.get(reverse(case.url_name, kwargs={"org_slug": world.a.org.slug, **kwargs}))
    assert direct.status_code == 404


@pytest.mark.parametrize("url_name", _org_level_routes())
def test_organisation_pages_are_404_for_non_members(url_name, world, client_for) -> None:
    client = client_for(world.b["admin"])
    response = client.get(reverse(url_name, kwargs={"org_slug": world.a.org.slug}))
    assert response.status_code == 404
