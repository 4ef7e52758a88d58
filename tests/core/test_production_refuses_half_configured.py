"""Production settings start only with the services a multi-process deployment shares,
or when told plainly that the site runs as one process."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

COMPLETE = {
    "REDIS_URL": "redis://127.0.0.1:6390/0",
    "AWS_STORAGE_BUCKET_NAME": "encore-media",
    "SITE_URL": "https://encore.example.com",
}


def import_production_settings(**variables: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", tempfile.gettempdir()),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "encore.example.com",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", sorted(COMPLETE))
def test_production_refuses_to_start_without_a_shared_service_naming_it(missing: str):
    variables = {name: value for name, value in COMPLETE.items() if name != missing}
    result = import_production_settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_starts_with_redis_storage_and_the_site_url():
    result = import_production_settings(**COMPLETE)
    assert result.returncode == 0, result.stderr


def test_a_single_process_deployment_may_go_without_redis_and_a_bucket():
    result = import_production_settings(ENCORE_SINGLE_PROCESS="true", SITE_URL="https://encore.example.com")
    assert result.returncode == 0, result.stderr


def test_a_single_process_deployment_still_needs_the_site_url():
    # Links in emails and QR codes are built from it, however many processes serve the site.
    result = import_production_settings(ENCORE_SINGLE_PROCESS="true")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_a_bad_single_process_value_stops_start_up_naming_it():
    result = import_production_settings(**COMPLETE, ENCORE_SINGLE_PROCESS="maybe")
    assert result.returncode != 0
    assert "ENCORE_SINGLE_PROCESS" in result.stderr
