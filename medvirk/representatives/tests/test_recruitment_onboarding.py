"""Onboarding (agreement, confidentiality declaration, introduction course) and assignments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.councils.models import CouncilMember
from medvirk.councils.tests.factories import council, member, seat, user_organization
from medvirk.learning.models import ModuleProgress
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import recruitment as services
from medvirk.representatives import recruitment_selectors as selectors
from medvirk.representatives.models import (
    Assignment,
    InvitationStatus,
    Onboarding,
    ProfileKind,
    RequestStatus,
)
from medvirk.representatives.recruitment_forms import text_version
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


def days(n: int) -> Any:
    return timezone.localdate() + timedelta(days=n)


def onboarded(world: Any, user: User | None = None, **kw: Any) -> Onboarding:
    now = timezone.now()
    values: dict[str, Any] = {
        "agreement_accepted_at": now,
        "confidentiality_signed_at": now,
        "confidentiality_text": "Jeg lover taushet.",
        "course_completed_at": now,
        **kw,
    }
    return Onboarding.objects.create(
        organization=world.org, user=user or world["representative"], **values
    )


def completed_module(world: Any, user: User, key: str = "being-a-representative") -> None:
    ModuleProgress.objects.create(
        organization=world.org,
        user=user,
        module_key=key,
        started_at=timezone.now() - timedelta(days=2),
        completed_at=timezone.now() - timedelta(days=1),
    )


# --- The checklist -----------------------------------------------------------------------------


def test_checklist_shows_the_agreement_and_the_declaration(world, client_for):
    client = _client(client_for, world.a["representative"])
    page = client.get(url("my_onboarding", world.a.org)).content.decode()
    assert "You take part for Organisasjon A" in page
    assert "I, User representative Organisasjon A, take part in work for Organisasjon A" in page
    assert "0 of 3" in page
    assert (
        reverse("learning:module_detail", args=[world.a.org.slug, "being-a-representative"]) in page
    )


def test_accepting_the_agreement_stores_the_time(world, client_for):
    client = _client(client_for, world.a["representative"])
    path = url("my_onboarding", world.a.org)
    refused = client.post(path, {"step": "agreement"})
    assert "Tick the box to accept the agreement." in refused.content.decode()
    assert not Onboarding.objects.exists()

    assert client.post(path, {"step": "agreement", "accept": "on"}).status_code == 302
    onboarding = Onboarding.objects.get(organization=world.a.org, user=world.a["representative"])
    assert onboarding.agreement_accepted_at is not None
    first = onboarding.agreement_accepted_at
    services.agreement_accept(organization=world.a.org, user=world.a["representative"])
    onboarding.refresh_from_db()
    assert onboarding.agreement_accepted_at == first  # the first acceptance counts


def _declaration(world: Any, user: User) -> str:
    return services.declaration_text(world.org, user)


def test_signing_stores_the_text_as_shown_and_the_time(world, client_for):
    rep = world.a["representative"]
    client = _client(client_for, rep)
    text = _declaration(world.a, rep)
    response = client.post(
        url("my_onboarding", world.a.org),
        {
            "step": "declaration",
            "signature": "  user REPRESENTATIVE   organisasjon a ",
            "version": text_version(text),
        },
    )
    assert response.status_code == 302
    onboarding = Onboarding.objects.get(organization=world.a.org, user=rep)
    assert onboarding.confidentiality_signed_at is not None
    assert onboarding.confidentiality_text == text
    assert "I, User representative Organisasjon A," in onboarding.confidentiality_text
    page = client.get(url("my_onboarding", world.a.org)).content.decode()
    assert "Declaration signed:" in page


def test_a_signature_that_is_not_the_full_name_is_refused(world, client_for):
    rep = world.a["representative"]
    client = _client(client_for, rep)
    response = client.post(
        url("my_onboarding", world.a.org),
        {
            "step": "declaration",
            "signature": "Kari Nordmann",
            "version": text_version(_declaration(world.a, rep)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Type your full name as it is on your account: User representative Organisasjon A." in page
    )
    assert 'value="Kari Nordmann"' in page  # what was typed is kept
    assert not Onboarding.objects.filter(confidentiality_signed_at__isnull=False).exists()


def test_signing_needs_a_full_name_on_the_account(world):
    nameless: User = UserFactory.create(full_name="")
    with pytest.raises(ValidationError, match="no full name"):
        services.declaration_sign(
            organization=world.a.org, user=nameless, signature="", text="Tekst"
        )


def test_a_declaration_changed_while_open_is_not_signed(world, client_for):
    rep = world.a["representative"]
    client = _client(client_for, rep)
    response = client.post(
        url("my_onboarding", world.a.org),
        {"step": "declaration", "signature": rep.full_name, "version": "0" * 16},
    )
    assert "The declaration changed while the page was open" in response.content.decode()
    assert not Onboarding.objects.exists()


def test_course_is_done_when_the_introduction_module_is_completed(world, settings):
    rep = world.a["representative"]
    onboarding = Onboarding.objects.create(organization=world.a.org, user=rep)
    status = selectors.onboarding_status(onboarding, user=rep, organization=world.a.org)
    assert status.course_at is None
    completed_module(world.a, rep)
    status = selectors.onboarding_status(onboarding, user=rep, organization=world.a.org)
    assert status.course_at is not None
    assert status.course_from_module

    settings.REPRESENTATIVE_INTRODUCTION_MODULE = "another-module"
    status = selectors.onboarding_status(onboarding, user=rep, organization=world.a.org)
    assert status.course_at is None

    # Completion in another organisation does not count here.
    settings.REPRESENTATIVE_INTRODUCTION_MODULE = "being-a-representative"
    other = world.a["experience_consultant"]
    completed_module(world.b, other)
    assert selectors.course_completed_at(other, world.a.org) is None


def test_coordinator_records_the_course_and_it_is_logged(world, client_for):
    rep = world.a["representative"]
    onboarding = Onboarding.objects.create(
        organization=world.a.org,
        user=rep,
        agreement_accepted_at=timezone.now(),
    )
    client = _client(client_for, world.a["coordinator"])
    path = url("onboarding_detail", world.a.org, onboarding_id=onboarding.pk)
    page = client.get(path).content.decode()
    assert "1 of 3 steps done" in page
    client.post(path)
    onboarding.refresh_from_db()
    assert onboarding.course_completed_at is not None
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert (entry.actor, entry.subject) == (world.a["coordinator"], rep)


def test_reading_a_signed_declaration_is_logged(world, client_for):
    rep = world.a["representative"]
    onboarding = onboarded(world.a, rep, confidentiality_text="Jeg lover å tie.")
    client = _client(client_for, world.a["coordinator"])
    page = client.get(url("onboarding_detail", world.a.org, onboarding_id=onboarding.pk))
    assert "Jeg lover å tie." in page.content.decode()
    entry = AccessLogEntry.objects.get(action=AccessAction.VIEW, subject=rep)
    assert entry.object_type == "representatives.onboarding"


def test_representatives_cannot_open_someones_onboarding(world, client_for):
    onboarding = onboarded(world.a)
    client = _client(client_for, world.a["representative"])
    path = url("onboarding_detail", world.a.org, onboarding_id=onboarding.pk)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_request_page_shows_each_invitees_onboarding(world, client_for):
    req = factories.request(world.a)
    factories.invitation(world.a, req=req, status=InvitationStatus.ACCEPTED)
    Onboarding.objects.create(
        organization=world.a.org,
        user=world.a["representative"],
        agreement_accepted_at=timezone.now(),
    )
    completed_module(world.a, world.a["representative"])
    client = _client(client_for, world.a["coordinator"])
    page = client.get(url("request_detail", world.a.org, request_id=req.pk)).content.decode()
    assert "2 of 3 steps" in page


# --- Assignments -------------------------------------------------------------------------------


@pytest.fixture
def accepted(world: Any) -> Any:
    """Anne accepted an invitation to a request for a council, two people needed."""
    board = council(world.a.org, name="Brukerrådet")
    req = factories.request(
        world.a,
        title="Brukerrådet 2025–2027",
        council=board,
        kind="council",
        needed=1,
        starts_on=days(7),
        ends_on=days(700),
        hours=Decimal("40"),
    )
    return factories.invitation(world.a, req=req, status=InvitationStatus.ACCEPTED)


def _assign_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "council",
        "title": "Medlem i brukerrådet",
        "starts_on": days(7).isoformat(),
        "ends_on": days(700).isoformat(),
        "hours": "40",
        "paid": "on",
    }
    data.update(overrides)
    return data


def test_assignment_is_refused_until_onboarding_is_complete(world, client_for, accepted):
    onboarded(world.a, course_completed_at=None)
    client = _client(client_for, world.a["coordinator"])
    path = url("assignment_create", world.a.org, invitation_id=accepted.pk)
    assert "Onboarding is not complete (2 of 3 steps)" in client.get(path).content.decode()
    response = client.post(path, _assign_form(title="Mitt skrevne navn"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "has not completed onboarding yet (2 of 3 steps)" in page
    assert 'value="Mitt skrevne navn"' in page
    assert not Assignment.objects.exists()


def test_completed_module_completes_onboarding_and_is_stored(world, accepted):
    onboarding = onboarded(world.a, course_completed_at=None)
    completed_module(world.a, world.a["representative"])
    services.assignment_create(
        invitation=accepted, kind="council", title="Medlem", starts_on=days(7)
    )
    onboarding.refresh_from_db()
    assert onboarding.course_completed_at is not None


def test_coordinator_assigns_and_adds_to_the_council(world, client_for, accepted):
    rep = world.a["representative"]
    ffo = user_organization(name="FFO")
    factories.profile(world.a, rep, nominated_by=ffo)
    onboarded(world.a)
    place = seat(accepted.request.council)
    client = _client(client_for, world.a["coordinator"])
    path = url("assignment_create", world.a.org, invitation_id=accepted.pk)
    form = client.get(path).context["form"]
    assert form.initial["paid"] is True
    assert form.initial["add_to_council"] is True
    response = client.post(path, _assign_form(add_to_council="on", seat=place.pk))
    assert response.status_code == 302

    assignment = Assignment.objects.get()
    assert (assignment.user, assignment.council, assignment.request) == (
        rep,
        accepted.request.council,
        accepted.request,
    )
    assert (assignment.starts_on, assignment.ends_on, assignment.hours, assignment.paid) == (
        days(7),
        days(700),
        Decimal("40"),
        True,
    )
    membership = CouncilMember.objects.get(council=accepted.request.council, user=rep)
    assert (membership.term_start, membership.term_end, membership.seat, membership.represents) == (
        days(7),
        days(700),
        place,
        ffo,
    )
    accepted.request.refresh_from_db()
    assert accepted.request.status == RequestStatus.FILLED  # one needed, one assigned
    assert Notification.objects.filter(recipient=rep, message="representative_assignment").exists()


def test_council_refusal_stores_nothing(world, client_for, accepted):
    rep = world.a["representative"]
    onboarded(world.a)
    member(accepted.request.council, rep)  # already on the council, open-ended
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("assignment_create", world.a.org, invitation_id=accepted.pk),
        _assign_form(add_to_council="on", title="Skrevet inn"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is already on this council for part of this term" in page
    assert 'value="Skrevet inn"' in page
    assert not Assignment.objects.exists()
    assert CouncilMember.objects.filter(user=rep).count() == 1
    accepted.request.refresh_from_db()
    assert accepted.request.status == RequestStatus.OPEN


def test_without_the_council_box_only_the_assignment_is_made(world, accepted):
    onboarded(world.a)
    services.assignment_create(
        invitation=accepted, kind="council", title="Medlem", starts_on=days(7)
    )
    assert Assignment.objects.count() == 1
    assert not CouncilMember.objects.exists()


def test_experience_consultants_get_no_honorarium_by_default(world, client_for):
    consultant = world.a["experience_consultant"]
    factories.profile(world.a, consultant, kind=ProfileKind.EXPERIENCE_CONSULTANT)
    invitation = factories.invitation(world.a, user=consultant, status=InvitationStatus.ACCEPTED)
    client = _client(client_for, world.a["coordinator"])
    form = client.get(url("assignment_create", world.a.org, invitation_id=invitation.pk))
    assert form.context["form"].initial["paid"] is False
    assert "add_to_council" not in form.context["form"].fields  # the request has no council


def test_assignment_rules(world, accepted):
    onboarded(world.a)
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            invitation=accepted,
            kind="council",
            title="Medlem",
            starts_on=days(10),
            ends_on=days(5),
        )
    assert "ends_on" in error.value.message_dict
    services.assignment_create(
        invitation=accepted, kind="council", title="Medlem", starts_on=days(7)
    )
    with pytest.raises(ValidationError, match="already has an assignment"):
        services.assignment_create(
            invitation=accepted, kind="council", title="Igjen", starts_on=days(7)
        )
    waiting = factories.invitation(world.a, user=world.a["experience_consultant"])
    onboarded(world.a, world.a["experience_consultant"])
    with pytest.raises(ValidationError, match="Only a person who has accepted"):
        services.assignment_create(
            invitation=waiting, kind="project", title="Prosjekt", starts_on=days(7)
        )
    assert Assignment.objects.count() == 1


def test_assignment_ending_before_it_starts_is_refused_in_the_form(world, client_for, accepted):
    onboarded(world.a)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("assignment_create", world.a.org, invitation_id=accepted.pk),
        _assign_form(starts_on=days(30).isoformat(), ends_on=days(3).isoformat()),
    )
    assert "The assignment cannot end before it starts." in response.content.decode()
    assert not Assignment.objects.exists()


# --- Ending, lists -----------------------------------------------------------------------------


def test_end_an_assignment_and_the_council_term(world, client_for):
    rep = world.a["representative"]
    board = council(world.a.org)
    assignment = factories.assignment(world.a, council=board, starts_on=days(-100))
    term = member(board, rep, term_start=days(-100))
    client = _client(client_for, world.a["coordinator"])
    path = url("assignment_end", world.a.org, assignment_id=assignment.pk)
    assert "end_council_membership" in client.get(path).context["form"].fields

    refused = client.post(path, {"ends_on": days(-200).isoformat()})
    assert "The assignment cannot end before it starts" in refused.content.decode()
    assert days(-200).isoformat() in refused.content.decode()

    client.post(path, {"ends_on": days(0).isoformat(), "end_council_membership": "on"})
    assignment.refresh_from_db()
    term.refresh_from_db()
    assert assignment.ends_on == days(0)
    assert term.term_end == days(0)


def test_assignment_list_filters_by_state(world, client_for):
    factories.assignment(world.a, title="Nå")
    factories.assignment(world.a, title="Senere", starts_on=days(30))
    factories.assignment(world.a, title="Ferdig", starts_on=days(-90), ends_on=days(-10))
    factories.assignment(world.b, title="I B")
    client = _client(client_for, world.a["coordinator"])

    def titles(state: str) -> set[str]:
        response = client.get(url("assignment_list", world.a.org), {"state": state})
        return {a.title for a in response.context["page"].object_list}

    assert titles("") == {"Nå", "Senere", "Ferdig"}
    assert titles("current") == {"Nå"}
    assert titles("coming") == {"Senere"}
    assert titles("ended") == {"Ferdig"}


def _queries(client: Any, path: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_assignment_lists_query_count_is_constant(world, client_for):
    rep = world.a["representative"]
    board = council(world.a.org)
    coordinator = _client(client_for, world.a["coordinator"])

    def more(count: int) -> None:
        for _ in range(count):
            factories.assignment(world.a, council=board)
            other: User = UserFactory.create()
            MembershipFactory.create(organization=world.a.org, user=other, role=Role.REPRESENTATIVE)
            factories.assignment(world.a, user=other)

    more(3)
    few = _queries(coordinator, url("assignment_list", world.a.org))
    mine_few = _queries(_client(client_for, rep), url("my_assignments", world.a.org))
    more(30)
    coordinator = _client(client_for, world.a["coordinator"])
    # session, person, MFA, the context's memberships and organisation, page count, the
    # page's rows, notification bell, navigation
    assert few == mine_few == 9
    assert _queries(coordinator, url("assignment_list", world.a.org), {"page": 2}) == few
    assert _queries(_client(client_for, rep), url("my_assignments", world.a.org)) == mine_few


def test_my_assignments_lists_only_mine(world, client_for):
    factories.assignment(world.a, title="Mitt oppdrag")
    factories.assignment(world.a, title="Andres oppdrag", user=world.a["experience_consultant"])
    factories.assignment(world.b, title="Oppdrag i B", user=world.b["representative"])
    client = _client(client_for, world.a["representative"])
    response = client.get(url("my_assignments", world.a.org))
    assert [a.title for a in response.context["page"].object_list] == ["Mitt oppdrag"]
