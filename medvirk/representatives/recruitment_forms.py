"""Forms of the recruitment pages. They parse input; the rules live in ``recruitment.py``."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.councils.models import Council, Seat
from medvirk.councils.selectors import seats_for
from medvirk.organizations.models import Organization
from medvirk.representatives.models import (
    AssignmentKind,
    ExperienceArea,
    Request,
    RequestStatus,
)
from medvirk.representatives.recruitment_selectors import AssignmentState
from medvirk.representatives.registry_selectors import LANGUAGES


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _ends_after_start(form: forms.BaseForm, message: str) -> None:
    start = form.cleaned_data.get("starts_on")
    end = form.cleaned_data.get("ends_on")
    if start and end and end < start:
        form.add_error("ends_on", message)


# --- Requests ----------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All requests")), *RequestStatus.choices],
        required=False,
    )


class RequestForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language wanted"),
        choices=[("", _("No particular language")), *LANGUAGES],
        required=False,
        help_text=_("People who speak it rank higher."),
    )
    needed = forms.IntegerField(
        label=_("People needed"),
        min_value=1,
        max_value=100,
        initial=1,
        error_messages={"min_value": _("At least one person must be needed.")},
    )

    class Meta:
        model = Request
        fields = [
            "title",
            "description",
            "kind",
            "council",
            "areas",
            "language",
            "region",
            "needed",
            "starts_on",
            "ends_on",
            "hours",
        ]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {
            "title": _("For example “Two representatives for the new day-centre project”."),
            "description": _("What the work is, and what the people will do. Invitees read it."),
            "council": _("If the assignment is a seat on a council or group."),
            "areas": _("People with more of these areas in common rank higher."),
            "region": _("People in this region or municipality rank higher."),
            "ends_on": _("Leave empty if there is no set end."),
            "hours": _("About how many hours in all, so people know what they say yes to."),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.council_id if self.instance else None
        self.fields["council"].queryset = Council.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk=current), organization=organization
        )
        self.fields["areas"].queryset = ExperienceArea.objects.all()  # type: ignore[attr-defined]
        self.fields["description"].widget.attrs["rows"] = 5

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _ends_after_start(self, str(_("The request cannot end before it starts.")))
        return cleaned


class PeopleField(forms.ModelMultipleChoiceField):
    """Chosen by checkboxes in the suggestions table (the template draws them)."""

    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return str(user)


class InviteForm(forms.Form):
    people = PeopleField(
        label=_("People to invite"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose at least one person to invite."),
            "invalid_choice": _(
                "Someone you chose can no longer be invited: already invited, or no longer "
                "in the registry. The list below is up to date."
            ),
            "invalid_pk_value": _("Choose people from the list."),
        },
    )
    message = forms.CharField(
        label=_("Message to the people you invite"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent with the invitation, with the request's description."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people  # type: ignore[attr-defined]

    def chosen_ids(self) -> set[int]:
        """The ids ticked, to keep them ticked when the page shows again."""
        if not self.is_bound:
            return set()
        return {int(v) for v in self.data.getlist("people") if str(v).isdigit()}  # type: ignore[attr-defined]


class ShowUnavailableForm(forms.Form):
    unavailable = forms.BooleanField(
        label=_("Also show people who are not available at the moment"), required=False
    )
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- Answers -----------------------------------------------------------------------------------


class Answer:
    ACCEPT = "accept"
    DECLINE = "decline"


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Answer.ACCEPT, _("Yes, I accept")),
            (Answer.DECLINE, _("No, I decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    reason = forms.CharField(
        label=_("Why you decline (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if you decline. It helps the coordinator ask better next time."),
    )


# --- Onboarding --------------------------------------------------------------------------------


class AgreementForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the agreement and accept it."),
        error_messages={"required": _("Tick the box to accept the agreement.")},
    )


def text_version(text: str) -> str:
    """A short fingerprint of a text, to notice that it changed while the page was open."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DeclarationForm(forms.Form):
    signature = forms.CharField(
        label=_("Your full name, as your signature"),
        max_length=200,
        help_text=_("Type your full name as it is on your account."),
        error_messages={"required": _("Type your full name to sign.")},
    )
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, text: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = text_version(text)
        super().__init__(*args, **kwargs)
        self.text = text
        self.fields["signature"].widget.attrs["autocomplete"] = "name"

    def clean_version(self) -> str:
        version = str(self.cleaned_data["version"])
        if version != text_version(self.text):
            raise forms.ValidationError(
                _(
                    "The declaration changed while the page was open (perhaps the language). "
                    "Read it again below, then sign."
                )
            )
        return version


# --- Assignments -------------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssignmentKind.choices)
    title = forms.CharField(label=_("Assignment"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if there is no set end."),
    )
    hours = forms.DecimalField(
        label=_("Estimated hours"),
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
    )
    paid = forms.BooleanField(
        label=_("Honorarium"),
        required=False,
        help_text=_("Experience consultants are employees and claim no honorarium."),
    )
    add_to_council = forms.BooleanField(
        label=_("Also add the person to the council for the same period"),
        required=False,
    )
    seat = forms.ModelChoiceField(
        label=_("Seat on the council"),
        queryset=Seat.objects.none(),
        required=False,
        empty_label=_("No seat"),
    )

    def __init__(self, *args: Any, council: Council | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if council is None:
            del self.fields["add_to_council"]
            del self.fields["seat"]
        else:
            self.fields["seat"].queryset = seats_for(council)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _ends_after_start(self, str(_("The assignment cannot end before it starts.")))
        return cleaned


class AssignmentFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        choices=[
            ("", _("All assignments")),
            (AssignmentState.CURRENT, _("Current")),
            (AssignmentState.COMING, _("Starting later")),
            (AssignmentState.ENDED, _("Ended")),
        ],
        required=False,
    )


class AssignmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    end_council_membership = forms.BooleanField(
        label=_("End the council membership on the same day"), required=False, initial=True
    )

    def __init__(self, *args: Any, has_membership: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_membership:
            del self.fields["end_council_membership"]
