"""Ranking of candidates for a recruitment request: fit first, then load, then who was asked.

Every test writes its fixture out: who has which areas, assignments and
invitations, and the order that must come out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import ranking
from medvirk.representatives.models import Availability, Invitation, InvitationStatus
from medvirk.representatives.tests import factories


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def person(world: Any, name: str, role: str = Role.REPRESENTATIVE) -> User:
    user: User = UserFactory.create(full_name=name)
    MembershipFactory.create(organization=world.org, user=user, role=role)
    return user


def names(req: Any, **kw: Any) -> list[str]:
    return [profile.user.full_name for profile in ranking.ranked(req, **kw)]


def days_ago(n: int) -> Any:
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def rus(db: None) -> Any:
    return factories.area("Rus")


@pytest.fixture
def psykisk(db: None) -> Any:
    return factories.area("Psykisk helse")


def test_equal_fit_less_loaded_first(world, rus):
    """Anne and Bjørn both have experience of "Rus", as the request asks.

    Anne has two current assignments (10 h and 4 h); Bjørn has none. Bjørn ranks
    first although Anne comes first by name.
    """
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    factories.assignment(world.a, user=anne, hours=Decimal("10"))
    factories.assignment(world.a, user=anne, hours=Decimal("4"))
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Bjørn Berg", "Anne Aas"]
    first, second = ranking.suggestions(req)
    assert (first.current, first.hours) == (0, Decimal("0"))
    assert (second.current, second.hours) == (2, Decimal("14"))
    assert second.load_summary() == "2 current assignments, 14 h last 12 months"
    assert first.fit == second.fit == ranking.AREA_WEIGHT


def test_with_equal_commitments_fewer_hours_first(world, rus):
    """Anne and Bjørn each hold one current assignment: Anne's is 30 h, Bjørn's 5 h.

    Anne also had a 40 h assignment that ended three months ago (counts: it overlaps
    the last 12 months) and one that ended two years ago (does not count).
    """
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    factories.assignment(world.a, user=anne, hours=Decimal("30"))
    factories.assignment(
        world.a,
        user=anne,
        hours=Decimal("40"),
        starts_on=days_ago(200),
        ends_on=days_ago(90),
    )
    factories.assignment(
        world.a,
        user=anne,
        hours=Decimal("500"),
        starts_on=days_ago(900),
        ends_on=days_ago(730),
    )
    factories.assignment(world.a, user=bjorn, hours=Decimal("5"))
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Bjørn Berg", "Anne Aas"]
    anne_row = ranking.suggestions(req)[1]
    assert (anne_row.current, anne_row.hours) == (1, Decimal("70"))


def test_higher_fit_beats_lower_load(world, rus, psykisk):
    """Anne has both areas the request asks for and three current assignments;
    Bjørn has one of the areas and no assignments. Anne ranks first."""
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus, psykisk])
    factories.profile(world.a, bjorn, areas=[rus])
    for _ in range(3):
        factories.assignment(world.a, user=anne, hours=Decimal("20"))
    req = factories.request(world.a, areas=[rus, psykisk])

    assert names(req) == ["Anne Aas", "Bjørn Berg"]
    top = ranking.suggestions(req)[0]
    assert top.fit == 2 * ranking.AREA_WEIGHT
    assert top.fit_reasons() == ["Lived experience in common: Psykisk helse, Rus"]


def test_an_area_outweighs_language_and_region_together(world, rus):
    """Anne has the area; Bjørn speaks the language and lives in the region (typed in
    other letter case, with spaces) but lacks the area. Cecilie has none of them."""
    anne = person(world.a, "Anne Aas")
    bjorn = person(world.a, "Bjørn Berg")
    cecilie = person(world.a, "Cecilie Cappelen")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, languages=["nb", "se"], region=" vestfold ")
    factories.profile(world.a, cecilie, languages=["sv"], region="Telemark")
    req = factories.request(world.a, areas=[rus], language="se", region="Vestfold")

    assert names(req) == ["Anne Aas", "Bjørn Berg", "Cecilie Cappelen"]
    rows = {s.profile.user.full_name: s for s in ranking.suggestions(req)}
    assert rows["Bjørn Berg"].fit == 2
    assert rows["Bjørn Berg"].fit_reasons() == [
        "Speaks the language wanted",
        "Lives in the region wanted",
    ]
    assert rows["Cecilie Cappelen"].fit == 0


def test_language_matches_a_whole_code_only(world):
    """A request for "se" (Northern Sami) does not match someone who speaks "sv" or "sem"."""
    anne = person(world.a, "Anne Aas")
    factories.profile(world.a, anne, languages=["sv", "sem"])
    req = factories.request(world.a, language="se")
    assert ranking.suggestions(req)[0].language_match is False


def test_unavailable_are_left_out_unless_asked_for(world, rus):
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus], availability=Availability.UNAVAILABLE)
    factories.profile(world.a, bjorn, areas=[rus], availability=Availability.LIMITED)
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Bjørn Berg"]
    assert names(req, include_unavailable=True) == ["Anne Aas", "Bjørn Berg"]


def test_already_invited_are_left_out_whatever_their_answer(world, rus):
    anne = person(world.a, "Anne Aas")
    bjorn = person(world.a, "Bjørn Berg")
    cecilie = person(world.a, "Cecilie Cappelen")
    for user in (anne, bjorn, cecilie):
        factories.profile(world.a, user, areas=[rus])
    req = factories.request(world.a, areas=[rus])
    factories.invitation(world.a, req=req, user=anne)
    factories.invitation(world.a, req=req, user=bjorn, status=InvitationStatus.DECLINED)

    assert names(req) == ["Cecilie Cappelen"]
    # An invitation to another request does not leave anyone out.
    assert set(names(factories.request(world.a, areas=[rus]))) == {
        "Anne Aas",
        "Bjørn Berg",
        "Cecilie Cappelen",
    }


def test_recent_invitations_break_ties(world, rus):
    """Equal fit and no load: Anne was asked twice this year (and declined both),
    Bjørn once, three years ago. Bjørn ranks first."""
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    for _ in range(2):
        factories.invitation(world.a, user=anne, status=InvitationStatus.DECLINED)
    old = factories.invitation(world.a, user=bjorn, status=InvitationStatus.DECLINED)
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3 * 365))
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Bjørn Berg", "Anne Aas"]
    anne_row = ranking.suggestions(req)[1]
    assert anne_row.recent_invitations == 2
    assert "asked 2 times in 12 months" in anne_row.load_summary()


def test_unanswered_invitations_count_as_load(world, rus):
    """Anne has an invitation to another request she has not answered yet; Bjørn has
    an assignment that starts next month (not current). Bjørn ranks first."""
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    factories.invitation(world.a, user=anne)
    factories.assignment(world.a, user=bjorn, starts_on=days_ago(-30))
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Bjørn Berg", "Anne Aas"]
    anne_row = ranking.suggestions(req)[1]
    assert anne_row.open_invitations == 1
    assert "1 unanswered invitation" in anne_row.load_summary()


def test_only_this_organisations_people_and_load(world, rus):
    """Anne's assignments in organisation B do not count in A; B's profiles never show."""
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    MembershipFactory.create(organization=world.b.org, user=anne, role=Role.REPRESENTATIVE)
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    factories.profile(world.b, person(world.b, "Berit i B"), areas=[rus])
    factories.assignment(world.b, user=anne, hours=Decimal("99"))
    factories.assignment(world.a, user=bjorn)
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Anne Aas", "Bjørn Berg"]


def test_only_people_who_can_answer(world, rus):
    """A profile whose person lost the representative role, or whose account is
    closed, is not suggested: they could not answer the invitation."""
    staff = person(world.a, "Siri Stab", role=Role.STAFF)
    closed = person(world.a, "Ola Lukket")
    closed.is_active = False
    closed.save()
    consultant = person(world.a, "Eva Erfaring", role=Role.EXPERIENCE_CONSULTANT)
    for user in (staff, closed, consultant):
        factories.profile(world.a, user, areas=[rus])
    req = factories.request(world.a, areas=[rus])

    assert names(req) == ["Eva Erfaring"]


def test_a_withdrawn_profile_is_no_candidate(world, rus):
    anne = person(world.a, "Anne Aas")
    profile = factories.profile(world.a, anne, areas=[rus])
    req = factories.request(world.a, areas=[rus])
    assert names(req) == ["Anne Aas"]
    profile.delete()  # withdrawing consent deletes the profile
    assert names(req) == []


def test_load_summary_uses_the_languages_number_format(world):
    anne = person(world.a, "Anne Aas")
    factories.profile(world.a, anne)
    factories.assignment(world.a, user=anne, hours=Decimal("10.5"))
    req = factories.request(world.a)
    with translation.override("nb"):
        assert "10,5" in ranking.suggestions(req)[0].load_summary()  # a decimal comma


def test_load_summary_without_load(world):
    anne = person(world.a, "Anne Aas")
    factories.profile(world.a, anne)
    only = ranking.suggestions(factories.request(world.a))[0]
    assert only.load_summary() == "0 current assignments, 0 h last 12 months"
    assert only.fit_reasons() == []


def _crowd(world: Any, count: int, area: Any) -> None:
    for n in range(count):
        user = person(world, f"Person {n:03d}")
        factories.profile(world, user, areas=[area], languages=["nb"], region="Agder")
        factories.assignment(world, user=user, hours=Decimal(n))
        factories.invitation(world, user=user, status=InvitationStatus.DECLINED)


@pytest.mark.parametrize("count", [3, 30])
def test_ranked_list_is_one_query(world, rus, count, django_assert_num_queries):
    _crowd(world.a, count, rus)
    req = factories.request(world.a, areas=[rus], language="nb", region="agder")
    with django_assert_num_queries(1):
        rows = list(ranking.ranked(req))
        [(row.user.full_name, row.fit, row.hours) for row in rows]  # type: ignore[attr-defined]
    assert len(rows) == count
    # With the areas in common for the reasons: one query more, whatever the count.
    with django_assert_num_queries(2):
        found = ranking.suggestions(req)
        [s.fit_reasons() for s in found]
    assert found[0].fit == ranking.AREA_WEIGHT + 2
    assert found[0].profile.user.full_name == "Person 000"  # the least hours
