"""How allauth writes to people: its emails name the address the person is using."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site


@dataclass(frozen=True)
class _Site:
    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        # allauth signs emails with the configured site's domain (set from SITE_URL when the
        # database was made); served on another host or port, that points people elsewhere.
        request = context.request
        if request is not None and "current_site" not in context_data:
            site = get_current_site(request)
            context_data = {**context_data, "current_site": _Site(name=site.name, domain=request.get_host())}
        super().send_mail(template_prefix, email, context_data)
