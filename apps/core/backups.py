"""Backups of what Encore keeps: the database and the media store.

A backup is a folder: ``database.dump`` (PostgreSQL's custom format from ``pg_dump``, or a
copy of the SQLite file as ``database.sqlite3``), ``media.tar`` (every file of the default
storage, local disk or S3 alike) and ``manifest.json`` (when, and each table's row count, so
a restore can check itself).

Redis is not backed up: it holds the live-update counters, caches, throttles and the task
queue, all rebuilt or expired by themselves (a lost counter starts above its old numbers; a
lost task is found again by the sweeps). What a restore loses is what happened after the
backup was taken.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from glob import glob
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class RestoreRefused(Exception):
    """The restore would overwrite data, or the backup does not match its manifest."""


def find_pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, or in Debian's versioned folders (newest first)."""
    candidates = [shutil.which(name), f"/usr/local/bin/{name}"]
    candidates += sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(Path(path).parts[-3]), reverse=True
    )
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise ImproperlyConfigured(f"{name} not found: install PostgreSQL's client tools (postgresql-client).")


def _pg_url() -> str:
    db = connection.settings_dict
    netloc = quote(db.get("HOST") or "localhost", safe="")
    if db.get("USER"):
        netloc = f"{quote(db['USER'], safe='')}@{netloc}"
    if db.get("PORT"):
        netloc += f":{db['PORT']}"
    return f"postgres://{netloc}/{quote(db['NAME'], safe='')}"


def _pg_env() -> dict[str, str]:
    # The password goes by the environment, never on a command line others can read.
    password = connection.settings_dict.get("PASSWORD")
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}


def table_counts() -> dict[str, int]:
    """Every table's row count in the configured database."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _storage_files(folder: str = "") -> list[str]:
    folders, files = default_storage.listdir(folder)
    found = [str(PurePosixPath(folder, name)) for name in files]
    for sub in folders:
        found += _storage_files(str(PurePosixPath(folder, sub)))
    return found


def backup(target: Path, *, now: datetime | None = None) -> Path:
    """Write a backup folder under ``target``; returns it."""
    now = now or datetime.now(UTC)
    folder = Path(target) / f"encore-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True)
    if connection.vendor == "postgresql":
        # The arguments are this site's own settings and paths, not anyone's input.
        subprocess.run(  # noqa: S603
            [find_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={folder / PG_DUMP}", _pg_url()],
            check=True, env=_pg_env(),
        )  # fmt: skip
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_COPY) as copy:
            connection.connection.backup(copy)
    else:
        raise ImproperlyConfigured(f"Backups know PostgreSQL and SQLite, not {connection.vendor}.")
    files = _storage_files()
    with tarfile.open(folder / MEDIA_ARCHIVE, "w") as archive:
        for name in files:
            with default_storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                archive.addfile(info, handle)
    manifest = {"created_at": now.isoformat(), "tables": table_counts(), "media_files": len(files)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return folder


def restore(folder: Path) -> dict:
    """Restore a backup folder into the configured database, which must be new (no tables),
    and its files into the default storage; then check both against the manifest."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    if table_counts():
        raise RestoreRefused(
            "The database already has tables: restore into a new database (createdb), before migrating it."
        )
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603
            [find_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={_pg_url()}", str(folder / PG_DUMP)],
            check=True, env=_pg_env(),
        )  # fmt: skip
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_COPY) as source:
            source.backup(connection.connection)
    restored_files = 0
    with tarfile.open(folder / MEDIA_ARCHIVE) as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = PurePosixPath(member.name)
            if name.is_absolute() or ".." in name.parts:
                raise RestoreRefused(f"The media archive names a file outside the store: {member.name}")
            data = archive.extractfile(member).read()
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            default_storage.save(member.name, ContentFile(data))
            restored_files += 1
    counts = table_counts()
    differ = {
        table: (rows, counts.get(table))
        for table, rows in manifest["tables"].items()
        if counts.get(table) != rows
    }
    if differ or restored_files != manifest["media_files"]:
        raise RestoreRefused(
            f"The restore does not match the backup: tables {differ}, files {restored_files}."
        )
    return {"tables": len(counts), "rows": sum(counts.values()), "media_files": restored_files}
