from allauth.core.internal.sessionkit import get_session_user
from allauth.headless import app_settings
from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request

from apps.core.rows import by_key


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """Apps send allauth's session token as ``X-Session-Token``.

    Naming a scheme makes DRF answer 401 (sign in) rather than 403 to a missing token.
    """

    def authenticate(self, request: HttpRequest) -> tuple | None:
        token = self.get_session_token(request)
        session = app_settings.TOKEN_STRATEGY.lookup_session(token) if token else None
        if not session:
            return None
        user = session_user(session)
        return (user, session) if user is not None else None

    def authenticate_header(self, request: Request) -> str:
        return 'Session-Token realm="api", header="X-Session-Token"'


def session_user(session: SessionBase):  # noqa: ANN201 - a User, or None
    """The user a session is signed in as, or None, as django.contrib.auth.get_user answers.

    An app sends its token with every request, and the ORM's lookup of the user by key cost
    more than the rest of the check. The common case (a backend that looks users up by key,
    a session whose hash matches the user's current password) reads the user's row with a
    statement built once; anything else (no such user, an inactive one, a hash from an older
    secret or password) takes Django's own rules, which also end such a session.
    """
    user_id, backend_path = session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    signed = session.get(HASH_SESSION_KEY)
    if user_id is not None and signed and backend_path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            try:
                user = by_key(get_user_model(), user_id)
            except ValidationError:
                user = None
            if (
                user is not None
                and backend.user_can_authenticate(user)
                and constant_time_compare(signed, user.get_session_auth_hash())
            ):
                return user
    return get_session_user(session)


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
