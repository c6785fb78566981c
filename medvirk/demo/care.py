"""The demo municipality's individual level: courses of care, teams and next-of-kin access.

Kari Nordmann is followed by the mental health and substance use service,
with Ingrid Hansen as her primary contact, and has let her next of kin Ola
Nordmann see her plan. An earlier course in the home services ended as
agreed. Rows are written directly (a demo load notifies and logs nothing)
and found by natural keys, so loading twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.care.models import (
    CareRelationship,
    EndReason,
    GrantAction,
    GrantEvent,
    NextOfKinGrant,
    TeamMember,
)
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.organizations.models import Organization, Unit


def _person(name: str) -> User:
    return User.objects.get(email=demo_email(name))


def demo_care(organizations: dict[str, Organization]) -> None:
    """Create or update Kari's courses of care and her grant to Ola."""
    organization = organizations[MUNICIPALITY.slug]
    today = timezone.localdate()
    kari, ola, ingrid = _person("Kari Nordmann"), _person("Ola Nordmann"), _person("Ingrid Hansen")
    mental_health = Unit.objects.get(organization=organization, name="Psykisk helse og rus")
    home = Unit.objects.get(organization=organization, name="Hjemmetjenester")

    earlier, _ = CareRelationship.objects.get_or_create(
        organization=organization,
        person=kari,
        unit=home,
        started_on=today - timedelta(days=420),
        defaults={
            "ended_on": today - timedelta(days=240),
            "end_reason": EndReason.AGREED,
            "end_note": "Klarer hverdagen selv etter en periode med praktisk bistand.",
        },
    )
    current = CareRelationship.objects.filter(
        organization=organization, person=kari, unit=mental_health, ended_on__isnull=True
    ).first() or CareRelationship.objects.create(
        organization=organization,
        person=kari,
        unit=mental_health,
        started_on=today - timedelta(days=150),
    )
    TeamMember.objects.get_or_create(
        relationship=current,
        staff=ingrid,
        removed_on=None,
        defaults={
            "role": "Psykiatrisk sykepleier",
            "is_primary": True,
            "added_on": current.started_on,
        },
    )
    TeamMember.objects.get_or_create(
        relationship=earlier,
        staff=ingrid,
        defaults={
            "role": "Sykepleier",
            "added_on": earlier.started_on,
            "removed_on": earlier.ended_on,
        },
    )
    grant, created = NextOfKinGrant.objects.get_or_create(
        organization=organization,
        person=kari,
        email=ola.email,
        withdrawn_at=None,
        defaults={
            "relation": "Far",
            "next_of_kin": ola,
            "see_plan": True,
            "invited_until": timezone.now() - timedelta(days=76),
            "accepted_at": timezone.now() - timedelta(days=88),
        },
    )
    if created:
        GrantEvent.objects.create(
            grant=grant, action=GrantAction.INVITED, scopes=["plan"], actor=kari
        )
        GrantEvent.objects.create(
            grant=grant, action=GrantAction.ACCEPTED, scopes=["plan"], actor=ola
        )
