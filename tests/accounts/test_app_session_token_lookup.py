"""An app's session token is looked up with one read of its session, not a check and a read."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from tests.performances.test_nearby_for_shared_caches import session_token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def test_a_token_is_read_once_without_asking_first_whether_it_exists(monkeypatch, store_class):
    token = session_token_for(UserFactory())

    def exists(self, session_key):  # noqa: ANN001, ANN202
        raise AssertionError("an extra round trip: the read that follows answers this")

    monkeypatch.setattr(store_class, "exists", exists)

    assert Client(HTTP_X_SESSION_TOKEN=token).get(ME).status_code == 200


def test_a_token_whose_session_expired_or_never_was_signs_nobody_in(store_class):
    token = session_token_for(UserFactory())
    Session.objects.filter(session_key=token).update(expire_date=timezone.now() - timedelta(minutes=1))
    store = store_class(token)
    if hasattr(store, "_cache"):
        store._cache.delete(store.cache_key)  # as the cached copy would have expired with it

    assert Client(HTTP_X_SESSION_TOKEN=token).get(ME).status_code == 401
    assert Client(HTTP_X_SESSION_TOKEN="no-such-session").get(ME).status_code == 401
