"""Sessions in the database with the shared cache in front, readable while Redis is down.

Reads fall back to the database when the cache misses (apps.core.cache answers a miss while
Redis is unreachable), so signed-in people keep being served. Deleting a session (signing
out, a new key at sign-in) waits for Redis: a copy left in a cache that comes back would sign
the person in again, so that request answers 503 instead.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

from . import outage


class SessionStore(CachedDbSessionStore):
    def delete(self, session_key: str | None = None) -> None:
        with outage.requires_redis("Signing out is paused for a moment; please try again shortly."):
            super().delete(session_key)
