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
