"""Meetings: rules, uploads, who reads what, invitations and answers, attendance, minutes, PDFs.

In every test the council belongs to organisation A. Its coordinator runs
it; the representative and the next of kin sit on it; the organisation's
plain user sees the council but is not a member.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.models import EmailFrequency
from medvirk.councils import meeting_services as services
from medvirk.councils.choices import AgendaKind, MeetingStatus, MinutesAudience, Rsvp
from medvirk.councils.meeting_forms import MeetingForm
from medvirk.councils.models import (
    AgendaItem,
    Council,
    CouncilMember,
    Invitation,
    Meeting,
    MeetingDocument,
    Seat,
    UserOrganization,
)
from medvirk.councils.selectors import composition
from medvirk.councils.tests.factories import council, days, member
from medvirk.councils.tests.meeting_factories import (
    PDF,
    PNG,
    agenda_item,
    document,
    invitation,
    local,
    meeting,
)
from medvirk.demo.councils import COUNCIL_NAME
from medvirk.demo.services import demo_load
from medvirk.notifications.models import Notification

EN = {"medvirk_language": "en"}
MINUTES = "Rådet ba om bedre informasjon til pårørende."
DECISION = "Rådet støtter forslaget."
NEEDS = "Tegnspråktolk og trinnfri adkomst"


@pytest.fixture
def setup(world):
    """A council of A with two members, and a meeting with a decision item."""
    c = council(world.a.org, name="Brukerrådet")
    member(c, world.a["representative"])
    member(c, world.a["next_of_kin"])
    m = meeting(c, title="Høstmøtet")
    item = agenda_item(m, title="Handlingsplan", kind=AgendaKind.DECISION)
    return c, m, item


def _client(client_for, user):
    client = client_for(user)
    client.cookies.load(EN)
    return client


def url(name, org, *args):
    return reverse(f"councils:{name}", args=[org.slug, *args])


def _all_private_files() -> set[Path]:
    root = Path(storages["private"].path("council-documents"))
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def new_private_files():
    """The council documents stored in private storage since the test started."""
    before = _all_private_files()
    return lambda: _all_private_files() - before


# --- Rules ------------------------------------------------------------------------------


def _meeting_data(**kw):
    data = {
        "title": "Vårmøtet",
        "starts_at": "2026-01-15T18:00",
        "ends_at": "2026-01-15T20:00",
        "place": "Rådhuset",
        "video_url": "",
        "status": MeetingStatus.PLANNED,
    }
    data.update(kw)
    return data


def test_meeting_must_end_after_it_starts(settings):
    form = MeetingForm(_meeting_data(ends_at="2026-01-15T17:00"))
    assert not form.is_valid()
    assert form.errors["ends_at"] == ["The meeting must end after it starts."]


def test_meeting_needs_a_place_or_a_video_link():
    form = MeetingForm(_meeting_data(place=""))
    assert not form.is_valid()
    assert form.errors["place"] == ["Give a place, a video link or both."]
    assert MeetingForm(_meeting_data(place="", video_url="https://video.example/a")).is_valid()


def test_the_service_refuses_a_broken_meeting_and_stores_nothing(world):
    c = council(world.a.org)
    start = local(2026, 3, 1, 18)
    with pytest.raises(ValidationError) as error:
        services.meeting_create(council=c, title="x", starts_at=start, ends_at=start, place="Her")
    assert "ends_at" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.meeting_create(
            council=c, title="x", starts_at=start, ends_at=start + timedelta(hours=1)
        )
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        ("2026-01-15T18:00", datetime(2026, 1, 15, 17, 0, tzinfo=UTC)),
        ("2026-06-15T18:00", datetime(2026, 6, 15, 16, 0, tzinfo=UTC)),
    ],
    ids=["winter", "summer"],
)
def test_coordinator_schedules_in_oslo_time(world, client_for, typed, utc):
    c = council(world.a.org)
    client = _client(client_for, world.a["coordinator"])
    ends = typed.replace("T18", "T20")
    response = client.post(
        url("meeting_create", world.a.org, c.pk), _meeting_data(starts_at=typed, ends_at=ends)
    )
    m = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting_agenda", world.a.org, m.pk)
    assert m.starts_at == utc
    assert m.council == c
    # The form shows the same wall-clock time again.
    page = client.get(url("meeting_edit", world.a.org, m.pk))
    assert f'value="{typed}"' in page.content.decode()


def test_a_bad_meeting_form_keeps_what_was_typed(world, client_for):
    c = council(world.a.org)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("meeting_create", world.a.org, c.pk),
        _meeting_data(title="Kveldsmøte", ends_at="2026-01-15T17:00", place=""),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The meeting must end after it starts." in content
    assert "Give a place, a video link or both." in content
    assert 'value="Kveldsmøte"' in content
    assert not Meeting.objects.exists()


def test_only_managers_schedule_and_edit(world, client_for, setup):
    c, m, _item = setup
    for role in ("representative", "user", "staff", "leader"):
        client = client_for(world.a[role])
        assert client.get(url("meeting_create", world.a.org, c.pk)).status_code == 404
        assert client.get(url("meeting_edit", world.a.org, m.pk)).status_code == 404
        assert client.get(url("meeting_minutes", world.a.org, m.pk)).status_code == 404
        assert client.get(url("meeting_invitations", world.a.org, m.pk)).status_code == 404


def test_editing_the_time_raises_the_calendar_sequence(world, client_for, setup):
    _c, m, _item = setup
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("meeting_edit", world.a.org, m.pk),
        _meeting_data(title=m.title, starts_at="2026-02-01T17:00", ends_at="2026-02-01T19:00"),
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.sequence == 1
    assert m.starts_at == datetime(2026, 2, 1, 16, 0, tzinfo=UTC)


# --- Agenda -----------------------------------------------------------------------------


def test_agenda_items_are_added_moved_edited_and_removed(world, client_for, setup):
    _c, m, first = setup
    client = _client(client_for, world.a["coordinator"])
    page = url("meeting_agenda", world.a.org, m.pk)
    for title, kind in [("Orientering", "information"), ("Drøfting", "discussion")]:
        response = client.post(
            page, {"add": "1", "title": title, "kind": kind, "description": "Bakgrunn"}
        )
        assert response.status_code == 302
    titles = lambda: list(m.agenda_items.order_by("position").values_list("title", flat=True))  # noqa: E731
    assert titles() == ["Handlingsplan", "Orientering", "Drøfting"]

    drofting = AgendaItem.objects.get(title="Drøfting")
    client.post(page, {"move": f"{drofting.pk}:up"})
    assert titles() == ["Handlingsplan", "Drøfting", "Orientering"]
    client.post(page, {"move": f"{first.pk}:up"})  # the first stays first
    assert titles() == ["Handlingsplan", "Drøfting", "Orientering"]

    client.post(
        url("meeting_agenda_item_edit", world.a.org, drofting.pk),
        {"title": "Drøfting av plan", "kind": "discussion", "description": ""},
    )
    client.post(url("meeting_agenda_item_delete", world.a.org, first.pk))
    assert titles() == ["Drøfting av plan", "Orientering"]
    assert list(m.agenda_items.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_agenda_reorder_puts_named_items_first_and_keeps_the_rest_in_order(world, setup):
    _c, m, first = setup
    second, third = agenda_item(m, title="B"), agenda_item(m, title="C")
    services.agenda_reorder(meeting=m, item_ids=[third.pk, 99999])
    order = list(m.agenda_items.order_by("position").values_list("pk", "position"))
    assert order == [(third.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_an_agenda_item_without_title_is_refused(world, client_for, setup):
    _c, m, _item = setup
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("meeting_agenda", world.a.org, m.pk),
        {"add": "1", "title": "", "kind": "decision", "description": "Behold meg"},
    )
    assert response.status_code == 200
    assert "Behold meg" in response.content.decode()
    assert m.agenda_items.count() == 1


# --- Documents --------------------------------------------------------------------------


def _upload(client, org, m, name, content, **extra):
    return client.post(
        url("meeting_documents", org, m.pk),
        {"file": SimpleUploadedFile(name, content), "title": "", "agenda_item": "", **extra},
    )


def _xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Budsjett"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("sakspapir.pdf", PDF, "application/pdf"),
        ("kart.png", PNG, "image/png"),
        (
            "budsjett.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_allowed_documents_are_stored_privately(
    world, client_for, setup, name, content, mime, new_private_files
):
    _c, m, item = setup
    client = _client(client_for, world.a["coordinator"])
    response = _upload(client, world.a.org, m, name, content, agenda_item=str(item.pk))
    assert response.status_code == 302
    doc = MeetingDocument.objects.get()
    assert (doc.content_type, doc.filename, doc.agenda_item) == (mime, name, item)
    assert doc.file.storage is storages["private"]
    assert len(new_private_files()) == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),  # a Windows program renamed
        ("notat.txt", b"Bare tekst"),
        ("bilde.gif", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_wrong_file_types_are_refused_and_nothing_is_stored(
    world, client_for, setup, name, content, new_private_files
):
    _c, m, _item = setup
    client = _client(client_for, world.a["coordinator"])
    response = _upload(client, world.a.org, m, name, content, title="Behold tittelen")
    assert response.status_code == 200
    text = response.content.decode()
    assert "This type of file cannot be uploaded. Allowed: PDF, DOCX, XLSX, ODT, PNG, JPEG." in text
    assert 'value="Behold tittelen"' in text
    assert not MeetingDocument.objects.exists()
    assert new_private_files() == set()


def test_too_large_files_are_refused_and_nothing_is_stored(
    world, client_for, setup, monkeypatch, new_private_files
):
    _c, m, _item = setup
    monkeypatch.setattr(services, "MAX_DOCUMENT_SIZE", 100)
    client = _client(client_for, world.a["coordinator"])
    response = _upload(client, world.a.org, m, "stor.pdf", PDF + b"0" * 200)
    assert response.status_code == 200
    assert "The file is too large. Files can be at most 100" in response.content.decode()
    assert not MeetingDocument.objects.exists()
    assert new_private_files() == set()


def test_the_real_limit_is_20_mb():
    assert services.MAX_DOCUMENT_SIZE == 20 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"")
    big.size = services.MAX_DOCUMENT_SIZE + 1
    with translation.override("en"), pytest.raises(ValidationError, match="too large"):
        services.document_type(big)


def test_documents_are_served_to_members_and_managers_only(world, client_for, setup):
    _c, m, _item = setup
    doc = document(m, name="sakspapir.png")
    address = url("meeting_document", world.a.org, doc.pk)
    for role in ("representative", "coordinator"):
        response = client_for(world.a[role]).get(address)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="sakspapir.png"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(PNG[:8])
    for role in ("user", "staff", "leader"):  # see the council, not on it
        assert client_for(world.a[role]).get(address).status_code == 404
    assert client_for(world.b["coordinator"]).get(address).status_code == 404


def test_non_members_see_no_document_links(world, client_for, setup):
    _c, m, item = setup
    document(m, item, name="hemmelig.png")
    outsider = client_for(world.a["user"]).get(url("meeting_detail", world.a.org, m.pk))
    assert "hemmelig.png" not in outsider.content.decode()
    insider = client_for(world.a["representative"]).get(url("meeting_detail", world.a.org, m.pk))
    assert "hemmelig.png" in insider.content.decode()


def test_a_former_member_loses_access_to_documents(world, client_for, setup):
    c, m, _item = setup
    doc = document(m)
    former = world.a["staff"]
    member(c, former, term_start=days(-400), term_end=days(-1))
    assert client_for(former).get(url("meeting_document", world.a.org, doc.pk)).status_code == 404


def test_deleting_a_document_removes_the_file(
    world, client_for, setup, django_capture_on_commit_callbacks, new_private_files
):
    _c, m, _item = setup
    doc = document(m)
    assert len(new_private_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.a["coordinator"]).post(
            url("meeting_document_delete", world.a.org, doc.pk)
        )
    assert response.status_code == 302
    assert not MeetingDocument.objects.exists()
    assert new_private_files() == set()


# --- Minutes: who reads them ------------------------------------------------------------


def _write_minutes(m, item, *, audience=None):
    services.minutes_save(meeting=m, entries={item.pk: (MINUTES, DECISION)})
    if audience:
        services.minutes_publish(meeting=m, audience=audience)


def _sees_minutes(client, org, m) -> bool:
    content = client.get(url("meeting_detail", org, m.pk)).content.decode()
    return MINUTES in content


def test_unpublished_minutes_are_for_managers_only(world, client_for, setup):
    _c, m, item = setup
    _write_minutes(m, item)
    assert _sees_minutes(client_for(world.a["coordinator"]), world.a.org, m)
    assert not _sees_minutes(client_for(world.a["representative"]), world.a.org, m)
    assert not _sees_minutes(client_for(world.a["user"]), world.a.org, m)
    pdf = url("meeting_minutes_pdf", world.a.org, m.pk)
    assert client_for(world.a["representative"]).get(pdf).status_code == 404


def test_members_only_minutes_are_hidden_from_non_members(world, client_for, setup):
    _c, m, item = setup
    _write_minutes(m, item, audience=MinutesAudience.MEMBERS)
    pdf = url("meeting_minutes_pdf", world.a.org, m.pk)

    assert _sees_minutes(client_for(world.a["representative"]), world.a.org, m)
    assert client_for(world.a["representative"]).get(pdf).status_code == 200

    outsider = _client(client_for, world.a["user"])
    content = outsider.get(url("meeting_detail", world.a.org, m.pk)).content.decode()
    # The time and the agenda are there; the minutes and the decision are not.
    assert "Høstmøtet" in content
    assert "Handlingsplan" in content
    assert MINUTES not in content
    assert DECISION not in content
    assert "The minutes are for the council's members only." in content
    assert outsider.get(pdf).status_code == 404
    assert client_for(world.b["admin"]).get(pdf).status_code == 404


def test_public_minutes_are_read_by_everyone_who_sees_the_council(world, client_for, setup):
    _c, m, item = setup
    _write_minutes(m, item, audience=MinutesAudience.PUBLIC)
    assert _sees_minutes(client_for(world.a["user"]), world.a.org, m)
    pdf = client_for(world.a["user"]).get(url("meeting_minutes_pdf", world.a.org, m.pk))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    # Another organisation sees neither the council nor its public minutes here.
    other = client_for(world.b["user"])
    assert other.get(url("meeting_detail", world.a.org, m.pk)).status_code == 404


def test_coordinator_writes_marks_held_and_publishes(world, client_for, setup):
    _c, m, item = setup
    info = agenda_item(m, title="Orientering")
    client = _client(client_for, world.a["coordinator"])
    page = url("meeting_minutes", world.a.org, m.pk)
    response = client.post(
        page,
        {
            "save": "held",
            f"minutes_{item.pk}": MINUTES,
            f"decision_{item.pk}": DECISION,
            f"minutes_{info.pk}": "Tatt til orientering.",
            f"decision_{info.pk}": "ignored: not a decision item",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    info.refresh_from_db()
    m.refresh_from_db()
    assert (item.minutes, item.decision) == (MINUTES, DECISION)
    assert (info.minutes, info.decision) == ("Tatt til orientering.", "")
    assert m.status == MeetingStatus.HELD
    assert m.minutes_published_at is None

    client.post(page, {"publish": "1", "audience": MinutesAudience.MEMBERS})
    m.refresh_from_db()
    assert m.minutes_published_at is not None
    assert m.minutes_audience == MinutesAudience.MEMBERS

    client.post(page, {"unpublish": "1"})
    m.refresh_from_db()
    assert m.minutes_published_at is None


# --- Invitations and answers ------------------------------------------------------------


def test_send_invitations_invites_and_notifies_every_current_member(world, client_for, setup):
    c, m, _item = setup
    member(c, world.a["staff"], term_start=days(-400), term_end=days(-10))  # term ended
    client = _client(client_for, world.a["coordinator"])
    response = client.post(url("meeting_invitations", world.a.org, m.pk))
    assert response.status_code == 302

    invited = set(Invitation.objects.filter(meeting=m).values_list("user__email", flat=True))
    assert invited == {world.a["representative"].email, world.a["next_of_kin"].email}
    assert all(i.sent_at for i in Invitation.objects.filter(meeting=m))
    notes = Notification.objects.filter(message="meeting_invitation")
    assert {n.recipient for n in notes} == {world.a["representative"], world.a["next_of_kin"]}
    note = notes.get(recipient=world.a["representative"])
    assert note.url == url("meeting_rsvp", world.a.org, m.pk)
    assert url("meeting_ics", world.a.org, m.pk) in note.body
    assert "Handlingsplan" in note.body

    # A member added later is invited on the next send; nobody gets a second invitation.
    member(c, world.a["leader"])
    client.post(url("meeting_invitations", world.a.org, m.pk))
    assert Invitation.objects.filter(meeting=m).count() == 3
    assert Notification.objects.filter(message="meeting_invitation").count() == 3
    assert notes.filter(recipient=world.a["leader"]).count() == 1


def test_invitation_email_is_sent_with_the_calendar_link(
    world, setup, mailoutbox, django_capture_on_commit_callbacks
):
    _c, m, _item = setup
    for role in ("representative", "next_of_kin"):
        world.a[role].email_frequency = EmailFrequency.IMMEDIATELY
        world.a[role].save(update_fields=["email_frequency"])
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=m)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [world.a["next_of_kin"].email, world.a["representative"].email]
    )
    ics = url("meeting_ics", world.a.org, m.pk)
    for message in mailoutbox:
        assert ics in message.body
        assert "Høstmøtet" in message.body


def test_the_invitee_answers_with_access_needs(world, client_for, setup):
    _c, m, _item = setup
    services.invitations_send(meeting=m)
    client = _client(client_for, world.a["representative"])
    page = url("meeting_rsvp", world.a.org, m.pk)
    assert client.get(page).status_code == 200

    refused = client.post(page, {"rsvp": "", "access_needs": NEEDS})
    assert refused.status_code == 200
    assert "Choose whether you are coming." in refused.content.decode()
    assert NEEDS in refused.content.decode()

    response = client.post(page, {"rsvp": Rsvp.YES, "access_needs": NEEDS})
    assert response.status_code == 302
    answer = Invitation.objects.get(meeting=m, user=world.a["representative"])
    assert (answer.rsvp, answer.access_needs) == (Rsvp.YES, NEEDS)
    assert answer.responded_at is not None


def test_access_needs_are_seen_by_managers_and_the_person_only(world, client_for, setup):
    _c, m, _item = setup
    services.invitations_send(meeting=m)
    services.rsvp_answer(
        invitation=Invitation.objects.get(meeting=m, user=world.a["representative"]),
        rsvp=Rsvp.YES,
        access_needs=NEEDS,
    )
    manager = client_for(world.a["coordinator"])
    listing = manager.get(url("meeting_invitations", world.a.org, m.pk))
    assert NEEDS in listing.content.decode()
    assert AccessLogEntry.objects.filter(
        actor=world.a["coordinator"], object_type="councils.invitation", object_id=str(m.pk)
    ).exists()

    own = client_for(world.a["representative"]).get(url("meeting_rsvp", world.a.org, m.pk))
    assert NEEDS in own.content.decode()

    other_member = client_for(world.a["next_of_kin"])
    assert NEEDS not in other_member.get(url("meeting_detail", world.a.org, m.pk)).content.decode()
    assert other_member.get(url("meeting_invitations", world.a.org, m.pk)).status_code == 404


def test_only_invitees_answer(world, client_for, setup):
    _c, m, _item = setup
    invitation(m, world.a["representative"])
    page = url("meeting_rsvp", world.a.org, m.pk)
    assert client_for(world.a["next_of_kin"]).get(page).status_code == 404
    assert client_for(world.a["coordinator"]).get(page).status_code == 404


# --- Attendance -------------------------------------------------------------------------


def test_attendance_is_saved_and_uninvited_members_can_be_added(world, client_for, setup):
    c, m, _item = setup
    invitation(m, world.a["representative"])
    invitation(m, world.a["next_of_kin"])
    late = member(c, world.a["leader"])  # joined after the invitations went out
    client = _client(client_for, world.a["coordinator"])
    page = url("meeting_attendance", world.a.org, m.pk)
    content = client.get(page).content.decode()
    assert world.a["leader"].full_name in content

    response = client.post(
        page, {"attended": [str(world.a["representative"].pk)], "added": [str(late.pk)]}
    )
    assert response.status_code == 302
    attended = dict(Invitation.objects.filter(meeting=m).values_list("user_id", "attended"))
    assert attended == {
        world.a["representative"].pk: True,
        world.a["next_of_kin"].pk: False,
        world.a["leader"].pk: True,
    }
    added = Invitation.objects.get(meeting=m, user=world.a["leader"])
    assert added.sent_at is None
    assert added.member == late


def test_attendance_refuses_people_not_on_the_council(world, client_for, setup):
    _c, m, _item = setup
    invitation(m, world.a["representative"])
    client = _client(client_for, world.a["coordinator"])
    response = client.post(
        url("meeting_attendance", world.a.org, m.pk), {"attended": [str(world.a["admin"].pk)]}
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(attended=True).exists()


# --- PDFs, lists ------------------------------------------------------------------------


def test_agenda_and_minutes_pdfs_render(world, client_for, setup):
    _c, m, item = setup
    _write_minutes(m, item, audience=MinutesAudience.MEMBERS)
    invitation(m, world.a["representative"], attended=True)
    client = client_for(world.a["representative"])
    for name in ("meeting_agenda_pdf", "meeting_minutes_pdf"):
        response = client.get(url(name, world.a.org, m.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_the_agenda_pdf_follows_the_meeting_page(world, client_for, setup):
    _c, m, _item = setup
    address = url("meeting_agenda_pdf", world.a.org, m.pk)
    assert client_for(world.a["user"]).get(address).status_code == 200
    assert client_for(world.b["user"]).get(address).status_code == 404


def _list_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_meeting_list_pages_with_a_constant_number_of_queries(world, client_for):
    c = council(world.a.org)
    client = client_for(world.a["coordinator"])
    address = url("meeting_list", world.a.org, c.pk)
    start = local(2026, 1, 15, 18)
    Meeting.objects.bulk_create(
        Meeting(
            council=c,
            title=f"M{n}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Her",
        )
        for n in range(3)
    )
    few = _list_queries(client, address)
    Meeting.objects.bulk_create(
        Meeting(
            council=c,
            title=f"N{n}",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=1),
            place="Her",
        )
        for n in range(300)
    )
    many = _list_queries(client, address)
    assert few == many
    assert many == PINNED_LIST_QUERIES
    client.cookies.load(EN)
    assert "Page 1 of 13" in client.get(address).content.decode()


# Session, user, MFA check, roles, organisation, council, count, unread notifications,
# the menu's memberships, the page of meetings: nothing per meeting.
PINNED_LIST_QUERIES = 10


def test_upcoming_meetings_are_the_persons_own_with_their_answer(world, client_for, setup):
    c, m, _item = setup
    other = council(world.a.org, name="Eldrerådet")
    meeting(other, title="Ikke mitt møte")
    meeting(
        c,
        title="Forrige møte",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    invitation(m, world.a["representative"], rsvp=Rsvp.MAYBE)
    client = _client(client_for, world.a["representative"])
    content = client.get(reverse("councils:meeting_upcoming", args=[world.a.org.slug]))
    text = content.content.decode()
    assert "Høstmøtet" in text
    assert "Maybe" in text
    assert "Ikke mitt møte" not in text
    assert "Forrige møte" not in text


# --- Demo -------------------------------------------------------------------------------


def _council_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Council,
            Seat,
            CouncilMember,
            UserOrganization,
            Meeting,
            AgendaItem,
            Invitation,
        )
    )


def test_the_demo_council_has_everything_to_show_and_loads_idempotently(db):
    demo_load()
    counts = _council_counts()
    demo_load()
    assert _council_counts() == counts

    c = Council.objects.get(name=COUNCIL_NAME, organization__slug="eksempel-kommune")
    shape = composition(c)
    assert 6 <= len(shape.current) <= 8
    assert [seat.title for seat in shape.unfilled_required] == ["Eldre"]
    assert len(shape.ending_soon) == 1
    held = c.meetings.filter(status=MeetingStatus.HELD)
    assert sorted(held.values_list("minutes_audience", flat=True)) == ["members", "public"]
    assert all(m.minutes_published_at for m in held)
    assert AgendaItem.objects.filter(meeting__in=held).exclude(decision="").count() >= 2
    coming = c.meetings.get(status=MeetingStatus.PLANNED)
    assert coming.starts_at > timezone.now()
    answers = set(coming.invitations.values_list("rsvp", flat=True))
    assert {Rsvp.YES, Rsvp.NO, Rsvp.MAYBE, Rsvp.PENDING} <= answers
    assert coming.invitations.exclude(access_needs="").exists()


def test_invitations_are_only_for_planned_meetings_ahead(world, client_for, setup):
    c, _m, _item = setup
    past = meeting(
        c,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    cancelled = meeting(c, status=MeetingStatus.CANCELLED)
    for refused in (past, cancelled):
        with pytest.raises(ValidationError):
            services.invitations_send(meeting=refused)
    client = _client(client_for, world.a["coordinator"])
    response = client.post(url("meeting_invitations", world.a.org, cancelled.pk), follow=True)
    assert "only be sent for a planned meeting" in response.content.decode()
    assert not Invitation.objects.filter(meeting__in=[past, cancelled]).exists()


def test_a_changed_time_or_a_cancellation_tells_everyone_invited_but_those_not_coming(
    world, setup, django_capture_on_commit_callbacks
):
    _c, m, _item = setup
    services.invitations_send(meeting=m)
    Invitation.objects.filter(meeting=m, user=world.a["next_of_kin"]).update(rsvp=Rsvp.NO)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=m, title="Nytt navn")  # not news to a calendar
    assert not Notification.objects.filter(message="meeting_changed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=m,
            starts_at=m.starts_at + timedelta(hours=1),
            ends_at=m.ends_at + timedelta(hours=1),
        )
    changed = Notification.objects.filter(message="meeting_changed")
    assert {n.recipient for n in changed} == {world.a["representative"]}
    with translation.override("en"):
        assert "19:00" in changed.get().body
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=m, status=MeetingStatus.CANCELLED)
    assert Notification.objects.filter(message="meeting_changed").count() == 2
