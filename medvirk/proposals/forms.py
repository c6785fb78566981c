"""Forms of proposals. Every one renders through the shared form templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import User
from medvirk.organizations.models import Organization, Unit
from medvirk.proposals import selectors
from medvirk.proposals.choices import Category, Status
from medvirk.proposals.models import Change, Proposal
from medvirk.surveys.models import Survey

TEXT_MAX_LENGTH = 10_000
HIDDEN_CHOICES = [
    ("", _("Visible only")),
    ("hidden", _("Hidden only")),
    ("all", _("Visible and hidden")),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ProposalForm(forms.Form):
    """What a member proposes: to which unit, about what, and the text."""

    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose a unit"),
        help_text=_("The service your proposal or feedback is for."),
        error_messages={"required": _("Choose the unit your proposal is for.")},
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Category.choices,
        initial=Category.OTHER,
        error_messages={"required": _("Choose what the proposal is about.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A few words that sum up your proposal."),
        error_messages={"required": _("Write a title.")},
    )
    text = forms.CharField(
        label=_("Your proposal or feedback"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "Describe what could be better, or what works well. Please do not write names, "
            "phone numbers or national ID numbers."
        ),
        error_messages={"required": _("Write your proposal.")},
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit.queryset = selectors.active_units(organization)


class PublicProposalForm(ProposalForm):
    """The same, from anyone, with an address for updates and a trap for robots."""

    contact_email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_(
            "Only if you want to hear when the status of your proposal changes. We use the "
            "address for nothing else."
        ),
    )
    # A trap for robots: people never see this field, so any value means a robot.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ResponsibleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class TriageForm(forms.Form):
    """The coordinator's decisions on a proposal: status, public answer, responsible person."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    decline_reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Needed when you decline. The person who proposed it is told the reason."),
    )
    answer = forms.CharField(
        label=_("Public answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "In plain language. Shown to members and, once planned, done or declined, on the "
            "public page “You said — we did”."
        ),
    )
    responsible = ResponsibleChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Someone in the organisation who follows the proposal up."),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": proposal.status,
                "decline_reason": proposal.decline_reason,
                "answer": proposal.answer,
                "responsible": proposal.responsible_id,
            },
        )
        super().__init__(*args, **kwargs)
        responsible: forms.ModelChoiceField = self.fields["responsible"]  # type: ignore[assignment]
        responsible.queryset = selectors.responsible_candidates(proposal.organization)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("status") == Status.DECLINED
            and not str(cleaned.get("decline_reason") or "").strip()
        ):
            self.add_error("decline_reason", _("Write why the proposal is declined."))
        return cleaned


class HideForm(forms.Form):
    hidden_reason = forms.CharField(
        label=_("Reason for hiding"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Only coordinators see the reason. The post is hidden everywhere else."),
        error_messages={"required": _("Write why the proposal is hidden.")},
    )


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *Category.choices],
        required=False,
    )
    hidden = forms.ChoiceField(label=_("Hidden"), choices=HIDDEN_CHOICES, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit.queryset = Unit.objects.filter(organization=organization).order_by("name")

    def filters(self) -> selectors.TriageFilter:
        """The valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return selectors.TriageFilter()
        unit = self.cleaned_data.get("unit")
        return selectors.TriageFilter(
            status=self.cleaned_data.get("status") or "",
            unit_id=unit.pk if unit is not None else None,
            category=self.cleaned_data.get("category") or "",
            hidden=self.cleaned_data.get("hidden") or "",
        )


class MemberFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit.queryset = Unit.objects.filter(organization=organization).order_by("name")


class SurveyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.round_label:
            return f"{obj.title} ({obj.round_label})"
        return str(obj.title)


class ChangeForm(forms.ModelForm):
    """A "you said / we did" pair, for a unit or the whole organisation, maybe after a survey."""

    class Meta:
        model = Change
        fields = ["you_said", "we_did", "unit", "survey"]
        widgets = {
            "you_said": forms.Textarea(attrs={"rows": 4}),
            "we_did": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"you_said": _("You said"), "we_did": _("We did")}
        help_texts = {
            "you_said": _("What users told you, in plain language. No names."),
            "we_did": _("What the service changed because of it."),
            "unit": _("Leave empty if it is about the whole organisation."),
            "survey": _("If the change came from a survey's results."),
        }
        error_messages = {
            "you_said": {"required": _("Write what users said.")},
            "we_did": {"required": _("Write what was done.")},
        }
        field_classes = {"unit": UnitChoiceField, "survey": SurveyChoiceField}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit.queryset = Unit.objects.filter(organization=organization).order_by("name")
        unit.empty_label = _("The whole organisation")
        survey: forms.ModelChoiceField = self.fields["survey"]  # type: ignore[assignment]
        survey.queryset = Survey.objects.filter(organization=organization).order_by("-opens_on")
        survey.empty_label = _("No survey")
