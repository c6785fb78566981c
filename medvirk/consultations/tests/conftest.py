from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from medvirk.accounts.models import User


@pytest.fixture
def english_client_for(client_for: Callable[[User], Client]) -> Callable[[User], Client]:
    """``client_for`` reading the pages in English, so that assertions outlive translation."""

    def login(user: User) -> Client:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login
