"""`manage.py backup` and `manage.py restore`: a restore into a new database and an empty media
store gives back every table's rows, the ledger's balances and every media file."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.browser.conftest import restore_roles
from tests.core.test_migrating_forward import database_url, scratch_database
from tests.factories import ClipFactory, FollowFactory, TrackFactory

BALANCES = (
    "SELECT account, currency, sum(credited) - sum(debited) FROM ("
    "  SELECT credit AS account, currency, amount AS credited, 0 AS debited FROM tips_ledgerentry"
    "  UNION ALL SELECT debit, currency, 0, amount FROM tips_ledgerentry"
    ") AS moves GROUP BY account, currency ORDER BY account, currency"
)


def files_of(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def restore_in_a_new_process(folder: Path, database: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_restored_into_a_new_postgres_database_has_every_row_balance_and_file(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (CI does)")
    restore_roles()  # an earlier transactional test's flush may have emptied the groups
    call_command("load_demo", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(BALANCES)
        balances = cursor.fetchall()
    assert balances, "the demo has money in the ledger"
    counts = _pg_counts(database_url(connection.settings_dict["NAME"]))
    media = files_of(Path(settings.MEDIA_ROOT))
    assert media

    call_command("backup", str(tmp_path / "backups"), verbosity=0)
    (folder,) = (tmp_path / "backups").iterdir()

    with scratch_database() as name:
        restored_media = tmp_path / "restored-media"
        done = restore_in_a_new_process(folder, database_url(name), restored_media)
        assert done.returncode == 0, done.stderr
        assert _pg_counts(database_url(name)) == counts
        with psycopg.connect(database_url(name)) as conn:
            assert conn.execute(BALANCES).fetchall() == balances
        assert files_of(restored_media) == media

        # Restoring again over it is refused: it would mix two states.
        again = restore_in_a_new_process(folder, database_url(name), restored_media)
        assert again.returncode != 0 and "already has tables" in again.stderr


def _pg_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_site_restores_into_a_new_file_with_every_row_and_file(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip has its own test")
    FollowFactory()
    ClipFactory()
    TrackFactory()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    media = files_of(Path(settings.MEDIA_ROOT))

    call_command("backup", str(tmp_path / "backups"), verbosity=0)
    (folder,) = (tmp_path / "backups").iterdir()
    target = tmp_path / "restored.sqlite3"
    done = restore_in_a_new_process(folder, f"sqlite:///{target}", tmp_path / "restored-media")

    assert done.returncode == 0, done.stderr
    with sqlite3.connect(target) as restored:
        assert {t: restored.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables} == counts  # noqa: S608
    assert files_of(tmp_path / "restored-media") == media
