"""Template tags for account pages."""

from __future__ import annotations

from typing import Any

from django import template

from medvirk.accounts.mfa import MFAStatus, mfa_status

register = template.Library()


@register.simple_tag
def mfa_status_for(user: Any) -> MFAStatus | None:
    """``{% mfa_status_for user as mfa %}``: must this person use MFA, and do they?"""
    if not getattr(user, "is_authenticated", False):
        return None
    return mfa_status(user)
