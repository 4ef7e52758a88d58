import pytest

from apps.core import views

pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_each_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "broker": "ok",
    }


def test_readyz_is_503_and_names_what_is_down(client, monkeypatch):
    def broken() -> None:
        raise ConnectionError("no route to cache")

    monkeypatch.setitem(views.READINESS_CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["cache"]
    assert body["checks"]["cache"] == "down: ConnectionError"
    assert body["checks"]["database"] == "ok"


@pytest.mark.redis
def test_readyz_reaches_the_real_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/readyz").json()["checks"]["broker"] == "ok"


def test_unknown_api_paths_answer_json_and_pages_answer_html(client):
    api = client.get("/api/v1/areas/not.a.slug/")
    assert api.status_code == 404
    assert api.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert b"find that page" in page.content
