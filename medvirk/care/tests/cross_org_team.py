"""Cross-organisation cases of the team pages (joined in cross_org.py).

An open course of care for the owning organisation's user, with its staff
member on the team; the staff member (or the coordinator) of the other
organisation must get 404 for the person's page, the course and its team.
"""

from __future__ import annotations

from typing import Any

from medvirk.care.models import TeamMember
from medvirk.care.tests.factories import relationship
from medvirk.core.testing import ObjectViewCase


def _person(world: Any) -> dict[str, Any]:
    relationship(world)
    return {"person_id": world["user"].pk}


def _course(world: Any) -> dict[str, Any]:
    return {"course_id": relationship(world).pk}


def _member(world: Any) -> dict[str, Any]:
    course = relationship(world)
    member = TeamMember.objects.get(relationship=course, staff=world["staff"])
    return {"course_id": course.pk, "member_id": member.pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("care:person", _person, role="staff"),
    *(
        ObjectViewCase(name, build, role=role)
        for name, build in (
            ("care:course", _course),
            ("care:course_end", _course),
            ("care:team_add", _course),
            ("care:team_member", _member),
            ("care:team_remove", _member),
        )
        for role in ("staff", "coordinator")
    ),
]
