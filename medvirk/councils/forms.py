"""Forms of the council pages. They parse input; the composition rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.councils.choices import CouncilKind, MemberRole
from medvirk.councils.models import Council, CouncilMember, Seat, UserOrganization
from medvirk.councils.selectors import member_candidates, seats_for, user_organizations
from medvirk.organizations.models import Organization, Unit


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CouncilFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *CouncilKind.choices], required=False
    )


class CouncilForm(forms.ModelForm):
    class Meta:
        model = Council
        fields = ["name", "kind", "mandate", "unit", "visibility", "term_months", "is_active"]
        help_texts = {
            "mandate": _("What the council is for and what it may give advice on."),
            "visibility": _(
                "Sharing with member organisations matters only for a collaboration body's "
                "councils."
            ),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            organization=organization, is_active=True
        )
        self.fields["mandate"].widget.attrs["rows"] = 6


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["title", "requirement", "required", "position"]
        help_texts = {
            "title": _("For example “Mental health and substance use”."),
            "requirement": _("Who the seat is for, as the mandate describes it."),
            "position": _("Seats are listed by this number, smallest first."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].widget.attrs["rows"] = 3


class PersonChoiceField(forms.ModelChoiceField):
    """Shows name and e-mail, since two people may share a name."""

    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        if user.full_name:
            return f"{user.full_name} ({user.email})"
        return user.email


class MemberForm(forms.Form):
    """Add a person to a council (with ``user``) or edit a membership (without)."""

    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        help_text=_("People with a role in the organisation that owns the council."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    seat = forms.ModelChoiceField(
        label=_("Seat"),
        queryset=Seat.objects.none(),
        required=False,
        empty_label=_("No seat"),
    )
    represents = forms.ModelChoiceField(
        label=_("Represents"),
        queryset=UserOrganization.objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
        help_text=_("The user organisation the person speaks for, if any."),
    )
    term_start = forms.DateField(label=_("Term starts"), widget=DateInput())
    term_end = forms.DateField(
        label=_("Term ends"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the term has no set end."),
    )

    def __init__(
        self,
        *args: Any,
        council: Council,
        member: CouncilMember | None = None,
        **kwargs: Any,
    ) -> None:
        if member is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "role": member.role,
                "seat": member.seat_id,
                "represents": member.represents_id,
                "term_start": member.term_start,
                "term_end": member.term_end,
            }
        super().__init__(*args, **kwargs)
        self.council = council
        if member is None:
            self.fields["user"].queryset = member_candidates(council)  # type: ignore[attr-defined]
        else:
            del self.fields["user"]
        self.fields["seat"].queryset = seats_for(council)  # type: ignore[attr-defined]
        self.fields["represents"].queryset = user_organizations()  # type: ignore[attr-defined]


class UserOrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = UserOrganization
        fields = ["name", "short_name", "website"]
        help_texts = {"short_name": _("For example “FFO”. Shown where space is short.")}

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()
