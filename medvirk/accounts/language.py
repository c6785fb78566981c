"""Make the person's preferred language the active one, now and on later visits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation


def activate_language(request: HttpRequest, language: str) -> bool:
    """Use ``language`` for the rest of this request; False if it is not one we offer."""
    if not translation.check_for_language(language):
        return False
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return True


def remember_language(response: HttpResponseBase, language: str) -> None:
    """Set the language cookie, which ``LocaleMiddleware`` reads on every later request."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
