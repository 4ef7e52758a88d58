"""The demo accounts `make run` prints all sign in with the one demo password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate

from apps.accounts.demo import demo_user


@pytest.mark.django_db
def test_every_demo_account_signs_in_with_the_demo_password(rf):
    emails = ["fan@demo.encore.local", "venue@demo.encore.local"]
    demo_user(emails[0], "Demo Fan")
    demo_user(emails[1], "Demo Venue Staff", staff=True)

    for email in emails:
        assert authenticate(rf.get("/"), email=email, password=settings.DEMO_PASSWORD).email == email
        assert authenticate(rf.get("/"), email=email, password="not-the-demo-password") is None
