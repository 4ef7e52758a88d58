"""Every API operation, fuzzed from the OpenAPI schema: no 5xx, nothing that breaks the schema.

Operations come from the live schema, so new endpoints join without editing this file.
Each runs with valid (positive) and invalid (negative) data, anonymous and signed in,
with random path parameters and with ones naming real objects.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.performances import services
from tests.factories import AreaFactory, ArtistProfileFactory, GenreFactory, UserFactory
from tests.performances.helpers import route
from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = 12
# Every check runs but one: "schema-valid data must be accepted". Rules a schema cannot
# state (no overlapping stops, no following yourself) rightly refuse such data with a 400
# that names the field; refusing *invalid* data is still checked (negative_data_rejection).


def session_token(client, email: str, password: str) -> str:
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": password}, content_type="application/json"
    )
    return response.json()["meta"]["session_token"]


@contextmanager
def connection_kept_open():
    # As Django's test client does: the request hooks would close the test's own
    # connection, and with it the transaction the test runs in.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(client, stripe_sdk, settings):
    from tests.factories import PASSWORD

    # Payments run against the local Stripe stand-in, so tips and supporters are fuzzed for real.
    settings.STRIPE_TEST_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY

    alice = UserFactory(email="alice@example.com")
    artist = ArtistProfileFactory(user=alice, slug="alice-strings")
    GenreFactory(slug="jazz", name="Jazz")
    AreaFactory(slug="alfama")
    performance = services.create_performance(artist, actor=alice, title="Fuzzed", stops=route(-5))
    UserFactory(email="bob@example.com")
    return {
        "tokens": [
            None,
            session_token(client, "alice@example.com", PASSWORD),
            session_token(client, "bob@example.com", PASSWORD),
        ],
        "paths": {"slug": artist.slug, "id": performance.pk},
    }


def run_operation(operation, mode: GenerationMode, tokens: list, path_parameters: dict | None) -> None:  # noqa: ANN001
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case) -> None:  # noqa: ANN001
        for token in tokens:
            headers = {"X-Session-Token": token} if token else {}
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    try:
        check()
    except Unsatisfiable:
        # An operation without inputs (or with all of them fixed) has no invalid data to send.
        if mode is not GenerationMode.NEGATIVE:
            raise


def test_every_api_operation_survives_fuzzing(world):
    with connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 20
        for operation in operations:
            names = {p.name for p in operation.path_parameters}
            real = {name: value for name, value in world["paths"].items() if name in names}
            variants = [None, real] if real else [None]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for path_parameters in variants:
                    run_operation(operation, mode, world["tokens"], path_parameters)
