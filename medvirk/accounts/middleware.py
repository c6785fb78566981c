"""Send people whose roles require MFA to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from medvirk.accounts.mfa import has_totp, mfa_required

# Paths a person without MFA may still reach: the set-up itself, logging out,
# static files, the health check and public information pages.
_ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/tilgjengelighet/",
)


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and mfa_required(user)  # type: ignore[arg-type]
            and not has_totp(user)  # type: ignore[arg-type]
        ):
            return redirect(reverse("accounts:mfa_required"))
        return self.get_response(request)
