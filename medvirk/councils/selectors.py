"""Reads about councils: the list with its counts, the composition, and who can be a member.

``composition`` is the one description of who sits on a council on a given
day; the council page, the meetings (who to invite) and the insights feature
all read it, so that "current", "unfilled" and "ending soon" mean the same
everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils.access import visible_councils
from medvirk.councils.choices import MemberRole
from medvirk.councils.models import (
    TERM_ENDING_SOON_DAYS,
    Council,
    CouncilMember,
    Seat,
    UserOrganization,
)
from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Membership

# Roles in the order a council presents itself: chair first, observers last.
ROLE_ORDER = {role.value: index for index, role in enumerate(MemberRole)}


def current_q(on: date, prefix: str = "") -> Q:
    """Memberships whose term includes ``on``; ``prefix`` reaches them through a relation."""
    return Q(**{f"{prefix}term_start__lte": on}) & (
        Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": on})
    )


def _count(queryset: QuerySet[CouncilMember] | QuerySet[Seat]) -> Coalesce:
    """A correlated COUNT of ``queryset`` per council (no join, so no row multiplication)."""
    counted = queryset.order_by().values("council").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(councils: QuerySet[Council], on: date | None = None) -> QuerySet[Council]:
    """Annotate ``current_member_count`` and ``unfilled_required_seat_count`` in the same query."""
    on = on or timezone.localdate()
    current = CouncilMember.objects.filter(current_q(on), council=OuterRef("pk"))
    held = CouncilMember.objects.filter(current_q(on), seat=OuterRef("pk"))
    unfilled = Seat.objects.filter(council=OuterRef("pk"), required=True).filter(~Exists(held))
    return councils.annotate(
        current_member_count=_count(current),
        unfilled_required_seat_count=_count(unfilled),
    )


def council_list(
    context: OrgContext, *, kind: str = "", on: date | None = None
) -> QuerySet[Council]:
    """The councils the context sees, with counts and owner, ready to paginate."""
    councils = visible_councils(context).select_related("organization")
    if kind:
        councils = councils.filter(kind=kind)
    return with_counts(councils, on).order_by("name", "pk")


@dataclass(frozen=True)
class SeatHolding:
    """One seat and whoever holds it on the day."""

    seat: Seat
    holders: list[CouncilMember]

    @property
    def is_unfilled(self) -> bool:
        return not self.holders

    @property
    def is_unfilled_required(self) -> bool:
        return self.seat.required and not self.holders


@dataclass(frozen=True)
class Composition:
    """Who sits on a council on ``on``: seats and holders, gaps, and terms about to end."""

    council: Council
    on: date
    seats: list[SeatHolding] = field(default_factory=list)
    current: list[CouncilMember] = field(default_factory=list)
    upcoming: list[CouncilMember] = field(default_factory=list)
    past: list[CouncilMember] = field(default_factory=list)

    @property
    def unfilled_required(self) -> list[Seat]:
        return [holding.seat for holding in self.seats if holding.is_unfilled_required]

    @property
    def ending_soon(self) -> list[CouncilMember]:
        """Current members whose term ends within ``TERM_ENDING_SOON_DAYS`` of ``on``."""
        return [member for member in self.current if member.ends_soon(self.on)]

    @property
    def ending_soon_ids(self) -> set[int]:
        return {member.pk for member in self.ending_soon}

    @property
    def chair(self) -> CouncilMember | None:
        return next((m for m in self.current if m.role == MemberRole.CHAIR), None)

    @property
    def current_users(self) -> list[User]:
        """The people currently on the council, once each (for invitations)."""
        seen: dict[int, User] = {}
        for member in self.current:
            seen.setdefault(member.user_id, member.user)
        return list(seen.values())


def _member_sort_key(member: CouncilMember) -> tuple[int, str, str, int]:
    name = member.user.full_name or member.user.email
    return (
        ROLE_ORDER.get(member.role, len(ROLE_ORDER)),
        name.casefold(),
        member.user.email,
        member.pk,
    )


def composition(council: Council, on: date | None = None) -> Composition:
    """The council's composition on ``on`` (today by default), in two queries."""
    on = on or timezone.localdate()
    seats = list(Seat.objects.filter(council=council).order_by("position", "pk"))
    members = sorted(
        CouncilMember.objects.filter(council=council).select_related("user", "seat", "represents"),
        key=_member_sort_key,
    )
    current = [m for m in members if m.is_current(on)]
    upcoming = [m for m in members if m.term_start > on]
    past = [m for m in members if m.term_end is not None and m.term_end < on]
    past.sort(key=lambda m: m.term_end or on, reverse=True)
    holders: dict[int, list[CouncilMember]] = {}
    for member in current:
        if member.seat_id is not None:
            holders.setdefault(member.seat_id, []).append(member)
    return Composition(
        council=council,
        on=on,
        seats=[SeatHolding(seat=seat, holders=holders.get(seat.pk, [])) for seat in seats],
        current=current,
        upcoming=upcoming,
        past=past,
    )


def ending_soon_cutoff(on: date | None = None) -> date:
    """The last day a term may end on and still count as "ending soon"."""
    return (on or timezone.localdate()) + timedelta(days=TERM_ENDING_SOON_DAYS)


def member_candidates(council: Council) -> QuerySet[User]:
    """People who may be put on the council: members of its owning organisation.

    For a collaboration body also the people of its member organisations, since
    its councils are made up of them.
    """
    owner = council.organization
    in_owner = Membership.objects.filter(user=OuterRef("pk"), organization=owner)
    in_members = Membership.objects.filter(user=OuterRef("pk"), organization__collaborations=owner)
    condition = Q(Exists(in_owner))
    if owner.is_collaboration:
        condition |= Q(Exists(in_members))
    return User.objects.filter(condition, is_active=True).order_by("full_name", "email")


def seats_for(council: Council) -> QuerySet[Seat]:
    return Seat.objects.filter(council=council).order_by("position", "pk")


def user_organizations() -> QuerySet[UserOrganization]:
    """The installation's list of user organisations, by name."""
    return UserOrganization.objects.order_by("name")
