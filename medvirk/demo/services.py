"""Load the demo installation, once and idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from medvirk.accounts.models import User
from medvirk.demo.care import demo_care
from medvirk.demo.consultations import demo_consultations
from medvirk.demo.councils import demo_councils
from medvirk.demo.data import DEMO_PASSWORD, ORGANIZATIONS, demo_email
from medvirk.demo.proposals import demo_proposals
from medvirk.demo.representatives import demo_representatives
from medvirk.demo.surveys import demo_surveys
from medvirk.organizations.models import Membership, Organization, Unit
from medvirk.questionnaires.instruments import install_instruments


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    organization_slug: str


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create or update the demo organisations, accounts and shipped questionnaires.

    Returns one login per membership.
    """
    organizations: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        org, _ = Organization.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "kind": spec.kind}
        )
        organizations[spec.slug] = org
        units = {}
        for name, description in spec.units:
            unit, _ = Unit.objects.get_or_create(
                organization=org, name=name, defaults={"description": description}
            )
            units[name] = unit
        for role, full_name, unit_name in spec.people:
            user = _demo_user(full_name)
            Membership.objects.get_or_create(
                organization=org,
                user=user,
                role=role,
                unit=units[unit_name] if unit_name else None,
            )
        if spec.members:
            org.member_organizations.set([organizations[slug] for slug in spec.members])
        install_instruments(org)
    council = demo_councils(organizations)
    demo_consultations(organizations)
    demo_surveys(organizations)
    demo_proposals(organizations)
    demo_representatives(organizations, council)
    demo_care(organizations)
    return demo_logins()


def _demo_user(full_name: str) -> User:
    email = demo_email(full_name)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, is_demo=True
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_logins() -> list[DemoLogin]:
    """One line per demo membership, in organisation then role order."""
    memberships = (
        Membership.objects.filter(user__is_demo=True)
        .select_related("user", "organization")
        .order_by("organization__slug", "role", "user__email")
    )
    return [
        DemoLogin(m.user.email, DEMO_PASSWORD, m.role, m.organization.slug) for m in memberships
    ]
