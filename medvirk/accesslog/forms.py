"""The search form of the access log (GET, so that a search is a link)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.selectors import EntryFilter


def record_kind_choices() -> list[tuple[str, str]]:
    """Every kind of record the apps can log, by display name.

    Taken from the project's own models rather than from the log itself, so
    that the form costs no query however large the log grows.
    """
    kinds = [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for config in apps.get_app_configs()
        if config.name.startswith("medvirk.")
        for model in config.get_models()
    ]
    return sorted(kinds, key=lambda kind: kind[1].casefold())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The date input always sends and expects ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


class EntryFilterForm(forms.Form):
    subject = forms.CharField(
        label=_("Whose data"),
        max_length=254,
        required=False,
        help_text=_("Part of the e-mail address of the person whose data was used."),
    )
    actor = forms.CharField(
        label=_("Who"),
        max_length=254,
        required=False,
        help_text=_("Part of the e-mail address of the person who acted."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *AccessAction.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("Any kind")), *record_kind_choices()]  # type: ignore[attr-defined]
        zone = timezone.get_current_timezone_name()
        for name in ("date_from", "date_to"):
            self.fields[name].help_text = gettext("Whole days, in the time zone %(zone)s.") % {
                "zone": zone
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> EntryFilter:
        """The search as typed; call only after ``is_valid()`` returned true."""
        data = self.cleaned_data
        return EntryFilter(
            subject=data["subject"],
            actor=data["actor"],
            action=data["action"],
            object_type=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
