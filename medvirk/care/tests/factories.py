"""Test helpers for the individual level: rows made straight with the ORM."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.care.models import (
    CareRelationship,
    GrantAction,
    GrantEvent,
    NextOfKinGrant,
    TeamMember,
)


def relationship(
    world: Any, *, person: User | None = None, team: list[User] | None = None, **kw: Any
) -> CareRelationship:
    """An open course of care for the world's user, with the world's staff on the team."""
    made = CareRelationship.objects.create(
        organization=world.org,
        person=person or world["user"],
        unit=kw.pop("unit", world.unit),
        started_on=kw.pop("started_on", timezone.localdate() - datetime.timedelta(days=60)),
        **kw,
    )
    for staff in [world["staff"]] if team is None else team:
        TeamMember.objects.create(
            relationship=made, staff=staff, added_on=made.started_on, is_primary=True
        )
    return made


def grant(
    world: Any,
    *,
    person: User | None = None,
    next_of_kin: User | None = None,
    accepted: bool = True,
    **scopes: bool,
) -> NextOfKinGrant:
    """A grant from the world's user to the world's next of kin (accepted unless told)."""
    kin = next_of_kin or world["next_of_kin"]
    made = NextOfKinGrant.objects.create(
        organization=world.org,
        person=person or world["user"],
        email=kin.email,
        next_of_kin=kin if accepted else None,
        invited_until=timezone.now() + datetime.timedelta(days=14),
        accepted_at=timezone.now() if accepted else None,
        **scopes,
    )
    GrantEvent.objects.create(
        grant=made, action=GrantAction.INVITED, scopes=made.scopes(), actor=made.person
    )
    return made
