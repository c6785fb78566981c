"""Forms of the registry pages. They parse input; the rules live in ``registry.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.councils.models import UserOrganization
from medvirk.representatives.models import (
    Availability,
    ExperienceArea,
    Profile,
    ProfileKind,
    TrainingRecord,
)
from medvirk.representatives.registry_selectors import LANGUAGES, experience_areas


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I consent to my profile being kept in the registry and shown to the "
            "organisation's coordinators."
        ),
        error_messages={"required": _("Tick the box to give your consent.")},
    )


class ProfileForm(forms.Form):
    """What a person says about themselves; experience consultants also describe their role."""

    areas = forms.ModelMultipleChoiceField(
        label=_("Lived experience"),
        queryset=ExperienceArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose the areas you have experience of, as a user or as next of kin."),
    )
    nominated_by = forms.ModelChoiceField(
        label=_("Nominated by"),
        queryset=UserOrganization.objects.none(),
        required=False,
        empty_label=_("No user organisation"),
        help_text=_("The user organisation that put you forward, if any."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages you can take part in meetings in."),
    )
    region = forms.CharField(
        label=_("Region or municipality"),
        max_length=120,
        required=False,
        help_text=_("Where you live or can take assignments, for example “Bodø”."),
    )
    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=Availability.choices,
        widget=forms.RadioSelect,
        initial=Availability.AVAILABLE,
    )
    availability_note = forms.CharField(
        label=_("About your availability"),
        max_length=300,
        required=False,
        help_text=_("For example “Not on weekday mornings” or “Away until March”."),
    )
    about = forms.CharField(
        label=_("About me"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you would like the coordinators to know about you."),
    )
    role_description = forms.CharField(
        label=_("Role description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your position as experience consultant involves."),
    )

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "areas": [area.pk for area in profile.areas.all()],
                "nominated_by": profile.nominated_by_id,
                "languages": profile.languages,
                "region": profile.region,
                "availability": profile.availability,
                "availability_note": profile.availability_note,
                "about": profile.about,
                "role_description": profile.role_description,
            }
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = experience_areas()  # type: ignore[attr-defined]
        self.fields["nominated_by"].queryset = UserOrganization.objects.all()  # type: ignore[attr-defined]
        if profile.kind != ProfileKind.EXPERIENCE_CONSULTANT:
            del self.fields["role_description"]


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["title", "provider", "completed_on"]
        labels = {"title": _("Course or training")}
        help_texts = {
            "title": _("For example “Introduction course for user representatives”."),
            "provider": _("Who gave it, for example a user organisation or a college."),
        }
        widgets = {"completed_on": DateInput()}


class RegistryFilterForm(forms.Form):
    """The registry search; every field may be left empty."""

    text = forms.CharField(label=_("Name"), max_length=100, required=False)
    area = forms.ModelChoiceField(
        label=_("Lived experience"),
        queryset=ExperienceArea.objects.none(),
        required=False,
        empty_label=_("All areas"),
    )
    nominated_by = forms.ModelChoiceField(
        label=_("Nominated by"),
        queryset=UserOrganization.objects.none(),
        required=False,
        empty_label=_("Any or none"),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *LANGUAGES], required=False
    )
    region = forms.CharField(label=_("Region or municipality"), max_length=120, required=False)
    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=[("", _("Any availability")), *Availability.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Representatives and experience consultants")), *ProfileKind.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = experience_areas()  # type: ignore[attr-defined]
        self.fields["nominated_by"].queryset = UserOrganization.objects.all()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters (a wrong one is shown as an error and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "text": (data.get("text") or "").strip(),
            "area": data.get("area"),
            "nominated_by": data.get("nominated_by"),
            "language": data.get("language") or "",
            "region": (data.get("region") or "").strip(),
            "availability": data.get("availability") or "",
            "kind": data.get("kind") or "",
        }


class AreaForm(forms.ModelForm):
    class Meta:
        model = ExperienceArea
        fields = ["name", "position"]
        labels = {"name": _("Area"), "position": _("Order")}
        help_texts = {
            "name": _("For example “Mental health”, “Substance use” or “Dementia (next of kin)”."),
            "position": _("Areas are listed by this number, smallest first."),
        }

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()
