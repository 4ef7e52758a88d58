"""A database made before areas, genres, reports and the moderation log moved apps migrates
forward to this tree and keeps every row.

Commit 9fbe4d1 is the last one before the moves: areas and genres from performances to
places, reports from media and the moderation log from curation to moderation. This test
checks that commit out beside the tree, builds its demo on PostgreSQL as `make run` does,
adds reports and moderation decisions through that commit's own services, dumps the
database and restores the dump into another, runs this tree's migrations there and
compares: every table's rows, the ledger's sums per account, the reports and decisions and
the items they point at, the content types and the curators' permissions.

Run it with ``-s`` to see the figures before and after.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

from apps.core.backups import find_pg_tool

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
OLD_COMMIT = "9fbe4d1"
DATABASE_PREFIX = "encore_migcheck_"
# Each command may take minutes on a busy machine; this only stops one that hangs.
COMMAND_TIMEOUT = 30 * 60

# Each moved table's name now, and at the old commit.
RENAMED_TABLES = {
    "places_area": "performances_area",
    "places_genre": "performances_genre",
    "moderation_report": "media_report",
    "moderation_moderationaction": "curation_moderationaction",
}
# Each moved model's content type at the old commit, and now.
MOVED_CONTENT_TYPES = {
    ("performances", "area"): ("places", "area"),
    ("performances", "genre"): ("places", "genre"),
    ("media", "report"): ("moderation", "report"),
    ("curation", "moderationaction"): ("moderation", "moderationaction"),
}
# The upgrade changes these by design (relabelled content types, the applied migrations);
# they are compared on their own.
CHANGED_BY_DESIGN = {"django_content_type", "django_migrations"}
CURATORS_GROUP = "curators"

# Run at the old commit (`manage.py shell -c`): reports and decisions the demo lacks, made
# through that commit's services, and admin log entries on each model that moves.
SEED_AT_OLD_COMMIT = """
import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from apps.accounts.models import ArtistProfile, User
from apps.core import background
from apps.curation import moderation
from apps.curation.models import ModerationAction
from apps.media.models import Clip, Report, Story, Track
from apps.media.services import report_item
from apps.performances.models import Area, Genre, Performance

fan = User.objects.get(email="fan@demo.encore.local")
fan2 = User.objects.get(email="fan2@demo.encore.local")
curator = User.objects.get(email="curator@demo.encore.local")
clip = Clip.objects.order_by("pk").first()
track = Track.objects.order_by("pk").first()
story = Story.objects.order_by("pk").first()
performance = Performance.objects.order_by("pk").first()
profile = ArtistProfile.objects.get(slug="ines-cordas")

for reporter, item, reason in [
    (fan, clip, "spam"),
    (fan2, clip, "offensive"),
    (fan, performance, "other"),
    (fan2, performance, "privacy"),
    (fan, profile, "spam"),
    (fan, track, "copyright"),
    (fan2, story, "privacy"),
]:
    report_item(item, reporter=reporter, reason=reason, note="Reported before the upgrade")

moderation.hide_item(clip, actor=curator, reason="Looks like spam")
moderation.restore_item(clip, actor=curator, reason="A real clip after all")
moderation.warn_owner(performance, actor=curator, reason="Say where exactly you play")
moderation.dismiss_reports(profile, actor=curator, reason="Nothing wrong with the profile")
moderation.hide_item(story, actor=curator, reason="Shows someone without consent")
background.drain()

for obj in [
    Area.objects.order_by("pk").first(),
    Genre.objects.order_by("pk").first(),
    Report.objects.order_by("pk").first(),
    ModerationAction.objects.order_by("pk").first(),
]:
    LogEntry.objects.create(
        user=curator,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message="Checked before the upgrade",
    )
print("SEEDED " + json.dumps({
    "reports": Report.objects.count(),
    "open_reports": Report.objects.filter(status="open").count(),
    "moderation_actions": ModerationAction.objects.count(),
    "admin_log_entries": LogEntry.objects.count(),
}))
"""

# Run with this tree after migrating: the moved rows through the models as they are now.
CHECK_WITH_THIS_TREE = """
import json

from apps.accounts.models import User
from apps.moderation.models import ModerationAction, Report
from apps.places.models import Area, Genre

curator = User.objects.get(email="curator@demo.encore.local")
unresolved = [f"report {r.pk}" for r in Report.objects.all() if r.item is None]
unresolved += [f"moderation action {a.pk}" for a in ModerationAction.objects.all() if a.item is None]
print("CHECKED " + json.dumps({
    "reports": Report.objects.count(),
    "moderation_actions": ModerationAction.objects.count(),
    "areas": Area.objects.count(),
    "genres": Genre.objects.count(),
    "unresolved": unresolved,
    "curator_permissions": sorted(curator.get_all_permissions()),
}))
"""


# --- PostgreSQL -----------------------------------------------------------------------------


def database_url(name: str) -> str:
    """The URL of database ``name`` on the server the suite's settings point at."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    netloc = quote(db.get("HOST") or "localhost", safe="")
    if auth:
        netloc = f"{auth}@{netloc}"
    if db.get("PORT"):
        netloc += f":{db['PORT']}"
    return f"postgres://{netloc}/{quote(name, safe='')}"


@contextmanager
def server_connection() -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        yield conn


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new empty database of this test's own, dropped afterwards whatever happens."""
    name = f"{DATABASE_PREFIX}{secrets.token_hex(5)}"
    with server_connection() as conn:
        # template0: nothing else is ever connected to it, unlike template1.
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with server_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def pg_tool(name: str) -> str:
    try:
        return find_pg_tool(name)
    except ImproperlyConfigured:
        pytest.skip(f"needs {name} (PostgreSQL's client tools) to dump and restore the old database")


# --- the old commit -------------------------------------------------------------------------


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


@contextmanager
def old_worktree(path: Path) -> Iterator[Path]:
    """The old commit checked out at ``path``, removed afterwards whatever happens."""
    if shutil.which("git") is None:
        pytest.skip("needs git to check out the old commit")
    if git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: there is no old commit to migrate from")
    if git("rev-parse", "--verify", "--quiet", f"{OLD_COMMIT}^{{commit}}").returncode != 0:
        pytest.skip(f"commit {OLD_COMMIT} is not in this clone's history (a shallow clone?); fetch it to run")
    try:
        added = git("worktree", "add", "--detach", str(path), OLD_COMMIT)
        if added.returncode != 0:
            pytest.fail(f"git worktree add failed:\n{added.stderr}")
        yield path
    finally:
        git("worktree", "remove", "--force", str(path))
        git("worktree", "prune")


# --- running commands -----------------------------------------------------------------------

# What a command needs from this process's environment; nothing else leaks in (the suite's
# DJANGO_SETTINGS_MODULE, REDIS_URL, PYTHONPATH and the like).
KEPT_VARIABLES = (
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "TZ",
    "LD_LIBRARY_PATH",
    "SYSTEMROOT",
)


def command_env(**extra: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in KEPT_VARIABLES if key in os.environ}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def django_env(database: str, media_root: Path) -> dict[str, str]:
    """The embedded default as `make run` has it (no REDIS_URL: background work runs inline),
    on the given database. Both trees' manage.py default to config.settings.local."""
    return command_env(
        DATABASE_URL=database_url(database),
        MEDIA_ROOT=str(media_root),
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )


def run(what: str, args: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: still running after {COMMAND_TIMEOUT} s")
    print(f"  {what}: {time.monotonic() - started:.1f} s", flush=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + "\n" + done.stderr).strip().splitlines()[-60:])
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def manage(what: str, tree: Path, env: dict[str, str], *args: str) -> str:
    return run(what, [sys.executable, "manage.py", *args], cwd=tree, env=env)


def marked_json(output: str, marker: str) -> dict:
    for line in output.splitlines():
        if line.startswith(marker + " "):
            return json.loads(line.removeprefix(marker + " "))
    pytest.fail(f"no {marker} line in the output:\n{output[-3000:]}")


# --- the figures ----------------------------------------------------------------------------


@dataclass
class Figures:
    # Under the old names: table -> (rows, digest of the rows' text).
    tables: dict[str, tuple[int, str]]
    # Under the old names: table -> its columns, in order.
    columns: dict[str, list[str]]
    # (account, currency) -> (amount credited to it, amount debited from it).
    ledger: dict[tuple[str, str], tuple[int, int]]
    ledger_rows: int
    content_types: dict[int, tuple[str, str]]
    # (codename, content type id, app_label, model)
    curators: set[tuple[str, int, str, str]]
    reports: list[dict]
    moderation_actions: list[dict]
    admin_log: list[tuple[int, int, str]]
    # (content type id, object id) of every report, decision and admin log entry -> the row
    # it points at, as JSON (None: nothing there).
    items: dict[tuple[int, str], dict | None]
    migrations: set[tuple[str, str]]

    def rows(self, table: str) -> int:
        return self.tables[table][0]


def table_of(content_type: tuple[str, str]) -> str:
    try:
        return django_apps.get_model(*content_type)._meta.db_table
    except LookupError:  # a model that has moved since: Django's default name
        return "_".join(content_type)


def read_figures(database: str, *, moved: bool, columns: dict[str, list[str]] | None = None) -> Figures:
    """Every figure of ``database``, by plain SQL; ``moved``: the tables have their new names.

    ``columns`` (by the old table names): digest only these columns of a table, so that a
    column added since keeps the rows' digest comparable with the database before it."""
    new_name = {old: new for new, old in RENAMED_TABLES.items()} if moved else {}
    old_name = RENAMED_TABLES if moved else {}

    def now(table: str) -> str:
        return new_name.get(table, table)

    with psycopg.connect(database_url(database), autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        tables, table_columns = {}, {}
        for name in names:
            key = old_name.get(name, name)
            assert key not in tables, f"{database} has both {name} and {key}"
            table_columns[key] = [
                row[0]
                for row in conn.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    [name],
                )
            ]
            kept = (columns or {}).get(key, table_columns[key])
            row = sql.SQL("ROW({})").format(sql.SQL(", ").join(sql.Identifier("x", c) for c in kept))
            rows, digest = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg({row}::text, E'\\n' ORDER BY {row}::text), ''))"
                    " FROM {table} AS x"
                ).format(row=row, table=sql.Identifier(name))
            ).fetchone()
            tables[key] = (rows, digest)

        ledger: dict[tuple[str, str], tuple[int, int]] = {}
        for account, currency, credited, debited in conn.execute(
            "SELECT account, currency, sum(credited), sum(debited) FROM ("
            "  SELECT credit AS account, currency, amount AS credited, 0 AS debited FROM tips_ledgerentry"
            "  UNION ALL"
            "  SELECT debit, currency, 0, amount FROM tips_ledgerentry"
            ") AS movements GROUP BY account, currency ORDER BY account, currency"
        ):
            ledger[(account, currency)] = (int(credited), int(debited))
        ledger_rows = conn.execute("SELECT count(*) FROM tips_ledgerentry").fetchone()[0]

        content_types = {
            id_: (app_label, model)
            for id_, app_label, model in conn.execute("SELECT id, app_label, model FROM django_content_type")
        }
        curators = set(
            conn.execute(
                "SELECT p.codename, ct.id, ct.app_label, ct.model FROM auth_group g"
                " JOIN auth_group_permissions gp ON gp.group_id = g.id"
                " JOIN auth_permission p ON p.id = gp.permission_id"
                " JOIN django_content_type ct ON ct.id = p.content_type_id"
                " WHERE g.name = %s",
                [CURATORS_GROUP],
            )
        )

        def json_rows(table: str) -> list[dict]:
            query = sql.SQL("SELECT row_to_json(x)::text FROM {} AS x ORDER BY x.id")
            return [json.loads(row[0]) for row in conn.execute(query.format(sql.Identifier(now(table))))]

        reports = json_rows("media_report")
        moderation_actions = json_rows("curation_moderationaction")
        admin_log = [
            (id_, content_type_id, object_id)
            for id_, content_type_id, object_id in conn.execute(
                "SELECT id, content_type_id, object_id FROM django_admin_log ORDER BY id"
            )
        ]

        pointers = {(row["content_type_id"], str(row["object_id"])) for row in reports + moderation_actions}
        pointers |= {(content_type_id, object_id) for _, content_type_id, object_id in admin_log}
        items: dict[tuple[int, str], dict | None] = {}
        for content_type_id, object_id in sorted(pointers):
            table = table_of(content_types[content_type_id])
            found = None
            if table in names:
                found = conn.execute(
                    sql.SQL("SELECT row_to_json(x)::text FROM {} AS x WHERE x.id = %s").format(
                        sql.Identifier(table)
                    ),
                    [int(object_id)],
                ).fetchone()
            items[(content_type_id, object_id)] = json.loads(found[0]) if found else None

        migrations = set(conn.execute("SELECT app, name FROM django_migrations"))

    return Figures(
        tables=tables,
        columns=table_columns,
        ledger=ledger,
        ledger_rows=ledger_rows,
        content_types=content_types,
        curators=curators,
        reports=reports,
        moderation_actions=moderation_actions,
        admin_log=admin_log,
        items=items,
        migrations=migrations,
    )


def show(before: Figures, after: Figures) -> None:
    print(f"\nRows per table, at {OLD_COMMIT} and after migrating a restored dump to this tree:")
    renamed = {old: new for new, old in RENAMED_TABLES.items()}
    tables = sorted(before.tables.keys() | after.tables.keys())
    labels = {table: f"{table} -> {renamed[table]}" if table in renamed else table for table in tables}
    width = max(len(label) for label in labels.values())
    for table in tables:
        rows_before = before.tables[table][0] if table in before.tables else "-"
        rows_after = after.tables[table][0] if table in after.tables else "-"
        same = (
            ""
            if table in CHANGED_BY_DESIGN or before.tables.get(table) == after.tables.get(table)
            else "  (!)"
        )
        print(f"  {labels[table]:<{width}}  {rows_before!s:>7}  {rows_after!s:>7}{same}")
    print(f"\nLedger ({before.ledger_rows} rows before, {after.ledger_rows} after), minor units per account:")
    line = "  {:<24} {:<8} {:>11} {:>11} {:>11} {:>11}"
    print(line.format("account", "currency", "in before", "out before", "in after", "out after"))
    for account, currency in sorted(before.ledger.keys() | after.ledger.keys()):
        in_before, out_before = before.ledger.get((account, currency), ("-", "-"))
        in_after, out_after = after.ledger.get((account, currency), ("-", "-"))
        print(line.format(account, currency, in_before, out_before, in_after, out_after))
    print(
        f"\nReports {len(before.reports)} -> {len(after.reports)}, moderation actions"
        f" {len(before.moderation_actions)} -> {len(after.moderation_actions)}, admin log entries"
        f" {len(before.admin_log)} -> {len(after.admin_log)}, curators' permissions"
        f" {len(before.curators)} -> {len(after.curators)}"
    )
    for old, new in MOVED_CONTENT_TYPES.items():
        ids_before = sorted(id_ for id_, label in before.content_types.items() if label == old)
        ids_after = sorted(id_ for id_, label in after.content_types.items() if label == new)
        print(f"  content type {'.'.join(old)} {ids_before} -> {'.'.join(new)} {ids_after}")


# --- the test -------------------------------------------------------------------------------


def test_a_demo_database_from_before_the_moves_migrates_forward_with_every_row() -> None:
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="encore-migcheck-") as folder:
        work = Path(folder)
        media = work / "media"
        media.mkdir()
        dump = work / "demo.dump"
        with (
            old_worktree(work / "old") as old_tree,
            scratch_database() as old_db,
            scratch_database() as new_db,
        ):
            print(f"\nAt {OLD_COMMIT} (database {old_db}):")
            old_env = django_env(old_db, media)
            manage("migrate", old_tree, old_env, "migrate", "--no-input")
            manage("load_demo", old_tree, old_env, "load_demo")
            seeded = marked_json(
                manage("reports and decisions", old_tree, old_env, "shell", "-c", SEED_AT_OLD_COMMIT),
                "SEEDED",
            )
            before = read_figures(old_db, moved=False)

            print(f"This tree (database {new_db}, restored from a dump of {old_db}):")
            run(
                "pg_dump",
                [pg_dump, "--format=custom", f"--file={dump}", database_url(old_db)],
                cwd=work,
                env=command_env(),
            )
            run(
                "pg_restore",
                [pg_restore, "--exit-on-error", "--no-owner", f"--dbname={database_url(new_db)}", str(dump)],
                cwd=work,
                env=command_env(),
            )
            new_env = django_env(new_db, media)
            manage("migrate", ROOT, new_env, "migrate", "--no-input")
            checked = marked_json(
                manage(
                    "the moved rows through the models", ROOT, new_env, "shell", "-c", CHECK_WITH_THIS_TREE
                ),
                "CHECKED",
            )
            after = read_figures(new_db, moved=True, columns=before.columns)
    show(before, after)
    print(f"\nIn all {time.monotonic() - started:.0f} s")

    # The old database is what the check needs: moved tables under their old names, and
    # reports and decisions to carry across.
    assert not set(RENAMED_TABLES) & set(before.tables), "the old commit already has the new tables"
    assert before.rows("media_report") == seeded["reports"] >= 7
    assert before.rows("curation_moderationaction") == seeded["moderation_actions"] >= 5
    assert before.rows("performances_area") > 0 and before.rows("performances_genre") > 0
    assert before.ledger_rows > 0 and before.rows("curation_collection") > 0

    # Every table keeps its rows: the same number and the same contents (of the columns it had:
    # a column added since, such as a picture, may be new).
    assert not before.tables.keys() - after.tables.keys(), "tables gone after migrating"
    assert {
        table: sorted(set(columns) - set(after.columns[table]))
        for table, columns in before.columns.items()
        if set(columns) - set(after.columns[table])
    } == {}, "columns gone after migrating"
    assert {
        table: (before.rows(table), after.rows(table))
        for table in before.tables
        if table != "django_migrations" and before.rows(table) != after.rows(table)
    } == {}
    assert [
        table
        for table in before.tables
        if table not in CHANGED_BY_DESIGN and before.tables[table][1] != after.tables[table][1]
    ] == [], "tables whose rows changed"
    new_tables = after.tables.keys() - before.tables.keys()
    assert {table: after.rows(table) for table in new_tables} == dict.fromkeys(new_tables, 0), (
        "new tables may only be empty"
    )
    assert before.migrations <= after.migrations

    # The money is where it was.
    assert after.ledger_rows == before.ledger_rows
    assert after.ledger == before.ledger

    # Reports and decisions: the same rows, pointing at the same items.
    assert after.reports == before.reports
    assert after.moderation_actions == before.moderation_actions
    assert after.admin_log == before.admin_log
    assert [pointer for pointer, item in before.items.items() if item is None] == []
    # The same rows, field for field (a field added since may be new).
    assert {
        pointer: item and {field: item.get(field) for field in before.items[pointer]}
        for pointer, item in after.items.items()
    } == before.items

    # The content types followed the models: same ids, new labels, nothing left under the old.
    relabelled = {id_: MOVED_CONTENT_TYPES.get(label, label) for id_, label in before.content_types.items()}
    assert {id_: after.content_types.get(id_) for id_ in relabelled} == relabelled
    assert not set(MOVED_CONTENT_TYPES) & set(after.content_types.values()), "old content types left"

    # The curators hold the same permissions, on the same (relabelled) content types.
    assert before.curators, "the demo's curators group has no permissions"
    assert after.curators == {
        (codename, id_, *MOVED_CONTENT_TYPES.get((app_label, model), (app_label, model)))
        for codename, id_, app_label, model in before.curators
    }

    # And this tree's models read the moved rows and grants.
    assert checked["unresolved"] == []
    assert checked["reports"] == len(before.reports)
    assert checked["moderation_actions"] == len(before.moderation_actions)
    assert checked["areas"] == before.rows("performances_area")
    assert checked["genres"] == before.rows("performances_genre")
    assert {f"{app_label}.{codename}" for codename, _, app_label, _ in after.curators} <= set(
        checked["curator_permissions"]
    )
