"""Forms for meetings. Each renders through the shared Designsystemet form templates.

Times are typed as local wall-clock time in the meeting zone (Europe/Oslo)
with the browser's ``datetime-local`` input and stored as aware datetimes,
whatever time zone happens to be active.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.councils.choices import AgendaKind, MeetingStatus, MinutesAudience, Rsvp
from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.meeting_services import (
    allowed_types_label,
    document_type,
    meeting_rule_errors,
)
from medvirk.councils.models import AgendaItem, CouncilMember, Invitation, Meeting

_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read and shown in the meeting zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(meeting_zone()):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(meeting_zone()):
            return super().prepare_value(value)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = LocalDateTimeField(
        label=_("Starts"), help_text=_("Norwegian time, for example 15.01.2026 18:00.")
    )
    ends_at = LocalDateTimeField(label=_("Ends"))
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("The address and room. Give a place, a video link or both."),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("For example a Teams or Zoom link."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=MeetingStatus.choices, initial=MeetingStatus.PLANNED
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = meeting_rule_errors(
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            place=data.get("place", "") or "",
            video_url=data.get("video_url", "") or "",
        )
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        return {name: getattr(meeting, name) for name in cls.base_fields}


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=AgendaKind.choices,
        initial=AgendaKind.INFORMATION,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the item is about and what the council is asked to do."),
    )

    @classmethod
    def initial_for(cls, item: AgendaItem) -> dict[str, Any]:
        return {"kind": item.kind, "title": item.title, "description": item.description}


WHOLE_MEETING = ""


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX, ODT, PNG or JPEG, at most 20 MB."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    agenda_item = forms.ChoiceField(label=_("Belongs to"), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {
            str(item.pk): item for item in meeting.agenda_items.order_by("position", "pk")
        }
        self.fields["agenda_item"].choices = [  # type: ignore[attr-defined]
            (WHOLE_MEETING, _("The whole meeting")),
            *((pk, f"{n}. {item.title}") for n, (pk, item) in enumerate(self.items.items(), 1)),
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.content_type = document_type(upload)  # the refusal names what is allowed
        return upload

    def clean_agenda_item(self) -> AgendaItem | None:
        value = self.cleaned_data.get("agenda_item") or WHOLE_MEETING
        return None if value == WHOLE_MEETING else self.items[value]

    @staticmethod
    def allowed() -> str:
        return allowed_types_label()


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[
            (Rsvp.YES, Rsvp.YES.label),
            (Rsvp.NO, Rsvp.NO.label),
            (Rsvp.MAYBE, Rsvp.MAYBE.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you are coming.")},
    )
    access_needs = forms.CharField(
        label=_("What do you need to take part?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example an interpreter, step-free access, a hearing loop or a diet. "
            "Only you and the people who run the council see this."
        ),
    )

    @classmethod
    def initial_for(cls, invitation: Invitation) -> dict[str, Any]:
        rsvp = invitation.rsvp if invitation.rsvp != Rsvp.PENDING else None
        return {"rsvp": rsvp, "access_needs": invitation.access_needs}


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who attended?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who took part. Those not ticked are recorded as absent."),
    )
    added = forms.MultipleChoiceField(
        label=_("Council members who attended without an invitation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        invitations: list[Invitation],
        others: list[CouncilMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (str(i.user_id), i.user.get_full_name()) for i in invitations
        ]
        self.others = {str(member.pk): member for member in others}
        self.fields["added"].choices = [  # type: ignore[attr-defined]
            (pk, f"{m.user.get_full_name()} ({m.get_role_display()})")
            for pk, m in self.others.items()
        ]
        if not others:
            del self.fields["added"]
        if not invitations:
            del self.fields["attended"]

    def attended_user_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("attended", [])]

    def added_members(self) -> list[CouncilMember]:
        return [self.others[pk] for pk in self.cleaned_data.get("added", [])]


class MinutesForm(forms.Form):
    """One minutes field per agenda item and a decision field for each decision item."""

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"minutes_{item.pk}"] = forms.CharField(
                label=_("Minutes for item %(number)s: %(title)s")
                % {"number": number, "title": item.title},
                required=False,
                initial=item.minutes,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if item.kind == AgendaKind.DECISION:
                self.fields[f"decision_{item.pk}"] = forms.CharField(
                    label=_("Decision for item %(number)s") % {"number": number},
                    required=False,
                    initial=item.decision,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def entries(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.pk: (data.get(f"minutes_{item.pk}", ""), data.get(f"decision_{item.pk}", ""))
            for item in self.items
        }


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who may read the minutes?"),
        choices=MinutesAudience.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Council members only, or everyone who can see the council. "
            "The people who run the council always can."
        ),
    )
