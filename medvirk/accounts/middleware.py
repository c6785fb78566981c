"""Send people whose roles require MFA to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_htmx.http import HttpResponseClientRedirect

from medvirk.accounts.mfa import mfa_status

# What a person without MFA may still reach: the set-up itself and what it
# depends on (re-entering the password, verifying the e-mail address, which
# allauth demands before an authenticator can be added), logging out, the
# language switch, the health check and public information pages. Listed by
# URL name rather than path prefix, so that a new page under /accounts/ (such
# as the profile) is gated unless it is added here on purpose.
ALLOWED_URL_NAMES = frozenset(
    {
        "accounts:mfa_required",
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_change_password",
        "account_set_password",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "core:set_language",
        "core:accessibility",
        "healthz",
    }
)


def _is_allowed(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        # Nothing to protect: the request ends in a 404 (or WhiteNoise served it earlier).
        return True
    return match.view_name in ALLOWED_URL_NAMES


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _is_allowed(request) and mfa_status(user).missing:
            url = reverse("accounts:mfa_required")
            if request.headers.get("HX-Request") == "true":
                # A plain redirect would be swapped into the page fragment.
                return HttpResponseClientRedirect(url)
            return redirect(url)
        return self.get_response(request)
