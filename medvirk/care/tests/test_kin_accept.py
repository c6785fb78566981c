"""Accepting a next-of-kin invitation at /care/invitations/<token>/."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care import kin as services
from medvirk.care.models import GrantAction, NextOfKinGrant
from medvirk.care.tests.factories import grant
from medvirk.notifications.models import Notification
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role


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


def accept_url(made: NextOfKinGrant) -> str:
    return reverse("care_invite:accept", args=[made.token])


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def invitation(
    world_org,
    email: str | None = None,
    *,
    see_plan: bool = True,
    see_feedback: bool = False,
    answer_questionnaire: bool = False,
) -> NextOfKinGrant:
    """A pending invitation from the world's user to ``email`` (the world's next of kin)."""
    made = grant(
        world_org,
        accepted=False,
        see_plan=see_plan,
        see_feedback=see_feedback,
        answer_questionnaire=answer_questionnaire,
    )
    if email is not None:
        made.email = email
        made.save()
    return made


def unchanged(made: NextOfKinGrant) -> bool:
    made.refresh_from_db()
    return made.accepted_at is None and made.next_of_kin is None and made.events.count() == 1


def test_without_login_the_link_leads_to_login_and_back(world, client):
    made = invitation(world.a)
    response = client.get(accept_url(made))
    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"] == f"{login}?next={accept_url(made)}"
    # The login page offers sign-up with the way back.
    page = client.get(response["Location"]).content.decode()
    assert f"{reverse('account_signup')}?next={accept_url(made)}" in page.replace("%2F", "/")


def test_the_invitation_page_explains_and_changes_nothing(world, client_for):
    made = invitation(world.a, see_plan=True, answer_questionnaire=True)
    response = english(client_for, world.a["next_of_kin"]).get(accept_url(made))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{world.a['user'].full_name} has invited you to be their next of kin" in page
    assert "Organisasjon A" in page
    assert "See my plan" in page
    assert "Answer the next-of-kin questionnaire" in page
    assert "See my feedback graphs" not in page
    assert "Accept the invitation" in page
    assert unchanged(made)


def test_accepting_links_the_account_records_it_and_tells_the_person(world, client_for):
    made = invitation(world.a)
    kin = world.a["next_of_kin"]
    memberships = Membership.objects.filter(user=kin).count()
    response = english(client_for, kin).post(accept_url(made))
    assert response.status_code == 302
    person = world.a["user"]
    assert response["Location"] == reverse("care:kin_person", args=["org-a", person.pk])
    made.refresh_from_db()
    assert made.next_of_kin == kin
    assert made.accepted_at is not None
    event = made.events.last()
    assert event is not None
    assert (event.action, event.actor, event.scopes) == (GrantAction.ACCEPTED, kin, ["plan"])
    # They already had the role: no second membership.
    assert Membership.objects.filter(user=kin).count() == memberships
    told = Notification.objects.get(recipient=person)
    assert told.message == "care_kin_accepted"
    assert kin.full_name in told.subject
    assert "See my plan" in told.body
    assert told.url == reverse("care:who_can_see", args=["org-a"])
    # The next request opens the person's page.
    assert client_for(kin).get(response["Location"]).status_code == 200


def test_a_new_account_gets_the_next_of_kin_role_in_the_grants_organisation(world, client_for):
    newcomer = UserFactory.create(email="newcomer@example.test", full_name="New Comer")
    made = invitation(world.a, email="NewComer@Example.test")
    response = client_for(newcomer).post(accept_url(made))
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert (membership.organization, membership.role, membership.unit) == (
        world.a.org,
        Role.NEXT_OF_KIN,
        None,
    )
    entry = AccessLogEntry.objects.get(object_type="organizations.membership")
    assert (entry.actor, entry.subject, entry.action) == (newcomer, newcomer, "create")
    assert client_for(newcomer).get(response["Location"]).status_code == 200
    page = client_for(newcomer).get(reverse("care:shared_with_me", args=["org-a"]))
    assert world.a["user"].full_name in page.content.decode()


def test_another_account_sees_which_address_the_invitation_was_for(world, client_for):
    made = invitation(world.a, email="someone.else@example.test")
    client = english(client_for, world.a["next_of_kin"])
    response = client.get(accept_url(made))
    assert response.status_code == 403
    page = response.content.decode()
    assert "This invitation was sent to another address" in page
    assert "someone.else@example.test" in page
    assert world.a["next_of_kin"].email in page
    assert client.post(accept_url(made)).status_code == 403
    assert unchanged(made)


def test_an_unverified_address_does_not_count(world, client_for):
    person = UserFactory.create()
    EmailAddress.objects.create(user=person, email="unverified@example.test", verified=False)
    made = invitation(world.a, email="unverified@example.test")
    assert client_for(person).post(accept_url(made)).status_code == 403
    assert unchanged(made)
    assert not Membership.objects.filter(user=person).exists()


def test_a_second_verified_address_counts(world, client_for):
    kin = world.a["next_of_kin"]
    EmailAddress.objects.create(user=kin, email="private@example.test", verified=True)
    made = invitation(world.a, email="Private@Example.test")
    assert client_for(kin).post(accept_url(made)).status_code == 302
    made.refresh_from_db()
    assert made.next_of_kin == kin


@pytest.mark.parametrize(
    ("state", "status", "text"),
    [
        ("expired", 410, "This invitation has expired"),
        ("withdrawn", 410, "This invitation is no longer valid"),
        ("used", 410, "This invitation has already been accepted"),
    ],
)
def test_an_invitation_that_is_over_explains_and_changes_nothing(
    world, client_for, state, status, text
):
    made = invitation(world.a)
    if state == "expired":
        made.invited_until = timezone.now() - datetime.timedelta(minutes=1)
        made.save()
    elif state == "withdrawn":
        services.grant_withdraw(grant=made, actor=world.a["user"])
    else:
        NextOfKinGrant.objects.filter(pk=made.pk).update(
            next_of_kin=world.a["staff"], accepted_at=timezone.now()
        )
    made.refresh_from_db()
    before = (made.next_of_kin_id, made.accepted_at, made.withdrawn_at, made.events.count())
    client = english(client_for, world.a["next_of_kin"])
    response = client.get(accept_url(made))
    assert response.status_code == status
    assert text in response.content.decode()
    assert client.post(accept_url(made)).status_code == status
    made.refresh_from_db()
    assert (made.next_of_kin_id, made.accepted_at, made.withdrawn_at, made.events.count()) == (
        before
    )
    assert not Notification.objects.filter(message="care_kin_accepted").exists()


def test_accepting_twice_leads_to_the_page(world, client_for):
    made = invitation(world.a)
    client = english(client_for, world.a["next_of_kin"])
    client.post(accept_url(made))
    response = client.post(accept_url(made))
    assert response.status_code == 200
    assert "You have already accepted this invitation" in response.content.decode()
    assert made.events.filter(action=GrantAction.ACCEPTED).count() == 1


def test_the_person_cannot_accept_their_own_invitation(world, client_for):
    made = invitation(world.a, email=world.a["user"].email)
    response = english(client_for, world.a["user"]).post(accept_url(made))
    assert response.status_code == 403
    assert "You cannot accept your own invitation" in response.content.decode()
    assert unchanged(made)


def test_someone_who_already_has_access_from_the_person_is_told_so(world, client_for):
    grant(world.a, see_plan=True)
    kin = world.a["next_of_kin"]
    EmailAddress.objects.create(user=kin, email="second@example.test", verified=True)
    made = invitation(world.a, email="second@example.test")
    response = english(client_for, kin).post(accept_url(made))
    assert response.status_code == 200
    assert "already shares with you" in response.content.decode()
    assert unchanged(made)


def test_an_unknown_token_is_404(world, client_for):
    response = client_for(world.a["next_of_kin"]).get(
        reverse("care_invite:accept", args=["no-such-token"])
    )
    assert response.status_code == 404


def test_the_service_refuses_what_the_page_refuses(world):
    made = invitation(world.a, email="someone.else@example.test")
    with pytest.raises(services.InvitationRefused) as refused:
        services.grant_accept(grant=made, user=world.a["next_of_kin"])
    assert refused.value.reason == services.Refusal.WRONG_ADDRESS
    assert unchanged(made)
