"""Nearby at 2 km over 1,000,000 stops in PostgreSQL: the SQL alone, then over HTTP.

    .venv/bin/python bench/nearby.py [--stops 1000000] [--duration 10] [--keep-database]

Loads a throwaway database with stops clustered like a city (hot spots around Lisbon's
centre plus a thin background, times spread over +/- 30 days), then measures:
  - the SQL Django sends for one nearby answer, through pgbench at random points;
  - GET /api/v1/performances/nearby/ through gunicorn (WSGI, production settings) with
    the tile cache off (every request computed), with it on (a few points, answered from
    Redis), and a constant view as the floor; pinned (server CPU 0, wrk CPU 1) and on
    the whole box;
  - the cached answer through nginx as a caching reverse proxy in front of gunicorn (the
    answer's Cache-Control decides what it keeps), started by the bench on loopback with
    its config, pid, logs and cache in a temporary folder.
With --keep-database the loaded database stays for the next run, which reuses it when it
holds the same number of stops (its times were spread around the first run's clock).
Prints a markdown table (also bench/results/nearby.md). Needs PostgreSQL and Redis on
127.0.0.1, wrk, pgbench and nginx. Talks only to 127.0.0.1 and cleans up after itself.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import io
import json
import os
import pwd
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_serving as common  # noqa: E402 - the shared server, wrk and database helpers

DB = "encore_bench_nearby"
CENTRE = (38.7139, -9.1394)
RADIUS_KM = 2
WHENS = ("today", "now", "upcoming")
RESULTS = common.ROOT / "bench" / "results" / "nearby.md"
NGINX = "/usr/sbin/nginx"

WRK_POINTS = r"""
-- Each request asks about its own point (so no two share a cache tile), or one of a few
-- fixed points (so the tile cache answers), and comes from its own client address (one
-- load balancer in front, as in production), so the rate limit sees many callers.
local hot = {HOT}
local fixed = {FIXED}
local counter = 0
math.randomseed(os.time() + (tonumber(tid) or 0))

function client()
  counter = counter + 1
  local t = tonumber(tid) or 1
  return string.format("10.%d.%d.%d", t % 256, math.floor(counter / 256) % 256, counter % 256)
end

function request()
  local lat, lng
  if #fixed > 0 then
    local p = fixed[(counter % #fixed) + 1]
    lat, lng = p[1], p[2]
  else
    local h = hot[math.random(#hot)]
    lat = h[1] + (math.random() - 0.5) * 0.03
    lng = h[2] + (math.random() - 0.5) * 0.04
  end
  local query = "/api/v1/performances/nearby/?lat=%.6f&lng=%.6f&radius_km=2&when=today"
  local path = string.format(query, lat, lng)
  return wrk.format("GET", path, {["X-Forwarded-For"] = client()})
end

-- A global, so done() can read each thread's counts.
codes = {}
cache_status = {}
local threads = {}
function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000)))
  table.insert(threads, thread)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  local cached = headers["X-Cache-Status"]
  if cached then
    cache_status[cached] = (cache_status[cached] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("codes") or {}) do
      io.write(string.format("STATUS %d %d\n", status, count))
    end
    for name, count in pairs(thread:get("cache_status") or {}) do
      io.write(string.format("CACHE %s %d\n", name, count))
    end
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""
WRK_CONSTANT = (
    WRK_POINTS[: WRK_POINTS.index("function request()")]
    + 'function request() return wrk.format("GET", "/healthz", {["X-Forwarded-For"] = client()}) end\n'
    + WRK_POINTS[WRK_POINTS.index("-- A global") :]
)


# A shared cache in front of the app, as an operator would put one: it keeps what the app
# marks public for as long as its Cache-Control says (nothing else: no proxy_cache_valid),
# and a caller with credentials goes past it to the app. No proxy_cache_lock: it would
# queue every request for an answer that is never kept (the constant view) behind one key.
NGINX_CONF = """
{user}
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=answers:10m max_size=256m inactive=10m
        use_temp_path=off;
    server_tokens off;

    upstream encore_web {{
        server {host}:{upstream_port};
    }}

    server {{
        listen {host}:{port};

        location / {{
            proxy_pass http://encore_web;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_cache answers;
            proxy_cache_bypass $http_authorization $http_x_session_token $cookie_sessionid;
            proxy_no_cache $http_authorization $http_x_session_token $cookie_sessionid;
            add_header X-Cache-Status $upstream_cache_status;
        }}
    }}
}}
"""


class Nginx:
    """nginx on a free loopback port in front of the server at upstream_port, everything
    under its own temporary folder."""

    def __init__(self, upstream_port: int, workers: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="encore-bench-nginx-"))
        self.port = common.free_port()
        user = ""
        if os.geteuid() == 0:
            # Started as root, nginx's workers run as nobody: they write the cache and
            # temp files, so the folder is theirs (the master writes its pid as root).
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
        conf = self.folder / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user=user,
                workers=workers,
                folder=self.folder,
                host=common.HOST,
                port=self.port,
                upstream_port=upstream_port,
            )
        )
        # -e: the error log before the config is read, which would otherwise be system-wide.
        argv = [NGINX, "-p", str(self.folder), "-c", str(conf), "-e", str(self.folder / "error.log")]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while not common.reachable(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "error.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise common.BenchError(f"nginx did not start:\n{log}")
            time.sleep(0.1)

    def url(self, path: str) -> str:
        return f"http://{common.HOST}:{self.port}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


def hot_spots(rng: random.Random, count: int = 20) -> list[tuple[float, float, float]]:
    """(lat, lng, spread in degrees) of busy squares around the centre."""
    return [
        (CENTRE[0] + rng.gauss(0, 0.025), CENTRE[1] + rng.gauss(0, 0.035), rng.uniform(0.002, 0.008))
        for _ in range(count)
    ]


def generate(total_stops: int, seed: int = 7):  # noqa: ANN201
    """Artists, performances and stops as rows for COPY."""
    rng = random.Random(seed)
    spots = hot_spots(rng)
    now = datetime.now(UTC)
    artists = 4000
    performances, stops = [], []
    live_artists: set[int] = set()
    pid = 0
    while len(stops) < total_stops:
        pid += 1
        artist = rng.randint(1, artists)
        start = now + timedelta(minutes=rng.randint(-30 * 24 * 60, 30 * 24 * 60))
        n = min(rng.randint(1, 5), total_stops - len(stops))
        if rng.random() < 0.8:
            lat0, lng0, spread = rng.choice(spots)
            lat, lng = rng.gauss(lat0, spread), rng.gauss(lng0, spread * 1.3)
        else:
            lat, lng = CENTRE[0] + rng.uniform(-0.07, 0.07), CENTRE[1] + rng.uniform(-0.09, 0.09)
        t = start
        rows = []
        for order in range(1, n + 1):
            length = timedelta(minutes=rng.randint(30, 90))
            rows.append((pid, order, lat, lng, f"Corner {order}", t, t + length))
            t += length + timedelta(minutes=rng.randint(0, 45))
            lat, lng = lat + rng.gauss(0, 0.002), lng + rng.gauss(0, 0.002)
        end = rows[-1][6]
        if end < now:
            status = "cancelled" if rng.random() < 0.05 else "completed"
        elif start <= now and artist not in live_artists:
            status = "live"
            live_artists.add(artist)
        else:
            status = "scheduled"
        performances.append((pid, artist, f"Set {pid}", status, now))
        stops.extend(rows)
    return artists, performances, stops, spots


def load(database_url: str, total_stops: int) -> list[tuple[float, float, float]]:
    import psycopg

    artists, performances, stops, spots = generate(total_stops)
    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY accounts_user (id, password, is_superuser, is_staff, is_active, date_joined, email,"
            " display_name, radius_km) FROM STDIN"
        ) as copy:
            for n in range(1, artists + 1):
                copy.write_row((n, "!", False, False, True, datetime.now(UTC), f"a{n}@bench.local", "", 5))
        with cur.copy(
            "COPY accounts_artistprofile (id, user_id, stage_name, slug, bio, avatar, instagram_url,"
            " spotify_url, youtube_url, website_url, payout_status, stripe_account_id, hidden, created_at,"
            " updated_at, cover) FROM STDIN"
        ) as copy:
            now = datetime.now(UTC)
            for n in range(1, artists + 1):
                copy.write_row(
                    (
                        n,
                        n,
                        f"Artist {n}",
                        f"artist-{n}",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "not_connected",
                        "",
                        False,
                        now,
                        now,
                        "",
                    )
                )
        with cur.copy(
            "COPY performances_performance (id, artist_id, title, description, status, like_count,"
            " view_count, hidden, created_at, updated_at) FROM STDIN"
        ) as copy:
            for pid, artist, title, status, now in performances:
                copy.write_row((pid, artist, title, "", status, 0, 0, False, now, now))
        with cur.copy(
            'COPY performances_stop (performance_id, "order", lat, lng, place_name, starts_at, ends_at,'
            " performance_status) FROM STDIN"
        ) as copy:
            status_of = {pid: status for pid, _, _, status, _ in performances}
            for row in stops:
                copy.write_row((*row, status_of[row[0]]))
        for table in ("accounts_user", "accounts_artistprofile", "performances_performance"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    # As autovacuum would have done by now on a live database: statistics for the planner,
    # and the visibility map that lets nearby answer from the index alone.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return spots


def loaded_stops(database_url: str) -> int | None:
    """How many stops a kept database holds, or None when there is none to reuse."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM performances_stop").fetchone()[0]
    except psycopg.Error:
        return None


def sql_for(points: list[tuple[float, float]], database_url: str) -> tuple[dict[str, list[str]], str]:
    """The exact SQL Django sends for nearby answers at these points, one script per answer
    for each time filter, and EXPLAIN ANALYZE of the first `today` answer."""
    os.environ.update(common.base_env(database_url, use_redis=False))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()
    import psycopg
    from django.db import connection

    from apps.performances.nearby import NearbyQuery, find

    now = datetime.now(UTC)
    scripts: dict[str, list[str]] = {}
    statements: list[str] = []

    def capture(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        # The statement with its values written in, as pgbench needs it.
        statements.append(psycopg.ClientCursor(connection.connection).mogrify(sql, params))
        return execute(sql, params, many, context)

    for when in WHENS:
        scripts[when] = []
        for lat, lng in points:
            statements.clear()
            with connection.execute_wrapper(capture):
                find(NearbyQuery(lat, lng, RADIUS_KM * 1000, when), now=now)
            scripts[when].append("\n".join(statement + ";" for statement in statements))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + scripts["today"][0].rstrip(";"))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    connection.close()
    return scripts, plan


def pgbench(statements: list[str], database: str, seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for n, statement in enumerate(statements):
            path = Path(folder) / f"q{n}.sql"
            path.write_text(statement + "\n")
            files += ["-f", str(path)]
        done = subprocess.run(
            [
                "pgbench",
                "-n",
                # Prepared, as the app's statement is: planned once, run many times.
                "-M",
                "prepared",
                "-h",
                common.HOST,
                "-U",
                "postgres",
                "-c",
                "1",
                "-T",
                str(seconds),
                *files,
                database,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    out = done.stdout
    latency = float(out.split("latency average = ")[1].split(" ms")[0])
    tps = float(out.split("tps = ")[1].split(" ")[0])
    return {"latency_ms": latency, "tps": tps}


def wrk_points(script: str, url: str, seconds: int, connections: int, pin: str | None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", handle.name, url]
        if pin is not None:
            argv = ["taskset", "-c", pin, *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    finally:
        os.unlink(handle.name)
    lines = [line.split() for line in done.stdout.splitlines()]
    codes = {int(parts[1]): int(parts[2]) for parts in lines if parts[:1] == ["STATUS"]}
    cache_status: dict[str, int] = {}
    for parts in lines:
        if parts[:1] == ["CACHE"]:
            cache_status[parts[1]] = cache_status.get(parts[1], 0) + int(parts[2])
    for line in done.stdout.splitlines():
        if line.startswith("WRKJSON "):
            figures = json.loads(line.removeprefix("WRKJSON "))
            figures["codes"] = codes
            figures["cache_status"] = cache_status
            figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
            return figures
    raise common.BenchError(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")


def lua_list(points) -> str:  # noqa: ANN001
    return "{" + ", ".join(f"{{{p[0]:.6f}, {p[1]:.6f}}}" for p in points) + "}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stops", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, choices=range(3, 61), metavar="SECONDS")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="keep the loaded database afterwards, and reuse a kept one with as many stops",
    )
    args = parser.parse_args()
    for tool, package in (("wrk", "wrk"), ("pgbench", "postgresql-client"), (NGINX, "nginx")):
        if shutil.which(tool) is None:
            print(f"{tool} is needed: apt-get install -y --no-install-recommends {package}")
            return 2
    if not (common.reachable(common.PG_PORT) and common.redis_answers()):
        print("PostgreSQL and Redis must answer on 127.0.0.1:5432 and :6379")
        return 2

    database_url = f"postgres://postgres@{common.HOST}:{common.PG_PORT}/{DB}"
    logdir = Path(tempfile.mkdtemp(prefix="encore-bench-"))
    rows: list[tuple] = []
    reuse = args.keep_database and loaded_stops(database_url) == args.stops
    if not reuse:
        with common.pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
    try:
        env = common.base_env(database_url, use_redis=True)
        # wrk connects over loopback, a trusted proxy by default: each request's
        # X-Forwarded-For names its client, so the rate limit does its work per caller.
        started = time.monotonic()
        # On a kept database this applies only migrations added since it was loaded.
        common.manage(env, "migrate", "--no-input", timeout=600)
        if reuse:
            spots = hot_spots(random.Random(7))
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE performances_stop")
            load_seconds = None
        else:
            spots = load(database_url, args.stops)
            load_seconds = time.monotonic() - started
        rng = random.Random(11)
        sample = [(lat + rng.uniform(-0.015, 0.015), lng + rng.uniform(-0.02, 0.02)) for lat, lng, _ in spots]
        statements, plan = sql_for(sample, database_url)
        sql = {when: pgbench(statements[when], DB, args.duration) for when in WHENS}
        fixed = sample[:20]
        hot = lua_list([(lat, lng) for lat, lng, _ in spots])
        constant = WRK_CONSTANT.replace("{HOT}", hot).replace("{FIXED}", "{}")
        cached = WRK_POINTS.replace("{HOT}", hot).replace("{FIXED}", lua_list(fixed))
        scripts = {
            "constant view (`/healthz`)": constant,
            "nearby, tile cache off": WRK_POINTS.replace("{HOT}", hot).replace("{FIXED}", "{}"),
            "nearby, tile cache on (20 points)": cached,
        }
        runs = [
            (mode, label, script, workers, server_pin, wrk_pin, False)
            for mode, workers, server_pin, wrk_pin in (("pinned", 1, "0", "1"), ("whole box", 2, None, None))
            for label, script in scripts.items()
        ]
        # The same gunicorn behind nginx: its cache answers what the app marks public.
        runs += [
            ("whole box", "nginx in front: constant view (not cached)", constant, 2, None, None, True),
            ("whole box", "nginx in front: nearby, tile cache on (20 points)", cached, 2, None, None, True),
        ]
        for mode, label, script, workers, server_pin, wrk_pin, proxied in runs:
            cache_seconds = "0" if "off" in label else "30"
            server = common.gunicorn_sync(
                workers, {"NEARBY_CACHE_SECONDS": cache_seconds, "LOG_LEVEL": "WARNING"}
            )
            running = common.Running(server, env, server_pin, logdir)
            proxy = None
            try:
                running.wait_ready()
                url = running.url("/")
                if proxied:
                    proxy = Nginx(running.port, os.cpu_count() or 1)
                    url = proxy.url("/")
                wrk_points(script, url, 2, args.connections, wrk_pin)  # warm-up
                # The web processes' own CPU (gunicorn's, and nginx's in front), which other
                # work on the box moves far less than it moves req/s.
                groups = [running.proc.pid] + ([proxy.proc.pid] if proxy is not None else [])
                cpu_before = sum(common.group_cpu_seconds(group) for group in groups)
                figures = wrk_points(script, url, args.duration, args.connections, wrk_pin)
                figures["per_cpu"] = figures["requests"] / max(
                    sum(common.group_cpu_seconds(group) for group in groups) - cpu_before, 0.01
                )
            finally:
                if proxy is not None:
                    proxy.stop()
                running.stop()
            failed = {code: n for code, n in figures["codes"].items() if code >= 400}
            errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
            errors = (
                ", ".join(
                    [f"{n}x{code}" for code, n in sorted(failed.items())]
                    + ([f"{errors} socket"] if errors else [])
                )
                or "0"
            )
            hits = figures["cache_status"]
            if proxied:
                answered = sum(hits.values()) or 1
                label += f" ({hits.get('HIT', 0) / answered:.1%} from nginx's cache)"
            rows.append(
                (
                    mode,
                    label,
                    figures["rps"],
                    figures["p50_us"] / 1000,
                    figures["p95_us"] / 1000,
                    figures["p99_us"] / 1000,
                    errors,
                    figures["per_cpu"],
                )
            )
    finally:
        if not args.keep_database:
            with contextlib.suppress(Exception), common.pg_connect() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            common.clean_redis()

    out = io.StringIO()
    out.write(f"# Nearby at {RADIUS_KM} km over {args.stops:,} stops\n\n")
    out.write(
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; "
        + (f"loaded in {load_seconds:.0f} s" if load_seconds is not None else "kept database reused")
        + f"; load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} at the end\n"
    )
    out.write(
        f"- SQL alone: the statements of one answer, prepared as the app's are (pgbench -M prepared, "
        f"1 client, {len(sample)} random points near hot spots)\n\n"
    )
    out.write(
        "| when | statements per answer | SQL ms per answer | answers/s |\n| --- | ---: | ---: | ---: |\n"
    )
    for when in WHENS:
        per_answer = sum(len(script.split(";\n")) for script in statements[when]) / len(statements[when])
        out.write(
            f"| `{when}` | {per_answer:.1f} | **{sql[when]['latency_ms']:.2f}** | {sql[when]['tps']:,.0f} |\n"
        )
    out.write(
        "\n- HTTP: `when=today`, 2 km. *SQL share*: the SQL's time as a share of one core's time"
        " per request. *Per web CPU-s*: requests per second of CPU used by the web processes"
        " (gunicorn, and nginx in front), without PostgreSQL's or Redis's\n\n"
    )
    out.write(
        "| run | endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | vs constant view | SQL share"
        " | per web CPU-s | vs constant view, per CPU-s |\n"
    )
    out.write("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    floors = {mode: rps for mode, label, rps, *_ in rows if label.startswith("constant")}
    cpu_floors = {mode: per_cpu for mode, label, *_, per_cpu in rows if label.startswith("constant")}
    for mode, label, rps, p50, p95, p99, errors, per_cpu in rows:
        share = f"{rps / floors[mode]:.2f}x"
        sql_share = (
            f"{sql['today']['latency_ms'] * rps / 1000:.0%}" if mode == "pinned" and "off" in label else "-"
        )
        cells = [
            mode,
            label,
            f"{rps:,.0f}",
            f"{p50:.1f}",
            f"{p95:.1f}",
            f"{p99:.1f}",
            str(errors),
            share,
            sql_share,
            f"{per_cpu:,.0f}",
            f"{per_cpu / cpu_floors[mode]:.2f}x",
        ]
        out.write("| " + " | ".join(cells) + " |\n")
    out.write("\nQuery plan of one nearby question:\n\n```\n" + plan + "\n```\n")
    report = out.getvalue()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
