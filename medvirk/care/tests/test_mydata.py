"""My data: the collector, the page and the downloads."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care.models import (
    AppointmentTopics,
    CarePlan,
    CareRelationship,
    DeletionRequest,
    FeedbackAlert,
    FeedbackAnswer,
    FeedbackReply,
    GrantEvent,
    Measure,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanReview,
)
from medvirk.care.mydata import SECTIONS, collect
from medvirk.care.tests.factories import grant, relationship
from medvirk.consultations.tests.factories import consultation
from medvirk.consultations.tests.factories import response as consultation_response
from medvirk.councils.models import Invitation, Meeting
from medvirk.councils.tests.factories import council, member
from medvirk.learning.models import ModuleProgress, ReflectionNote
from medvirk.notifications.models import Notification
from medvirk.proposals.models import Support
from medvirk.proposals.tests.factories import proposal
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.models import Response
from medvirk.representatives.models import Profile
from medvirk.representatives.tests.factories import assignment, claim, profile
from medvirk.surveys.models import SurveyResponse
from medvirk.surveys.tests.factories import simple_version, survey


def populate(world: Any, person: User, marker: str, *, kin: User) -> None:
    """Data about ``person`` in ``world``'s organisation in every app; texts hold ``marker``."""
    org = world.org
    now = timezone.now()
    # Ended, so that a person can have several (one open course per unit).
    relationship(
        world,
        person=person,
        team=[world["staff"]],
        ended_on=timezone.localdate(),
        end_reason="agreed",
        end_note=f"{marker} ended",
    )
    course = CareRelationship.objects.filter(
        person=person, unit=world.unit, ended_on__isnull=True
    ).first() or relationship(world, person=person, team=[world["staff"]])
    # The person on the care team of someone else (the next of kin, here).
    relationship(
        world,
        person=kin,
        team=[person],
        ended_on=timezone.localdate(),
        end_reason="agreed",
    )
    given = grant(world, person=person, next_of_kin=kin, see_plan=True)
    given.relation = f"{marker} relation"
    given.save()
    received = grant(world, person=kin, next_of_kin=person, see_feedback=True)
    received.relation = f"{marker} received"
    received.save()
    GrantEvent.objects.create(grant=received, action="accepted", scopes=["feedback"], actor=person)

    version = simple_version(org, f"{marker} form")
    Response.objects.create(
        organization=org,
        version=version,
        respondent=person,
        status=ResponseStatus.COMPLETED,
        submitted_at=now,
        resource={"resourceType": "QuestionnaireResponse", "note": f"{marker} answer"},
        scores={"total": 7},
    )
    Response.objects.create(
        organization=org,
        version=version,
        subject=person,
        entered_by=world["staff"],
        resource={"note": f"{marker} about"},
    )
    plan, _made = CarePlan.objects.get_or_create(organization=org, person=person)
    plan.what_matters = f"{marker} matters"
    plan.save()
    goal = PlanGoal.objects.create(plan=plan, text=f"{marker} goal")
    PlanAction.objects.create(plan=plan, goal=goal, text=f"{marker} action", responsible="Kari")
    PlanReview.objects.create(plan=plan, planned_on=timezone.localdate(), note=f"{marker} review")
    PlanChange.objects.create(
        plan=plan, actor=person, part="goal", action="created", fields={"text": ["", marker]}
    )
    measure = Measure.objects.create(
        organization=org,
        relationship=course,
        person=person,
        questionnaire=version.questionnaire,
        started_on=timezone.localdate(),
    )
    answer = FeedbackAnswer.objects.create(
        measure=measure,
        answered_on=timezone.localdate(),
        total=12,
        read_by=world["staff"],
        read_at=now,
        response=Response.objects.create(
            organization=org,
            version=version,
            respondent=person,
            subject=person,
            status=ResponseStatus.COMPLETED,
            submitted_at=now,
            resource={"note": f"{marker} feedback"},
        ),
    )
    FeedbackReply.objects.create(answer=answer, author=world["staff"], text=f"{marker} reply")
    FeedbackAlert.objects.create(
        organization=org,
        answer=answer,
        measure=measure,
        person=person,
        kind="risk_item",
        acknowledged_by=world["staff"],
        acknowledged_at=now,
        acknowledgement=f"{marker} called",
    )
    AppointmentTopics.objects.create(
        relationship=course,
        response=Response.objects.create(
            organization=org, version=version, respondent=person, subject=person, resource={}
        ),
    )
    # Anonymous answers are stored without a person and never exported.
    Response.objects.create(
        organization=org, version=version, anonymous=True, resource={"note": "ANONYMOUS"}
    )
    named = survey(org, anonymous=False, title=f"{marker} survey", units=[world.unit])
    SurveyResponse.objects.create(
        survey=named,
        unit=world.unit,
        response=Response.objects.create(
            organization=org, version=named.version, respondent=person, resource={}
        ),
        submitted_on=timezone.localdate(),
    )

    sent = proposal(world, submitted_by=person, title=f"{marker} proposal")
    Support.objects.create(proposal=sent, user=person)
    asked = consultation(org, world["coordinator"], title=f"{marker} consultation")
    consultation_response(asked, person, text=f"{marker} input")
    board = council(org, name=f"{marker} council")
    member(board, person)
    meeting = Meeting.objects.create(
        council=board,
        title=f"{marker} meeting",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=2),
    )
    Invitation.objects.create(meeting=meeting, user=person, access_needs=f"{marker} needs")

    if not Profile.objects.filter(organization=org, user=person).exists():
        profile(world, person, about=f"{marker} about me")
    assignment(world, user=person, title=f"{marker} assignment")
    claim(world, user=person, description=f"{marker} claim")

    progress = ModuleProgress.objects.create(
        organization=org, user=person, module_key=f"{marker.lower()}-module", started_at=now
    )
    ReflectionNote.objects.create(progress=progress, lesson_slot="l1", text=f"{marker} reflection")
    Notification.objects.create(
        recipient=person, organization=org, message="x", subject=f"{marker} notice", body="b"
    )
    log_access(
        actor=world["staff"],
        action=AccessAction.VIEW,
        organization=org,
        obj=given,
        subject=person,
        object_label=f"{marker} log",
    )
    DeletionRequest.objects.create(
        organization=org, person=person, message=f"{marker} delete", status="received"
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a") -> str:
    return reverse(f"care:{name}", kwargs={"org_slug": org_slug})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def filled(world):
    """The user of A with data everywhere; another person of A and the same user in B too."""
    person = world.a["user"]
    populate(world.a, person, "MINE", kin=world.a["next_of_kin"])
    populate(world.a, world.a["representative"], "OTHER", kin=world.a["staff"])
    populate(world.b, person, "ELSEWHERE", kin=world.b["next_of_kin"])
    return person


def test_every_section_is_filled_and_nothing_leaks(world, filled) -> None:
    data = collect(filled, world.a.org)
    for key, _title, _reader in SECTIONS:
        assert data[key], f"section {key} is empty"
    assert data["account"]["email"] == filled.email
    text = json.dumps(data)  # serialisable as it is
    assert "MINE" in text
    assert "OTHER" not in text
    assert "ELSEWHERE" not in text
    assert "ANONYMOUS" not in text


def test_sections_hold_what_they_promise(world, filled) -> None:
    data = collect(filled, world.a.org)
    answers = data["questionnaire_responses"]
    # answered, answered about them, the identified survey answer, a feedback answer and topics
    assert len(answers) == 5
    plan = data["care_plan"][0]
    assert plan["what_matters"] == "MINE matters"
    assert [goal["text"] for goal in plan["goals"]] == ["MINE goal"]
    assert plan["changes"][0]["fields"] == {"text": ["", "MINE"]}
    feedback = data["feedback_answers"][0]
    assert feedback["replies"][0]["text"] == "MINE reply"
    assert feedback["total"] == "12.0000"
    assert data["feedback_alerts"][0]["acknowledgement"] == "MINE called"
    answered = next(row for row in answers if row["scores"])
    assert answered["scores"] == {"total": 7}
    assert answered["fhir_questionnaire_response"]["note"] == "MINE answer"
    about = next(row for row in answers if row["entered_by"])
    assert about["about"] == (filled.full_name or filled.email)
    assert data["learning"][0]["reflections"][0]["notes"] == "MINE reflection"
    assert data["next_of_kin_given"][0]["history"][0]["what"] == "Invited"
    assert data["next_of_kin_received"][0]["relation"] == "MINE received"
    assert data["survey_answers"][0]["survey"] == "MINE survey"
    log = data["access_log"][0]
    assert log["who"] == world.a["staff"].full_name
    assert log["action"] == "Read"
    assert "T" in log["at"]  # ISO 8601


def test_a_person_with_nothing_gets_empty_sections(world) -> None:
    data = collect(world.a["leader"], world.a.org)
    assert data["memberships"][0]["role"] == "Leader"
    assert data["proposals"] == []
    assert data["access_log"] == []


def test_the_page_shows_counts_and_recent_rows(world, client_for, filled) -> None:
    page = english(client_for, filled).get(url("my_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "MINE proposal" in html
    assert "MINE reflection" in html
    assert "OTHER" not in html
    assert "ELSEWHERE" not in html
    assert "MINE answer" not in html  # the FHIR resource is in the JSON download only


@pytest.mark.parametrize("role", ["user", "staff", "leader", "coordinator", "next_of_kin"])
def test_every_member_sees_their_own_data(world, client_for, role) -> None:
    assert client_for(world.a[role]).get(url("my_data")).status_code == 200


def test_non_members_get_404(world, client_for) -> None:
    client = client_for(world.b["user"])
    for name in ("my_data", "my_data_json", "my_data_pdf", "deletion_request"):
        assert client.get(url(name)).status_code == 404


def test_json_download_is_valid_and_logged(world, client_for, filled) -> None:
    response = english(client_for, filled).get(url("my_data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["proposals"][0]["title"] == "MINE proposal"
    assert "OTHER" not in response.content.decode()
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert entry.actor == filled
    assert entry.subject == filled
    assert entry.organization == world.a.org
    # The export lists itself among who opened the data.
    assert data["access_log"][0]["action"] == "Exported"


def test_pdf_download_renders_and_is_logged(world, client_for, filled) -> None:
    response = english(client_for, filled).get(url("my_data_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    assert (
        AccessLogEntry.objects.filter(
            action=AccessAction.EXPORT, actor=filled, subject=filled
        ).count()
        == 1
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("my_data")).status_code == 200
    return len(captured)


def test_the_page_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_num_queries
) -> None:
    person = world.a["user"]
    populate(world.a, person, "ONE", kin=world.a["next_of_kin"])
    client = client_for(person)
    client.get(url("my_data"))
    once = _queries(client)
    for number in range(3):
        kin = UserFactory.create()
        populate(world.a, person, f"MORE{number}", kin=kin)
    assert _queries(client) == once
    # Session and user (2), MFA check (1), organisation context (2), one query per section
    # but the account (25), module titles (1), prefetches: course teams, grant events twice,
    # proposal history, profile areas, reflections (6), the plan's goals, actions, reviews
    # and history (4), feedback replies (1), the open request (1), layout (2).
    with django_assert_num_queries(45):
        client.get(url("my_data"))
