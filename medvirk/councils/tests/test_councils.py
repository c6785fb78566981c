"""Councils: who sees and runs them, the composition rules, the composition view, the list.

The collaboration body ``samarbeid`` has organisation A as a member and
organisation B not; its coordinator runs its councils.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import give_totp
from medvirk.accounts.tests.factories import UserFactory
from medvirk.councils import access, selectors, services
from medvirk.councils.choices import CouncilKind, MemberRole, Visibility
from medvirk.councils.models import TERM_ENDING_SOON_DAYS, Council, CouncilMember, Seat
from medvirk.councils.navigation import nav_items
from medvirk.councils.tests.factories import council, days, member, seat, user_organization
from medvirk.councils.views import PAGE_SIZE
from medvirk.organizations.access import org_context
from medvirk.organizations.models import OrganizationKind
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UnitFactory,
)

EN = {"medvirk_language": "en"}


@pytest.fixture
def collab(world):
    body = OrganizationFactory.create(
        slug="samarbeid", name="Helsefellesskapet", kind=OrganizationKind.COLLABORATION
    )
    body.member_organizations.add(world.a.org)
    coordinator = UserFactory.create(email="koordinator@samarbeid.test", full_name="Kari Samarbeid")
    MembershipFactory.create(organization=body, user=coordinator, role=Role.COORDINATOR)
    give_totp(coordinator)
    body.coordinator = coordinator  # type: ignore[attr-defined]
    return body


def _client(client_for, user):
    client = client_for(user)
    client.cookies.load(EN)
    return client


def url(name, org, **kwargs):
    return reverse(f"councils:{name}", kwargs={"org_slug": org.slug, **kwargs})


# --- Visibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "seen_by_member_org"),
    [
        (Visibility.OWNER, False),
        (Visibility.MEMBER_ORGANIZATIONS, True),
        (Visibility.PUBLIC, True),
    ],
)
def test_collaboration_council_visibility_matrix(
    world, collab, client_for, visibility, seen_by_member_org
):
    shared = council(collab, name="Felles brukerutvalg", visibility=visibility)
    member_org_user = world.a["user"]
    outsider = world.b["user"]

    context_a = org_context(member_org_user, world.a.org.slug)
    assert (shared in access.visible_councils(context_a)) is seen_by_member_org
    context_b = org_context(outsider, world.b.org.slug)
    assert shared not in access.visible_councils(context_b)
    # The body's own people always see it.
    context_body = org_context(collab.coordinator, collab.slug)
    assert shared in access.visible_councils(context_body)

    detail_a = _client(client_for, member_org_user).get(
        url("detail", world.a.org, council_id=shared.pk)
    )
    assert detail_a.status_code == (200 if seen_by_member_org else 404)
    listed = _client(client_for, member_org_user).get(url("list", world.a.org)).content.decode()
    assert ("Felles brukerutvalg" in listed) is seen_by_member_org
    detail_b = _client(client_for, outsider).get(url("detail", world.b.org, council_id=shared.pk))
    assert detail_b.status_code == 404


def test_a_member_organisations_council_is_not_shared_with_other_members(world, collab):
    """Visibility settings of an ordinary organisation's council share nothing."""
    collab.member_organizations.add(world.b.org)
    own = council(world.a.org, visibility=Visibility.MEMBER_ORGANIZATIONS)
    context_b = org_context(world.b["user"], world.b.org.slug)
    assert own not in access.visible_councils(context_b)
    # ... nor with the collaboration body itself.
    assert own not in access.visible_councils(org_context(collab.coordinator, collab.slug))


def test_visible_councils_has_no_duplicates(world, collab):
    council(collab, visibility=Visibility.PUBLIC)
    council(world.a.org)
    context = org_context(world.a["user"], world.a.org.slug)
    councils = list(access.visible_councils(context))
    assert len(councils) == len(set(councils)) == 2
    # The body itself, with several member organisations, sees its council once.
    collab.member_organizations.add(world.b.org)
    body = org_context(collab.coordinator, collab.slug)
    assert access.visible_councils(body).count() == len(list(access.visible_councils(body))) == 1


# --- Who manages ------------------------------------------------------------------------------


MANAGE_PAGES = ["edit", "seat_create", "member_add"]


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_a_user_sees_the_council_but_cannot_manage_it(world, client_for, page):
    own = council(world.a.org)
    client = _client(client_for, world.a["user"])
    assert client.get(url("detail", world.a.org, council_id=own.pk)).status_code == 200
    assert client.get(url(page, world.a.org, council_id=own.pk)).status_code == 404
    assert client.post(url(page, world.a.org, council_id=own.pk), {}).status_code == 404


def test_user_role_cannot_reach_create_or_user_organisations(world, client_for):
    client = _client(client_for, world.a["representative"])
    assert client.get(url("create", world.a.org)).status_code == 404
    assert client.get(url("user_organizations", world.a.org)).status_code == 404
    assert client.get(url("list", world.a.org)).status_code == 200


def test_seat_and_member_pages_are_404_for_a_user(world, client_for):
    own = council(world.a.org)
    place = seat(own)
    person = member(own, world.a["representative"])
    client = _client(client_for, world.a["user"])
    for name, kwargs in [
        ("seat_edit", {"seat_id": place.pk}),
        ("seat_remove", {"seat_id": place.pk}),
        ("member_edit", {"member_id": person.pk}),
        ("member_end", {"member_id": person.pk}),
    ]:
        assert client.get(url(name, world.a.org, council_id=own.pk, **kwargs)).status_code == 404
        assert client.post(url(name, world.a.org, council_id=own.pk, **kwargs)).status_code == 404
    assert Seat.objects.filter(pk=place.pk).exists()
    person.refresh_from_db()
    assert person.term_end is None


def test_coordinator_of_another_organisation_gets_404(world, client_for):
    own = council(world.a.org)
    client = _client(client_for, world.b["coordinator"])
    for name in ["detail", *MANAGE_PAGES]:
        assert client.get(url(name, world.b.org, council_id=own.pk)).status_code == 404
        assert client.get(url(name, world.a.org, council_id=own.pk)).status_code == 404


def test_seat_of_another_council_is_404(world, client_for):
    own = council(world.a.org)
    other = seat(council(world.a.org))
    client = _client(client_for, world.a["coordinator"])
    response = client.get(url("seat_edit", world.a.org, council_id=own.pk, seat_id=other.pk))
    assert response.status_code == 404


def test_collaboration_council_is_run_only_from_the_body(world, collab, client_for):
    shared = council(collab, visibility=Visibility.MEMBER_ORGANIZATIONS)
    coordinator_a = world.a["coordinator"]
    context_a = org_context(coordinator_a, world.a.org.slug)
    assert not access.can_manage_council(context_a, shared)
    client = _client(client_for, coordinator_a)
    page = client.get(url("detail", world.a.org, council_id=shared.pk)).content.decode()
    assert "Run by Helsefellesskapet" in page
    assert "Edit council" not in page
    for name in MANAGE_PAGES:
        assert client.get(url(name, world.a.org, council_id=shared.pk)).status_code == 404

    context_body = org_context(collab.coordinator, collab.slug)
    assert access.can_manage_council(context_body, shared)
    body_client = _client(client_for, collab.coordinator)
    assert body_client.get(url("edit", collab, council_id=shared.pk)).status_code == 200


def test_access_managed_council_raises_404_for_non_managers(world):
    own = council(world.a.org)
    with pytest.raises(Http404):
        access.access_managed_council(world.a["staff"], world.a.org.slug, own.pk)
    context, found = access.access_managed_council(world.a["coordinator"], world.a.org.slug, own.pk)
    assert found == own
    assert context.organization == world.a.org


def test_is_council_member_follows_the_term(world):
    own = council(world.a.org)
    person = world.a["representative"]
    member(own, person, term_start=days(-100), term_end=days(-1))
    assert not access.is_council_member(person, own)
    assert access.is_council_member(person, own, on=days(-50))
    member(own, person, term_start=days(0))
    assert access.is_council_member(person, own)
    assert not access.is_council_member(world.a["user"], own)


def test_navigation_link(world):
    context = org_context(world.a["user"], world.a.org.slug)
    items = nav_items(context)
    assert [item.url for item in items] == [url("list", world.a.org)]


# --- Rules ------------------------------------------------------------------------------------


def test_term_end_before_start_keeps_input_and_stores_nothing(world, client_for):
    own = council(world.a.org)
    person = world.a["representative"]
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("member_add", world.a.org, council_id=own.pk),
        {
            "user": person.pk,
            "role": MemberRole.MEMBER,
            "term_start": "2025-06-01",
            "term_end": "2025-05-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["term_end"] == ["The term cannot end before it starts."]
    page = response.content.decode()
    assert 'value="2025-06-01"' in page
    assert 'value="2025-05-01"' in page
    assert not CouncilMember.objects.filter(council=own).exists()


def test_seat_must_belong_to_the_council(world):
    own = council(world.a.org)
    foreign_seat = seat(council(world.a.org))
    with pytest.raises(ValidationError) as error:
        services.member_add(
            council=own, user=world.a["user"], seat=foreign_seat, term_start=days(0)
        )
    assert "seat" in error.value.message_dict
    assert not CouncilMember.objects.exists()


def test_seat_of_another_council_is_refused_by_the_form(world, client_for):
    own = council(world.a.org)
    foreign_seat = seat(council(world.a.org))
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("member_add", world.a.org, council_id=own.pk),
        {
            "user": world.a["user"].pk,
            "role": "member",
            "seat": foreign_seat.pk,
            "term_start": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "seat" in response.context["form"].errors
    assert not CouncilMember.objects.exists()


def test_no_two_overlapping_memberships_of_one_person(world, client_for):
    own = council(world.a.org)
    person = world.a["representative"]
    member(own, person, term_start=days(-400), term_end=days(30))
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("member_add", world.a.org, council_id=own.pk),
        {"user": person.pk, "role": "member", "term_start": days(10).isoformat()},
    )
    assert response.status_code == 200
    assert "already on this council" in response.context["form"].errors["term_start"][0]
    assert CouncilMember.objects.filter(council=own).count() == 1
    # The next term, after the first ends, is fine.
    services.member_add(council=own, user=person, term_start=days(31))
    assert CouncilMember.objects.filter(council=own, user=person).count() == 2


def test_the_same_person_on_two_councils_is_fine(world):
    person = world.a["representative"]
    member(council(world.a.org), person)
    services.member_add(council=council(world.a.org), user=person, term_start=days(-5))


def test_only_one_chair_at_a_time(world, client_for):
    own = council(world.a.org)
    member(own, world.a["representative"], role=MemberRole.CHAIR)
    with pytest.raises(ValidationError) as error:
        services.member_add(
            council=own, user=world.a["user"], role=MemberRole.CHAIR, term_start=days(0)
        )
    assert "role" in error.value.message_dict
    # After the chair's term ends, a new chair may start.
    chair = CouncilMember.objects.get(council=own, role=MemberRole.CHAIR)
    services.member_end(member=chair, on=days(0))
    services.member_add(
        council=own, user=world.a["user"], role=MemberRole.CHAIR, term_start=days(1)
    )
    # Editing the sitting chair (keeping the role) is not a clash with itself.
    new_chair = CouncilMember.objects.get(council=own, user=world.a["user"])
    services.member_update(
        member=new_chair,
        role=MemberRole.CHAIR,
        seat=None,
        represents=None,
        term_start=days(1),
        term_end=days(700),
    )


def test_editing_a_member_into_a_second_chair_keeps_input(world, client_for):
    own = council(world.a.org)
    member(own, world.a["representative"], role=MemberRole.CHAIR)
    other = member(own, world.a["user"], role=MemberRole.MEMBER)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("member_edit", world.a.org, council_id=own.pk, member_id=other.pk),
        {"role": "chair", "term_start": other.term_start.isoformat(), "term_end": "2099-12-31"},
    )
    assert response.status_code == 200
    assert "one chair at a time" in response.context["form"].errors["role"][0]
    assert 'value="2099-12-31"' in response.content.decode()
    other.refresh_from_db()
    assert other.role == MemberRole.MEMBER
    assert other.term_end is None


def test_unit_must_belong_to_the_council_organisation(world, client_for):
    with pytest.raises(ValidationError) as error:
        services.council_create(
            organization=world.a.org,
            name="Brukerråd",
            kind=CouncilKind.USER_COUNCIL,
            visibility=Visibility.OWNER,
            unit=world.b.unit,
        )
    assert "unit" in error.value.message_dict
    assert not Council.objects.exists()
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("create", world.a.org),
        {
            "name": "Brukerråd",
            "kind": "user_council",
            "visibility": "owner",
            "term_months": 24,
            "unit": world.b.unit.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert 'value="Brukerråd"' in response.content.decode()
    assert not Council.objects.exists()


def test_member_candidates_are_people_of_the_owner(world, collab):
    own = council(world.a.org)
    candidates = set(selectors.member_candidates(own))
    assert world.a["user"] in candidates
    assert world.b["user"] not in candidates
    shared = council(collab)
    collab_candidates = set(selectors.member_candidates(shared))
    assert {world.a["user"], collab.coordinator} <= collab_candidates
    assert world.b["user"] not in collab_candidates


def test_a_person_outside_the_owner_cannot_be_added(world, client_for):
    own = council(world.a.org)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("member_add", world.a.org, council_id=own.pk),
        {"user": world.b["user"].pk, "role": "member", "term_start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not CouncilMember.objects.exists()


# --- Ending terms -----------------------------------------------------------------------------


def test_end_membership_sets_term_end_today(world, client_for):
    own = council(world.a.org)
    person = member(own, world.a["representative"], term_end=days(200))
    client = _client(client_for, world.a["coordinator"])
    response = client.post(url("member_end", world.a.org, council_id=own.pk, member_id=person.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.term_end == timezone.localdate()


def test_ending_a_term_not_yet_started_removes_it(world):
    own = council(world.a.org)
    coming = member(own, world.a["representative"], term_start=days(10))
    assert services.member_end(member=coming) is None
    assert not CouncilMember.objects.filter(pk=coming.pk).exists()


def test_ending_an_ended_term_leaves_it(world):
    own = council(world.a.org)
    ended = member(own, world.a["representative"], term_start=days(-100), term_end=days(-10))
    services.member_end(member=ended)
    ended.refresh_from_db()
    assert ended.term_end == days(-10)


# --- Composition ------------------------------------------------------------------------------


@pytest.fixture
def composed(world):
    """A council with three seats and members in every state."""
    own = council(world.a.org, name="Brukerrådet")
    held = seat(own, title="Psykisk helse", position=1)
    empty_required = seat(own, title="Eldre", position=2)
    empty_optional = seat(own, title="Ungdom", required=False, position=3)
    people = {key: UserFactory.create(full_name=key) for key in "ABCDE"}
    for person in people.values():
        MembershipFactory.create(organization=world.a.org, user=person, role=Role.REPRESENTATIVE)
    ffo = user_organization(name="FFO")
    rows = {
        "chair": member(
            own,
            people["A"],
            role=MemberRole.CHAIR,
            seat=held,
            represents=ffo,
            term_end=days(30),
        ),
        "member": member(own, people["B"], term_end=days(TERM_ENDING_SOON_DAYS + 1)),
        "edge": member(
            own, people["E"], role=MemberRole.SECRETARY, term_end=days(TERM_ENDING_SOON_DAYS)
        ),
        # Held the required seat once: it does not fill it now.
        "past": member(
            own, people["C"], seat=empty_required, term_start=days(-800), term_end=days(-1)
        ),
        "upcoming": member(own, people["D"], seat=empty_optional, term_start=days(5)),
    }
    return own, (held, empty_required, empty_optional), rows


def test_composition(composed):
    own, (held, empty_required, empty_optional), rows = composed
    result = selectors.composition(own)
    assert [h.seat for h in result.seats] == [held, empty_required, empty_optional]
    assert result.seats[0].holders == [rows["chair"]]
    assert result.seats[1].is_unfilled_required
    assert result.seats[2].is_unfilled
    assert not result.seats[2].is_unfilled_required
    assert result.unfilled_required == [empty_required]
    # Chair first, then by role order.
    assert result.current == [rows["chair"], rows["member"], rows["edge"]]
    assert result.chair == rows["chair"]
    assert result.ending_soon == [rows["chair"], rows["edge"]]
    assert result.past == [rows["past"]]
    assert result.upcoming == [rows["upcoming"]]
    # On the day the upcoming term starts, the optional seat is held.
    later = selectors.composition(own, on=days(5))
    assert later.seats[2].holders == [rows["upcoming"]]


def test_composition_view(composed, world, client_for):
    own, _seats, _rows = composed
    client = _client(client_for, world.a["coordinator"])
    response = client.get(url("detail", world.a.org, council_id=own.pk))
    page = response.content.decode()
    assert "1 required seat is unfilled." in page
    assert "2 members&#x27; terms end soon." in page or "2 members' terms end soon." in page
    assert page.count("Term ends soon") == 2
    assert "Unfilled – the mandate requires this seat filled" in page
    assert "Past members" in page
    assert "Terms starting later" in page
    assert "FFO" in page


def test_composition_is_two_queries(composed, django_assert_num_queries):
    own, _seats, _rows = composed
    with django_assert_num_queries(2):
        result = selectors.composition(own)
        [m.user.full_name for m in result.current + result.past]
        [m.represents for m in result.current]


# --- The list ---------------------------------------------------------------------------------


def _counts(council: Any) -> tuple[int, int]:
    """The list's annotations (not attributes of the model, hence ``Any``)."""
    return council.current_member_count, council.unfilled_required_seat_count


def test_list_counts_and_filter(composed, world, collab, client_for):
    _own, _seats, _rows = composed
    council(world.a.org, name="Prosjektgruppe X", kind=CouncilKind.PROJECT_TEAM)
    council(collab, name="Felles råd", visibility=Visibility.PUBLIC)
    context = org_context(world.a["user"], world.a.org.slug)
    rows = {c.name: _counts(c) for c in selectors.council_list(context)}
    assert rows["Brukerrådet"] == (3, 1)  # current members, unfilled required seats
    assert rows["Prosjektgruppe X"] == (0, 0)
    assert rows["Felles råd"] == (0, 0)
    only_projects = selectors.council_list(context, kind=CouncilKind.PROJECT_TEAM)
    assert [c.name for c in only_projects] == ["Prosjektgruppe X"]

    client = _client(client_for, world.a["user"])
    page = client.get(url("list", world.a.org)).content.decode()
    assert "Helsefellesskapet" in page  # owner of the shared council
    filtered = client.get(url("list", world.a.org), {"kind": "project_team"}).content.decode()
    assert "Prosjektgruppe X" in filtered
    assert "Brukerrådet" not in filtered


def _build_councils(organization, count):
    Council.objects.bulk_create(
        Council(organization=organization, name=f"Råd {n:05d}", kind=CouncilKind.USER_COUNCIL)
        for n in range(count)
    )
    first = Council.objects.filter(organization=organization).order_by("name")[0]
    required = seat(first)
    member(first, UserFactory.create(), seat=required)
    seat(first)


def _list_queries(client, org):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("list", org), {"page": 2})
    assert response.status_code == 200
    return len(queries), response


def test_list_query_count_is_constant(world, client_for, django_assert_max_num_queries):
    client = _client(client_for, world.a["user"])
    _build_councils(world.a.org, 30)
    few, _ = _list_queries(client, world.a.org)
    _build_councils(world.b.org, 10)  # other organisations' councils change nothing
    Council.objects.filter(organization=world.a.org).delete()
    _build_councils(world.a.org, 5_000)
    many, response = _list_queries(client, world.a.org)
    assert few == many
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert "Page 2 of 200" in response.content.decode()
    # session, person, MFA check, the context's memberships and organisation, page count,
    # notification bell, navigation, page rows with their counts (subqueries)
    with django_assert_max_num_queries(9):
        client.get(url("list", world.a.org), {"page": 2})


def test_list_counts_are_annotated_on_the_page_query(world):
    _build_councils(world.a.org, 3)
    context = org_context(world.a["user"], world.a.org.slug)
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.council_list(context))
        totals = [_counts(c) for c in rows]
        [c.organization.name for c in rows]
    assert len(queries) == 1
    assert totals[0] == (1, 1)


# --- Forms through the pages ------------------------------------------------------------------


def test_coordinator_creates_and_edits_a_council(world, client_for):
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("create", world.a.org),
        {
            "name": "Eldrerådet",
            "kind": "user_council",
            "mandate": "Gi råd.",
            "visibility": "owner",
            "term_months": 48,
            "unit": world.a.unit.pk,
            "is_active": "on",
        },
    )
    created = Council.objects.get()
    assert response.status_code == 302
    assert created.organization == world.a.org
    assert created.unit == world.a.unit
    response = client.post(
        url("edit", world.a.org, council_id=created.pk),
        {"name": "", "kind": "user_council", "visibility": "owner", "term_months": 48},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    created.refresh_from_db()
    assert created.name == "Eldrerådet"
    assert "Eldrerådet" in response.content.decode()  # breadcrumb keeps the saved name


def test_coordinator_manages_seats(world, client_for):
    own = council(world.a.org)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("seat_create", world.a.org, council_id=own.pk),
        {"title": "Rus", "requirement": "Erfaring med rus", "required": "on", "position": 1},
    )
    assert response.status_code == 302
    place = Seat.objects.get(council=own)
    holder = member(own, world.a["representative"], seat=place)
    client.post(
        url("seat_edit", world.a.org, council_id=own.pk, seat_id=place.pk),
        {"title": "Rus og psykisk helse", "position": 2},
    )
    place.refresh_from_db()
    assert (place.title, place.required, place.position) == ("Rus og psykisk helse", False, 2)
    client.post(url("seat_remove", world.a.org, council_id=own.pk, seat_id=place.pk))
    assert not Seat.objects.filter(pk=place.pk).exists()
    holder.refresh_from_db()
    assert holder.seat is None


def test_coordinator_adds_and_edits_a_member(world, client_for):
    own = council(world.a.org)
    place = seat(own)
    ffo = user_organization(name="Mental Helse")
    client = _client(client_for, world.a["coordinator"])
    form_page = client.get(url("member_add", world.a.org, council_id=own.pk), {"seat": place.pk})
    assert "representative@org-a.test" in form_page.content.decode()  # name and e-mail shown
    response = client.post(
        url("member_add", world.a.org, council_id=own.pk),
        {
            "user": world.a["representative"].pk,
            "role": "deputy_chair",
            "seat": place.pk,
            "represents": ffo.pk,
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
        },
    )
    assert response.status_code == 302
    added = CouncilMember.objects.get(council=own)
    assert (added.role, added.seat, added.represents) == ("deputy_chair", place, ffo)
    response = client.post(
        url("member_edit", world.a.org, council_id=own.pk, member_id=added.pk),
        {"role": "member", "term_start": "2025-01-01", "term_end": ""},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.role, added.seat, added.term_end) == ("member", None, None)


def test_user_organisations_list_and_add(world, client_for):
    user_organization(name="FFO")
    client = _client(client_for, world.a["coordinator"])
    page = client.get(url("user_organizations", world.a.org)).content.decode()
    assert "FFO" in page
    response = client.post(
        url("user_organizations", world.a.org), {"name": "  LHL  ", "short_name": ""}
    )
    assert response.status_code == 302
    response = client.post(url("user_organizations", world.a.org), {"name": "lhl"})
    assert response.status_code == 200
    assert "already on the list" in response.context["form"].errors["name"][0]
    assert 'value="lhl"' in response.content.decode()


def test_unit_of_a_collaboration_council(world, collab):
    unit = UnitFactory.create(organization=collab)
    created = services.council_create(
        organization=collab,
        name="Felles",
        kind=CouncilKind.REFERENCE_GROUP,
        visibility=Visibility.MEMBER_ORGANIZATIONS,
        unit=unit,
    )
    assert created.unit == unit
    with pytest.raises(ValidationError):
        services.council_update(
            council=created,
            name="Felles",
            kind=CouncilKind.REFERENCE_GROUP,
            mandate="",
            unit=world.a.unit,
            visibility=Visibility.OWNER,
            term_months=24,
            is_active=True,
        )


def test_ending_soon_window_matches_the_model():
    assert selectors.ending_soon_cutoff(days(0)) == days(0) + timedelta(days=TERM_ENDING_SOON_DAYS)
