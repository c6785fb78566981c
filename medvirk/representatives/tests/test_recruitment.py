"""Recruitment requests and invitations: the coordinators' pages, the invitee's answer, the rules.

Onboarding and assignments are in test_recruitment_onboarding.py; the ranking
itself in test_ranking.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accounts.models import EmailFrequency, User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.councils.tests.factories import council
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import recruitment as services
from medvirk.representatives.models import (
    Availability,
    Invitation,
    InvitationStatus,
    Onboarding,
    Request,
    RequestStatus,
)
from medvirk.representatives.recruitment_views import PAGE_SIZE
from medvirk.representatives.tests import factories

EN = {"medvirk_language": "en"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages made outside a request (forms, services) are checked in English."""
    with translation.override("en"):
        yield


def url(name: str, org: Any, **kwargs: Any) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _client(client_for: Any, user: User) -> Any:
    client = client_for(user)
    client.cookies.load(EN)
    return client


def person(world: Any, name: str, role: str = Role.REPRESENTATIVE) -> User:
    user: User = UserFactory.create(full_name=name)
    MembershipFactory.create(organization=world.org, user=user, role=role)
    return user


def days(n: int) -> Any:
    return timezone.localdate() + timedelta(days=n)


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "To brukerrepresentanter til dagsenterprosjektet",
        "description": "Vi planlegger et nytt dagsenter.",
        "kind": "project",
        "language": "",
        "region": "",
        "needed": "2",
        "starts_on": days(14).isoformat(),
        "ends_on": days(120).isoformat(),
        "hours": "20",
    }
    data.update(overrides)
    return data


# --- Requests: create and edit -----------------------------------------------------------------


def test_coordinator_creates_a_request(world, client_for):
    rus = factories.area("Rus")
    owned = council(world.a.org, name="Brukerrådet")
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("request_create", world.a.org),
        _form(areas=[rus.pk], council=owned.pk, language="se", region="Tromsø"),
    )
    req = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request_detail", world.a.org, request_id=req.pk)
    assert (req.organization, req.created_by, req.council) == (
        world.a.org,
        world.a["coordinator"],
        owned,
    )
    assert list(req.areas.all()) == [rus]
    assert (req.needed, req.hours, req.language, req.status) == (
        2,
        Decimal("20"),
        "se",
        RequestStatus.OPEN,
    )


def test_request_ending_before_it_starts_is_refused_with_input_kept(world, client_for):
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("request_create", world.a.org),
        _form(starts_on=days(30).isoformat(), ends_on=days(10).isoformat()),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The request cannot end before it starts." in page
    assert "To brukerrepresentanter til dagsenterprosjektet" in page  # what was typed
    assert days(10).isoformat() in page
    assert not Request.objects.exists()


def test_request_needing_nobody_is_refused(world, client_for):
    client = _client(client_for, world.a["coordinator"])
    response = client.post(url("request_create", world.a.org), _form(needed="0"))
    page = response.content.decode()
    assert "At least one person must be needed." in page
    assert 'value="0"' in page
    assert not Request.objects.exists()


def test_council_of_another_organisation_cannot_be_chosen(world, client_for):
    foreign = council(world.b.org)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(url("request_create", world.a.org), _form(council=foreign.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Request.objects.exists()


def test_service_refuses_broken_requests(world):
    values: dict[str, Any] = {
        "organization": world.a.org,
        "created_by": None,
        "title": "X",
        "kind": "project",
        "starts_on": days(10),
    }
    with pytest.raises(ValidationError) as error:
        services.request_create(**values, needed=0, ends_on=days(5), council=council(world.b.org))
    assert set(error.value.message_dict) == {"needed", "ends_on", "council"}
    assert not Request.objects.exists()


def test_edit_keeps_the_heading_when_refused(world, client_for):
    req = factories.request(world.a, title="Gammel tittel")
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("request_edit", world.a.org, request_id=req.pk),
        _form(title="Ny tittel", starts_on=days(30).isoformat(), ends_on=days(1).isoformat()),
    )
    page = response.content.decode()
    assert "The request cannot end before it starts." in page
    assert "Ny tittel" in page
    assert "Gammel tittel" in page
    req.refresh_from_db()
    assert req.title == "Gammel tittel"

    response = client.post(
        url("request_edit", world.a.org, request_id=req.pk), _form(title="Ny tittel")
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.title == "Ny tittel"


# --- Requests: list ----------------------------------------------------------------------------


def test_list_shows_progress_and_filters_by_status(world, client_for):
    busy = factories.request(world.a, title="Prosjekt med svar")
    factories.invitation(world.a, req=busy, status=InvitationStatus.ACCEPTED)
    factories.invitation(world.a, req=busy, user=person(world.a, "Bjørn Berg"))
    factories.assignment(world.a, request=busy)
    factories.request(world.a, title="Fylt prosjekt", status=RequestStatus.FILLED)
    factories.request(world.b, title="Organisasjon Bs prosjekt")

    client = _client(client_for, world.a["coordinator"])
    response = client.get(url("request_list", world.a.org))
    rows = {r.title: r for r in response.context["page"].object_list}
    assert set(rows) == {"Prosjekt med svar", "Fylt prosjekt"}
    counts = rows["Prosjekt med svar"]
    assert (counts.waiting_count, counts.accepted_count, counts.assigned_count) == (1, 1, 1)

    filled = client.get(url("request_list", world.a.org), {"status": "filled"})
    assert [r.title for r in filled.context["page"].object_list] == ["Fylt prosjekt"]


def _requests(world: Any, count: int) -> None:
    for n in range(count):
        req = factories.request(world, title=f"Forespørsel {n:03d}")
        factories.invitation(world, req=req)


def _queries(client: Any, path: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_constant(world, client_for, django_assert_num_queries):
    client = _client(client_for, world.a["coordinator"])
    _requests(world.a, 3)
    few = _queries(client, url("request_list", world.a.org))
    _requests(world.a, 30)
    many = _queries(client, url("request_list", world.a.org), {"page": 2})
    assert few == many
    # session, person, MFA, the context's memberships and organisation, page count, the
    # page's rows with their counts (subqueries), notification bell, navigation
    with django_assert_num_queries(9):
        client.get(url("request_list", world.a.org))


# --- Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["request_list", "request_create", "assignment_list"])
def test_representatives_cannot_open_coordinator_pages(world, client_for, name):
    client = _client(client_for, world.a["representative"])
    assert client.get(url(name, world.a.org)).status_code == 404


def test_representatives_cannot_open_a_request(world, client_for):
    req = factories.request(world.a)
    client = _client(client_for, world.a["representative"])
    for name in ("request_detail", "request_edit", "request_cancel", "request_status"):
        assert client.get(url(name, world.a.org, request_id=req.pk)).status_code == 404
    response = client.post(url("request_cancel", world.a.org, request_id=req.pk))
    assert response.status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


@pytest.mark.parametrize("name", ["my_invitations", "my_onboarding", "my_assignments"])
def test_the_invitee_pages_need_the_representative_role(world, client_for, name):
    assert _client(client_for, world.a["user"]).get(url(name, world.a.org)).status_code == 404
    assert (
        _client(client_for, world.a["experience_consultant"]).get(url(name, world.a.org))
    ).status_code == 200


def test_other_organisations_coordinator_cannot_invite_to_a_request(world, client_for):
    req = factories.request(world.a)
    target = person(world.a, "Anne Aas")
    factories.profile(world.a, target)
    client = _client(client_for, world.b["coordinator"])
    response = client.post(
        url("request_detail", world.b.org, request_id=req.pk), {"people": [target.pk]}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- The request page: suggestions -------------------------------------------------------------


@pytest.fixture
def recruiting(world: Any) -> dict[str, Any]:
    """A request for "Rus"; Anne (2 current assignments, 14 h) and Bjørn (none) both fit."""
    rus = factories.area("Rus")
    anne, bjorn = person(world.a, "Anne Aas"), person(world.a, "Bjørn Berg")
    factories.profile(world.a, anne, areas=[rus])
    factories.profile(world.a, bjorn, areas=[rus])
    factories.assignment(world.a, user=anne, hours=Decimal("10"))
    factories.assignment(world.a, user=anne, hours=Decimal("4"))
    req = factories.request(world.a, areas=[rus], title="Ruspolitisk plan")
    return {"req": req, "anne": anne, "bjorn": bjorn, "rus": rus}


def test_request_page_ranks_suggestions_with_reasons_and_load(world, client_for, recruiting):
    req = recruiting["req"]
    client = _client(client_for, world.a["coordinator"])
    response = client.get(url("request_detail", world.a.org, request_id=req.pk))
    page = response.content.decode()
    suggestions = response.context["suggestions"]
    assert [s.profile.user.full_name for s in suggestions] == ["Bjørn Berg", "Anne Aas"]
    assert "Lived experience in common: Rus" in page
    assert "2 current assignments, 14 h last 12 months" in page
    assert page.index("Bjørn Berg") < page.index("Anne Aas")


def test_unavailable_people_show_only_when_asked(world, client_for, recruiting):
    Availability_ = Availability
    req = recruiting["req"]
    recruiting["anne"].representative_profiles.update(availability=Availability_.UNAVAILABLE)
    client = _client(client_for, world.a["coordinator"])
    path = url("request_detail", world.a.org, request_id=req.pk)
    shown = [s.profile.user.full_name for s in client.get(path).context["suggestions"]]
    assert shown == ["Bjørn Berg"]
    everyone = client.get(path, {"unavailable": "1"}).context["suggestions"]
    assert [s.profile.user.full_name for s in everyone] == ["Bjørn Berg", "Anne Aas"]


def test_request_page_query_count_is_constant(world, client_for):
    rus = factories.area("Rus")
    req = factories.request(world.a, areas=[rus])
    client = _client(client_for, world.a["coordinator"])

    def crowd(count: int) -> None:
        for n in range(count):
            user = person(world.a, f"Person {n:03d}")
            factories.profile(world.a, user, areas=[rus])
            factories.assignment(world.a, user=user, hours=Decimal(n))
            factories.invitation(world.a, req=req, user=person(world.a, f"Invitert {n:03d}"))

    crowd(3)
    path = url("request_detail", world.a.org, request_id=req.pk)
    few = _queries(client, path)
    crowd(30)
    many = _queries(client, path)
    assert few == many
    assert len(client.get(path).context["suggestions"]) == PAGE_SIZE


# --- Invitations: sending ----------------------------------------------------------------------


def test_coordinator_invites_the_people_chosen(
    world, client_for, recruiting, django_capture_on_commit_callbacks
):
    req, anne, bjorn = recruiting["req"], recruiting["anne"], recruiting["bjorn"]
    bjorn.email_frequency = EmailFrequency.IMMEDIATELY
    bjorn.save()
    client = _client(client_for, world.a["coordinator"])
    path = url("request_detail", world.a.org, request_id=req.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"people": [anne.pk, bjorn.pk], "message": "Vil du være med?"})
    assert response.status_code == 302
    invitations = {i.user: i for i in Invitation.objects.filter(request=req)}
    assert set(invitations) == {anne, bjorn}
    assert invitations[anne].message == "Vil du være med?"
    assert invitations[anne].invited_by == world.a["coordinator"]

    told = Notification.objects.get(recipient=bjorn, message="representative_invitation")
    assert told.url == url("invitation_respond", world.a.org, invitation_id=invitations[bjorn].pk)
    assert "Ruspolitisk plan" in told.subject
    assert "Vil du være med?" in told.body
    assert len(mail.outbox) == 1  # Bjørn wants e-mail at once; Anne gets the daily summary
    assert mail.outbox[0].to == [bjorn.email]

    # Invited people leave the suggestions.
    assert client.get(path).context["suggestions"] == []


def test_inviting_nobody_is_refused_and_the_message_kept(world, client_for, recruiting):
    req = recruiting["req"]
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("request_detail", world.a.org, request_id=req.pk),
        {"message": "Hei, vi trenger deg"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one person to invite." in page
    assert "Hei, vi trenger deg" in page
    assert not Invitation.objects.exists()


def test_one_person_who_cannot_be_invited_stops_them_all(world, client_for, recruiting):
    """Anne is invited already; choosing her with Bjørn invites nobody, Bjørn stays ticked."""
    req, anne, bjorn = recruiting["req"], recruiting["anne"], recruiting["bjorn"]
    factories.invitation(world.a, req=req, user=anne)
    outsider = person(world.b, "Berit i B")
    factories.profile(world.b, outsider)
    client = _client(client_for, world.a["coordinator"])
    path = url("request_detail", world.a.org, request_id=req.pk)
    for chosen in ([anne.pk, bjorn.pk], [outsider.pk, bjorn.pk]):
        response = client.post(path, {"people": chosen})
        page = response.content.decode()
        assert "can no longer be invited" in page
        assert f'value="{bjorn.pk}" id="invite-{bjorn.pk}" checked' in page
    assert list(Invitation.objects.values_list("user", flat=True)) == [anne.pk]


def test_service_invites_only_to_open_requests_and_only_candidates(world, recruiting):
    req, anne = recruiting["req"], recruiting["anne"]
    staff = world.a["staff"]
    with pytest.raises(ValidationError) as error:
        services.invitations_send(req=req, users=[staff], invited_by=None)
    assert "people" in error.value.message_dict
    req.status = RequestStatus.FILLED
    req.save()
    with pytest.raises(ValidationError, match="only while the request is open"):
        services.invitations_send(req=req, users=[anne], invited_by=None)
    assert not Invitation.objects.exists()


def test_unavailable_person_can_still_be_invited(world, recruiting):
    """The coordinator may have spoken with them; only the suggestions leave them out."""
    anne = recruiting["anne"]
    anne.representative_profiles.update(availability=Availability.UNAVAILABLE)
    made = services.invitations_send(req=recruiting["req"], users=[anne], invited_by=None)
    assert [i.user for i in made] == [anne]


# --- Invitations: the invitee ------------------------------------------------------------------


def test_my_invitations_lists_only_mine(world, client_for):
    mine = factories.invitation(world.a)
    other = factories.invitation(world.a, user=person(world.a, "Bjørn Berg"))
    factories.invitation(world.b)
    client = _client(client_for, world.a["representative"])
    response = client.get(url("my_invitations", world.a.org))
    assert [i.pk for i in response.context["page"].object_list] == [mine.pk]
    assert other.request.title not in response.content.decode()


def test_my_invitations_query_count_is_constant(world, client_for, django_assert_num_queries):
    client = _client(client_for, world.a["representative"])
    for _ in range(3):
        factories.invitation(world.a, req=factories.request(world.a, council=council(world.a.org)))
    few = _queries(client, url("my_invitations", world.a.org))
    for _ in range(30):
        factories.invitation(world.a)
    many = _queries(client, url("my_invitations", world.a.org), {"page": 2})
    assert few == many
    # As the request list, plus the person's onboarding (none yet).
    with django_assert_num_queries(10):
        client.get(url("my_invitations", world.a.org))


def test_invitee_accepts_and_the_coordinator_is_told(world, client_for):
    world.a["coordinator"].preferred_language = "en"  # the message in a known language
    world.a["coordinator"].save(update_fields=["preferred_language"])
    invitation = factories.invitation(world.a, invited_by=world.a["coordinator"])
    client = _client(client_for, world.a["representative"])
    path = url("invitation_respond", world.a.org, invitation_id=invitation.pk)
    assert invitation.request.title in client.get(path).content.decode()
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == url("my_onboarding", world.a.org)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.responded_at is not None
    assert Onboarding.objects.filter(
        organization=world.a.org, user=world.a["representative"]
    ).exists()
    told = Notification.objects.get(
        recipient=world.a["coordinator"], message="representative_invitation_answered"
    )
    assert "said yes" in told.subject
    assert told.url == url("request_detail", world.a.org, request_id=invitation.request_id)


def test_invitee_declines_with_a_reason(world, client_for):
    req = factories.request(world.a, created_by=world.a["admin"])
    invitation = factories.invitation(world.a, req=req)
    client = _client(client_for, world.a["representative"])
    path = url("invitation_respond", world.a.org, invitation_id=invitation.pk)
    response = client.post(path, {"answer": "decline", "reason": "Har ikke tid i vår"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_reason) == (
        InvitationStatus.DECLINED,
        "Har ikke tid i vår",
    )
    # Nobody invited in the app: the one who made the request is told.
    told = Notification.objects.get(message="representative_invitation_answered")
    assert told.recipient == world.a["admin"]
    assert "Har ikke tid i vår" in told.body
    assert not Onboarding.objects.exists()

    # A second answer is refused.
    again = client.post(path, {"answer": "accept"}, follow=True)
    assert "This invitation was already answered or withdrawn" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED


def test_answer_must_be_chosen(world, client_for):
    invitation = factories.invitation(world.a)
    client = _client(client_for, world.a["representative"])
    response = client.post(
        url("invitation_respond", world.a.org, invitation_id=invitation.pk),
        {"reason": "Jeg vet ikke"},
    )
    page = response.content.decode()
    assert "Choose yes or no." in page
    assert "Jeg vet ikke" in page
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED


def test_another_persons_invitation_is_404(world, client_for):
    invitation = factories.invitation(world.a)
    colleague = person(world.a, "Bjørn Berg")
    client = _client(client_for, colleague)
    path = url("invitation_respond", world.a.org, invitation_id=invitation.pk)
    assert client.get(path).status_code == 404
    assert client.post(path, {"answer": "decline"}).status_code == 404
    # Not even a coordinator answers on someone's behalf through this page.
    assert _client(client_for, world.a["coordinator"]).get(path).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED


# --- Invitations: withdrawing, cancelling the request -----------------------------------------


def test_coordinator_withdraws_an_invitation(world, client_for):
    invitation = factories.invitation(world.a)
    client = _client(client_for, world.a["coordinator"])
    path = url("invitation_cancel", world.a.org, invitation_id=invitation.pk)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response["Location"] == url(
        "request_detail", world.a.org, request_id=invitation.request_id
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED
    assert Notification.objects.filter(
        recipient=world.a["representative"], message="representative_invitation_cancelled"
    ).exists()

    # Withdrawn already: refused with a message.
    response = client.post(path, follow=True)
    assert "Only unanswered or accepted invitations can be withdrawn" in (response.content.decode())


def test_invitation_that_led_to_an_assignment_cannot_be_withdrawn(world):
    invitation = factories.invitation(world.a, status=InvitationStatus.ACCEPTED)
    factories.assignment(world.a, request=invitation.request)
    with pytest.raises(ValidationError, match="already has an assignment"):
        services.invitation_cancel(invitation=invitation)


def test_cancelling_a_request_withdraws_unanswered_invitations(world, client_for):
    req = factories.request(world.a)
    waiting = factories.invitation(world.a, req=req)
    accepted = factories.invitation(
        world.a, req=req, user=person(world.a, "Bjørn Berg"), status=InvitationStatus.ACCEPTED
    )
    client = _client(client_for, world.a["coordinator"])
    path = url("request_cancel", world.a.org, request_id=req.pk)
    assert "1 person has not answered yet" in client.get(path).content.decode()
    client.post(path)
    req.refresh_from_db()
    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert req.status == RequestStatus.CANCELLED
    assert waiting.status == InvitationStatus.CANCELLED
    assert accepted.status == InvitationStatus.ACCEPTED
    assert list(
        Notification.objects.filter(message="representative_invitation_cancelled").values_list(
            "recipient", flat=True
        )
    ) == [waiting.user_id]
    # A cancelled request shows no suggestions and takes no invitations.
    detail = client.get(url("request_detail", world.a.org, request_id=req.pk))
    assert detail.context["page"] is None


def test_mark_filled_and_reopen(world, client_for):
    req = factories.request(world.a)
    client = _client(client_for, world.a["coordinator"])
    path = url("request_status", world.a.org, request_id=req.pk)
    assert "Mark as filled" in client.get(path).content.decode()
    client.post(path)
    req.refresh_from_db()
    assert req.status == RequestStatus.FILLED
    assert "Reopen" in client.get(path).content.decode()
    client.post(path)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN

    req.status = RequestStatus.CANCELLED
    req.save()
    response = client.post(path, follow=True)
    assert "that cannot be changed here" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.CANCELLED


def test_invitations_to_a_closed_request_are_refused_with_a_message(world, client_for):
    req = factories.request(world.a, status=RequestStatus.FILLED)
    target = person(world.a, "Anne Aas")
    factories.profile(world.a, target)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("request_detail", world.a.org, request_id=req.pk), {"people": [target.pk]}, follow=True
    )
    assert "Invitations can be sent only while the request is open." in response.content.decode()
    assert not Invitation.objects.exists()
