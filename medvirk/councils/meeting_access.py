"""Load meetings, agenda items, documents and invitations for a person, checking access.

Every loader goes through the council first (``access_council``): whoever
cannot see the council gets 404 for everything in it, also across
organisations (ADR 5). Within a visible council three circles see more:

- everyone who sees the council sees a meeting's time, place and agenda;
- current council members and the council's managers also read the
  documents, and members-only minutes once they are published;
- managers (``can_manage_council``) run the meeting and read draft minutes
  and everyone's answers with their access needs.

Public minutes are read by everyone who sees the council.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from medvirk.councils.access import (
    access_council,
    can_manage_council,
    is_council_member,
    visible_councils,
)
from medvirk.councils.choices import MinutesAudience
from medvirk.councils.models import (
    AgendaItem,
    Council,
    CouncilMember,
    Invitation,
    Meeting,
    MeetingDocument,
)
from medvirk.organizations.access import OrgContext
from medvirk.organizations.permissions import Action

if TYPE_CHECKING:
    from medvirk.organizations.access import AnyUser


@dataclass(frozen=True)
class MeetingAccess:
    """A person looking at one meeting, and what the circles above allow them."""

    context: OrgContext
    council: Council
    meeting: Meeting
    is_member: bool
    can_manage: bool

    @property
    def can_read_documents(self) -> bool:
        return self.is_member or self.can_manage

    @property
    def can_read_minutes(self) -> bool:
        """Published minutes for their audience; managers also read drafts."""
        if self.can_manage:
            return True
        if self.meeting.minutes_published_at is None:
            return False
        return self.meeting.minutes_audience == MinutesAudience.PUBLIC or self.is_member

    @property
    def invitation(self) -> Invitation | None:
        """The person's own invitation to the meeting, if they have one."""
        return Invitation.objects.filter(meeting=self.meeting, user=self.context.user).first()


def council_for_meetings(
    user: AnyUser, org_slug: str, council_id: int, *, manage: bool = False
) -> tuple[OrgContext, Council, bool]:
    """The context, a visible council and whether the person manages it (404 if ``manage``)."""
    context, council = access_council(user, org_slug, council_id, Action.VIEW_COUNCILS)
    can_manage = can_manage_council(context, council)
    if manage and not can_manage:
        raise Http404
    return context, council, can_manage


def _meeting_access(
    user: AnyUser, org_slug: str, meeting: Meeting | None, *, manage: bool
) -> MeetingAccess:
    if meeting is None:
        raise Http404
    context, council, can_manage = council_for_meetings(
        user, org_slug, meeting.council_id, manage=manage
    )
    meeting.council = council
    return MeetingAccess(
        context=context,
        council=council,
        meeting=meeting,
        is_member=is_council_member(context.user, council),
        can_manage=can_manage,
    )


def access_meeting(
    user: AnyUser, org_slug: str, meeting_id: int, *, manage: bool = False
) -> MeetingAccess:
    """A meeting of a council the person sees (runs, with ``manage``), or 404."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return _meeting_access(user, org_slug, meeting, manage=manage)


def access_agenda_item(
    user: AnyUser, org_slug: str, item_id: int
) -> tuple[MeetingAccess, AgendaItem]:
    """An agenda item of a meeting the person runs, or 404."""
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    access = _meeting_access(user, org_slug, item.meeting if item else None, manage=True)
    assert item is not None
    return access, item


def access_document(
    user: AnyUser, org_slug: str, document_id: int, *, manage: bool = False
) -> tuple[MeetingAccess, MeetingDocument]:
    """A meeting document for council members and managers; 404 for everyone else."""
    document = (
        MeetingDocument.objects.select_related("meeting", "agenda_item")
        .filter(pk=document_id)
        .first()
    )
    access = _meeting_access(user, org_slug, document.meeting if document else None, manage=manage)
    if not access.can_read_documents:
        raise Http404
    assert document is not None
    return access, document


def access_own_invitation(
    user: AnyUser, org_slug: str, meeting_id: int
) -> tuple[MeetingAccess, Invitation]:
    """The person's own invitation to a meeting they can see, or 404."""
    access = access_meeting(user, org_slug, meeting_id)
    invitation = access.invitation
    if invitation is None:
        raise Http404
    return access, invitation


# --- Reads ------------------------------------------------------------------------------


def council_meetings(council: Council) -> QuerySet[Meeting]:
    """A council's meetings, newest first (one query per page, nothing per row)."""
    return Meeting.objects.filter(council=council).order_by("-starts_at", "pk")


def upcoming_meetings(context: OrgContext, now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings not yet ended of the councils the person is a current member of.

    Each meeting carries ``my_rsvp``: the person's answer, or ``None`` when
    they have no invitation yet.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = CouncilMember.objects.filter(user=context.user, term_start__lte=today).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=today)
    )
    answer = Invitation.objects.filter(meeting=OuterRef("pk"), user=context.user).values("rsvp")
    return (
        Meeting.objects.filter(
            council__in=visible_councils(context),
            council_id__in=current.values("council_id"),
            ends_at__gte=now,
        )
        .select_related("council")
        .annotate(my_rsvp=Subquery(answer[:1]))
        .order_by("starts_at", "pk")
    )


def current_members(council: Council, on: datetime | None = None) -> QuerySet[CouncilMember]:
    """The council's members whose term includes the day of ``on`` (today by default)."""
    day = timezone.localdate(on) if on else timezone.localdate()
    return (
        CouncilMember.objects.filter(council=council, term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("user", "represents")
    )


def invitations_of(meeting: Meeting) -> QuerySet[Invitation]:
    """Every invitation of a meeting with its person, in name order."""
    return (
        Invitation.objects.filter(meeting=meeting)
        .select_related("user", "member")
        .order_by("user__full_name", "pk")
    )
