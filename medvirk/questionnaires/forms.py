"""Forms of the questionnaire pages (not the questionnaires themselves: see ``rendering``).

Each renders through the shared form templates, so errors reach the error
summary with a link to their field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.questionnaires.choices import EntryMode, VersionStatus
from medvirk.questionnaires.importing import MAX_BYTES as MAX_IMPORT_BYTES
from medvirk.questionnaires.models import QuestionnaireVersion


class ImportForm(forms.Form):
    """Upload of a FHIR Questionnaire (or a Bundle of them) as a JSON file."""

    file = forms.FileField(
        label=_("FHIR Questionnaire (JSON file)"),
        help_text=_("A Questionnaire or a Bundle of Questionnaires in FHIR R4, as a .json file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        error_messages={"required": _("Choose a file to import.")},
    )
    activate = forms.BooleanField(
        label=_("Make it active now"),
        help_text=_("Members can answer an active form. Leave unticked to check it first."),
        required=False,
    )

    def clean_file(self) -> bytes:
        """The file's bytes; too large a file is refused before anything reads it."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(mb)s MB."),
                params={"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
                code="too_large",
            )
        data: bytes = upload.read()
        return data


# What a manager may move a version to, from where it is now.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    VersionStatus.DRAFT: (VersionStatus.ACTIVE, VersionStatus.RETIRED),
    VersionStatus.ACTIVE: (VersionStatus.RETIRED, VersionStatus.DRAFT),
    VersionStatus.RETIRED: (VersionStatus.ACTIVE, VersionStatus.DRAFT),
}


class VersionStatusForm(forms.Form):
    """Move a version to another status; only moves from its current status are offered."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, version: QuestionnaireVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(version.status, ())
        labels = dict(VersionStatus.choices)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status, labels[status]) for status in allowed]
        field.error_messages["invalid_choice"] = _("This version cannot be moved to that status.")


class ResponseFilterForm(forms.Form):
    """Narrow the response list to one version or one way of answering."""

    version = forms.TypedChoiceField(
        label=_("Version"), required=False, coerce=int, empty_value=None
    )
    mode = forms.ChoiceField(
        label=_("How it was answered"),
        required=False,
        choices=[("", _("Any")), *EntryMode.choices],
    )

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All versions"))] + [
            (str(number), gettext("Version %(number)s") % {"number": number}) for number in numbers
        ]
