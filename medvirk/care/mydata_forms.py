"""Forms of the my-data pages. They parse input; the rules live in ``mydata.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.care.mydata import HANDLED_STATUSES


class DeletionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What do you want deleted? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Leave it empty to ask for everything to be deleted. Some information, such as "
            "health records, may have to be kept by law; you will be told what was kept and why."
        ),
    )


class HandleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What was done?"),
        choices=[(status.value, status.label) for status in HANDLED_STATUSES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what was done.")},
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What was deleted, what was kept and why – for example health records the "
            "service must keep under the Health Personnel Act. The person is sent this text."
        ),
        error_messages={
            "required": _(
                "Write what was deleted and what was kept, and why, so that the person knows."
            )
        },
    )

    def clean_outcome(self) -> str:
        outcome: str = self.cleaned_data["outcome"].strip()
        if not outcome:
            raise forms.ValidationError(self.fields["outcome"].error_messages["required"])
        return outcome
