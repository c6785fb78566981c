"""The leaders' completion report: per role and unit, counted in the database, small
groups suppressed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation

from medvirk.accounts.tests.factories import UserFactory
from medvirk.learning import services
from medvirk.learning.selectors import completion_report
from medvirk.learning.tests.factories import FULL_KEY, SHORT_KEY, complete_module, fixture_module
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.usefixtures("content")

URL = reverse("learning:report", args=["org-a"])


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def team(world):
    """Organisation A: five staff in the unit (the world's one and four more), two of whom
    completed the module and one who only started; a second unit with two people; and
    someone in organisation B who completed it (never counted for A)."""
    org = world.a.org
    module = fixture_module(org)
    staff = [world.a["staff"]]
    for _ in range(4):
        user = UserFactory()
        MembershipFactory(organization=org, user=user, role=Role.STAFF, unit=world.a.unit)
        staff.append(user)
    complete_module(staff[0], org, module)
    complete_module(staff[1], org, module)
    services.lesson_viewed(user=staff[2], organization=org, lesson=module.lessons.get(position=0))
    # staff[0] also holds the staff role in a second unit: still one person per role.
    small = UnitFactory(organization=org, name="Hjemmetjenesten")
    MembershipFactory(organization=org, user=staff[0], role=Role.STAFF, unit=small)
    MembershipFactory(organization=org, user=UserFactory(), role=Role.USER, unit=small)
    complete_module(world.b["staff"], world.b.org, fixture_module(world.b.org))
    return staff


def rows(rows):
    return [(r.label, r.people, r.started, r.completed, r.suppressed) for r in rows]


def test_counts_per_role_with_small_groups_suppressed(world, team):
    report = completion_report(world.a.org, FULL_KEY)
    by_role = rows(report.by_role)
    assert ("Staff", 5, 3, 2, False) in by_role
    # Every other role has one person: below the minimum of 5, no numbers at all.
    assert ("Leader", 0, 0, 0, True) in by_role
    assert [label for label, *_ in by_role] == [
        "User",
        "Next of kin",
        "Staff",
        "Leader",
        "User representative",
        "Experience consultant",
        "Coordinator",
        "Administrator",
    ]


def test_counts_per_unit(world, team):
    by_unit = rows(completion_report(world.a.org, FULL_KEY).by_unit)
    assert by_unit == [
        ("Hjemmetjenesten", 0, 0, 0, True),
        (world.a.unit.name, 12, 3, 2, False),
    ]


def test_minimum_group_size_is_the_organisations(world, team):
    world.a.org.minimum_group_size = 3
    world.a.org.save()
    by_unit = rows(completion_report(world.a.org, FULL_KEY).by_unit)
    assert ("Hjemmetjenesten", 0, 0, 0, True) in by_unit  # 2 people < 3
    world.a.org.minimum_group_size = 13
    world.a.org.save()
    assert rows(completion_report(world.a.org, FULL_KEY).by_unit)[1][4] is True


def test_report_for_another_module_counts_nothing_from_this_one(world, team):
    staff_row = [r for r in completion_report(world.a.org, SHORT_KEY).by_role if r.label == "Staff"]
    assert rows(staff_row) == [("Staff", 5, 0, 0, False)]


def test_report_page_shows_tables_and_fewer_than(world, team, english_client_for):
    html = english_client_for(world.a["leader"]).get(URL + f"?module={FULL_KEY}").content.decode()
    assert "<caption>“Participation in practice” by role</caption>" in html
    assert '<th scope="row">Staff</th>\n      \n      <td>5</td>' in html
    assert "<td>40 %</td>" in html
    assert "Fewer than 5 people: not shown" in html


def test_report_defaults_to_the_first_module(world, team, english_client_for):
    html = english_client_for(world.a["leader"]).get(URL).content.decode()
    assert "“Participation in practice” by role" in html


def test_report_query_count(world, team, english_client_for, django_assert_max_num_queries):
    client = english_client_for(world.a["leader"])
    client.get(URL)
    with django_assert_max_num_queries(12):
        client.get(URL + f"?module={FULL_KEY}")


def test_unknown_module_shows_an_error(world, english_client_for):
    response = english_client_for(world.a["leader"]).get(URL + "?module=nope")
    assert response.status_code == 200
    assert "ds-error-summary" in response.content.decode()


def test_no_modules_yet(db, world, english_client_for):
    from medvirk.learning.models import Module

    Module.objects.all().delete()
    html = english_client_for(world.a["leader"]).get(URL).content.decode()
    assert "There are no modules to report on yet." in html


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "representative"])
def test_roles_without_report_access_get_404(world, english_client_for, role):
    assert english_client_for(world.a[role]).get(URL).status_code == 404


@pytest.mark.parametrize("role", ["leader", "coordinator", "admin"])
def test_leaders_coordinators_and_admins_see_the_report(world, english_client_for, role):
    assert english_client_for(world.a[role]).get(URL).status_code == 200
