"""The decision record: drafts, publishing rules, and telling everyone exactly once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.accounts.models import EmailFrequency
from medvirk.consultations import services
from medvirk.consultations.choices import Stage
from medvirk.consultations.models import ConsultationResponse
from medvirk.consultations.tests.factories import consultation, response
from medvirk.councils.tests.factories import council, member
from medvirk.notifications.models import Notification
from medvirk.questionnaires.models import Response
from medvirk.questionnaires.tests.factories import questionnaire_version

DECISION = {
    "what_we_heard": "Mange ønsket kveldsåpent.",
    "decision": "Dagsenteret holder åpent til 19 på torsdager.",
    "input_used": "Innspillene bestemte hvilken dag.",
    "not_followed": "Helgeåpent har vi ikke råd til.",
    "decided_by": "Kommunedirektøren",
    "decided_on": "",
}


def decision_url(made):
    return reverse("consultations:decision", args=[made.organization.slug, made.pk])


@pytest.fixture
def closed(world):
    """A closed consultation asked of a council and all representatives, with responses."""
    for user in (*world.a.users.values(), *world.b.users.values()):
        user.email_frequency = EmailFrequency.IMMEDIATELY
        user.save()
    board = council(world.a.org)
    member(board, world.a["user"])
    member(board, world.a["staff"])
    made = consultation(
        world.a.org,
        world.a["coordinator"],
        stage=Stage.CLOSED,
        audience_councils=[board],
        audience_public=True,
    )
    response(made, world.a["representative"])  # respondent and audience
    response(made, world.a["user"])  # respondent and council member
    response(made, None, contact_email="Besokende@Example.org")  # public, wants the decision
    response(made, None)  # public, no address
    # A form draft never submitted is not a response: its writer is not told as a respondent.
    version = questionnaire_version(
        world.a.org, {"resourceType": "Questionnaire", "status": "active", "item": []}
    )
    draft = Response.objects.create(
        organization=world.a.org, version=version, respondent=world.a["leader"]
    )
    ConsultationResponse.objects.create(
        consultation=made, respondent=world.a["leader"], questionnaire_response=draft
    )
    return made


def test_draft_is_saved_without_telling_anyone(world, closed, client_for):
    client = client_for(world.a["coordinator"])
    answer = client.post(decision_url(closed), {**DECISION, "_action": "save"})
    assert answer.status_code == 302
    closed.refresh_from_db()
    assert closed.what_we_heard == DECISION["what_we_heard"]
    assert closed.decision_published_at is None
    assert not Notification.objects.exists()
    # The draft is not shown to the audience.
    detail = client_for(world.a["representative"]).get(
        reverse("consultations:detail", args=["org-a", closed.pk])
    )
    assert DECISION["decision"] not in detail.content.decode()


def test_publishing_tells_every_respondent_and_audience_member_exactly_once(
    world, closed, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(world.a["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(decision_url(closed), {**DECISION, "_action": "publish"})
        # Publishing again (a double click) is refused and tells nobody.
        client.post(decision_url(closed), {**DECISION, "_action": "publish"})
    assert answer.status_code == 302
    closed.refresh_from_db()
    assert closed.stage() == Stage.DECIDED
    assert closed.days_to_close_loop == 3
    expected = {world.a["representative"], world.a["user"], world.a["staff"]}
    told = Notification.objects.filter(message="consultation_decision")
    assert sorted(n.recipient.pk for n in told) == sorted(u.pk for u in expected)
    logged_in_mail = sorted(m.to[0] for m in mailoutbox if m.to != ["besokende@example.org"])
    assert logged_in_mail == sorted(u.email for u in expected)
    public = [m for m in mailoutbox if m.to == ["besokende@example.org"]]
    assert len(public) == 1
    assert len(mailoutbox) == len(expected) + 1
    # The plain e-mail is in Bokmål, names the consultation and links to the public record.
    assert closed.title in public[0].subject
    assert f"/p/org-a/consultations/{closed.pk}/" in public[0].body
    assert DECISION["decision"] in public[0].body
    # Everyone given is marked told, and the visitor's address is gone.
    given = ConsultationResponse.objects.filter(questionnaire_response__isnull=True)
    assert all(r.notified_at is not None for r in given)
    assert not ConsultationResponse.objects.exclude(contact_email="").exists()


def test_publishing_twice_through_the_service_is_refused(world, closed):
    services.decision_save(consultation=closed, values=DECISION, publish=True)
    count = Notification.objects.count()
    with pytest.raises(services.ConsultationError):
        services.decision_save(consultation=closed, values=DECISION, publish=True)
    assert Notification.objects.count() == count


def test_the_decision_needs_its_text_and_how_input_was_used(world, closed, english_client_for):
    client = english_client_for(world.a["coordinator"])
    page = client.post(
        decision_url(closed),
        {**DECISION, "decision": "", "input_used": " ", "_action": "publish"},
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert errors["decision"] == ["Write what was decided."]
    assert errors["input_used"] == ["Write how the input was used."]
    assert DECISION["not_followed"] in page.content.decode()  # what was typed is kept
    closed.refresh_from_db()
    assert closed.decision_published_at is None
    assert closed.not_followed == ""  # nothing half-stored
    assert not Notification.objects.exists()


def test_the_decision_cannot_be_published_before_the_close_date(world, english_client_for):
    open_one = consultation(world.a.org, world.a["coordinator"], stage=Stage.OPEN)
    page = english_client_for(world.a["coordinator"]).post(
        decision_url(open_one), {**DECISION, "_action": "publish"}
    )
    assert page.status_code == 200
    assert "after the consultation closes" in str(page.context["form"].non_field_errors())
    open_one.refresh_from_db()
    assert open_one.decision_published_at is None


def test_only_coordinators_write_the_decision(world, closed, client_for):
    for role in ("representative", "leader", "staff"):
        assert client_for(world.a[role]).get(decision_url(closed)).status_code == 404


def test_the_published_record_is_shown_to_the_audience(world, closed, client_for):
    services.decision_save(consultation=closed, values=DECISION, publish=True)
    page = client_for(world.a["representative"]).get(
        reverse("consultations:detail", args=["org-a", closed.pk])
    )
    html = page.content.decode()
    for text in ("what_we_heard", "decision", "input_used", "not_followed", "decided_by"):
        assert DECISION[text] in html
