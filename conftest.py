"""Fixtures shared by every app's tests.

``world`` is the shared fixture the whole suite leans on: two organisations,
each with a unit and one person in every role. Staff-side people have an
authenticator app registered, as production requires, so they pass the MFA
gate without a challenge in client tests (``force_login``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import translation

from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.organizations.models import Organization, Unit
from medvirk.organizations.roles import MFA_REQUIRED_ROLES, Role
from medvirk.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UnitFactory,
)


@dataclass
class OrgWorld:
    org: Organization
    unit: Unit
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@dataclass
class World:
    a: OrgWorld
    b: OrgWorld


def give_totp(user: User) -> None:
    """Register an authenticator app for the person (enough for the MFA gate)."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
    )


def _build_org(slug: str, name: str) -> OrgWorld:
    org: Organization = OrganizationFactory.create(slug=slug, name=name)
    unit: Unit = UnitFactory.create(organization=org, name=f"Psykisk helse og rus ({name})")
    world = OrgWorld(org=org, unit=unit)
    for role in Role:
        with translation.override("en"):  # names must not depend on a leftover language
            full_name = f"{role.label} {name}"
        user: User = UserFactory.create(email=f"{role.value}@{slug}.test", full_name=full_name)
        MembershipFactory(organization=org, user=user, role=role, unit=unit)
        if role in MFA_REQUIRED_ROLES:
            give_totp(user)
        world.users[role.value] = user
    return world


@pytest.fixture
def world(db: None) -> World:
    return World(a=_build_org("org-a", "Organisasjon A"), b=_build_org("org-b", "Organisasjon B"))


@pytest.fixture
def client_for(client: Client) -> Callable[[User], Client]:
    """Return a test client logged in as the given person."""

    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login
