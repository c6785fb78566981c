from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from medvirk.accounts.models import User


@pytest.fixture
def english_client_for(client_for: Callable[[User], Client]) -> Callable[[User], Client]:
    """``client_for`` reading the pages in English, so that assertions outlive translation."""

    def login(user: User) -> Client:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages made outside a request (forms, services) are checked in English."""
    with translation.override("en"):
        yield
