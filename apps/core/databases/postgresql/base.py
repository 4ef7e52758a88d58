"""PostgreSQL as django-prometheus counts it, with a health check that costs no round trip.

Django checks a kept connection before a request (or a background thread's next send) first
uses it, with a ``SELECT 1``: a round trip to the server for every request. A connection the
server closed (restarted, terminated the backend, timed the session out) has something to
read while it should be idle: the server's goodbye, or the end of the stream. Looking for
that without waiting finds every such connection; one that is fine costs a poll.
"""

from __future__ import annotations

import select

from django_prometheus.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, failed = select.select([connection.fileno()], [], [connection.fileno()], 0)
        except (OSError, ValueError):
            return False
        # An idle connection the server has not written to: anything to read is a goodbye (or a
        # notice nobody waits for), and a fresh connection costs less than a wrong guess.
        return not readable and not failed
