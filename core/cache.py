"""A Redis cache that a Redis outage cannot turn into an outage of the site.

When Redis cannot be reached, every cache call falls back to a local-memory cache of this process
for a short while (then Redis is tried again), and a warning is logged at most once per interval.
Pages keep rendering and people keep logging in; what the cache is used for (allauth's rate limits,
Wagtail's caches) then works per web process until Redis is back (see SECURITY.md).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from redis.exceptions import RedisError

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("core.cache")

OUTAGE_ERRORS = (RedisError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new redis-py client for every cache call, and with it redis-py's table of
    response callbacks: about a quarter of a millisecond of CPU per call, more than the round trip.
    A redis-py client is safe to share between threads (each command takes a connection from the
    pool), so one per pool serves every call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache that degrades to a per-process memory cache while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        # Seconds to stay on the fallback after a failure, and between two warnings in the log.
        self.retry_after = float(params.pop("RETRY_AFTER", 5))
        self.warn_every = float(params.pop("WARN_EVERY", 60))
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        fallback_params = {k: v for k, v in params.items() if k != "OPTIONS"}
        self.fallback = LocMemCache(f"failsoft-{id(self)}", fallback_params)
        self._down_until = 0.0
        self._last_warning = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        """True while calls go to the fallback (a recent failure, retry not yet due)."""
        return time.monotonic() < self._down_until

    def _trip(self, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            warn = now - self._last_warning >= self.warn_every or not self._last_warning
            if warn:
                self._last_warning = now
        if warn:
            logger.warning(
                "Cache unreachable, serving without it (per-process memory) for now: %s", exc
            )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.is_down:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except OUTAGE_ERRORS as exc:
            self._trip(exc)
            return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")

    def ping(self) -> None:
        """Reach Redis itself (no fallback): raises when it is down. For the health check."""
        self._cache.get_client(write=True).ping()
