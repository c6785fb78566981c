from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explain why MFA is needed before the person can go on, and link to set-up."""
    return render(request, "accounts/mfa_required.html")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html")
