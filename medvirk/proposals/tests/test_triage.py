"""Triage: the lifecycle, the submitter told at every step, declining, responsible, hiding."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.models import EmailFrequency
from medvirk.notifications.models import Notification
from medvirk.proposals import services
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Proposal, StatusChange
from medvirk.proposals.tests.factories import proposal

ANSWER = "Fra 1. mars er dagsenteret åpent til 19 på torsdager."


def _detail(p: Proposal) -> str:
    return reverse("proposals:detail", args=[p.organization.slug, p.pk])


def _label(status: Status, language: str) -> str:
    with translation.override(language):
        return str(status.label)


def _triage(client, p: Proposal, status: str, **extra: object):
    data = {"status": status, "decline_reason": "", "answer": "", "responsible": "", **extra}
    return client.post(_detail(p), data)


def test_lifecycle_tells_the_logged_in_submitter_at_every_step(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    submitter = world.a["user"]
    submitter.email_frequency = EmailFrequency.IMMEDIATELY
    submitter.save()
    made = proposal(world.a, submitted_by=submitter)
    client = english_client_for(world.a["coordinator"])
    steps = [
        (Status.CONSIDERING, ""),
        (Status.PLANNED, "Vi planlegger kveldsåpent fra mars."),
        (Status.DONE, ANSWER),
    ]
    for number, (status, answer) in enumerate(steps, start=1):
        with django_capture_on_commit_callbacks(execute=True):
            response = _triage(client, made, status, answer=answer)
        assert response.status_code == 302
        made.refresh_from_db()
        assert made.status == status
        assert len(mailoutbox) == number
        mail = mailoutbox[-1]
        assert mail.to == [submitter.email]
        assert _label(status, submitter.preferred_language) in mail.subject
        assert made.title in mail.subject
        if answer:
            assert answer in mail.body
    assert list(made.changes.values_list("status", flat=True)) == [
        Status.RECEIVED,
        Status.CONSIDERING,
        Status.PLANNED,
        Status.DONE,
    ]
    assert list(made.changes.all())[-1].changed_by == world.a["coordinator"]
    assert made.answer == ANSWER
    assert made.answered_at is not None
    notes = Notification.objects.filter(recipient=submitter, message="proposal_status")
    assert notes.count() == 3
    assert all(n.url == _detail(made) for n in notes)


def test_saving_the_same_status_records_and_tells_nothing(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    made = proposal(world.a, submitted_by=world.a["user"])
    client = english_client_for(world.a["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _triage(client, made, Status.RECEIVED, answer="Takk, vi ser på det.")
    made.refresh_from_db()
    assert made.answer == "Takk, vi ser på det."
    assert made.changes.count() == 1
    assert mailoutbox == []


def test_submitter_who_chose_the_daily_summary_gets_it_there(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    made = proposal(world.a, submitted_by=world.a["user"])  # the default: a daily summary
    with django_capture_on_commit_callbacks(execute=True):
        _triage(english_client_for(world.a["coordinator"]), made, Status.CONSIDERING)
    note = Notification.objects.get(recipient=world.a["user"], message="proposal_status")
    assert note.email_delivery == "digest"
    assert mailoutbox == []


def test_declining_needs_a_reason_and_keeps_the_input(world, english_client_for, mailoutbox):
    made = proposal(world.a, submitted_by=world.a["user"])
    client = english_client_for(world.a["coordinator"])
    response = _triage(client, made, Status.DECLINED, answer="Et svar som ikke skal bli borte.")
    assert response.status_code == 200
    assert response.context["form"].errors["decline_reason"] == [
        "Write why the proposal is declined."
    ]
    assert "Et svar som ikke skal bli borte." in response.content.decode()
    made.refresh_from_db()
    assert made.status == Status.RECEIVED
    assert made.answer == ""
    assert made.changes.count() == 1
    assert mailoutbox == []


def test_the_service_refuses_declining_without_a_reason(world):
    made = proposal(world.a)
    with pytest.raises(services.ProposalError) as error:
        services.proposal_triage(
            proposal=made, changed_by=world.a["coordinator"], status=Status.DECLINED
        )
    assert "decline_reason" in error.value.errors
    made.refresh_from_db()
    assert made.status == Status.RECEIVED


def test_declined_with_a_reason_tells_the_reason(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    world.a["user"].email_frequency = EmailFrequency.IMMEDIATELY
    world.a["user"].save()
    made = proposal(world.a, submitted_by=world.a["user"])
    client = english_client_for(world.a["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _triage(client, made, Status.DECLINED, decline_reason="Lokalet er for lite.")
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.decline_reason) == (Status.DECLINED, "Lokalet er for lite.")
    assert list(made.changes.all())[-1].note == "Lokalet er for lite."
    assert "Lokalet er for lite." in mailoutbox[0].body
    # Leaving "declined" drops the reason from the proposal (it stays in the history).
    with django_capture_on_commit_callbacks(execute=True):
        _triage(client, made, Status.CONSIDERING)
    made.refresh_from_db()
    assert made.decline_reason == ""
    assert StatusChange.objects.filter(proposal=made, note="Lokalet er for lite.").exists()


def test_anonymous_submitter_with_an_address_gets_plain_mail_in_bokmal(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    made = proposal(world.a, contact_email="besokende@example.org")
    client = english_client_for(world.a["coordinator"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _triage(client, made, Status.PLANNED, answer="Vi skal male stua i mai.")
    assert callbacks, "the e-mail waits for the commit"
    (mail,) = mailoutbox
    assert mail.to == ["besokende@example.org"]
    assert _label(Status.PLANNED, settings.LANGUAGE_CODE) in mail.subject
    assert "Vi skal male stua i mai." in mail.body
    assert reverse("public_proposals:you_said_we_did", args=["org-a"]) in mail.body
    assert not mail.alternatives  # plain text only
    assert not Notification.objects.exists()


def test_anonymous_submitter_without_an_address_gets_nothing(
    world, english_client_for, django_capture_on_commit_callbacks, mailoutbox
):
    made = proposal(world.a)
    client = english_client_for(world.a["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _triage(client, made, Status.DONE, answer="Gjort.")
    assert response.status_code == 302
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert made.changes.count() == 2


def test_responsible_must_work_in_the_organisation(world, english_client_for):
    made = proposal(world.a)
    client = english_client_for(world.a["coordinator"])
    # A user (not staff side) and someone of another organisation are not choices.
    for person in (world.a["user"], world.b["staff"]):
        response = _triage(client, made, Status.RECEIVED, responsible=person.pk)
        assert response.status_code == 200
        assert "responsible" in response.context["form"].errors
    response = _triage(client, made, Status.RECEIVED, responsible=world.a["staff"].pk)
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.responsible == world.a["staff"]
    # The responsible person is told once, not again when nothing changes.
    _triage(client, made, Status.CONSIDERING, responsible=world.a["staff"].pk)
    told = Notification.objects.filter(message="proposal_assigned")
    assert [n.recipient for n in told] == [world.a["staff"]]
    assert told[0].url == _detail(made)


def test_triage_detail_shows_the_submitter_and_logs_the_read(world, english_client_for):
    made = proposal(world.a, submitted_by=world.a["user"], text="Ring meg på 918 12 345.")
    page = english_client_for(world.a["coordinator"]).get(_detail(made))
    html = page.content.decode()
    assert world.a["user"].full_name in html
    assert "918 12 345" in html  # coordinators read the text as written
    entry = AccessLogEntry.objects.get(object_id=str(made.pk))
    assert (entry.actor, entry.subject) == (world.a["coordinator"], world.a["user"])


@pytest.mark.parametrize("role", ["user", "staff", "leader", "representative"])
def test_only_coordinators_triage(world, client_for, role):
    made = proposal(world.a)
    client = client_for(world.a[role])
    response = client.post(_detail(made), {"status": Status.DONE, "answer": "Nei."})
    assert response.status_code == 404
    assert (
        client.post(
            reverse("proposals:moderate", args=["org-a", made.pk]), {"hidden_reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("proposals:changes", args=["org-a"])).status_code == 404
    made.refresh_from_db()
    assert made.status == Status.RECEIVED
    assert made.hidden_at is None


def test_coordinator_of_another_organisation_gets_404(world, client_for):
    made = proposal(world.a)
    client = client_for(world.b["coordinator"])
    assert client.get(_detail(made)).status_code == 404
    assert client.post(_detail(made), {"status": Status.DONE}).status_code == 404
    assert (
        client.post(reverse("proposals:detail", args=["org-b", made.pk]), {"status": "done"})
    ).status_code == 404
    made.refresh_from_db()
    assert made.status == Status.RECEIVED


# --- Moderation ------------------------------------------------------------------------------


def test_hiding_needs_a_reason_and_is_recorded(world, english_client_for):
    made = proposal(world.a)
    client = english_client_for(world.a["coordinator"])
    url = reverse("proposals:moderate", args=["org-a", made.pk])
    refused = client.post(url, {"_action": "hide", "hidden_reason": "  "})
    assert refused.status_code == 200
    assert refused.context["hide_form"].errors["hidden_reason"]
    made.refresh_from_db()
    assert made.hidden_at is None

    assert (
        client.post(url, {"_action": "hide", "hidden_reason": "Navngir ansatte."}).status_code
        == 302
    )
    made.refresh_from_db()
    assert made.hidden_at is not None
    assert (made.hidden_reason, made.hidden_by) == ("Navngir ansatte.", world.a["coordinator"])
    page = client.get(_detail(made))
    assert "Navngir ansatte." in page.content.decode()

    assert client.post(url, {"_action": "unhide"}).status_code == 302
    made.refresh_from_db()
    assert made.hidden_at is None
    assert made.hidden_reason == "Navngir ansatte."  # the record of moderation stays


def test_triage_list_filters(world, english_client_for):
    from medvirk.organizations.tests.factories import UnitFactory

    other_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    done = proposal(world.a, status=Status.DONE, answer="Ja.")
    food = proposal(world.a, unit=other_unit, category="food")
    hidden = proposal(world.a, hidden_reason="Støtende.")
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=done.created_at)
    plain = proposal(world.a)
    proposal(world.b)
    client = english_client_for(world.a["coordinator"])
    url = reverse("proposals:list", args=["org-a"])

    def shown(query: str = "") -> set[int]:
        page = client.get(f"{url}?{query}")
        assert page.status_code == 200
        return {p.pk for p in page.context["page"].object_list}

    assert shown() == {done.pk, food.pk, plain.pk}
    assert shown("status=done") == {done.pk}
    assert shown(f"unit={other_unit.pk}") == {food.pk}
    assert shown("category=food") == {food.pk}
    assert shown("hidden=hidden") == {hidden.pk}
    assert shown("hidden=all") == {done.pk, food.pk, plain.pk, hidden.pk}
