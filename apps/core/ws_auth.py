from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier

from .tickets import redeem_ticket


class TicketAuthMiddleware(BaseMiddleware):
    """Sockets opened by apps: the user comes from a one-time ticket, not a cookie.

    Apps may send no Origin header, so these routes skip the origin check; without a
    valid ticket the handshake is refused.
    """

    async def __call__(self, scope, receive, send):  # noqa: ANN001, ANN204
        query = parse_qs(scope.get("query_string", b"").decode())
        user = await database_sync_to_async(redeem_ticket)(query.get("ticket", [""])[0])
        if user is None:
            return await WebsocketDenier()(scope, receive, send)
        return await super().__call__({**scope, "user": user}, receive, send)
