"""Test helpers for logging in the way a person does (imported only by tests)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import PASSWORD

# One OpenID Connect provider (ID-porten's test issuer) for SOCIALACCOUNT_PROVIDERS.
OIDC = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "idporten",
                "name": "ID-porten",
                "client_id": "medvirk-test",
                "secret": "hemmelig",
                "settings": {"server_url": "https://test.idporten.no"},
            }
        ]
    }
}


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now, computed the way allauth checks it."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def activate_totp(user: User) -> str:
    """Give the person a real authenticator app; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def post_login(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Submit the login form as a person would."""
    return client.post(reverse("account_login"), {"login": email, "password": password})
