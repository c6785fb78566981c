"""Test helpers for representatives: rows made straight with the ORM.

``world`` arguments are an ``OrgWorld`` of the root conftest (``world.a``).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.representatives.models import (
    Assignment,
    AssignmentKind,
    Claim,
    ConsentAction,
    ConsentEvent,
    ExperienceArea,
    Invitation,
    Profile,
    ProfileKind,
    Rate,
    Request,
)

_counter = itertools.count(1)


def area(name: str | None = None) -> ExperienceArea:
    found, _created = ExperienceArea.objects.get_or_create(
        name=name or f"Erfaring {next(_counter)}"
    )
    return found


def profile(
    world: Any,
    user: User | None = None,
    *,
    areas: list[ExperienceArea] = (),  # type: ignore[assignment]
    kind: str = ProfileKind.REPRESENTATIVE,
    **kw: Any,
) -> Profile:
    """A consented profile (with its consent event) for ``user`` (default: the representative)."""
    person = user or world["representative"]
    made = Profile.objects.create(
        organization=world.org, user=person, kind=kind, consented_at=timezone.now(), **kw
    )
    made.areas.set(list(areas))
    ConsentEvent.objects.create(organization=world.org, user=person, action=ConsentAction.GIVEN)
    return made


def request(world: Any, *, areas: list[ExperienceArea] = (), **kw: Any) -> Request:  # type: ignore[assignment]
    values: dict[str, Any] = {
        "organization": world.org,
        "title": f"Prosjekt {next(_counter)}",
        "starts_on": timezone.localdate() + datetime.timedelta(days=14),
        "needed": 2,
        "hours": Decimal("10"),
        **kw,
    }
    made = Request.objects.create(**values)
    made.areas.set(list(areas))
    return made


def invitation(
    world: Any, *, req: Request | None = None, user: User | None = None, **kw: Any
) -> Invitation:
    return Invitation.objects.create(
        organization=world.org,
        request=req or request(world),
        user=user or world["representative"],
        **kw,
    )


def assignment(world: Any, *, user: User | None = None, **kw: Any) -> Assignment:
    values: dict[str, Any] = {
        "organization": world.org,
        "user": user or world["representative"],
        "kind": AssignmentKind.PROJECT,
        "title": f"Oppdrag {next(_counter)}",
        "starts_on": timezone.localdate() - datetime.timedelta(days=30),
        **kw,
    }
    return Assignment.objects.create(**values)


def rate(world: Any, **kw: Any) -> Rate:
    values: dict[str, Any] = {
        "organization": world.org,
        "effective_from": datetime.date(2020, 1, 1),
        "hourly_rate": Decimal("355.00"),
        "rounding_minutes": 30,
        "minimum_minutes_in_person": 60,
        "per_km": Decimal("3.50"),
        **kw,
    }
    return Rate.objects.create(**values)


def claim(world: Any, *, user: User | None = None, **kw: Any) -> Claim:
    values: dict[str, Any] = {
        "organization": world.org,
        "user": user or world["representative"],
        "worked_on": timezone.localdate() - datetime.timedelta(days=3),
        "description": "Møte i brukerrådet",
        "minutes": 100,
        "in_person": True,
        "travel_km": Decimal("42"),
        **kw,
    }
    return Claim.objects.create(**values)
