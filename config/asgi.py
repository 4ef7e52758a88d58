"""ASGI entry point: WebSockets under /ws/; HTTP too when served by one process.

In production the web process serves HTTP through WSGI (gunicorn) and this app only
serves WebSockets (see the README for the measurement behind that split).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from apps.accounts.routing import websocket_urlpatterns as accounts_ws  # noqa: E402
from apps.core.hub import keeping_server_send  # noqa: E402
from apps.core.outage import SocketOutageMiddleware  # noqa: E402
from apps.core.ws_auth import TicketAuthMiddleware  # noqa: E402
from apps.performances.routing import websocket_urlpatterns as performances_ws  # noqa: E402
from apps.venues.routing import websocket_urlpatterns as venues_ws  # noqa: E402

sockets = [*accounts_ws, *performances_ws, *venues_ws]


def under(prefix: str, patterns: list) -> list:
    return [path(prefix + str(p.pattern), p.callback, name=p.name) for p in patterns]


# Browsers: the session cookie, from one of our own origins only.
browser_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(under("ws/", sockets))))
# Apps: no cookies and maybe no Origin header; a one-time ticket says who they are.
app_sockets = TicketAuthMiddleware(URLRouter(under("ws/app/", sockets)))


async def websocket(scope, receive, send):  # noqa: ANN001, ANN201
    target = app_sockets if scope["path"].startswith("/ws/app/") else browser_sockets
    return await target(scope, receive, send)


# While Redis or the database is down a socket is closed with "try again later", never a 500.
# Live updates are written to the server's own send, past the middleware (see the hub).
application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": keeping_server_send(SocketOutageMiddleware(websocket))}
)
