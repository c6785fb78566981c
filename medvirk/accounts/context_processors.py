"""Template variables about the installation's login rules."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest


def login_settings(request: HttpRequest) -> dict[str, bool]:
    """``DEMO_MODE`` (the login page then explains the demo) and ``SIGNUP_OPEN``."""
    return {
        "DEMO_MODE": bool(settings.DEMO_MODE),
        "SIGNUP_OPEN": get_adapter(request).is_open_for_signup(request),
    }
