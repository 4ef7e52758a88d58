"""Uploads staged but never confirmed do not pile up: a periodic sweep removes staged
objects and the local copies made of them once they are older than their window, and
keeps the ones an uploader may still confirm."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta

import requests
import time_machine
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.media import direct_uploads, services, tasks
from tests import s3

# The S3 fixtures, by name (an import would read as unused and then redefined).
s3_server = s3.s3_server
s3_storage = s3.s3_storage

ALICE = 1
WINDOW = timedelta(hours=direct_uploads.STAGED_UPLOAD_HOURS)


def stage(data: bytes = b"a set at the harbour stage " * 40) -> str:
    """Start a direct upload and send its file, as an app does, without confirming it."""
    ticket = direct_uploads.start_direct_upload(owner_id=ALICE, max_bytes=1024 * 1024)
    with requests.Session() as session:
        session.trust_env = False
        response = session.post(
            ticket["url"], data=ticket["fields"], files={"file": ("set.mp4", data)}, timeout=10
        )
    assert response.status_code in {200, 201, 204}, response.text
    return ticket["key"]


def staged(server, key: str) -> bool:  # noqa: ANN001
    try:
        server.client.head_object(Bucket=server.bucket, Key=key)
    except ClientError:
        return False
    return True


def test_a_staged_upload_never_confirmed_is_removed_after_its_window_and_a_fresh_one_kept(
    s3_storage, s3_server, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    abandoned = stage()
    with time_machine.travel(timezone.now() + WINDOW + timedelta(minutes=5)):
        fresh = stage()

        removed = services.remove_abandoned_uploads()

    assert removed == 1
    assert not staged(s3_server, abandoned)
    assert staged(s3_server, fresh)


def test_a_staged_upload_inside_its_window_is_kept(s3_storage, s3_server, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    key = stage()
    with time_machine.travel(timezone.now() + WINDOW - timedelta(minutes=5)):
        assert services.remove_abandoned_uploads() == 0

    assert staged(s3_server, key)


def test_the_sweep_touches_only_staging_objects(s3_storage, s3_server, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    kept = s3_storage.save("clips/set.mp4", ContentFile(b"stored media"))
    stray = "uploads/not-a-staging-key"
    s3_server.client.put_object(Bucket=s3_server.bucket, Key=stray, Body=b"x")
    with time_machine.travel(timezone.now() + WINDOW * 3):
        services.remove_abandoned_uploads()

    assert s3_storage.exists(kept)
    assert staged(s3_server, stray)


def test_local_copies_left_by_a_dead_confirmation_are_removed(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old = time.time() - WINDOW.total_seconds() - 60
    left = tmp_path / "encore-upload-left"
    left.write_bytes(b"x" * 1000)
    os.utime(left, (old, old))
    copying = tmp_path / "encore-upload-copying"
    copying.write_bytes(b"x" * 1000)
    other = tmp_path / "someone-else"
    other.write_bytes(b"x")
    os.utime(other, (old, old))

    # Without S3 there are no staged objects, only the local copies to clear.
    assert services.remove_abandoned_uploads() == 1

    assert not left.exists()
    assert copying.exists() and other.exists()


def test_the_periodic_task_runs_the_sweep_and_is_scheduled(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "remove_abandoned_uploads", lambda: calls.append(1) or 0)

    tasks.remove_abandoned_uploads()

    assert calls == [1]
    entry = settings.CELERY_BEAT_SCHEDULE["remove-abandoned-uploads"]
    assert entry["task"] == "apps.media.tasks.remove_abandoned_uploads"
