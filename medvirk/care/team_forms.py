"""Forms of the care team pages. They parse input; the rules live in ``team.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.care.models import EndReason
from medvirk.care.team_selectors import CourseStatus, people_in_care, start_units, team_staff
from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Organization, Unit


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by name and e-mail, so that two people of the same name can be told apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class OverviewFilterForm(forms.Form):
    """The staff overview's filters; every field may be left empty."""

    text = forms.CharField(label=_("Name"), max_length=100, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organization=organization)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters (a wrong one is shown as an error and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"text": (data.get("text") or "").strip(), "unit": data.get("unit")}


class CoursesFilterForm(OverviewFilterForm):
    """The coordinators' list: open courses unless told otherwise."""

    status = forms.ChoiceField(
        label=_("Courses of care"),
        choices=[
            (CourseStatus.OPEN, _("Open")),
            (CourseStatus.ENDED, _("Ended")),
            (CourseStatus.ALL, _("Open and ended")),
        ],
        required=False,
        initial=CourseStatus.OPEN,
    )

    def filters(self) -> dict[str, Any]:
        found = super().filters()
        status = getattr(self, "cleaned_data", {}).get("status") or CourseStatus.OPEN
        return {**found, "status": status}


class PersonSearchForm(forms.Form):
    """Find the person to follow by name or e-mail (a GET form: works without JavaScript)."""

    q = forms.CharField(
        label=_("Name or e-mail address"),
        min_length=2,
        max_length=100,
        help_text=_("At least two letters. Only people with the user role are found."),
    )


class CourseStartForm(forms.Form):
    """Start a course of care for the person chosen by the search.

    Staff start courses in their own units and are the primary contact;
    coordinators may choose any unit and the staff member who is.
    """

    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the person with the search first."),
            "invalid_choice": _("Choose the person with the search first."),
        },
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    primary = StaffChoiceField(
        label=_("Primary contact"),
        queryset=User.objects.none(),
        help_text=_("A member of staff; more can join the team afterwards."),
    )

    def __init__(self, *args: Any, context: OrgContext, organiser: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        organization = context.organization
        self.fields["person"].queryset = people_in_care(organization)  # type: ignore[attr-defined]
        unit = self.fields["unit"]
        unit.queryset = start_units(context, organiser=organiser)  # type: ignore[attr-defined]
        if organiser:
            unit.empty_label = _("Choose a unit")  # type: ignore[attr-defined]
            self.fields["primary"].queryset = team_staff(organization)  # type: ignore[attr-defined]
        else:
            unit.empty_label = None  # type: ignore[attr-defined]
            unit.help_text = _("One of the units you work in.")
            # Staff who start a course are its primary contact.
            del self.fields["primary"]


class TeamMemberAddForm(forms.Form):
    staff = StaffChoiceField(
        label=_("Member of staff"), queryset=User.objects.none(), empty_label=_("Choose")
    )
    role = forms.CharField(
        label=_("Role on the team"),
        max_length=120,
        required=False,
        help_text=_("For example “nurse”, “psychologist” or “case manager”."),
    )
    is_primary = forms.BooleanField(
        label=_("Primary contact"),
        required=False,
        help_text=_("The person's first point of contact. There is one at a time."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = team_staff(organization)  # type: ignore[attr-defined]


class TeamMemberForm(forms.Form):
    role = TeamMemberAddForm.base_fields["role"]
    is_primary = TeamMemberAddForm.base_fields["is_primary"]


class CourseEndForm(forms.Form):
    ended_on = forms.DateField(label=_("End date"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("How it ended"),
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the course of care ended.")},
    )
    note = forms.CharField(
        label=_("About the end"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example where the person moved to. The person, the team and the "
            "coordinators see it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("ended_on", timezone.localdate())
        super().__init__(*args, **kwargs)
