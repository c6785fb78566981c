"""Reads about organisations, units and memberships."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet

from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Membership, Organization, Unit


def contexts_for_user(user: object) -> list[OrgContext]:
    """One context per organisation the person is a member of, in name order (one query)."""
    from medvirk.accounts.models import User

    if not isinstance(user, User):
        return []
    by_org: dict[int, tuple[Organization, set[str], set[int]]] = {}
    memberships = Membership.objects.filter(user=user).select_related("organization")
    for membership in memberships.order_by("organization__name"):
        entry = by_org.setdefault(
            membership.organization_id, (membership.organization, set(), set())
        )
        entry[1].add(membership.role)
        if membership.unit_id:
            entry[2].add(membership.unit_id)
    return [
        OrgContext(user=user, organization=org, roles=frozenset(roles), unit_ids=frozenset(units))
        for org, roles, units in by_org.values()
    ]


def units_for(organization: Organization) -> QuerySet[Unit]:
    # Meta.ordering is dropped from aggregate queries, so order explicitly.
    return (
        Unit.objects.filter(organization=organization)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def members_for(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "unit")
        .order_by("user__full_name", "user__email", "role")
    )


def roles_by_user(memberships: list[Membership]) -> dict[int, list[Membership]]:
    grouped: dict[int, list[Membership]] = defaultdict(list)
    for membership in memberships:
        grouped[membership.user_id].append(membership)
    return grouped
