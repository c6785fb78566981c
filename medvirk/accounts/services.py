"""Writes about people's accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medvirk.accounts.models import EmailFrequency, User


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, preferred_language: str, email_frequency: str
) -> User:
    """Save the person's own name, language and e-mail frequency.

    Raises ``ValidationError`` for a language or frequency Medvirk does not
    offer, so that no caller can store one.
    """
    if preferred_language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the languages offered."), code="invalid_language")
    if email_frequency not in EmailFrequency.values:
        raise ValidationError(_("Choose how often you want e-mail."), code="invalid_frequency")
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.email_frequency = email_frequency
    user.save(update_fields=["full_name", "preferred_language", "email_frequency"])
    return user
