"""The API as deployed answers what its schema says: Schemathesis against the running stack.

Unlike tests/core/test_api_fuzz.py (the app in the test process), every request here goes
through nginx to gunicorn with production settings, Redis, the S3 server and a real
PostgreSQL database, anonymous and signed in with the API's session token. No answer may be
a server error or a status the operation does not document; the other checks (content
types, bodies matching their schema, invalid data refused) run too.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.core.api.schema import PAYMENT_PATHS
from tests.factories import PASSWORD
from tests.stack import live_stack, shell, sign_in  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

EXAMPLES = 6
# Rules a schema cannot state (no overlapping stops, no following yourself) rightly refuse
# schema-valid data with a 400 naming the field; refusing invalid data is still checked.
EXCLUDED = [positive_data_acceptance]

# The same world as the in-process fuzz test, made in the stack's database.
WORLD = """
from apps.performances import services
from tests.factories import AreaFactory, ArtistProfileFactory, GenreFactory, UserFactory
from tests.performances.helpers import route

alice = UserFactory(email="alice@example.com")
artist = ArtistProfileFactory(user=alice, slug="alice-strings")
GenreFactory(slug="jazz", name="Jazz")
AreaFactory(slug="alfama")
performance = services.create_performance(artist, actor=alice, title="Fuzzed", stops=route(-5))
UserFactory(email="bob@example.com")
print(performance.pk)
"""


@pytest.fixture(scope="module")
def world(live_stack):  # noqa: F811
    performance = int(shell(live_stack, WORLD).split()[-1])
    return {
        "tokens": [None, sign_in(live_stack, "alice@example.com", PASSWORD)],
        "paths": {"slug": "alice-strings", "id": performance},
    }


def _payments_unavailable(case, response) -> bool:  # noqa: ANN001
    # Production settings cannot point Stripe's SDK at a local stand-in, so this stack has no
    # payments: tips and supporting answer the 503 their schema lists, in the error shape (the
    # in-process fuzz test runs them against the stand-in). Only that 503 is let through.
    if response.status_code != 503 or not case.path.startswith(PAYMENT_PATHS):
        return False
    return response.json().get("code") == "payments_unavailable"


def run_operation(operation, mode: GenerationMode, tokens: list, path_parameters, failures: list) -> None:  # noqa: ANN001
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    session = requests.Session()

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
            response = case.call(session=session, headers=headers, timeout=30)
            excluded = EXCLUDED
            if _payments_unavailable(case, response):
                excluded = [*EXCLUDED, not_a_server_error]
            try:
                case.validate_response(response, excluded_checks=excluded)
            except (FailureGroup, Exception) as exc:  # noqa: BLE001 - each is collected, not shrunk
                who = "signed in" if token else "anonymous"
                failures.append(
                    f"{case.method} {case.formatted_path} ({who}, {mode.value}): "
                    f"{response.status_code} {type(exc).__name__}: {str(exc)[:600]}"
                )

    try:
        check()
    except Unsatisfiable:
        # An operation without inputs (or with all of them fixed) has no invalid data to send.
        if mode is not GenerationMode.NEGATIVE:
            raise
    finally:
        session.close()


def test_the_live_api_answers_only_what_its_schema_documents(live_stack, world):  # noqa: F811
    schema = schemathesis.openapi.from_url(f"{live_stack.base_url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        real = {name: value for name, value in world["paths"].items() if name in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in [None, real] if real else [None]:
                run_operation(operation, mode, world["tokens"], path_parameters, failures)
    assert not failures, f"{len(failures)} answers broke the schema:\n" + "\n".join(failures[:40])


def test_an_address_too_long_is_refused_with_the_documented_414_in_the_error_shape(live_stack):  # noqa: F811
    nearby = f"{live_stack.base_url}/api/v1/performances/nearby/?lat=38.7&lng=-9.1&q="
    # gunicorn used to refuse lines over 4 KB with an HTML page; up to the proxy's 8 KB the
    # app answers.
    assert requests.get(nearby + "x" * 6000, timeout=30).status_code in {200, 400}
    if not live_stack.proxy:
        pytest.skip("nginx is not installed: the 414 is the proxy's")
    response = requests.get(nearby + "x" * 9000, timeout=30)
    assert response.status_code == 414
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["code"] == "uri_too_long"


def test_a_body_the_proxy_spools_to_disk_reaches_the_app(live_stack):  # noqa: F811
    # Bodies past nginx's memory buffer go through its temp folder, which its workers (not
    # root) must be able to write.
    response = requests.post(
        f"{live_stack.base_url}/api/v1/performances/", json={"title": "x" * 100_000}, timeout=30
    )
    assert response.status_code in {400, 401, 403}, response.text[:200]
