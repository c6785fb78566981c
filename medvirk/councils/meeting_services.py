"""Writes for meetings: scheduling, agenda, documents, invitations, RSVP, attendance, minutes.

Every function is keyword-only and atomic. Rules that forms also show (a
meeting ends after it starts; it has a place or a video link; an upload is
an allowed type and size) are checked here again, so no caller can store a
meeting or a file that breaks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.models import User
from medvirk.core.uploads import check_upload, type_names
from medvirk.councils.choices import AgendaKind, MeetingStatus, MinutesAudience, Rsvp
from medvirk.councils.meeting_access import current_members
from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.models import (
    AgendaItem,
    Council,
    CouncilMember,
    Invitation,
    Meeting,
    MeetingDocument,
)
from medvirk.councils.signals import attendance_recorded
from medvirk.notifications.models import absolute_url
from medvirk.notifications.services import notify
from medvirk.organizations.models import Membership

# --- Rules ------------------------------------------------------------------------------

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024  # 20 MB
# The real types (read from the file's first bytes), in the order the refusal names them.
ALLOWED_DOCUMENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "image/png",
    "image/jpeg",
)

MEETING_TIME_FIELDS = ("starts_at", "ends_at", "place", "video_url", "status", "title")

ENDS_BEFORE_START = gettext_lazy("The meeting must end after it starts.")
NO_PLACE = gettext_lazy("Give a place, a video link or both.")


def meeting_rule_errors(
    *, starts_at: datetime | None, ends_at: datetime | None, place: str, video_url: str
) -> dict[str, list[str]]:
    """The meeting rules broken by these values, by field (empty when all hold)."""
    errors: dict[str, list[str]] = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [str(ENDS_BEFORE_START)]
    if not place.strip() and not video_url.strip():
        errors["place"] = [str(NO_PLACE)]
    return errors


def _check_meeting(meeting: Meeting) -> None:
    errors = meeting_rule_errors(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
    )
    if errors:
        raise ValidationError(errors)


def allowed_types_label() -> str:
    return type_names(ALLOWED_DOCUMENT_TYPES)


def document_type(upload: UploadedFile | IO[bytes]) -> str:
    """The upload's real content type, or ValidationError naming what is allowed.

    The browser's declared type and the file name are ignored: only the
    file's first bytes count, so a renamed program is refused.
    """
    # The limit is read here, not bound at import, so that tests can lower it.
    return check_upload(upload, allowed=ALLOWED_DOCUMENT_TYPES, max_bytes=MAX_DOCUMENT_SIZE)


def _clean_filename(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Keep the name readable but harmless in a Content-Disposition header.
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '";\r\n')
    return cleaned[:255] or "document"


# --- Meetings ---------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    council: Council,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    video_url: str = "",
    status: str = MeetingStatus.PLANNED,
) -> Meeting:
    """Schedule a meeting of ``council``."""
    meeting = Meeting(
        council=council,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_url=video_url,
        status=status,
    )
    _check_meeting(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **values: Any) -> Meeting:
    """Change a meeting; a change people's calendars show raises the iCalendar SEQUENCE."""
    changed = False
    before = {name: getattr(meeting, name) for name in NOTIFIED_FIELDS}
    for name, value in values.items():
        if name not in MEETING_TIME_FIELDS:
            raise TypeError(f"meeting_update does not change {name!r}")
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed = True
    if not changed:
        return meeting
    _check_meeting(meeting)
    meeting.sequence += 1
    meeting.save()
    if any(name in NOTIFIED_FIELDS for name in values) and _calendar_changed(meeting, before):
        transaction.on_commit(lambda: _notify_change(meeting))
    return meeting


# A change to these is news to everyone already invited.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "video_url", "status")


def _calendar_changed(meeting: Meeting, before: dict[str, Any]) -> bool:
    return any(getattr(meeting, name) != before[name] for name in NOTIFIED_FIELDS)


def _notify_change(meeting: Meeting) -> None:
    """Tell everyone invited that the time, place or status changed, with the new details."""
    council = meeting.council
    invitations = (
        Invitation.objects.filter(meeting=meeting, sent_at__isnull=False)
        .exclude(rsvp=Rsvp.NO)
        .select_related("user")
    )
    with timezone.override(meeting_zone()):
        for invitation in invitations:
            slug = link_slug(invitation.user, council)
            notify(
                recipient=invitation.user,
                message="meeting_changed",
                context={
                    "meeting": meeting,
                    "council": council,
                    "cancelled": meeting.status == MeetingStatus.CANCELLED,
                    "ics_url": absolute_url(
                        reverse("councils:meeting_ics", args=[slug, meeting.pk])
                    ),
                },
                url=reverse("councils:meeting_detail", args=[slug, meeting.pk]),
                organization=council.organization,
            )


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting) -> Meeting:
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
    return meeting


# --- Agenda -----------------------------------------------------------------------------


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, kind: str = AgendaKind.INFORMATION, description: str = ""
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, position=last + 1, kind=kind, title=title, description=description
    )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, title: str, kind: str, description: str) -> AgendaItem:
    item.title, item.kind, item.description = title, kind, description
    item.save(update_fields=["title", "kind", "description", "updated_at"])
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, offset: int) -> AgendaItem:
    """Move an item up (negative) or down (positive) the agenda; the ends stay put."""
    ordered = list(item.meeting.agenda_items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    _renumber(item.meeting, ordered)
    item.refresh_from_db(fields=["position"])
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: Iterable[int]) -> None:
    """Put the agenda in the given order; items not named keep their order after them."""
    items = {item.pk: item for item in meeting.agenda_items.select_for_update()}
    ordered = [items.pop(pk) for pk in item_ids if pk in items]
    ordered += sorted(items.values(), key=lambda item: (item.position, item.pk))
    _renumber(meeting, ordered)


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    """Remove an item with its documents; the rest close up."""
    meeting = item.meeting
    for document in item.documents.all():
        document_remove(document=document)
    item.delete()
    _renumber(meeting, list(meeting.agenda_items.order_by("position", "pk")))


# --- Documents --------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    meeting: Meeting,
    upload: UploadedFile,
    title: str = "",
    agenda_item: AgendaItem | None = None,
) -> MeetingDocument:
    """Store an upload in private storage; refused (nothing stored) unless type and size pass."""
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    content_type = document_type(upload)
    filename = _clean_filename(upload.name)
    document = MeetingDocument(
        meeting=meeting,
        agenda_item=agenda_item,
        title=(title.strip() or filename)[:200],
        filename=filename,
        content_type=content_type,
        size=int(upload.size or 0),
    )
    document.file.save(filename, upload, save=False)
    # Should the row fail to save, the file must not stay behind.
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_remove(*, document: MeetingDocument) -> None:
    """Delete the row, then the file once the deletion is committed."""
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))


# --- Invitations and answers ------------------------------------------------------------


def link_slug(user: User, council: Council) -> str:
    """The organisation address under which ``user`` reaches the council.

    Usually the council's own organisation; for a collaboration body's council
    a person may belong only to one of its member organisations.
    """
    slugs = list(
        Membership.objects.filter(user=user)
        .values_list("organization_id", "organization__slug")
        .distinct()
    )
    for org_id, slug in slugs:
        if org_id == council.organization_id:
            return slug
    member_orgs = set(council.organization.member_organizations.values_list("pk", flat=True))
    for org_id, slug in slugs:
        if org_id in member_orgs:
            return slug
    return council.organization.slug


@dataclass(frozen=True)
class InvitationsSent:
    created: list[Invitation]
    already: int  # people invited before, not notified again


def _notify_invitation(invitation: Invitation) -> None:
    meeting = invitation.meeting
    council = meeting.council
    slug = link_slug(invitation.user, council)
    # Times in the e-mail are the meeting's local times, whatever zone is active.
    with timezone.override(meeting_zone()):
        _notify(invitation, slug)


def _notify(invitation: Invitation, slug: str) -> None:
    meeting = invitation.meeting
    council = meeting.council
    notify(
        recipient=invitation.user,
        message="meeting_invitation",
        context={
            "meeting": meeting,
            "council": council,
            "agenda": list(meeting.agenda_items.order_by("position", "pk")),
            "ics_url": absolute_url(reverse("councils:meeting_ics", args=[slug, meeting.pk])),
            "meeting_url": absolute_url(
                reverse("councils:meeting_detail", args=[slug, meeting.pk])
            ),
        },
        url=reverse("councils:meeting_rsvp", args=[slug, meeting.pk]),
        organization=council.organization,
    )


@transaction.atomic
def invitations_send(*, meeting: Meeting) -> InvitationsSent:
    """Invite every current council member not invited yet, and tell each of them.

    Sending again after members were added invites (and notifies) only the
    new ones, so nobody gets the same invitation twice.
    """
    if meeting.status != MeetingStatus.PLANNED or meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("Invitations can only be sent for a planned meeting that has not started yet.")
        )
    members = list(current_members(meeting.council))
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    now = timezone.now()
    created: list[Invitation] = []
    already = 0
    seen: set[int] = set()
    for member in members:
        if member.user_id in seen:
            continue  # two roles on one council: one invitation
        seen.add(member.user_id)
        if member.user_id in invited:
            already += 1
            # A person added after the attendance list may have no sent_at yet.
            Invitation.objects.filter(meeting=meeting, user=member.user, sent_at=None).update(
                sent_at=now, member=member
            )
            continue
        invitation = Invitation.objects.create(
            meeting=meeting, user=member.user, member=member, sent_at=now
        )
        invitation.meeting = meeting
        _notify_invitation(invitation)
        created.append(invitation)
    return InvitationsSent(created=created, already=already)


@transaction.atomic
def rsvp_answer(*, invitation: Invitation, rsvp: str, access_needs: str = "") -> Invitation:
    """The invitee's answer: coming, not coming or maybe, and what they need to take part."""
    if rsvp not in {Rsvp.YES, Rsvp.NO, Rsvp.MAYBE}:
        raise ValidationError({"rsvp": [_("Choose whether you are coming.")]})
    invitation.rsvp = rsvp
    invitation.access_needs = access_needs.strip()
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["rsvp", "access_needs", "responded_at", "updated_at"])
    return invitation


# --- After the meeting ------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, attended_user_ids: Iterable[int], added_members: Iterable[CouncilMember]
) -> None:
    """Save who attended: ticked invitees yes, the other invitees no.

    ``added_members`` are council members who came without an invitation;
    each gets an (unsent) invitation marked attended.
    """
    attended = set(attended_user_ids)
    for member in added_members:
        if member.council_id != meeting.council_id:
            raise ValidationError(_("Only members of the council can be added."))
        Invitation.objects.get_or_create(
            meeting=meeting, user_id=member.user_id, defaults={"member": member}
        )
        attended.add(member.user_id)
    invitations = Invitation.objects.filter(meeting=meeting)
    invitations.filter(user_id__in=attended).update(attended=True, updated_at=timezone.now())
    invitations.exclude(user_id__in=attended).update(attended=False, updated_at=timezone.now())
    attendance_recorded.send(sender=Meeting, meeting=meeting, attended_user_ids=sorted(attended))


@transaction.atomic
def minutes_save(*, meeting: Meeting, entries: Mapping[int, tuple[str, str]]) -> None:
    """Save minutes (and a decision, for decision items) per agenda item id."""
    for item in meeting.agenda_items.all():
        if item.pk not in entries:
            continue
        minutes, decision = entries[item.pk]
        item.minutes = minutes.strip()
        item.decision = decision.strip() if item.kind == AgendaKind.DECISION else ""
        item.save(update_fields=["minutes", "decision", "updated_at"])


@transaction.atomic
def minutes_publish(*, meeting: Meeting, audience: str) -> Meeting:
    """Publish the minutes to the council's members or to everyone who sees the council."""
    if audience not in MinutesAudience.values:
        raise ValidationError({"audience": [_("Choose who may read the minutes.")]})
    meeting.minutes_audience = audience
    meeting.minutes_published_at = meeting.minutes_published_at or timezone.now()
    meeting.save(update_fields=["minutes_audience", "minutes_published_at", "updated_at"])
    return meeting


@transaction.atomic
def minutes_unpublish(*, meeting: Meeting) -> Meeting:
    meeting.minutes_published_at = None
    meeting.save(update_fields=["minutes_published_at", "updated_at"])
    return meeting
