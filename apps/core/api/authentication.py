from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.contrib.sessions.backends.base import SessionBase
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """Apps send allauth's session token as ``X-Session-Token``.

    Naming a scheme makes DRF answer 401 (sign in) rather than 403 to a missing token.
    """

    def authenticate_header(self, request: Request) -> str:
        return 'Session-Token realm="api", header="X-Session-Token"'


class SessionTokens(SessionTokenStrategy):
    """allauth's session tokens, each looked up with one read of its session.

    allauth's own strategy first asks whether the session exists and then reads it: two
    round trips to the cache for every request an app sends. Reading it once answers both, as
    allauth's JWT strategy does; a missing or expired session still finds nothing.
    """

    def lookup_session(self, session_token: str) -> SessionBase | None:
        return sessionkit.lookup_session(session_token)


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema) -> dict:  # noqa: ANN001
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "From allauth's app API: `POST /_allauth/app/v1/auth/login`.",
        }
