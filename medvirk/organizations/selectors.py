"""Reads about organisations, units and memberships."""

from __future__ import annotations

from collections.abc import Iterable

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
    return Unit.objects.filter(organization=organization).order_by("name")


def annotate_member_counts(units: Iterable[Unit]) -> list[Unit]:
    """Set ``member_count`` on each unit of one page, in one query.

    Counting per page rather than annotating the whole queryset keeps the
    paginator's COUNT and the sort free of a join over every membership.
    """
    units = list(units)
    counts = dict(
        Membership.objects.filter(unit__in=units)
        .values_list("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    for unit in units:
        unit.member_count = counts.get(unit.pk, 0)  # type: ignore[attr-defined]
    return units


def members_for(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "unit")
        .order_by("user__full_name", "user__email", "role")
    )
