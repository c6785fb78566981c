"""Per-client limits: counting, the window, switching off, and keys that never hold the address."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from medvirk.core import ratelimit

ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_hits_up_to_the_limit_pass_and_the_next_is_over():
    results = [ratelimit.hit("t", ADDRESS, limit=3, window=60) for _ in range(4)]
    assert results == [False, False, False, True]
    # Staying over: every further hit is over too.
    assert ratelimit.hit("t", ADDRESS, limit=3, window=60)


def test_exhausted_checks_without_counting():
    for _ in range(3):
        assert not ratelimit.exhausted("t", ADDRESS, limit=2)
    assert not ratelimit.hit("t", ADDRESS, limit=2, window=60)
    assert not ratelimit.hit("t", ADDRESS, limit=2, window=60)
    # At the limit but not over it: the next hit is still the one that is refused.
    assert not ratelimit.exhausted("t", ADDRESS, limit=2)
    assert ratelimit.hit("t", ADDRESS, limit=2, window=60)
    assert ratelimit.exhausted("t", ADDRESS, limit=2)


def test_the_count_starts_again_after_the_window():
    assert not ratelimit.hit("t", ADDRESS, limit=1, window=1)
    assert ratelimit.hit("t", ADDRESS, limit=1, window=1)
    time.sleep(1.1)
    assert not ratelimit.exhausted("t", ADDRESS, limit=1)
    assert not ratelimit.hit("t", ADDRESS, limit=1, window=1)


def test_clearing_the_cache_forgets_the_count():
    for _ in range(2):
        ratelimit.hit("t", ADDRESS, limit=1, window=60)
    cache.clear()
    assert not ratelimit.hit("t", ADDRESS, limit=1, window=60)


def test_no_limit_counts_nothing_and_is_never_over():
    for _ in range(5):
        assert not ratelimit.hit("t", ADDRESS, limit=None, window=60)
    assert not ratelimit.exhausted("t", ADDRESS, limit=None)
    assert cache.get(ratelimit.cache_key("t", ADDRESS)) is None


def test_addresses_and_scopes_are_counted_apart():
    assert not ratelimit.hit("t", ADDRESS, limit=1, window=60)
    assert ratelimit.hit("t", ADDRESS, limit=1, window=60)
    assert not ratelimit.hit("t", "203.0.113.10", limit=1, window=60)
    assert not ratelimit.hit("other", ADDRESS, limit=1, window=60)
    assert not ratelimit.exhausted("other", ADDRESS, limit=1)


def test_the_key_is_a_keyed_hash_never_the_address(settings):
    ratelimit.hit("t", ADDRESS, limit=5, window=60)
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # LocMemCache
    assert keys, "the hit was counted"
    assert not any(ADDRESS in key for key in keys)
    key = ratelimit.client_key(ADDRESS)
    assert len(key) == 32
    assert ratelimit.cache_key("t", ADDRESS) == f"t:{key}"
    assert any(key in stored for stored in keys)
    assert ratelimit.client_key("203.0.113.10") != key
    # Keyed with SECRET_KEY: without the secret the hash cannot be recomputed from an address.
    settings.SECRET_KEY = "another-secret-for-this-test-only-0123456789abcdef"
    assert ratelimit.client_key(ADDRESS) != key


def test_client_address_is_remote_addr():
    factory = RequestFactory()
    assert ratelimit.client_address(factory.get("/", REMOTE_ADDR=ADDRESS)) == ADDRESS
    request = factory.get("/")
    del request.META["REMOTE_ADDR"]
    assert ratelimit.client_address(request) == ""
