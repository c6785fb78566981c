"""Who must use multi-factor authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.conf import settings

from medvirk.organizations.models import Membership
from medvirk.organizations.roles import MFA_REQUIRED_ROLES

if TYPE_CHECKING:
    from medvirk.accounts.models import User


def is_mfa_exempt(user: User) -> bool:
    """Demo accounts skip MFA, and only while the installation runs in demo mode."""
    return bool(settings.DEMO_MODE and user.is_demo)


def mfa_required(user: User) -> bool:
    if is_mfa_exempt(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=MFA_REQUIRED_ROLES).exists()


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
