"""Test helpers for proposals: rows made through the services or straight with the ORM."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.proposals.choices import Category, Status
from medvirk.proposals.models import Change, Proposal, StatusChange

_counter = itertools.count(1)


def proposal(world: Any, *, submitted_by: User | None = None, **kw: Any) -> Proposal:
    """A received proposal to the world's unit (``world`` is an ``OrgWorld``)."""
    number = next(_counter)
    values: dict[str, Any] = {
        "organization": world.org,
        "unit": world.unit,
        "category": Category.ACCESS,
        "title": f"Forslag {number}",
        "text": f"Lengre åpningstid, forslag nummer {number}.",
        "submitted_by": submitted_by,
        **kw,
    }
    made = Proposal.objects.create(**values)
    StatusChange.objects.create(proposal=made, status=Status.RECEIVED, changed_by=submitted_by)
    return made


def answered(world: Any, *, status: str = Status.DONE, **kw: Any) -> Proposal:
    values: dict[str, Any] = {
        "status": status,
        "answer": "Vi har gjort det.",
        "answered_at": timezone.now(),
        **kw,
    }
    if status == Status.DECLINED:
        values.setdefault("decline_reason", "Det har vi ikke råd til.")
    return proposal(world, **values)


def change(world: Any, *, published: bool = True, **kw: Any) -> Change:
    values: dict[str, Any] = {
        "organization": world.org,
        "you_said": "Dere ønsket mer informasjon før samtaler.",
        "we_did": "Vi sender nå et brev en uke før.",
        "published_at": timezone.now() if published else None,
        **kw,
    }
    return Change.objects.create(**values)
