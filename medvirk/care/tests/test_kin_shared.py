"""The next of kin's side: people who share with me, a person's page, who gets 404."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from conftest import give_totp
from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care import kin as services
from medvirk.care.models import NextOfKinGrant
from medvirk.care.tests.factories import grant, relationship
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages made outside a request are checked in English."""
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a", **kwargs: object) -> str:
    return reverse(f"care:{name}", kwargs={"org_slug": org_slug, **kwargs})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def member(world_org, role: str, name: str):
    person = UserFactory.create(full_name=name)
    MembershipFactory(organization=world_org.org, user=person, role=role, unit=world_org.unit)
    return person


def person_url(world_org) -> str:
    return url("kin_person", org_slug=world_org.org.slug, person_id=world_org["user"].pk)


# --- People who share with me -----------------------------------------------------------------


def test_the_list_shows_active_grants_and_what_each_allows(world, client_for):
    kin = world.a["next_of_kin"]
    grant(world.a, see_plan=True, answer_questionnaire=True)
    second = member(world.a, Role.USER, "Berit Second")
    grant(world.a, person=second, see_feedback=True)
    pending_from = member(world.a, Role.USER, "Pending Person")
    grant(world.a, person=pending_from, accepted=False, see_plan=True)
    withdrawn_from = member(world.a, Role.USER, "Withdrawn Person")
    services.grant_withdraw(
        grant=grant(world.a, person=withdrawn_from, see_plan=True), actor=withdrawn_from
    )
    other_kin = member(world.a, Role.NEXT_OF_KIN, "Other Kin")
    not_mine = member(world.a, Role.USER, "Not Mine")
    grant(world.a, person=not_mine, next_of_kin=other_kin, see_plan=True)

    page = english(client_for, kin).get(url("shared_with_me")).content.decode()
    assert "2 people share with you" in page
    assert world.a["user"].full_name in page
    assert "See my plan, Answer the next-of-kin questionnaire" in page
    assert "Berit Second" in page
    assert "See my feedback graphs" in page
    for absent in ("Pending Person", "Withdrawn Person", "Not Mine"):
        assert absent not in page
    assert url("kin_person", person_id=second.pk) in page
    # Listing the names is not a read of anyone's data.
    assert not AccessLogEntry.objects.exists()


def test_an_empty_list_says_how_sharing_starts(world, client_for):
    page = english(client_for, world.a["next_of_kin"]).get(url("shared_with_me")).content.decode()
    assert "Nobody in Organisasjon A shares their data with you at the moment." in page


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_has_a_constant_query_count(world, client_for, django_assert_num_queries, count):
    for number in range(count):
        person = member(world.a, Role.USER, f"Person {number:02}")
        grant(world.a, person=person, see_plan=True)
    client = client_for(world.a["next_of_kin"])
    client.get(url("shared_with_me"))
    # Session and user (2), MFA check (1), organisation context (2), the grants with their
    # people (1), and the layout's bell and menu (2).
    with django_assert_num_queries(8):
        assert client.get(url("shared_with_me")).status_code == 200


# --- A person's page --------------------------------------------------------------------------


def test_the_page_shows_exactly_the_granted_scopes_and_logs_every_opening(world, client_for):
    made = grant(world.a, see_feedback=True)
    kin = world.a["next_of_kin"]
    client = english(client_for, kin)
    for _ in range(2):
        response = client.get(person_url(world.a))
        assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="ds-heading" data-size="lg">{world.a["user"].full_name}</h1>' in page
    assert "See my feedback graphs" in page
    assert "See my plan" not in page
    assert "Answer the next-of-kin questionnaire" not in page
    entries = AccessLogEntry.objects.order_by("pk")
    assert entries.count() == 2
    for entry in entries:
        assert (entry.actor, entry.subject, entry.organization, entry.action) == (
            kin,
            world.a["user"],
            world.a.org,
            "view",
        )
        assert (entry.object_type, entry.object_id) == ("care.nextofkingrant", str(made.pk))
        assert entry.object_label == str(made)


def test_the_page_has_a_pinned_query_count(world, client_for, django_assert_num_queries):
    grant(world.a, see_plan=True)
    client = client_for(world.a["next_of_kin"])
    client.get(person_url(world.a))
    # Session and user (2), MFA check (1), organisation context (2), the person (1), the grant
    # (1), the access-log entry (1), and the layout's bell and menu (2). (No team check: a next
    # of kin holds no role that can be on a care team.)
    with django_assert_num_queries(10):
        assert client.get(person_url(world.a)).status_code == 200


def test_a_pending_or_withdrawn_grant_is_404(world, client_for):
    made = grant(world.a, accepted=False, see_plan=True)
    kin = client_for(world.a["next_of_kin"])
    assert kin.get(person_url(world.a)).status_code == 404
    NextOfKinGrant.objects.filter(pk=made.pk).update(
        next_of_kin=world.a["next_of_kin"], accepted_at=timezone.now()
    )
    assert kin.get(person_url(world.a)).status_code == 200
    NextOfKinGrant.objects.filter(pk=made.pk).update(withdrawn_at=timezone.now())
    assert kin.get(person_url(world.a)).status_code == 404
    assert AccessLogEntry.objects.count() == 1


def test_the_person_themself_and_their_care_team_get_404_here(world, client_for):
    """This page is the next of kin's; the person and the team have their own pages."""
    grant(world.a, see_plan=True)
    relationship(world.a)
    # Even with the next-of-kin role as well, the person and the team are not let in here.
    for role in ("user", "staff"):
        MembershipFactory(organization=world.a.org, user=world.a[role], role=Role.NEXT_OF_KIN)
        assert client_for(world.a[role]).get(person_url(world.a)).status_code == 404, role
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "role", ["user", "staff", "leader", "coordinator", "admin", "representative"]
)
def test_other_roles_get_404_on_every_kin_page(world, client_for, role):
    grant(world.a, see_plan=True)
    relationship(world.a, team=[world.a["staff"], world.a["coordinator"]])
    client = client_for(world.a[role])
    assert client.get(url("shared_with_me")).status_code == 404
    assert client.get(person_url(world.a)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_staff_outside_the_team_get_404(world, client_for):
    grant(world.a, see_plan=True)
    relationship(world.a)
    outsider = member(world.a, Role.STAFF, "Outside Staffer")
    give_totp(outsider)
    assert client_for(outsider).get(person_url(world.a)).status_code == 404


def test_the_next_of_kin_of_someone_else_gets_404(world, client_for):
    grant(world.a, see_plan=True)
    other_kin = member(world.a, Role.NEXT_OF_KIN, "Other Kin")
    someone = member(world.a, Role.USER, "Someone Else")
    grant(world.a, person=someone, next_of_kin=other_kin, see_plan=True)
    client = client_for(other_kin)
    assert client.get(person_url(world.a)).status_code == 404
    assert client.get(url("kin_person", person_id=someone.pk)).status_code == 200
    # And world.a's next of kin cannot open "Someone Else".
    assert (
        client_for(world.a["next_of_kin"]).get(url("kin_person", person_id=someone.pk)).status_code
        == 404
    )


def test_members_of_another_organisation_get_404(world, client_for):
    grant(world.a, see_plan=True)
    for role in ("next_of_kin", "staff", "user", "admin"):
        client = client_for(world.b[role])
        assert client.get(person_url(world.a)).status_code == 404
        assert (
            client.get(
                url("kin_person", org_slug="org-b", person_id=world.a["user"].pk)
            ).status_code
            == 404
        )
        assert client.get(url("shared_with_me")).status_code == 404


def test_a_grant_in_another_organisation_does_not_open_this_one(world, client_for):
    """A grant is for one organisation: the same two people elsewhere see nothing here."""
    kin = world.a["next_of_kin"]
    MembershipFactory(organization=world.b.org, user=kin, role=Role.NEXT_OF_KIN)
    MembershipFactory(organization=world.b.org, user=world.a["user"], role=Role.USER)
    grant(world.a, see_plan=True)
    assert client_for(kin).get(person_url(world.a)).status_code == 200
    other = url("kin_person", org_slug="org-b", person_id=world.a["user"].pk)
    assert client_for(kin).get(other).status_code == 404


def test_an_expired_invitation_that_was_accepted_keeps_working(world, client_for):
    """The 14 days are for accepting; an accepted grant lasts until it is withdrawn."""
    made = grant(world.a, see_plan=True)
    NextOfKinGrant.objects.filter(pk=made.pk).update(
        invited_until=timezone.now() - datetime.timedelta(days=30)
    )
    assert client_for(world.a["next_of_kin"]).get(person_url(world.a)).status_code == 200
