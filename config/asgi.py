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

from apps.accounts.routing import websocket_urlpatterns as accounts_ws  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([*accounts_ws]))),
    }
)
