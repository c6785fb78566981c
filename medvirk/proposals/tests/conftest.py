from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
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


@pytest.fixture
def english_client() -> Client:
    """An anonymous visitor reading in English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages made outside a request (forms, services) are checked in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
