"""Per-client limits for the public pages, counted in the cache without storing the address.

Anonymous visitors (public consultation input, public proposals, survey
answers) are told apart only by a keyed hash (HMAC-SHA256 with
``SECRET_KEY``) of their address: the counter's key names the client without
revealing it, and the address itself is never stored anywhere. A counter is
created with the window as its lifetime, so it starts again from zero once
the window after the first hit has passed.

A *scope* names what is counted (``"proposals:public-submit"``,
``"surveys:submit:12"``); the cache key is ``"<scope>:<client key>"``.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# Hex digits of the HMAC kept in the key: 128 bits, plenty to keep clients apart.
_KEY_LENGTH = 32


def client_address(request: HttpRequest) -> str:
    """The client's address as the server saw it (``REMOTE_ADDR``), or "" when unknown."""
    return str(request.META.get("REMOTE_ADDR") or "")


def client_key(address: str) -> str:
    """A keyed hash of the client's address: it names the client without revealing it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:_KEY_LENGTH]


def cache_key(scope: str, address: str) -> str:
    """The cache key counting this client in ``scope``."""
    return f"{scope}:{client_key(address)}"


def hit(scope: str, address: str, *, limit: int | None, window: int) -> bool:
    """Count one hit of this client in ``scope``; True once it is over ``limit`` in the window.

    ``limit=None`` switches the limit off: nothing is counted and the answer is False.
    """
    if limit is None:
        return False
    key = cache_key(scope, address)
    cache.add(key, 0, window)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def exhausted(scope: str, address: str, *, limit: int | None) -> bool:
    """Whether this client is already over ``limit`` in ``scope`` (counts nothing).

    True exactly when an earlier ``hit`` in the same window has answered True.
    """
    if limit is None:
        return False
    found = cache.get(cache_key(scope, address))
    return found is not None and int(found) > limit
