"""Load and gaps: hand-built fixtures with the expected numbers written out."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medvirk.accounts.tests.factories import UserFactory
from medvirk.councils.models import CouncilMember, Seat
from medvirk.councils.tests.factories import council
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import load_selectors
from medvirk.representatives.models import ClaimStatus
from medvirk.representatives.tests.factories import assignment, claim, profile

TODAY = timezone.localdate()
# The login and the menu, the rows and their count, the spread's two aggregates and the
# councils with gaps: the same on SQLite and PostgreSQL, whatever the number of people.
PINNED_QUERIES = 12


def url(org):
    return reverse("representatives:load", args=[org.slug])


def days(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def representative(world, name: str):
    person = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=person, role=Role.REPRESENTATIVE)
    return person


@pytest.fixture
def busy(world):
    """Kari: 4 current assignments and 2 h 30 min claimed; Ola: 1 past one; Nina: none."""
    a = world.a
    kari, ola, nina = (representative(a, n) for n in ["Kari", "Ola", "Nina"])
    for n in range(4):
        assignment(a, user=kari, hours=Decimal("10"), starts_on=days(100 + n))
    assignment(a, user=ola, starts_on=days(300), ends_on=days(200), hours=Decimal("5"))
    assignment(a, user=ola, starts_on=days(800), ends_on=days(400))  # before the period
    profile(a, nina)
    claim(a, user=kari, minutes=100, preparation_minutes=20, status=ClaimStatus.APPROVED)
    claim(a, user=kari, minutes=30, status=ClaimStatus.SUBMITTED)
    claim(a, user=kari, minutes=600, status=ClaimStatus.DRAFT)  # not counted
    claim(a, user=kari, minutes=600, status=ClaimStatus.REJECTED)  # not counted
    claim(a, user=kari, minutes=600, worked_on=days(400), status=ClaimStatus.APPROVED)  # old
    # Another organisation's work never counts here.
    assignment(world.b, user=kari, starts_on=days(10))
    return kari, ola, nina


def test_load_per_person_with_the_numbers_written_out(world, busy):
    kari, ola, nina = busy
    rows = {
        row.person: row
        for row in map(load_selectors.load_row, load_selectors.load_rows(world.a.org))
    }
    assert set(rows) == {kari, ola, nina}
    # Kari: 4 assignments (all current), 4 × 10 h estimated, (100 + 20 + 30) min = 2.5 h claimed.
    assert (rows[kari].current, rows[kari].assignments) == (4, 4)
    assert rows[kari].estimated_hours == Decimal("40")
    assert rows[kari].claimed_hours == Decimal("2.5")
    assert rows[kari].overloaded  # 4 current > 3
    # Ola: one assignment overlapping the period (ended 200 days ago), none current.
    assert (rows[ola].current, rows[ola].assignments, rows[ola].estimated_hours) == (0, 1, 5)
    assert not rows[ola].overloaded
    # Nina: in the registry, nothing yet.
    assert (rows[nina].current, rows[nina].assignments, rows[nina].claimed_hours) == (0, 0, 0)
    # Busiest first.
    assert load_selectors.load_rows(world.a.org).first() == kari


def test_overload_by_claimed_hours(world, settings):
    settings.REPRESENTATIVE_OVERLOAD_HOURS = 2
    person = representative(world.a, "Per")
    assignment(world.a, user=person)
    claim(world.a, user=person, minutes=150, status=ClaimStatus.EXPORTED)  # 2.5 h > 2 h
    row = load_selectors.load_row(load_selectors.load_rows(world.a.org).get(pk=person.pk))
    assert row.overloaded


def test_spread(world, busy):
    found = load_selectors.spread(world.a.org)
    # 5 assignments in the period: Kari 4, Ola 1; the busiest fifth of 2 people is 1
    # person (Kari) with 4 of 5 = 80 %.
    assert (found.people, found.assignments, found.busiest_share, found.overloaded) == (2, 5, 80, 1)


def test_spread_without_assignments(world):
    found = load_selectors.spread(world.a.org)
    assert (found.people, found.assignments, found.busiest_share) == (0, 0, None)


def test_councils_with_unfilled_required_seats(world):
    full = council(world.a.org, name="Brukerrådet")
    seat = Seat.objects.create(council=full, title="Leder", required=True)
    CouncilMember.objects.create(
        council=full, user=world.a["representative"], seat=seat, term_start=days(30)
    )
    gap = council(world.a.org, name="Eldrerådet")
    Seat.objects.create(council=gap, title="Pårørende", required=True)
    Seat.objects.create(council=gap, title="Ungdom", required=True)
    Seat.objects.create(council=gap, title="Observatør", required=False)
    council(world.b.org, name="Annet råd")
    found = list(load_selectors.councils_with_gaps(world.a.org))
    assert [(c.name, c.unfilled_required_seat_count) for c in found] == [("Eldrerådet", 2)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["leader", "coordinator", "admin"])
def test_leaders_and_coordinators_see_the_page(world, client_for, busy, role):
    page = client_for(world.a[role]).get(url(world.a.org), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kari" in html
    assert "Overloaded" in html


@pytest.mark.parametrize("role", ["user", "staff", "representative", "next_of_kin"])
def test_others_may_not(world, client_for, role):
    assert client_for(world.a[role]).get(url(world.a.org)).status_code in {403, 404}


def test_another_organisations_leader_gets_404(world, client_for):
    assert client_for(world.b["leader"]).get(url(world.a.org)).status_code == 404


def test_empty_state(world, client_for):
    client = client_for(world.a["leader"])
    html = client.get(url(world.a.org), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No assignments in the last twelve months." in html
    assert "Every required seat is filled." in html


def _queries(world, client: Client, people: int) -> int:
    for n in range(people):
        person = representative(world.a, f"Person {n}")
        profile(world.a, person)
        assignment(world.a, user=person)
        claim(world.a, user=person, status=ClaimStatus.APPROVED)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(world.a.org)).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_people(world, client_for):
    client = client_for(world.a["leader"])
    client.get(url(world.a.org))  # the session and the menu settle
    few = _queries(world, client, 3)
    many = _queries(world, client, 30)
    assert few == many == PINNED_QUERIES
