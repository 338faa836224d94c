"""The portal's Redis cache (``portale.core.redis_cache``): one client per pool, the same
behaviour as Django's backend."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from portale.core.redis_cache import RedisCache

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_TEST_URL, reason="REDIS_TEST_URL is not set (CI sets it)")


def _cache(location=REDIS_TEST_URL):
    return RedisCache(location, {"KEY_PREFIX": f"portale-test-cache-{os.getpid()}"})


def test_it_reuses_one_client_per_pool():
    cache = _cache()
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool
    # Django's own builds a new one every time (what this class exists to avoid).
    django = DjangoRedisCache(REDIS_TEST_URL, {})
    assert django._cache.get_client("a") is not django._cache.get_client("a")


def test_a_replica_gets_its_own_client():
    # Django's convention: the first server takes the writes, the others the reads.
    cache = _cache(f"{REDIS_TEST_URL};{REDIS_TEST_URL}")
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()
    assert reader is not writer
    assert cache._cache.get_client(write=True) is writer and cache._cache.get_client() is reader
    assert writer.connection_pool is cache._cache._get_connection_pool(write=True)
    assert reader.connection_pool is cache._cache._get_connection_pool(write=False)


def test_it_stores_and_reads_as_django_s_backend_does():
    cache = _cache()
    cache.delete_many(["k", "g", "n"])
    cache.set("k", {"n": 1}, 30)
    assert cache.get("k") == {"n": 1}
    assert cache.get_or_set("g", lambda: [1, 2], 30) == [1, 2]
    assert cache.add("k", "other") is False
    assert cache.add("n", 1) is True
    assert cache.incr("n") == 2
    cache.delete_many(["k", "g", "n"])
    assert cache.get("k") is None and cache.get("g") is None
