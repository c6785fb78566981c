"""The person's own pages: profile, and the explanation of required MFA."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accounts.forms import ProfileForm
from medvirk.accounts.language import activate_language, remember_language
from medvirk.accounts.mfa import mfa_status
from medvirk.accounts.models import User
from medvirk.accounts.selectors import has_unverified_email, profile_memberships
from medvirk.accounts.services import user_update_profile


def _user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware and @login_required guarantee a real person here.
    assert isinstance(request.user, User)
    return request.user


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explain why MFA is needed before the person can go on, and link to set-up."""
    user = _user(request)
    return render(
        request,
        "accounts/mfa_required.html",
        {"status": mfa_status(user), "email_unverified": has_unverified_email(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Let the person change their name, language and e-mail frequency."""
    user = _user(request)
    initial = {
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "email_frequency": user.email_frequency,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            language = form.cleaned_data["preferred_language"]
            # Activate before writing the message, so that it is in the new language.
            activate_language(request, language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("accounts:profile")
            remember_language(response, language)
            return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": profile_memberships(user)},
    )
