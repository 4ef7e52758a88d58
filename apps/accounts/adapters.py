"""How allauth signs people in and writes to them.

Emails name the address the person is using; failed sign-ins slow down the address that
makes them, per account, instead of locking the account for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NoReturn

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.headless.base.response import APIResponse
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.http import HttpRequest
from django.utils.translation import ngettext

from apps.core.clients import client_address

from . import services

# The web form's page is answered 429 with this many seconds in Retry-After
# (apps.accounts.middleware.sign_in_wait_middleware).
RETRY_AFTER_ATTRIBUTE = "sign_in_retry_after"
ATTEMPT_ATTRIBUTE = "sign_in_attempt"


@dataclass(frozen=True)
class _Site:
    name: str
    domain: str


def _email(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        # allauth signs emails with the configured site's domain (set from SITE_URL when the
        # database was made); served on another host or port, that points people elsewhere.
        request = context.request
        if request is not None and "current_site" not in context_data:
            site = get_current_site(request)
            context_data = {**context_data, "current_site": _Site(name=site.name, domain=request.get_host())}
        super().send_mail(template_prefix, email, context_data)

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own limits (sign-up, codes) see the address the rest of the site sees.
        return client_address(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        try:
            attempt = services.start_sign_in_attempt(_email(credentials), client_address(request))
        except services.SignInWait as refused:
            self._refuse_sign_in(request, refused.seconds)
        setattr(request, ATTEMPT_ATTRIBUTE, attempt)

    def _refuse_sign_in(self, request: HttpRequest, wait: int) -> NoReturn:
        error = ValidationError(
            ngettext(
                "Too many failed sign-ins. Try again in %(n)d second.",
                "Too many failed sign-ins. Try again in %(n)d seconds.",
                wait,
            )
            % {"n": wait},
            code="too_many_login_attempts",
        )
        if hasattr(getattr(request, "allauth", None), "headless"):
            response = APIResponse(
                request,
                errors=ErrorList(error.error_list).get_json_data(),
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(wait)
            raise ImmediateHttpResponse(response)
        setattr(request, RETRY_AFTER_ATTRIBUTE, wait)
        raise error

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        # pre_authenticate counted the attempt as failed; a wrong password leaves it so.
        attempt = getattr(request, ATTEMPT_ATTRIBUTE, None)
        if user is not None and attempt is not None:
            services.sign_in_succeeded(attempt)
        return user
