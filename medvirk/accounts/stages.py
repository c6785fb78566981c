"""allauth login stages adjusted to Medvirk's MFA rule."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.http import HttpRequest

from medvirk.accounts.mfa import is_mfa_exempt


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's authenticator-code challenge, skipped for exempt demo accounts.

    In demo mode a demo account logs in with the published password alone,
    even if someone trying the demo has registered an authenticator app on it.
    """

    def _should_handle(self, request: HttpRequest) -> bool:
        user = self.login.user
        if user is not None and is_mfa_exempt(user):
            return False
        return super()._should_handle(request)
