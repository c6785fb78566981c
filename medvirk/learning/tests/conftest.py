from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from medvirk.accounts.models import User
from medvirk.learning.tests.factories import load_fixture_content


@pytest.fixture
def english_client_for(client_for: Callable[[User], Client]) -> Callable[[User], Client]:
    """``client_for`` reading the pages in English, so that assertions outlive translation."""

    def login(user: User) -> Client:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def content(db: None) -> None:
    """The fixture modules (tests/fixtures/content) loaded as the shipped curriculum."""
    load_fixture_content()
