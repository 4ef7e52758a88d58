"""An app's session token signs in exactly whom Django's own rules would, reading the user's
row with one statement written once rather than built by the ORM for every request."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.api.authentication import session_user
from tests.factories import UserFactory
from tests.performances.test_nearby_for_shared_caches import session_token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]


def session_of(user, backend: str = BACKENDS[0], signed: str | None = None):  # noqa: ANN001, ANN201
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash() if signed is None else signed
    session.create()
    return session


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_signed_in_session_finds_its_user_with_one_statement(backend: str, monkeypatch) -> None:
    user = UserFactory()
    session = session_of(user, backend)

    def built(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ORM built a statement for this request")

    monkeypatch.setattr(SQLCompiler, "as_sql", built)
    with CaptureQueriesContext(connection) as captured:
        found = session_user(session)

    assert len(captured) == 1
    monkeypatch.undo()
    as_the_orm_reads_it = type(user).objects.get(pk=user.pk)
    for field in type(user)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(as_the_orm_reads_it, field.attname), field.name


def test_the_token_signs_its_user_in_through_the_api() -> None:
    user = UserFactory()
    answer = Client(HTTP_X_SESSION_TOKEN=session_token_for(user)).get(ME)

    assert answer.status_code == 200
    assert answer.json()["email"] == user.email


def test_an_inactive_user_is_not_signed_in() -> None:
    user = UserFactory()
    session = session_of(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert session_user(session) is None


def test_a_deleted_user_is_not_signed_in() -> None:
    user = UserFactory()
    session = session_of(user)
    user.delete()

    assert session_user(session) is None


def test_a_password_changed_since_signing_in_ends_the_session() -> None:
    user = UserFactory()
    session = session_of(user)
    user.set_password("another secret phrase")
    user.save(update_fields=["password"])

    assert session_user(session) is None
    # As Django's own check does: the session is emptied, so the token signs nobody in again.
    assert SESSION_KEY not in session


def test_a_session_signed_before_the_secret_changed_is_kept_as_django_keeps_it(settings) -> None:
    user = UserFactory()
    old_hash = user.get_session_auth_hash()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key " * 4
    session = session_of(user, signed=old_hash)

    assert session_user(session) == user
    assert session[HASH_SESSION_KEY] == user.get_session_auth_hash()


@pytest.mark.parametrize("user_id", [str(2**63), "0"])
def test_a_session_naming_no_possible_user_signs_nobody_in(user_id: str) -> None:
    session = session_of(UserFactory())
    session[SESSION_KEY] = user_id

    assert session_user(session) is None


def test_a_backend_no_longer_configured_signs_nobody_in() -> None:
    session = session_of(UserFactory(), backend="django.contrib.auth.backends.RemoteUserBackend")

    assert session_user(session) is None
