"""The person's side of next of kin: who can see my data, invite, change, withdraw."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accounts.tests.factories import UserFactory
from medvirk.care import kin as services
from medvirk.care.models import (
    EndReason,
    GrantAction,
    GrantEvent,
    NextOfKinGrant,
    Scope,
    TeamMember,
)
from medvirk.care.tests.factories import grant, relationship
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _english_people(world) -> None:
    """E-mails go out in each person's language: make it English for the assertions."""
    for place in (world.a, world.b):
        for person in place.users.values():
            person.preferred_language = "en"
            person.save(update_fields=["preferred_language"])


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


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def other_user(world_org, name: str = "Another User"):
    """A second person with the user role in the organisation."""
    person = UserFactory.create(full_name=name)
    MembershipFactory(organization=world_org.org, user=person, role=Role.USER, unit=world_org.unit)
    return person


# --- Who can see my data ----------------------------------------------------------------------


def test_who_can_see_lists_the_current_team_and_says_leaders_see_aggregates(world, client_for):
    course = relationship(world.a)
    TeamMember.objects.filter(relationship=course).update(role="Kontaktperson")
    removed = UserFactory.create(full_name="Removed Staffer")
    TeamMember.objects.create(
        relationship=course,
        staff=removed,
        added_on=course.started_on,
        removed_on=timezone.localdate(),
    )
    # No longer staff: off the team as far as access goes, so not listed either.
    former = UserFactory.create(full_name="Former Staffer")
    TeamMember.objects.create(relationship=course, staff=former, added_on=course.started_on)
    ended_staff = UserFactory.create(full_name="Old Team Staffer")
    relationship(
        world.a,
        team=[ended_staff],
        unit=world.a.unit.__class__.objects.create(organization=world.a.org, name="Old unit"),
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        ended_on=timezone.localdate() - datetime.timedelta(days=100),
        end_reason=EndReason.AGREED,
    )
    page = english(client_for, world.a["user"]).get(url("who_can_see")).content.decode()
    assert world.a.unit.name in page
    assert world.a["staff"].full_name in page
    assert "Kontaktperson" in page
    assert "Primary contact" in page
    assert "Removed Staffer" not in page
    assert "Former Staffer" not in page
    assert "Old Team Staffer" not in page
    assert "Old unit" not in page
    assert "Leaders and administrators see only numbers for the whole service" in page
    assert "You have not invited any next of kin." in page


def test_without_a_team_the_page_says_so(world, client_for):
    page = english(client_for, world.a["user"]).get(url("who_can_see")).content.decode()
    assert "No care team in Organisasjon A follows you at the moment." in page


def test_who_can_see_lists_every_grant_with_status_scopes_and_history(world, client_for):
    active = grant(world.a, see_plan=True)
    services.grant_change(grant=active, actor=world.a["user"], scopes=[Scope.PLAN, Scope.FEEDBACK])
    pending = grant(world.a, accepted=False, answer_questionnaire=True)
    pending.email = "pending@example.test"
    pending.save()
    withdrawn = grant(world.a, see_feedback=True)
    withdrawn.email = "gone@example.test"
    withdrawn.save()
    services.grant_withdraw(grant=withdrawn, actor=world.a["user"])
    expired = grant(world.a, accepted=False, see_plan=True)
    NextOfKinGrant.objects.filter(pk=expired.pk).update(
        email="late@example.test", invited_until=timezone.now() - datetime.timedelta(days=1)
    )
    # Someone else's grant is not on this page.
    stranger = other_user(world.a)
    NextOfKinGrant.objects.create(
        organization=world.a.org,
        person=stranger,
        email="theirs@example.test",
        invited_until=timezone.now() + datetime.timedelta(days=3),
        see_plan=True,
    )
    page = english(client_for, world.a["user"]).get(url("who_can_see")).content.decode()
    assert "theirs@example.test" not in page
    for status in ("Active", "Invited, not accepted yet", "Withdrawn", "Invitation expired"):
        assert status in page
    assert "pending@example.test" in page
    assert "Changed what may be seen" in page
    assert "See my plan, See my feedback graphs" in page
    assert "Answer the next-of-kin questionnaire" in page
    assert f"by {world.a['user'].full_name}" in page
    # Only open grants can be changed or withdrawn.
    assert url("kin_grant_edit", grant_id=active.pk) in page
    assert url("kin_grant_edit", grant_id=pending.pk) in page
    assert url("kin_grant_edit", grant_id=withdrawn.pk) not in page
    assert url("kin_grant_edit", grant_id=expired.pk) not in page


@pytest.mark.parametrize("count", [1, 8])
def test_who_can_see_has_a_constant_query_count(
    world, client_for, django_assert_num_queries, count
):
    second = UserFactory.create()
    MembershipFactory(organization=world.a.org, user=second, role=Role.STAFF, unit=world.a.unit)
    relationship(world.a, team=[world.a["staff"], second])
    for number in range(count):
        made = grant(world.a, accepted=number % 2 == 0, see_plan=True)
        made.email = f"kin{number}@example.test"
        made.save()
        GrantEvent.objects.create(
            grant=made, action=GrantAction.CHANGED, scopes=["plan"], actor=world.a["user"]
        )
    client = client_for(world.a["user"])
    client.get(url("who_can_see"))
    # Session and user (2), MFA check (1), organisation context (2), courses of care with
    # units (1) and their teams (1), grants with their next of kin (1) and events with actors
    # (1), and the layout's bell and menu (2).
    with django_assert_num_queries(11):
        assert client.get(url("who_can_see")).status_code == 200


@pytest.mark.parametrize(
    "role", ["next_of_kin", "staff", "leader", "coordinator", "admin", "representative"]
)
def test_only_people_with_their_own_care_have_these_pages(world, client_for, role):
    made = grant(world.a, see_plan=True)
    client = client_for(world.a[role])
    for address in (
        url("who_can_see"),
        url("kin_invite"),
        url("kin_grant_edit", grant_id=made.pk),
        url("kin_grant_withdraw", grant_id=made.pk),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("kin_invite"), invite_data()).status_code == 404
    assert client.post(url("kin_grant_withdraw", grant_id=made.pk)).status_code == 404
    made.refresh_from_db()
    assert made.withdrawn_at is None
    assert NextOfKinGrant.objects.count() == 1


def test_another_person_gets_404_on_someone_elses_grant(world, client_for):
    made = grant(world.a, see_plan=True)
    client = client_for(other_user(world.a))
    assert client.get(url("kin_grant_edit", grant_id=made.pk)).status_code == 404
    assert client.get(url("kin_grant_withdraw", grant_id=made.pk)).status_code == 404
    response = client.post(url("kin_grant_withdraw", grant_id=made.pk))
    assert response.status_code == 404
    response = client.post(url("kin_grant_edit", grant_id=made.pk), {"scopes": ["feedback"]})
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.withdrawn_at is None
    assert made.scopes() == ["plan"]


# --- Invite -----------------------------------------------------------------------------------


def invite_data(**overrides: object) -> dict[str, object]:
    return {"email": "Mor@Example.test", "relation": "mother", "scopes": ["plan"], **overrides}


def test_inviting_makes_a_grant_an_event_and_sends_the_link(
    world, client_for, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    client = english(client_for, person)
    assert client.get(url("kin_invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("kin_invite"), invite_data(scopes=["plan", "questionnaire"]))
    assert response.status_code == 302
    assert response["Location"] == url("who_can_see")
    assert "The invitation is on its way to Mor@Example.test." in messages_of(response)[0]
    made = NextOfKinGrant.objects.get()
    assert (made.person, made.organization, made.email, made.relation) == (
        person,
        world.a.org,
        "Mor@Example.test",
        "mother",
    )
    assert made.scopes() == ["plan", "questionnaire"]
    assert made.next_of_kin is None
    assert made.accepted_at is None
    assert abs(made.invited_until - (timezone.now() + datetime.timedelta(days=14))) < (
        datetime.timedelta(minutes=1)
    )
    (event,) = made.events.all()
    assert (event.action, event.scopes, event.actor) == (
        GrantAction.INVITED,
        ["plan", "questionnaire"],
        person,
    )
    (message,) = mail.outbox
    assert message.to == ["Mor@Example.test"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    link = f"/care/invitations/{made.token}/"
    assert link in message.body
    assert person.full_name in message.subject
    assert "Answer the next-of-kin questionnaire" in message.body
    assert "See my feedback graphs" not in message.body


def test_the_invitation_email_is_in_the_accounts_language_when_there_is_one(
    world, django_capture_on_commit_callbacks
):
    kin = world.a["next_of_kin"]
    kin.preferred_language = "en"
    kin.save()
    world.a["user"].preferred_language = "nb"
    world.a["user"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_invite(
            person=world.a["user"],
            organization=world.a.org,
            email=kin.email.upper(),
            relation="",
            scopes=["plan"],
        )
    assert "invites you to be their next of kin" in mail.outbox[0].subject


def test_a_withdrawn_invitation_is_not_mailed_by_a_late_worker(world):
    made = grant(world.a, accepted=False, see_plan=True)
    services.grant_withdraw(grant=made, actor=world.a["user"])
    assert services.invitation_email_send(grant_id=made.pk) is False
    assert services.invitation_email_send(grant_id=999_999) is False
    assert not mail.outbox


def test_at_least_one_scope_is_needed_and_what_was_typed_is_kept(world, client_for):
    client = english(client_for, world.a["user"])
    response = client.post(url("kin_invite"), invite_data(scopes=[]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose at least one thing your next of kin may see." in page
    assert 'value="Mor@Example.test"' in page
    assert 'value="mother"' in page
    assert not NextOfKinGrant.objects.exists()
    assert not GrantEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"scopes": ["everything"]}, "Select a valid choice."),
        ({"email": "USER@org-a.test"}, "This is your own address."),
    ],
)
def test_bad_invitations_are_refused_with_a_clear_error(world, client_for, data, error):
    response = english(client_for, world.a["user"]).post(url("kin_invite"), invite_data(**data))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not NextOfKinGrant.objects.exists()


def test_a_second_address_of_ones_own_is_refused_too(world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=world.a["user"], email="me.too@example.test", verified=False)
    with pytest.raises(ValidationError) as caught:
        services.grant_invite(
            person=world.a["user"],
            organization=world.a.org,
            email="Me.Too@example.test",
            relation="",
            scopes=["plan"],
        )
    assert "This is your own address." in str(caught.value)


def test_the_same_address_twice_is_refused_while_pending_or_active(world, client_for):
    client = english(client_for, world.a["user"])
    client.post(url("kin_invite"), invite_data())
    response = client.post(url("kin_invite"), invite_data(email="mor@example.TEST"))
    assert response.status_code == 200
    assert "You have already invited this address, or it already has access." in (
        response.content.decode()
    )
    made = NextOfKinGrant.objects.get()
    # Accepted: still refused.
    NextOfKinGrant.objects.filter(pk=made.pk).update(
        accepted_at=timezone.now(), next_of_kin=world.a["next_of_kin"]
    )
    response = client.post(url("kin_invite"), invite_data())
    assert response.status_code == 200
    assert NextOfKinGrant.objects.count() == 1
    # Withdrawn: a new invitation may go.
    NextOfKinGrant.objects.filter(pk=made.pk).update(withdrawn_at=timezone.now())
    assert client.post(url("kin_invite"), invite_data()).status_code == 302
    # Expired (not accepted): a new invitation may go too.
    NextOfKinGrant.objects.filter(withdrawn_at__isnull=True).update(
        invited_until=timezone.now() - datetime.timedelta(seconds=1), accepted_at=None
    )
    assert client.post(url("kin_invite"), invite_data()).status_code == 302
    assert NextOfKinGrant.objects.count() == 3


def test_the_same_address_may_be_invited_by_two_people(world):
    for person in (world.a["user"], other_user(world.a)):
        services.grant_invite(
            person=person,
            organization=world.a.org,
            email="shared@example.test",
            relation="",
            scopes=["plan"],
        )
    assert NextOfKinGrant.objects.count() == 2


def test_invitations_a_day_are_limited(world):
    for number in range(services.INVITATIONS_PER_DAY):
        services.grant_invite(
            person=world.a["user"],
            organization=world.a.org,
            email=f"kin{number}@example.test",
            relation="",
            scopes=["plan"],
        )
    with pytest.raises(ValidationError) as caught:
        services.grant_invite(
            person=world.a["user"],
            organization=world.a.org,
            email="one.more@example.test",
            relation="",
            scopes=["plan"],
        )
    assert "You have sent many invitations today." in str(caught.value)


# --- Change -----------------------------------------------------------------------------------


def test_changing_scopes_records_an_event_tells_the_next_of_kin_and_counts_at_once(
    world, client_for
):
    made = grant(world.a, see_plan=True)
    client = english(client_for, world.a["user"])
    page = client.get(url("kin_grant_edit", grant_id=made.pk)).content.decode()
    assert 'value="plan" checked' in page or re.search(r'value="plan"[^>]*checked', page)
    response = client.post(url("kin_grant_edit", grant_id=made.pk), {"scopes": ["feedback"]})
    assert response.status_code == 302
    assert messages_of(response) == ["Saved. The change counts from now."]
    made.refresh_from_db()
    assert made.scopes() == ["feedback"]
    event = made.events.last()
    assert event is not None
    assert (event.action, event.scopes, event.actor) == (
        GrantAction.CHANGED,
        ["feedback"],
        world.a["user"],
    )
    told = Notification.objects.get(recipient=world.a["next_of_kin"])
    assert told.message == "care_kin_changed"
    assert "See my feedback graphs" in told.body
    assert told.url == url("kin_person", person_id=world.a["user"].pk)
    # The next of kin's next request shows the new scopes.
    kin_page = english(client_for, world.a["next_of_kin"]).get(
        url("kin_person", person_id=world.a["user"].pk)
    )
    assert "See my feedback graphs" in kin_page.content.decode()
    assert "See my plan" not in kin_page.content.decode()


def test_the_same_scopes_change_nothing(world, client_for):
    made = grant(world.a, see_plan=True)
    response = english(client_for, world.a["user"]).post(
        url("kin_grant_edit", grant_id=made.pk), {"scopes": ["plan"]}
    )
    assert messages_of(response) == ["Nothing was changed."]
    assert made.events.count() == 1
    assert not Notification.objects.exists()


def test_no_scope_is_refused_and_nothing_changes(world, client_for):
    made = grant(world.a, see_plan=True)
    response = english(client_for, world.a["user"]).post(
        url("kin_grant_edit", grant_id=made.pk), {}
    )
    assert response.status_code == 200
    assert "Choose at least one thing your next of kin may see." in response.content.decode()
    made.refresh_from_db()
    assert made.scopes() == ["plan"]
    assert made.events.count() == 1


def test_a_pending_invitation_can_change_without_telling_anyone(world):
    made = grant(world.a, accepted=False, see_plan=True)
    assert services.grant_change(grant=made, actor=world.a["user"], scopes=["questionnaire"])
    assert made.scopes() == ["questionnaire"]
    assert not Notification.objects.exists()


def test_a_withdrawn_grant_cannot_change(world, client_for):
    made = grant(world.a, see_plan=True)
    services.grant_withdraw(grant=made, actor=world.a["user"])
    response = english(client_for, world.a["user"]).get(url("kin_grant_edit", grant_id=made.pk))
    assert response.status_code == 302
    assert messages_of(response) == ["This access is no longer open, so it cannot be changed."]
    with pytest.raises(ValidationError):
        services.grant_change(grant=made, actor=world.a["user"], scopes=["feedback"])
    made.refresh_from_db()
    assert made.scopes() == ["plan"]


# --- Withdraw ---------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_ends_access_at_once(world, client_for):
    made = grant(world.a, see_plan=True)
    kin_url = url("kin_person", person_id=world.a["user"].pk)
    assert client_for(world.a["next_of_kin"]).get(kin_url).status_code == 200

    client = english(client_for, world.a["user"])
    page = client.get(url("kin_grant_withdraw", grant_id=made.pk)).content.decode()
    assert "They are told that the access has ended, but not why." in page
    made.refresh_from_db()
    assert made.withdrawn_at is None

    response = client.post(url("kin_grant_withdraw", grant_id=made.pk))
    assert response.status_code == 302
    assert response["Location"] == url("who_can_see")
    made.refresh_from_db()
    assert made.withdrawn_at is not None
    event = made.events.last()
    assert event is not None
    assert (event.action, event.actor, event.scopes) == (
        GrantAction.WITHDRAWN,
        world.a["user"],
        ["plan"],
    )
    # The very next request of the next of kin is 404.
    assert client_for(world.a["next_of_kin"]).get(kin_url).status_code == 404
    told = Notification.objects.get(recipient=world.a["next_of_kin"])
    assert told.message == "care_kin_withdrawn"
    assert "has ended your access" in told.body
    assert told.url == url("shared_with_me")


def test_withdrawing_twice_records_once(world, client_for):
    made = grant(world.a, see_plan=True)
    client = english(client_for, world.a["user"])
    client.post(url("kin_grant_withdraw", grant_id=made.pk))
    response = client.post(url("kin_grant_withdraw", grant_id=made.pk))
    assert messages_of(response)[-1] == "This access has already been withdrawn."
    assert services.grant_withdraw(grant=made, actor=world.a["user"]) is False
    assert made.events.filter(action=GrantAction.WITHDRAWN).count() == 1
    assert Notification.objects.count() == 1


def test_withdrawing_an_invitation_kills_the_link_and_tells_nobody(world, client_for):
    made = grant(world.a, accepted=False, see_plan=True)
    page = (
        english(client_for, world.a["user"])
        .get(url("kin_grant_withdraw", grant_id=made.pk))
        .content.decode()
    )
    assert "stops working at once" in page
    client_for(world.a["user"]).post(url("kin_grant_withdraw", grant_id=made.pk))
    assert not Notification.objects.exists()
    response = client_for(world.a["next_of_kin"]).get(
        reverse("care_invite:accept", args=[made.token])
    )
    assert response.status_code == 410
