"""Who must use multi-factor authentication, and whether they have set it up.

The rule (ADR 6): a person who holds a staff, leader, coordinator or admin
role anywhere (``MFA_REQUIRED_ROLES``), and every superuser, must log in with
an authenticator app (TOTP). Demo accounts are exempt, but only while the
installation runs in demo mode: outside demo mode the rule holds for them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Exists, OuterRef

from medvirk.organizations.models import Membership
from medvirk.organizations.roles import MFA_REQUIRED_ROLES

if TYPE_CHECKING:
    from medvirk.accounts.models import User


@dataclass(frozen=True)
class MFAStatus:
    required: bool
    has_totp: bool

    @property
    def missing(self) -> bool:
        """True when the person must set up an authenticator app before going on."""
        return self.required and not self.has_totp


def is_mfa_exempt(user: User) -> bool:
    """Demo accounts skip MFA, and only while the installation runs in demo mode."""
    return bool(settings.DEMO_MODE and user.is_demo)


def mfa_status(user: User) -> MFAStatus:
    """Answer "must this person use MFA, and do they?" in one query (none if exempt)."""
    if is_mfa_exempt(user):
        return MFAStatus(required=False, has_totp=False)
    from medvirk.accounts.models import User

    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            _privileged=Exists(
                Membership.objects.filter(user=OuterRef("pk"), role__in=MFA_REQUIRED_ROLES)
            ),
            _has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .values_list("is_superuser", "_privileged", "_has_totp")
        .first()
    )
    if row is None:
        return MFAStatus(required=False, has_totp=False)
    is_superuser, privileged, has_totp = row
    return MFAStatus(required=bool(is_superuser or privileged), has_totp=bool(has_totp))


def mfa_required(user: User) -> bool:
    return mfa_status(user).required


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
