"""Consultation pages: creating, editing, publishing, documents, responding, reading responses."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medvirk.accounts.models import EmailFrequency
from medvirk.consultations.choices import ResponsesVisibleTo, Stage
from medvirk.consultations.models import Consultation, ConsultationDocument, ConsultationResponse
from medvirk.consultations.tests.cross_org import PDF
from medvirk.consultations.tests.factories import consultation, response
from medvirk.councils.tests.factories import council, days, member, user_organization
from medvirk.notifications.models import Notification

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def url(name, consultation_or_slug, *args):
    if isinstance(consultation_or_slug, Consultation):
        slug = consultation_or_slug.organization.slug
        return reverse(f"consultations:{name}", args=[slug, consultation_or_slug.pk, *args])
    return reverse(f"consultations:{name}", args=[consultation_or_slug, *args])


def form_data(**overrides):
    data = {
        "title": "Nye åpningstider",
        "question": "Hvilke åpningstider passer deg?",
        "background": "Vi vurderer **kveldsåpent**.",
        "opens_on": days(0).isoformat(),
        "closes_on": days(14).isoformat(),
        "audience_all_representatives": "on",
        "response_mode": "free_text",
        "responses_visible_to": "coordinators",
    }
    data.update(overrides)
    return data


# --- Create, edit, publish ------------------------------------------------------------------


def test_coordinator_creates_a_draft(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    page = client.get(url("create", "org-a"))
    assert page.status_code == 200
    data = form_data(coordinator=world.a["coordinator"].pk)
    answer = client.post(url("create", "org-a"), data)
    made = Consultation.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == url("detail", made)
    assert made.organization == world.a.org
    assert made.coordinator == world.a["coordinator"]
    assert made.stage() == Stage.DRAFT
    assert not Notification.objects.exists()


def test_closing_before_opening_is_an_error_on_the_closing_date_and_keeps_input(
    world, english_client_for
):
    client = english_client_for(world.a["coordinator"])
    data = form_data(
        coordinator=world.a["coordinator"].pk,
        opens_on=days(10).isoformat(),
        closes_on=days(2).isoformat(),
    )
    page = client.post(url("create", "org-a"), data)
    assert page.status_code == 200
    assert page.context["form"].errors["closes_on"] == [
        f"The closing date must be on or after the opening date ({days(10):%m/%d/%Y})."
    ]
    assert "Hvilke åpningstider passer deg?" in page.content.decode()
    assert not Consultation.objects.exists()


def test_a_form_response_needs_a_form_and_someone_must_be_asked(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    data = form_data(coordinator=world.a["coordinator"].pk, response_mode="questionnaire")
    del data["audience_all_representatives"]
    page = client.post(url("create", "org-a"), data)
    errors = page.context["form"].errors
    assert errors["questionnaire_version"] == ["Choose the form people answer."]
    assert "Choose who is asked" in errors["audience_all_representatives"][0]
    assert not Consultation.objects.exists()


def test_people_who_do_not_run_consultations_cannot_create_them(world, client_for):
    for role in ("user", "representative", "staff", "leader"):
        client = client_for(world.a[role])
        assert client.get(url("create", "org-a")).status_code == 404
        assert client.post(url("create", "org-a"), form_data()).status_code == 404
    assert not Consultation.objects.exists()


def test_a_draft_is_hidden_from_the_audience(world, client_for):
    draft = consultation(world.a.org, world.a["coordinator"], stage=Stage.DRAFT)
    assert client_for(world.a["representative"]).get(url("detail", draft)).status_code == 404
    assert client_for(world.a["coordinator"]).get(url("detail", draft)).status_code == 200


def test_publishing_tells_the_audience_once(
    world, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    board = council(world.a.org)
    member(board, world.a["user"])
    member(board, world.a["representative"])
    world.a["user"].email_frequency = EmailFrequency.IMMEDIATELY
    world.a["user"].save()
    draft = consultation(
        world.a.org, world.a["coordinator"], stage=Stage.DRAFT, audience_councils=[board]
    )
    client = client_for(world.a["coordinator"])
    assert client.get(url("publish", draft)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("publish", draft))
        client.post(url("publish", draft))  # a second press tells nobody again
    draft.refresh_from_db()
    assert draft.published_at is not None
    told = Notification.objects.filter(message="consultation_opened")
    assert sorted(n.recipient.email for n in told) == sorted(
        [world.a["user"].email, world.a["representative"].email]
    )
    assert all(n.url == url("detail", draft) for n in told)
    # E-mail by each person's preference: at once, or in the daily summary.
    assert [m.to for m in mailoutbox] == [[world.a["user"].email]]
    assert told.get(recipient=world.a["representative"]).email_delivery == "digest"


def test_edit_after_a_published_decision_is_refused(world, client_for):
    decided = consultation(world.a.org, world.a["coordinator"], stage=Stage.DECIDED)
    client = client_for(world.a["coordinator"])
    answer = client.post(url("edit", decided), form_data(coordinator=world.a["coordinator"].pk))
    assert answer.status_code == 302
    decided.refresh_from_db()
    assert decided.title != "Nye åpningstider"


def test_background_markdown_is_sanitised(world, client_for):
    made = consultation(
        world.a.org,
        world.a["coordinator"],
        background="**Viktig** <script>alert(1)</script> [lenke](javascript:alert(2))",
    )
    html = client_for(world.a["representative"]).get(url("detail", made)).content.decode()
    assert "<strong>Viktig</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


# --- Documents ------------------------------------------------------------------------------


def test_documents_are_checked_by_their_real_type_and_served_to_the_audience(world, client_for):
    made = consultation(world.a.org, world.a["coordinator"])
    client = client_for(world.a["coordinator"])
    fake = SimpleUploadedFile("sak.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(url("documents", made), {"title": "Sak", "file": fake})
    assert page.status_code == 200
    assert "file" in page.context["form"].errors
    assert page.context["form"]["title"].value() == "Sak"
    assert not ConsultationDocument.objects.exists()

    real = SimpleUploadedFile("bilde.png", PNG, content_type="application/octet-stream")
    client.post(url("documents", made), {"title": "Kart", "file": real})
    document = ConsultationDocument.objects.get()
    assert document.content_type == "image/png"
    assert "/" not in str(document.file.name).removeprefix("consultation-documents/")

    reader = client_for(world.a["representative"])
    served = reader.get(url("document", made, document.pk))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["X-Content-Type-Options"] == "nosniff"
    # Someone outside the audience gets nothing.
    assert client_for(world.a["user"]).get(url("document", made, document.pk)).status_code == 404


def test_a_large_document_is_refused(world, client_for, settings):
    made = consultation(world.a.org, world.a["coordinator"])
    big = SimpleUploadedFile(
        "stor.pdf", PDF + b"0" * (20 * 1024 * 1024), content_type="application/pdf"
    )
    page = client_for(world.a["coordinator"]).post(
        url("documents", made), {"title": "Stor", "file": big}
    )
    assert "file" in page.context["form"].errors
    assert not ConsultationDocument.objects.exists()


# --- Responding -----------------------------------------------------------------------------


def test_respond_once_and_change_it_until_close(world, client_for):
    made = consultation(world.a.org, world.a["coordinator"])
    client = client_for(world.a["representative"])
    assert client.get(url("respond", made)).status_code == 200
    client.post(url("respond", made), {"text": "Først"})
    client.post(url("respond", made), {"text": "Endret"})
    assert list(ConsultationResponse.objects.values_list("text", flat=True)) == ["Endret"]
    page = client.get(url("respond", made))
    assert "Endret" in page.content.decode()


def test_responding_after_close_is_refused(world, client_for):
    made = consultation(world.a.org, world.a["coordinator"], stage=Stage.CLOSED)
    response(made, world.a["representative"], text="Før fristen")
    client = client_for(world.a["representative"])
    answer = client.post(url("respond", made), {"text": "Etter fristen"})
    assert answer.status_code == 302
    assert list(ConsultationResponse.objects.values_list("text", flat=True)) == ["Før fristen"]


def test_only_the_audience_can_respond(world, client_for):
    made = consultation(world.a.org, world.a["coordinator"])
    assert client_for(world.a["user"]).post(url("respond", made), {"text": "x"}).status_code == 404
    assert not ConsultationResponse.objects.exists()


def test_empty_input_is_an_error(world, english_client_for):
    made = consultation(world.a.org, world.a["coordinator"])
    page = english_client_for(world.a["representative"]).post(url("respond", made), {"text": " "})
    assert page.context["form"].errors["text"] == ["Write your input."]
    assert not ConsultationResponse.objects.exists()


def test_on_behalf_of_only_an_organisation_one_represents(world, english_client_for):
    ffo, other = user_organization(name="FFO"), user_organization(name="Annen")
    board = council(world.a.org)
    member(board, world.a["representative"], represents=ffo)
    made = consultation(world.a.org, world.a["coordinator"])
    client = english_client_for(world.a["representative"])
    page = client.post(url("respond", made), {"text": "Hei", "on_behalf_of": other.pk})
    assert "on_behalf_of" in page.context["form"].errors
    assert not ConsultationResponse.objects.exists()
    client.post(url("respond", made), {"text": "Hei", "on_behalf_of": ffo.pk})
    assert ConsultationResponse.objects.get().on_behalf_of == ffo


# --- Reading responses ----------------------------------------------------------------------


def _with_responses(world, visible_to):
    made = consultation(
        world.a.org, world.a["coordinator"], responses_visible_to=visible_to, audience_public=True
    )
    response(made, world.a["representative"], text="Representantens innspill")
    return made


def test_responses_for_coordinators_only(world, client_for):
    made = _with_responses(world, ResponsesVisibleTo.COORDINATORS)
    assert client_for(world.a["representative"]).get(url("responses", made)).status_code == 404
    page = client_for(world.a["coordinator"]).get(url("responses", made))
    assert "Representantens innspill" in page.content.decode()
    assert world.a["representative"].full_name in page.content.decode()


def test_responses_for_the_audience_are_shown_without_names(world, client_for):
    made = _with_responses(world, ResponsesVisibleTo.AUDIENCE)
    page = client_for(world.a["user"]).get(url("responses", made))  # public audience: everyone
    assert "Representantens innspill" in page.content.decode()
    assert world.a["representative"].full_name not in page.content.decode()


def test_reading_responses_is_logged(world, client_for):
    from medvirk.accesslog.models import AccessLogEntry

    made = _with_responses(world, ResponsesVisibleTo.COORDINATORS)
    client_for(world.a["coordinator"]).get(url("responses", made))
    entry = AccessLogEntry.objects.get()
    assert entry.actor == world.a["coordinator"]
    assert entry.object_id == str(made.pk)
