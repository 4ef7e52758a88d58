"""How should Django's HTTP be served here: WSGI (gunicorn) or ASGI (daphne)?

Starts each server in turn with the production settings against a throwaway database
loaded with the demo data, loads it with wrk on 127.0.0.1 only, and prints a markdown
table (also written to bench/results/http_serving.md). Each server is measured twice:
pinned (server on CPU 0, wrk on CPU 1: what one core buys) and on the whole box.

    .venv/bin/python bench/http_serving.py [--duration 10] [--connections 16] [--quick]

Needs wrk (``apt-get install -y wrk``). Uses PostgreSQL on 127.0.0.1:5432 (user
postgres, trust auth) when it answers, SQLite otherwise; Redis on 127.0.0.1:6379 db 9
for the cache when it answers, local memory otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "http_serving.md"
HOST = "127.0.0.1"
PG_PORT = 5432
PG_DB = "encore_bench"
REDIS_PORT = 6379
REDIS_URL = f"redis://{HOST}:{REDIS_PORT}/9"
CACHE_PREFIX = "encore-bench"
ENDPOINTS = ["/healthz", "/api/v1/artists/"]
WARMUP_SECONDS = 2
READY_TIMEOUT = 60
MAX_DURATION = 60

# Every request carries its own X-Forwarded-For (inside 127/8), so DRF's anonymous
# throttle sees many clients, as in production, instead of answering 429 to one.
# done() prints one JSON line so the figures don't depend on wrk's text layout.
WRK_SCRIPT = r"""
local counter = 0
local prefix = 1
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  prefix = tonumber(tid) or 1
end

function request()
  counter = counter + 1
  local ip = string.format("127.%d.%d.%d", prefix % 256, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format(nil, nil, {["X-Forwarded-For"] = ip})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


class BenchError(RuntimeError):
    pass


@dataclass
class Server:
    key: str
    label: str
    interface: str  # "WSGI" or "ASGI"
    argv: list[str]  # "{port}" is filled in at start
    env: dict[str, str] = field(default_factory=dict)
    optional: bool = False


@dataclass
class Row:
    mode: str
    server: Server
    endpoint: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    server_cores: float  # CPU the server's processes used, in cores
    wrk_cores: float
    rest_cores: float  # everything else on the box: PostgreSQL, Redis, other work

    @property
    def per_cpu_second(self) -> float:
        return self.rps / self.server_cores if self.server_cores else 0.0


def servers(pool: bool) -> list[Server]:
    gunicorn = str(BIN / "gunicorn")
    daphne = str(BIN / "daphne")
    # Without a pool, Django under ASGI opens a database connection per request.
    asgi_env = {"DATABASE_POOL": "true"} if pool else {}
    common = ["--bind", f"{HOST}:{{port}}", "--no-control-socket", "--log-level", "warning"]
    return [
        Server(
            "sync1",
            "gunicorn sync, 1 worker",
            "WSGI",
            [gunicorn, "config.wsgi:application", *common, "-w", "1"],
        ),
        Server(
            "sync2",
            "gunicorn sync, 2 workers",
            "WSGI",
            [gunicorn, "config.wsgi:application", *common, "-w", "2"],
        ),
        Server(
            "gthread",
            "gunicorn gthread, 2 workers x 4 threads",
            "WSGI",
            [gunicorn, "config.wsgi:application", *common, "-w", "2", "-k", "gthread", "--threads", "4"],
            optional=True,
        ),
        # -v 0: no per-request access log, as gunicorn writes none either.
        Server(
            "daphne",
            "daphne",
            "ASGI",
            [daphne, "-b", HOST, "-p", "{port}", "-v", "0", "config.asgi:application"],
            asgi_env,
        ),
        Server(
            "gasgi",
            "gunicorn asgi worker, 2 workers",
            "ASGI",
            [gunicorn, "config.asgi:application", *common, "-w", "2", "-k", "asgi"],
            asgi_env,
            optional=True,
        ),
    ]


def gunicorn_sync(workers: int, env: dict[str, str] | None = None) -> Server:
    """gunicorn with sync workers serving the WSGI app, as the Procfile's `web` does."""
    return Server(
        key="gunicorn",
        label=f"gunicorn sync x{workers}",
        interface="WSGI",
        argv=[
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{{port}}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "-w",
            str(workers),
        ],
        env=env or {},
    )


def uvicorn_ws(workers: int, env: dict[str, str] | None = None) -> Server:
    """uvicorn workers serving the sockets with psycopg's pool, as the Procfile's `ws` does."""
    return Server(
        key="uvicorn",
        label=f"uvicorn x{workers}",
        interface="ASGI",
        argv=[
            str(BIN / "uvicorn"),
            "--host",
            HOST,
            "--port",
            "{port}",
            "--workers",
            str(workers),
            "--ws",
            "websockets-sansio",
            "--ws-per-message-deflate",
            "false",
            "--log-level",
            "warning",
            "--no-access-log",
            "config.asgi:application",
        ],
        env={"DATABASE_POOL": "true", **(env or {})},
    )


def daphne_ws(env: dict[str, str] | None = None) -> Server:
    """One daphne process serving the sockets with psycopg's pool (the ws server measured
    against uvicorn); its handshake timeout raised from 5 s so a connection storm waits."""
    return Server(
        key="daphne",
        label="daphne",
        interface="ASGI",
        argv=[
            str(BIN / "daphne"),
            "--bind",
            HOST,
            "--port",
            "{port}",
            "--websocket_connect_timeout",
            "30",
            "config.asgi:application",
        ],
        env={"DATABASE_POOL": "true", **(env or {})},
    )


# --- environment ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def reachable(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def redis_answers() -> bool:
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pg_connect(dbname: str = "postgres"):  # noqa: ANN201
    import psycopg

    return psycopg.connect(
        host=HOST, port=PG_PORT, user="postgres", dbname=dbname, connect_timeout=3, autocommit=True
    )


def postgres_version() -> str | None:
    if not reachable(PG_PORT):
        return None
    try:
        with pg_connect() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - any failure means "use SQLite"
        return None


def drop_postgres_db() -> None:
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def base_env(database_url: str, use_redis: bool) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    alphabet = string.ascii_letters + string.digits
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://{HOST}",
        # Everything on one machine: files on its disk, and without Redis the in-memory layer.
        ENCORE_SINGLE_PROCESS="true",
        DATABASE_URL=database_url,
        CACHE_KEY_PREFIX=CACHE_PREFIX,
        CHANNEL_LAYER_PREFIX=CACHE_PREFIX,
        PYTHONUNBUFFERED="1",
    )
    if use_redis:
        env["REDIS_URL"] = REDIS_URL
    return env


def manage(env: dict[str, str], *args: str, timeout: int) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


def clean_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()


# --- CPU accounting ------------------------------------------------------------------
# Req/s alone moves with whatever else the box is doing; requests per CPU-second of the
# server's own processes does not, and the rest-of-box column shows how busy it was.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def box_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def group_cpu_seconds(pgid: int) -> float:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                rest = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[2]) == pgid:
            total += int(rest[11]) + int(rest[12])
    return total / CLOCK_TICKS


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- servers and load ----------------------------------------------------------------


class Running:
    def __init__(self, server: Server, env: dict[str, str], pin: str | None, logdir: Path) -> None:
        self.port = free_port()
        self.server = server
        argv = [a.replace("{port}", str(self.port)) for a in server.argv]
        if pin is not None:
            argv = ["taskset", "-c", pin, *argv]
        self.log_path = logdir / f"{server.key}-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.argv = argv
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**env, **server.env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def log_tail(self, size: int = 4000) -> str:
        self.log.flush()
        data = self.log_path.read_bytes()
        return data[-size:].decode(errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"{self.server.label} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.server.label} did not answer within {READY_TIMEOUT}s:\n{self.log_tail()}")

    def check(self, path: str) -> None:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:  # noqa: S310 - loopback
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            raise BenchError(f"{self.server.label} answered {status} on {path}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


def wrk(url: str, script: Path, seconds: int, connections: int, pin: str | None) -> dict:
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    if pin is not None:
        argv = ["taskset", "-c", pin, *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    for line in done.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line.removeprefix("WRKJSON "))
    raise BenchError(f"wrk printed no figures (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")


def measure(
    server: Server, mode: str, env: dict[str, str], args: argparse.Namespace, script: Path, logdir: Path
) -> list[Row]:
    server_pin, wrk_pin = ("0", "1") if mode == "pinned" else (None, None)
    running = Running(server, env, server_pin, logdir)
    rows = []
    try:
        running.wait_ready()
        for endpoint in ENDPOINTS:
            running.check(endpoint)
            wrk(running.url(endpoint), script, WARMUP_SECONDS, args.connections, wrk_pin)
            before = (time.monotonic(), box_busy_seconds(), group_cpu_seconds(running.proc.pid))
            wrk_before = children_cpu_seconds()
            result = wrk(running.url(endpoint), script, args.duration, args.connections, wrk_pin)
            wrk_cpu = children_cpu_seconds() - wrk_before
            seconds = time.monotonic() - before[0]
            box_cpu = box_busy_seconds() - before[1]
            server_cpu = group_cpu_seconds(running.proc.pid) - before[2]
            errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
            if running.proc.poll() is not None:
                raise BenchError(f"{server.label} died under load:\n{running.log_tail()}")
            row = Row(
                mode=mode,
                server=server,
                endpoint=endpoint,
                rps=result["requests"] / (result["duration_us"] / 1e6),
                p50_ms=result["p50_us"] / 1000,
                p99_ms=result["p99_us"] / 1000,
                errors=errors,
                requests=result["requests"],
                server_cores=server_cpu / seconds,
                wrk_cores=wrk_cpu / seconds,
                rest_cores=max(box_cpu - server_cpu - wrk_cpu, 0.0) / seconds,
            )
            rows.append(row)
            print(
                f"  {mode:6}  {server.label:38} {endpoint:18} {row.rps:8.0f} req/s  "
                f"p50 {row.p50_ms:6.1f} ms  p99 {row.p99_ms:7.1f} ms  errors {errors}  "
                f"server {row.server_cores:.2f} cores  wrk {row.wrk_cores:.2f}  rest {row.rest_cores:.2f}",
                flush=True,
            )
            if errors:
                print(f"    non-answers or non-2xx: {result}; server log tail:\n{running.log_tail(1500)}")
    finally:
        running.stop()
    return rows


# --- report --------------------------------------------------------------------------


def ratio(num: float, den: float) -> str:
    return f"{num / den:.1f}x" if den else "n/a"


def report(rows: list[Row], context: list[str], args: argparse.Namespace) -> str:
    def find(mode: str, key: str, endpoint: str) -> Row | None:
        return next(
            (r for r in rows if r.mode == mode and r.server.key == key and r.endpoint == endpoint), None
        )

    lines = ["# HTTP serving: WSGI (gunicorn) vs ASGI (daphne)", ""]
    lines += [f"- {c}" for c in context]
    lines += [
        "",
        "## WSGI / ASGI",
        "",
        "Pinned: the server gets CPU 0 and wrk CPU 1, so this is what one core serves "
        "(gunicorn with 1 worker). Whole box: no pinning, gunicorn with 2 workers, wrk sharing the cores. "
        "Req per CPU-s divides the throughput by the CPU the server's own processes used: "
        "it is the figure least moved by other work on the box.",
        "",
        "| run | endpoint | WSGI req/s | ASGI req/s | WSGI/ASGI req/s "
        "| WSGI req per CPU-s | ASGI req per CPU-s | WSGI/ASGI per CPU-s | WSGI p99 ms | ASGI p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode, wsgi_key in (("pinned", "sync1"), ("box", "sync2")):
        for endpoint in ENDPOINTS:
            wsgi, asgi = find(mode, wsgi_key, endpoint), find(mode, "daphne", endpoint)
            if wsgi and asgi:
                lines.append(
                    f"| {mode} | `{endpoint}` | {wsgi.rps:,.0f} | {asgi.rps:,.0f} "
                    f"| **{ratio(wsgi.rps, asgi.rps)}** | {wsgi.per_cpu_second:,.0f} "
                    f"| {asgi.per_cpu_second:,.0f} | **{ratio(wsgi.per_cpu_second, asgi.per_cpu_second)}** "
                    f"| {wsgi.p99_ms:.1f} | {asgi.p99_ms:.1f} |"
                )
    lines += [
        "",
        "## Every run",
        "",
        "CPU columns are in cores (1.00 = one core busy for the whole run); rest = PostgreSQL, Redis "
        "and anything else running on the box.",
        "",
        "| run | server | interface | endpoint | req/s | p50 ms | p99 ms | errors | vs daphne "
        "| server CPU | wrk CPU | rest CPU | req per CPU-s |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        base = find(row.mode, "daphne", row.endpoint)
        versus = ratio(row.rps, base.rps) if base else "n/a"
        lines.append(
            f"| {row.mode} | {row.server.label} | {row.server.interface} | `{row.endpoint}` "
            f"| {row.rps:,.0f} | {row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.errors} | {versus} "
            f"| {row.server_cores:.2f} | {row.wrk_cores:.2f} | {row.rest_cores:.2f} "
            f"| {row.per_cpu_second:,.0f} |"
        )
    lines += ["", "## Commands", ""]
    seen = set()
    for row in rows:
        if row.server.key not in seen:
            seen.add(row.server.key)
            argv = [Path(a).name if a.startswith(str(BIN)) else a for a in row.server.argv]
            extra = " ".join(f"{k}={v}" for k, v in row.server.env.items())
            lines.append(f"- {row.server.label}: `{(extra + ' ') if extra else ''}{' '.join(argv)}`")
    lines += [
        f"- load: `wrk -t1 -c{args.connections} -d{args.duration}s --latency --timeout 5s "
        f"-s <X-Forwarded-For script> URL` after a {WARMUP_SECONDS}s warm-up; pinned runs prefix the "
        "server with `taskset -c 0` and wrk with `taskset -c 1`",
        "",
    ]
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run (max 60)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--quick", action="store_true", help="only gunicorn sync and daphne")
    args = parser.parse_args()
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be between 1 and {MAX_DURATION}")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be between 1 and 256")
    return args


def on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: install Debian's package with `apt-get install -y wrk`.", file=sys.stderr
        )
        return 2
    signal.signal(signal.SIGTERM, on_sigterm)
    cores = os.cpu_count() or 1
    modes = ["pinned", "box"] if cores >= 2 and shutil.which("taskset") else ["box"]

    tmp = Path(tempfile.mkdtemp(prefix="encore-bench-http-"))
    pg_version = postgres_version()
    use_redis = redis_answers()
    if pg_version:
        database_url = f"postgres://postgres@{HOST}:{PG_PORT}/{PG_DB}"
        database = f"PostgreSQL {pg_version} on {HOST}:{PG_PORT}, throwaway database `{PG_DB}`"
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        database = "SQLite (PostgreSQL on 127.0.0.1:5432 did not answer)"
    print(f"database: {database}")
    print(f"cache: {'Redis ' + REDIS_URL if use_redis else 'local memory (Redis did not answer)'}")

    env = base_env(database_url, use_redis)
    script = tmp / "xff.lua"
    script.write_text(WRK_SCRIPT)
    rows: list[Row] = []
    created_db = False
    try:
        if pg_version:
            drop_postgres_db()
            with pg_connect() as conn:
                conn.execute(f'CREATE DATABASE "{PG_DB}"')
            created_db = True
        print("migrating and loading the demo data ...", flush=True)
        manage(env, "migrate", "--no-input", timeout=600)
        manage(env, "load_demo", timeout=300)

        load_before = os.getloadavg()
        chosen = [s for s in servers(pool=bool(pg_version)) if not (args.quick and s.optional)]
        for mode in modes:
            for server in chosen:
                if mode == "pinned" and server.key == "sync2" and args.quick:
                    continue
                rows += measure(server, mode, env, args, script, tmp)
        load_after = os.getloadavg()

        versions = ", ".join(
            f"{name} {importlib.metadata.version(name)}"
            for name in ("Django", "djangorestframework", "gunicorn", "daphne")
        )
        context = [
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {cores} cores, "
            f"Python {platform.python_version()}, {versions}",
            "settings: `config.settings.production` (DEBUG off, JSON request logs at INFO)",
            f"database: {database}",
            f"cache (DRF throttle state): {'Redis db 9' if use_redis else 'local memory'}; "
            f"ASGI servers use the psycopg pool{'' if pg_version else ' (n/a on SQLite)'}",
            "`/healthz`: constant JSON view; `/api/v1/artists/`: DRF list (DB read + ModelSerializer, "
            "cursor pagination, anonymous throttle), demo data",
            "gunicorn sync answers `Connection: close` (no keep-alive); gthread, daphne and the asgi "
            "worker keep connections alive",
            f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}",
        ]
        text = report(rows, context, args)
        print()
        print(text)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)
        print(f"written to {RESULTS.relative_to(ROOT)}")
        bad = [r for r in rows if r.errors]
        if bad:
            print(f"{len(bad)} run(s) had errors: see the errors column.", file=sys.stderr)
            return 1
        return 0
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if created_db:
            try:
                drop_postgres_db()
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                print(f"could not drop {PG_DB}: {exc}", file=sys.stderr)
        if use_redis:
            try:
                clean_redis()
            except Exception as exc:  # noqa: BLE001
                print(f"could not remove {CACHE_PREFIX}:* keys from Redis: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
