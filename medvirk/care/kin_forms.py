"""Forms of the next-of-kin pages. They parse input; the rules live in ``kin.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.care.models import Scope

SCOPE_HELP = _(
    "Choose only what you want to share. You can change it or withdraw the access at any time."
)


def _scopes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("What may your next of kin see and do?"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=SCOPE_HELP,
        error_messages={"required": _("Choose at least one thing your next of kin may see.")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"),
        max_length=254,
        help_text=_(
            "We send the invitation here. They accept it with an account that has this "
            "address, or create one."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    relation = forms.CharField(
        label=_("Relation to you"),
        max_length=120,
        required=False,
        help_text=_("For example “mother”, “partner” or “friend”. Optional."),
    )
    scopes = _scopes_field()


class ScopesForm(forms.Form):
    scopes = _scopes_field()
