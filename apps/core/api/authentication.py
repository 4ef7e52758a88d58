from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """Apps send allauth's session token as ``X-Session-Token``.

    Naming a scheme makes DRF answer 401 (sign in) rather than 403 to a missing token.
    """

    def authenticate_header(self, request: Request) -> str:
        return 'Session-Token realm="api", header="X-Session-Token"'


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
