"""Forms for running surveys. Every one renders through the shared form templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Unit
from medvirk.surveys import selectors
from medvirk.surveys.models import Survey
from medvirk.surveys.services import CODES_MAX_PER_BATCH
from medvirk.surveys.templates import TEMPLATE_KEY, template_title

TEMPLATE_CHOICE = "template"
REMINDER_MAX_DAYS = 60


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SurveyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = obj.title
        if obj.round_label:
            label = f"{label} – {obj.round_label}"
        return f"{label} ({formats.date_format(obj.opens_on, 'SHORT_DATE_FORMAT')})"


class SurveyForm(forms.ModelForm):
    """A survey: which form, for which units, when, and how people answer.

    The form is either one of the organisation's active questionnaires or the
    project's user-experience template (installed by the service on first use).
    """

    source = forms.ChoiceField(
        label=_("Form"),
        widget=forms.RadioSelect,
        help_text=_("The user-experience template, or one of the organisation's active forms."),
        error_messages={"required": _("Choose the form people answer.")},
    )
    previous = SurveyChoiceField(
        label=_("Next round of"),
        queryset=Survey.objects.none(),
        required=False,
        empty_label=_("None: this is a new survey"),
        help_text=_("Rounds of the same survey are compared in the results."),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "introduction",
            "source",
            "units",
            "round_label",
            "previous",
            "opens_on",
            "closes_on",
            "anonymous",
            "requires_code",
            "reminder_after_days",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "units": forms.CheckboxSelectMultiple,
            "opens_on": DateInput(),
            "closes_on": DateInput(),
        }
        labels = {
            "anonymous": _("Anonymous: answers name nobody and need no account"),
            "requires_code": _("Ask for a one-time code (for paper or tablet distribution)"),
            "round_label": _("Round"),
        }
        help_texts = {
            "introduction": _("Shown above the questions and on the poster."),
            "units": _("The services the survey is about. Each answer is counted for one unit."),
            "round_label": _("For example “Spring 2026”."),
            "closes_on": _("People can answer until the end of this day."),
            "anonymous": _(
                "Untick to invite the users of the chosen units by name: they answer "
                "logged in and can be reminded."
            ),
            "reminder_after_days": _(
                "Identified surveys only: remind those who have not answered after this "
                "many days. Leave empty for no reminder."
            ),
        }

    def __init__(self, *args: Any, context: OrgContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        organization = context.organization
        versions = {str(v.pk): v for v in selectors.active_versions(organization)}
        current = self.instance.version if self.instance.version_id else None
        if current is not None and current.questionnaire.key != TEMPLATE_KEY:
            versions.setdefault(str(current.pk), current)
        choices = [(TEMPLATE_CHOICE, gettext("Template: %(title)s") % {"title": template_title()})]
        choices += [
            (
                key,
                gettext("%(title)s (version %(number)s)")
                % {"title": v.questionnaire.title, "number": v.number},
            )
            for key, v in versions.items()
            if v.questionnaire.key != TEMPLATE_KEY
        ]
        self.versions = versions
        source: forms.ChoiceField = self.fields["source"]  # type: ignore[assignment]
        source.choices = choices
        if current is not None:
            self.initial.setdefault(
                "source",
                TEMPLATE_CHOICE if current.questionnaire.key == TEMPLATE_KEY else str(current.pk),
            )
        units: forms.ModelMultipleChoiceField = self.fields["units"]  # type: ignore[assignment]
        units.queryset = Unit.objects.filter(organization=organization, is_active=True)
        units.error_messages["required"] = gettext("Choose at least one unit.")
        previous: forms.ModelChoiceField = self.fields["previous"]  # type: ignore[assignment]
        previous.queryset = selectors.earlier_surveys(organization, exclude=self.instance)
        if self.instance.pk:
            earlier = selectors.previous_round(self.instance)
            if earlier is not None:
                self.initial.setdefault("previous", earlier.pk)
        reminder = self.fields["reminder_after_days"]
        reminder.widget.attrs.update({"min": 1, "max": REMINDER_MAX_DAYS})

    def clean_reminder_after_days(self) -> int | None:
        days: int | None = self.cleaned_data.get("reminder_after_days")
        if days is not None and not 1 <= days <= REMINDER_MAX_DAYS:
            raise forms.ValidationError(
                gettext("Give a number of days from 1 to %(max)s.") % {"max": REMINDER_MAX_DAYS}
            )
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                gettext("The closing date must be on or after the opening date (%(date)s).")
                % {"date": formats.date_format(opens, "SHORT_DATE_FORMAT")},
            )
        if data.get("anonymous") and data.get("reminder_after_days") is not None:
            self.add_error(
                "reminder_after_days",
                gettext(
                    "Reminders need to know who has answered: only identified surveys "
                    "can remind. Untick anonymous or leave this empty."
                ),
            )
        return data

    @property
    def use_template(self) -> bool:
        return self.cleaned_data.get("source") == TEMPLATE_CHOICE

    def save_instance(self) -> Survey:
        """The survey with the form's values (not yet stored; the service stores it)."""
        survey: Survey = self.save(commit=False)
        if not self.use_template:
            survey.version = self.versions[self.cleaned_data["source"]]
        return survey


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many codes"),
        min_value=1,
        max_value=CODES_MAX_PER_BATCH,
        initial=50,
        help_text=_("At most 2,000 at a time. Each code can be used to answer once."),
        error_messages={
            "required": _("Give how many codes to make."),
            "min_value": _("Make at least one code."),
            "max_value": _("Make at most %(limit_value)s codes at a time."),
        },
    )
