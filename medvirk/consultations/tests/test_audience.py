"""Who is in a consultation's audience, and what each person sees in the list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medvirk.consultations.choices import Stage
from medvirk.consultations.selectors import audience_users, is_in_audience, visible_consultations
from medvirk.consultations.tests.factories import consultation
from medvirk.councils.tests.factories import council, days, member, user_organization
from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action


def _make(world, **kw):
    kw.setdefault("audience_all_representatives", False)
    return consultation(world.a.org, world.a["coordinator"], **kw)


def test_all_representatives_means_members_with_the_representative_role(world):
    asked = _make(world, audience_all_representatives=True)
    assert set(audience_users(asked)) == {world.a["representative"]}
    assert is_in_audience(world.a["representative"], asked)
    assert not is_in_audience(world.a["user"], asked)
    # A representative of another organisation is not asked.
    assert not is_in_audience(world.b["representative"], asked)


def test_current_council_members_are_asked_but_not_past_or_future_ones(world):
    board = council(world.a.org)
    member(board, world.a["user"])
    member(board, world.a["staff"], term_start=days(-400), term_end=days(-1))
    member(board, world.a["leader"], term_start=days(5))
    asked = _make(world, audience_councils=[board])
    assert set(audience_users(asked)) == {world.a["user"]}


def test_members_representing_a_chosen_user_organisation_are_asked(world):
    ffo, other = user_organization(name="FFO"), user_organization(name="Mental Helse")
    board = council(world.a.org)
    member(board, world.a["next_of_kin"], represents=ffo)
    member(board, world.a["staff"], represents=other)
    asked = _make(world, audience_user_organizations=[ffo])
    assert set(audience_users(asked)) == {world.a["next_of_kin"]}


def test_council_members_outside_the_organisation_are_not_in_its_audience(world):
    board = council(world.a.org)
    member(board, world.b["user"])
    member(board, world.a["user"])
    asked = _make(world, audience_councils=[board])
    assert set(audience_users(asked)) == {world.a["user"]}


def test_the_public_includes_everyone_in_the_organisation_but_is_not_notified(world):
    asked = _make(world, audience_public=True)
    assert is_in_audience(world.a["user"], asked)
    assert not is_in_audience(world.b["user"], asked)
    assert list(audience_users(asked)) == []


@pytest.mark.parametrize(
    ("role", "visible"),
    [("representative", {"reps", "public"}), ("user", {"public"}), ("coordinator", None)],
)
def test_list_shows_published_consultations_of_ones_audience(world, role, visible):
    board = council(world.a.org)
    member(board, world.a["staff"])
    made = {
        "reps": _make(world, audience_all_representatives=True, title="reps"),
        "public": _make(world, audience_public=True, title="public"),
        "council": _make(world, audience_councils=[board], title="council"),
        "draft": _make(world, audience_public=True, stage=Stage.DRAFT, title="draft"),
    }
    context = org_context(world.a[role], world.a.org.slug, Action.VIEW_CONSULTATIONS)
    seen = set(visible_consultations(context).values_list("title", flat=True))
    assert seen == (visible if visible is not None else set(made))


def test_a_council_member_sees_the_councils_consultations(world):
    board = council(world.a.org)
    member(board, world.a["staff"])
    asked = _make(world, audience_councils=[board])
    context = org_context(world.a["staff"], world.a.org.slug)
    assert list(visible_consultations(context)) == [asked]
    # A member whose term ended no longer sees it.
    board.members.update(term_end=days(-1), term_start=days(-10) - timedelta(days=1))
    assert list(visible_consultations(context)) == []
