"""Load and gaps: who carries how much, and which councils lack required members.

Everything is counted in the database, one query per table however many
people there are: per person, the assignments that overlap the last twelve
months, those active today, the estimated hours of those assignments and the
hours of their claims (submitted, approved or paid, by the minutes actually
worked). A person is flagged as overloaded above either limit in settings
(``REPRESENTATIVE_OVERLOAD_ASSIGNMENTS`` current assignments,
``REPRESENTATIVE_OVERLOAD_HOURS`` claimed hours in twelve months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils.models import Council
from medvirk.councils.selectors import with_counts
from medvirk.organizations.models import Organization
from medvirk.representatives.models import Assignment, Claim, ClaimStatus, Profile

DEFAULT_OVERLOAD_ASSIGNMENTS = 3
DEFAULT_OVERLOAD_HOURS = 100
PERIOD_DAYS = 365
COUNTED_CLAIMS = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.EXPORTED)


def overload_limits() -> tuple[int, int]:
    """(current assignments, claimed hours in twelve months) above which a person is flagged."""
    return (
        int(getattr(settings, "REPRESENTATIVE_OVERLOAD_ASSIGNMENTS", DEFAULT_OVERLOAD_ASSIGNMENTS)),
        int(getattr(settings, "REPRESENTATIVE_OVERLOAD_HOURS", DEFAULT_OVERLOAD_HOURS)),
    )


def period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=PERIOD_DAYS - 1), today


def _overlapping(start: date, end: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": end}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": start})
    )


def _per_user(queryset: QuerySet, value: object, output: object) -> Coalesce:
    """A correlated aggregate of ``queryset`` per user (no join, so no row multiplication)."""
    rows = queryset.order_by().values("user").annotate(v=value).values("v")[:1]
    return Coalesce(Subquery(rows, output_field=output), 0, output_field=output)  # type: ignore[arg-type]


def load_rows(organization: Organization, today: date | None = None) -> QuerySet[User]:
    """The people with a profile or an assignment in the period, busiest first, in one query.

    Annotates ``assignments`` (overlapping the period), ``current`` (active
    today), ``estimated_hours`` and ``claimed_minutes``.
    """
    start, end = period(today)
    today = end
    assignments = Assignment.objects.filter(
        _overlapping(start, end), organization=organization, user=OuterRef("pk")
    )
    current = Assignment.objects.filter(
        _overlapping(today, today), organization=organization, user=OuterRef("pk")
    )
    claims = Claim.objects.filter(
        organization=organization,
        user=OuterRef("pk"),
        worked_on__range=(start, end),
        status__in=COUNTED_CLAIMS,
    )
    people = User.objects.filter(
        Exists(Profile.objects.filter(organization=organization, user=OuterRef("pk")))
        | Exists(assignments)
    )
    decimal = DecimalField(max_digits=10, decimal_places=1)
    return people.annotate(
        assignments=_per_user(assignments, Count("pk"), IntegerField()),
        current=_per_user(current, Count("pk"), IntegerField()),
        estimated_hours=_per_user(assignments, Sum("hours"), decimal),
        claimed_minutes=_per_user(
            claims, Sum(F("minutes") + F("preparation_minutes")), IntegerField()
        ),
    ).order_by("-current", "-claimed_minutes", "-assignments", "full_name", "pk")


@dataclass(frozen=True)
class LoadRow:
    person: User
    assignments: int
    current: int
    estimated_hours: Decimal
    claimed_hours: Decimal
    overloaded: bool


def load_row(person: User) -> LoadRow:
    """One annotated person of ``load_rows`` with the overload flag."""
    most_assignments, most_hours = overload_limits()
    claimed = (Decimal(person.claimed_minutes) / 60).quantize(Decimal("0.1"))  # type: ignore[attr-defined]
    return LoadRow(
        person=person,
        assignments=person.assignments,  # type: ignore[attr-defined]
        current=person.current,  # type: ignore[attr-defined]
        estimated_hours=Decimal(person.estimated_hours),  # type: ignore[attr-defined]
        claimed_hours=claimed,
        overloaded=person.current > most_assignments or claimed > most_hours,  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class Spread:
    """How the assignments of the period are spread across people."""

    people: int  # people with at least one assignment in the period
    assignments: int
    busiest_share: int | None  # % of the assignments held by the busiest fifth (at least one)
    overloaded: int


def spread(organization: Organization, today: date | None = None) -> Spread:
    """The spread of the period's assignments, computed in two aggregate queries."""
    start, end = period(today)
    per_person = list(
        Assignment.objects.filter(_overlapping(start, end), organization=organization)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    total = sum(per_person)
    busiest = sorted(per_person, reverse=True)[: max(1, len(per_person) // 5)]
    overloaded = sum(
        1 for person in load_rows(organization, today).iterator() if load_row(person).overloaded
    )
    return Spread(
        people=len(per_person),
        assignments=total,
        busiest_share=round(100 * sum(busiest) / total) if total else None,
        overloaded=overloaded,
    )


def councils_with_gaps(organization: Organization, today: date | None = None) -> QuerySet[Council]:
    """Active councils of the organisation with required seats nobody holds today."""
    councils = Council.objects.filter(organization=organization, is_active=True)
    return (
        with_counts(councils, today)  # type: ignore[misc]
        .filter(unfilled_required_seat_count__gt=0)
        .order_by("-unfilled_required_seat_count", "name", "pk")
    )
