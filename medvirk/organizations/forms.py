from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.organizations.models import Membership, Organization, Unit
from medvirk.organizations.roles import Role


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "description", "is_active"]
        help_texts = {
            "name": _("The name users know the service by, e.g. “Hjemmetjenesten Nord”."),
            "description": _("What the service does and for whom. Shown to members."),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Unit.objects.filter(organization=self.organization, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This organisation already has a unit with that name."))
        return name


class MembershipAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("If the person has no account yet, one is made and they get an e-mail."),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Used only when a new account is made."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty for a role in the whole organisation."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            organization=organization, is_active=True
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, role = cleaned.get("email"), cleaned.get("role")
        if email and role:
            exists = Membership.objects.filter(
                organization=self.organization,
                user__email=email,
                role=role,
                unit=cleaned.get("unit"),
            ).exists()
            if exists:
                raise forms.ValidationError(_("This person already has that role here."))
        return cleaned
