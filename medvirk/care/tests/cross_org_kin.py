"""Cross-organisation cases of the kin pages (joined in cross_org.py).

A grant from the owning organisation's user to its next of kin: the user's
grant pages and the next of kin's page of the person must be 404 for the
same roles in the other organisation.
"""

from __future__ import annotations

from typing import Any

from medvirk.care.tests.factories import grant
from medvirk.core.testing import ObjectViewCase


def _grant(world: Any) -> dict[str, Any]:
    return {"grant_id": grant(world, see_plan=True).pk}


def _shared_person(world: Any) -> dict[str, Any]:
    grant(world, see_plan=True)
    return {"person_id": world["user"].pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("care:kin_grant_edit", _grant, role="user"),
    ObjectViewCase("care:kin_grant_withdraw", _grant, role="user"),
    ObjectViewCase("care:kin_person", _shared_person, role="next_of_kin"),
]
