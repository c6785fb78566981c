"""Councils and groups, their seats and members, meetings, agendas, minutes and attendance.

A ``Council`` belongs to one organisation — a municipality, a health trust,
or a collaboration body whose member organisations share it (``visibility``
says who sees it). Seats describe the composition a mandate asks for;
``CouncilMember`` rows fill them for a term. Meetings carry an agenda whose
items get minutes and decisions; ``Invitation`` holds the RSVP with access
needs and, after the meeting, attendance (the honorarium feature reads it).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel
from medvirk.core.storage import private_storage  # migrations name it in this module
from medvirk.councils.choices import (
    AgendaKind,
    CouncilKind,
    MeetingStatus,
    MemberRole,
    MinutesAudience,
    Rsvp,
    Visibility,
)

# A term ending within this many days is shown as "ending soon".
TERM_ENDING_SOON_DAYS = 90


class UserOrganization(TimeStampedModel):
    """A user or patient organisation people represent (FFO, Mental Helse, a local one).

    One list per installation, shared by every organisation on it.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("user organisation")
        verbose_name_plural = _("user organisations")

    def __str__(self) -> str:
        return self.short_name or self.name


class Council(OrganizationOwnedModel):
    kind = models.CharField(
        _("kind"), max_length=30, choices=CouncilKind.choices, default=CouncilKind.USER_COUNCIL
    )
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("unit"),
        help_text=_("Leave empty for a council of the whole organisation."),
    )
    visibility = models.CharField(
        _("who can see it"), max_length=30, choices=Visibility.choices, default=Visibility.OWNER
    )
    term_months = models.PositiveSmallIntegerField(
        _("usual term (months)"), default=24, help_text=_("Typically two years.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("council or group")
        verbose_name_plural = _("councils and groups")

    def __str__(self) -> str:
        return self.name


class Seat(TimeStampedModel):
    """A place the mandate asks for, e.g. "one seat for mental health and substance use"."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    title = models.CharField(_("seat"), max_length=200)
    requirement = models.TextField(_("requirement"), blank=True)
    required = models.BooleanField(
        _("must be filled"), default=True, help_text=_("The mandate requires this seat filled.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["council", "position", "pk"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return self.title


class CouncilMember(TimeStampedModel):
    """A person on a council for a term, in a role, perhaps on a seat, perhaps representing."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    seat = models.ForeignKey(
        Seat,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
        verbose_name=_("seat"),
    )
    represents = models.ForeignKey(
        UserOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_members",
        verbose_name=_("represents"),
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        ordering = ["council", "role", "user__full_name", "pk"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="council_member_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.term_start <= on and (self.term_end is None or self.term_end >= on)

    def ends_soon(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.term_end is not None and on <= self.term_end <= on + timedelta(
            days=TERM_ENDING_SOON_DAYS
        )


def document_path(instance: Any, filename: str) -> str:
    return f"council-documents/{uuid.uuid4().hex}"


class Meeting(TimeStampedModel):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes_audience = models.CharField(
        _("minutes are for"),
        max_length=20,
        choices=MinutesAudience.choices,
        default=MinutesAudience.MEMBERS,
    )
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # iCalendar UID
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE for updates

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organization_id(self) -> int:
        return self.council.organization_id


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("type"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.INFORMATION
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class MeetingDocument(TimeStampedModel):
    """A document for a meeting or one of its agenda items; served through an access check."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path, storage=private_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class Invitation(TimeStampedModel):
    """One person's invitation to a meeting: RSVP, access needs and attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    rsvp = models.CharField(_("answer"), max_length=20, choices=Rsvp.choices, default=Rsvp.PENDING)
    access_needs = models.TextField(
        _("access needs"),
        blank=True,
        help_text=_("For example an interpreter, step-free access, a hearing loop or a diet."),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="invitation_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.user}"
