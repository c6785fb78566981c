"""Reads of the next-of-kin pages: a person's grants and team, what a next of kin holds.

"Who can see my data" must list everyone who can open the person's data, so
the team part reads courses of care and team members with the same rule as
``access.py`` (an open course of care, a team member not removed): the page
and the access check cannot disagree.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.care.access import open_relationships
from medvirk.care.models import (
    CareRelationship,
    GrantEvent,
    NextOfKinGrant,
    Scope,
    TeamMember,
)
from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import POLICY, Action

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Invited, not accepted yet")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Invitation expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def grant_status(grant: NextOfKinGrant, now: datetime.datetime | None = None) -> GrantStatus:
    """Where a grant stands: withdrawal wins, then acceptance, then the invitation's date."""
    if grant.withdrawn_at is not None:
        return GrantStatus.WITHDRAWN
    if grant.accepted_at is not None:
        return GrantStatus.ACTIVE
    if grant.invited_until <= (now or timezone.now()):
        return GrantStatus.EXPIRED
    return GrantStatus.PENDING


def scope_labels(scopes: list[str]) -> list[StrOrPromise]:
    """The display names of stored scope values, in the order of ``Scope``.

    Lazy: a message rendered in the recipient's language shows them in it.
    """
    return [scope.label for scope in Scope if scope.value in set(scopes)]


def open_grants_q(now: datetime.datetime | None = None) -> Q:
    """Grants that still count: accepted and not withdrawn, or invited and not expired."""
    return Q(withdrawn_at__isnull=True) & (
        Q(accepted_at__isnull=False) | Q(invited_until__gt=now or timezone.now())
    )


def person_grants(person: User, organization: Organization) -> QuerySet[NextOfKinGrant]:
    """Every grant the person has made in the organisation, newest first, with its history."""
    return (
        NextOfKinGrant.objects.filter(organization=organization, person=person)
        .select_related("next_of_kin")
        .prefetch_related(
            Prefetch(
                "events",
                # Ordered by the model's Meta (oldest first): the history reads in order.
                queryset=GrantEvent.objects.select_related("actor"),
            )
        )
    )


def person_care_teams(person: User, organization: Organization) -> list[CareRelationship]:
    """The person's open courses of care in the organisation, each with its current team.

    The team is ``current_team``: the members ``person_access`` lets in.
    """
    return list(
        open_relationships(organization.pk)
        .filter(person=person)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "team",
                # As in ``person_access``: on the team, and still holding a role that may be.
                queryset=TeamMember.objects.filter(
                    removed_on__isnull=True,
                    staff_id__in=Membership.objects.filter(
                        organization=organization, role__in=POLICY[Action.BE_ON_CARE_TEAM]
                    ).values("user_id"),
                ).select_related("staff"),
                to_attr="current_team",
            )
        )
        .order_by("unit__name", "pk")
    )


def own_addresses(user: User) -> set[str]:
    """Every address of the person's account (lower case), verified or not."""
    addresses = {user.email.lower()}
    addresses.update(
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return addresses


def has_verified_address(user: User, address: str) -> bool:
    """Whether ``address`` is one of the person's verified addresses (case ignored)."""
    return EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists()


def shared_with(next_of_kin: User, organization: Organization) -> QuerySet[NextOfKinGrant]:
    """The active grants a next of kin holds in the organisation, by the sharer's name."""
    return (
        NextOfKinGrant.objects.filter(
            organization=organization,
            next_of_kin=next_of_kin,
            accepted_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .select_related("person")
        .order_by("person__full_name", "person__email", "pk")
    )
