"""Forms of the accounts app: the person's own profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.models import EmailFrequency


def language_choices() -> list[tuple[str, str]]:
    """Each offered language in its own name ("Norsk bokmål", "Svenska"), as people look for it."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Shown to the people you work with in Medvirk."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("Medvirk and its e-mails use this language."),
    )
    email_frequency = forms.ChoiceField(
        label=_("E-mail about notifications"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form so that the names follow settings.LANGUAGES, not import time.
        self.fields["preferred_language"].choices = language_choices()  # type: ignore[attr-defined]
