"""Reads of the care teams: the staff overview, the coordinators' list, a person's courses.

The staff overview and the coordinators' list are single queries whatever their
length: the team size and the primary contact come as subqueries, the names of
a team as one prefetch for the whole page. None of them checks access; the
views do that through ``access.py`` (a person's data) or the organisation
context (the coordinators' list, which holds organisational data only: who is
followed by which unit, since when, by whom, and how a course ended).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from medvirk.accounts.models import User
from medvirk.care.access import open_relationships
from medvirk.care.models import CareRelationship, TeamMember
from medvirk.organizations.models import Membership, Unit
from medvirk.organizations.permissions import POLICY, Action
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from medvirk.organizations.access import OrgContext
    from medvirk.organizations.models import Organization

# At most this many people are listed by the search on the "start a course" page:
# with more, the person is asked to type more of the name.
SEARCH_LIMIT = 20


class CourseStatus:
    OPEN = "open"
    ENDED = "ended"
    ALL = "all"


# --- People and staff --------------------------------------------------------------------------


def people_in_care(organization: Organization) -> QuerySet[User]:
    """Who can be followed: the members of the organisation with the user role."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization=organization, role=Role.USER).values(
            "user_id"
        ),
        is_active=True,
    )


def search_people(organization: Organization, text: str) -> tuple[list[User], bool]:
    """People in care matching ``text`` in name or e-mail; and whether there were more."""
    text = text.strip()
    found = list(
        people_in_care(organization)
        .filter(Q(full_name__icontains=text) | Q(email__icontains=text))
        .order_by("full_name", "email")[: SEARCH_LIMIT + 1]
    )
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def team_staff(organization: Organization) -> QuerySet[User]:
    """Who can be on a care team: the organisation's members with the staff role.

    Coordinators organise teams but are not on them (they see no individual
    data), unless they are staff as well.
    """
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization=organization, role=Role.STAFF).values(
            "user_id"
        ),
        is_active=True,
    ).order_by("full_name", "email")


def start_units(context: OrgContext, *, organiser: bool) -> QuerySet[Unit]:
    """The units in which the person may start a course: their own, or all for organisers."""
    units = Unit.objects.filter(organization=context.organization, is_active=True)
    if organiser:
        return units
    # Only the units of the memberships that let them follow people (not, say, a unit
    # where they are a user themself).
    return units.filter(
        pk__in=Membership.objects.filter(
            organization=context.organization,
            user=context.user,
            role__in=POLICY[Action.FOLLOW_USERS],
        ).values("unit_id")
    )


# --- Courses -----------------------------------------------------------------------------------


def _current_team() -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(relationship=OuterRef("pk"), removed_on__isnull=True)


def _with_team_summary(courses: QuerySet[CareRelationship]) -> QuerySet[CareRelationship]:
    """Add ``team_size`` and the primary contact's ``primary_name``/``primary_email``."""
    primary = _current_team().filter(is_primary=True).order_by("pk")
    size = (
        _current_team()
        .order_by()
        .values("relationship_id")
        .annotate(size=Count("pk"))
        .values("size")
    )
    return courses.annotate(
        team_size=Coalesce(Subquery(size, output_field=IntegerField()), 0),
        primary_name=Subquery(primary.values("staff__full_name")[:1]),
        primary_email=Subquery(primary.values("staff__email")[:1]),
    )


def _matching(
    courses: QuerySet[CareRelationship], unit: Unit | None, text: str
) -> QuerySet[CareRelationship]:
    if unit is not None:
        courses = courses.filter(unit=unit)
    text = text.strip()
    if text:
        courses = courses.filter(
            Q(person__full_name__icontains=text) | Q(person__email__icontains=text)
        )
    return courses


def followed_courses(
    organization: Organization, staff: User, *, unit: Unit | None = None, text: str = ""
) -> QuerySet[CareRelationship]:
    """The open courses of care on whose current team ``staff`` is, by the person's name.

    One row per course (a person followed by two of the staff member's units
    appears twice), with ``team_size``, ``primary_name`` and ``primary_email``.
    """
    mine = _current_team().filter(staff=staff)
    courses = open_relationships(organization.pk).filter(Exists(mine))
    return _with_team_summary(
        _matching(courses, unit, text).select_related("person", "unit")
    ).order_by("person__full_name", "person__email", "unit__name", "pk")


def current_team_prefetch() -> Prefetch:
    """The team members not removed, with their staff, as ``current_team`` on each course."""
    return Prefetch(
        "team",
        queryset=TeamMember.objects.filter(removed_on__isnull=True).select_related("staff"),
        to_attr="current_team",
    )


def organisation_courses(
    organization: Organization,
    *,
    status: str = CourseStatus.OPEN,
    unit: Unit | None = None,
    text: str = "",
) -> QuerySet[CareRelationship]:
    """The organisation's courses of care for the coordinators, with their current teams."""
    courses = CareRelationship.objects.filter(organization=organization)
    if status == CourseStatus.OPEN:
        courses = courses.filter(ended_on__isnull=True)
    elif status == CourseStatus.ENDED:
        courses = courses.filter(ended_on__isnull=False)
    return (
        _matching(courses, unit, text)
        .select_related("person", "unit")
        .prefetch_related(current_team_prefetch())
        .order_by("person__full_name", "person__email", "-started_on", "pk")
    )


def courses_of_person(organization: Organization, person: User) -> list[CareRelationship]:
    """The person's courses of care in the organisation, open ones first, with teams (2 queries).

    An ended course keeps the team it had when it ended (members not removed).
    """
    courses = list(
        CareRelationship.objects.filter(organization=organization, person=person)
        .select_related("unit")
        .prefetch_related(current_team_prefetch())
    )
    # Open first, then by start, newest first (the model's ordering within each group).
    return sorted(courses, key=lambda course: not course.is_open)


@dataclass(frozen=True)
class Team:
    current: list[TeamMember]
    earlier: list[TeamMember]


def team_of(course: CareRelationship) -> Team:
    """The course's team now, and who was on it before (newest removal first); 1 query."""
    current: list[TeamMember] = []
    earlier: list[TeamMember] = []
    for member in TeamMember.objects.filter(relationship=course).select_related("staff"):
        (current if member.removed_on is None else earlier).append(member)
    earlier.sort(key=lambda member: (member.removed_on, member.pk), reverse=True)
    return Team(current=current, earlier=earlier)


def is_team_member(course: CareRelationship, staff: User) -> bool:
    """Whether ``staff`` is on the course's current team (the course may have ended)."""
    return TeamMember.objects.filter(
        relationship=course, staff=staff, removed_on__isnull=True
    ).exists()
