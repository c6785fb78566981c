"""allauth hooks: who may sign up, the language after login, and the MFA rule."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from medvirk.accounts.language import activate_language, remember_language
from medvirk.accounts.mfa import mfa_required

_ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"
_MEDVIRK_MFA_STAGE = "medvirk.accounts.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_REGISTRATION)

    def get_login_stages(self) -> list[str]:
        # Same stages, but the code challenge knows about exempt demo accounts.
        return [
            _MEDVIRK_MFA_STAGE if stage == _ALLAUTH_MFA_STAGE else stage
            for stage in super().get_login_stages()
        ]

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """Switch to the person's preferred language as they arrive, and remember it."""
        language = str(getattr(user, "preferred_language", "") or "")
        # Activate first, so that the "logged in" message is in that language too.
        activated = activate_language(request, language)
        response = super().post_login(request, user, **kwargs)
        if activated:
            remember_language(response, language)
        return response

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Do not ask for the password again right after the person gave it.

        allauth asks anyone who sets up an authenticator app to re-enter their
        password unless they did so in the last few minutes, and a login does
        not count. For someone sent straight from login to the required MFA
        set-up that is a confusing extra step, so a login (by any method) within
        ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` counts as recent enough.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not _authenticated_recently(context.request)


def _authenticated_recently(request: HttpRequest | None) -> bool:
    if request is None or not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    latest = max(float(record.get("at", 0)) for record in records)
    return time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return bool(settings.ACCOUNT_ALLOW_REGISTRATION)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Whoever must use MFA cannot switch off their only authenticator app."""
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
