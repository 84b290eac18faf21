"""The story benchmark: ``GET /api/v1/story`` on a synthetic tenant of 100k contacts
and 1M interactions, on SQLite and PostgreSQL.

1. Server-side latency: the Flask app in-process (test client, real token validation),
   several hundred requests per case after a warm-up, p50/p95/p99, repeated ``rounds`` times
   and reported as the median of the rounds.
2. Under load: gunicorn (workers from gunicorn.conf.py) on loopback, driven by ``wrk`` for a
   bounded time, at full speed and paced near 200 requests/s; requests/s, latency and errors.

Prints one JSON line per figure and keeps them in ``bench/out/story_results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app import extensions as context
from app.dev import create_app

from . import story_data as data
from . import story_db as store

ROOT = Path(__file__).resolve().parent.parent
TARGET_P99_MS = 50.0
TARGET_RPS = 200.0
Figure = dict[str, Any]


def emit(figures: list[Figure], **figure: Any) -> None:
    """Prints one figure as a JSON line and keeps it."""
    line = {"bench": "story", **figure}
    figures.append(line)
    print(json.dumps(line), flush=True)


def log(message: str) -> None:
    """Progress, as a line a JSON reader skips (it does not start with ``{``)."""
    print(f"# {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of some values."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def _token(app: Any, ds: store.Dataset) -> str:
    signer = context.signer(app)
    assert signer is not None, "the benchmark needs the local signer (no Entra configured)"
    return signer.mint(tenant_id=uuid.UUID(ds.tenant_id), oid=uuid.UUID(ds.user["oid"]),
                       username=ds.user["email"], name=ds.user["name"], ttl=4 * 3600)


def cases(ds: store.Dataset) -> dict[str, list[str]]:
    """The addresses per case: the heavy contacts (5,000 interactions each) and ordinary ones."""
    return {"heavy_5000": ds.heavy, "ordinary": ds.sample}


def server_side(ds: store.Dataset, instance: Path, figures: list[Figure], *, rounds: int,
                requests: int) -> dict[str, float]:
    """Latency through the Flask app in-process; returns the median p50 per case (ms)."""
    app = create_app({"database_url": ds.url, "instance_path": instance,
                      "log_level": "WARNING"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, ds)}"}
    rng = random.Random(7)

    cpu: list[float] = []
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    # statements per story (round trips besides them: none on PostgreSQL, which reads the
    # story in autocommit without a pre-ping)
    sa.event.listen(context.database(app).engine, "before_cursor_execute", count)
    backends = _backend_pids(context.database(app).engine)

    def call(address: str) -> float:
        started, cpu_started = time.perf_counter(), time.process_time()
        resp = client.get("/api/v1/story", query_string={"email": address}, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        # CPU time of this process (app + driver; PostgreSQL's own work is not in it): less
        # disturbed than wall time by other work on a shared machine.
        cpu.append((time.process_time() - cpu_started) * 1000)
        if resp.status_code != 200:
            raise RuntimeError(f"story of {address}: HTTP {resp.status_code} {resp.get_json()}")
        return elapsed

    for address in ds.heavy * 10 + rng.sample(ds.sample, min(100, len(ds.sample))):
        call(address)  # warm-up: caches, connection pool, compiled statements
    medians: dict[str, float] = {}
    for case, addresses in cases(ds).items():
        per_round: dict[str, list[float]] = {"p50_ms": [], "p95_ms": [], "p99_ms": [],
                                             "mean_ms": [], "cpu_p50_ms": [],
                                             "statements_per_story": []}
        for _ in range(rounds):
            picks = [addresses[i % len(addresses)] if case == "heavy_5000"
                     else rng.choice(addresses) for i in range(requests)]
            cpu.clear()
            statements[0] = 0
            db_cpu = _cpu_ms(backends)
            times = [call(a) for a in picks]
            per_round["statements_per_story"].append(statements[0] / len(picks))
            if backends:  # PostgreSQL's own CPU for the stories (its backends, on this machine)
                per_round.setdefault("postgres_cpu_ms_per_story", []).append(
                    (_cpu_ms(backends) - db_cpu) / len(picks))
            for p in (50, 95, 99):
                per_round[f"p{p}_ms"].append(percentile(times, p))
            per_round["mean_ms"].append(statistics.fmean(times))
            per_round["cpu_p50_ms"].append(percentile(cpu, 50))
        for metric, values in per_round.items():
            emit(figures, db=ds.db, case=case, phase="server", metric=metric,
                 value=round(statistics.median(values), 2), rounds=[round(v, 2) for v in values],
                 requests_per_round=requests)
        medians[case] = statistics.median(per_round["p50_ms"])
    context.database(app).dispose()
    return medians


def _backend_pids(engine: sa.Engine) -> list[int]:
    """The process ids of the PostgreSQL backends the engine's connections talk to (filled
    in as connections are made), so that their CPU time can be read; none on SQLite."""
    pids: list[int] = []
    if engine.dialect.name != "postgresql":
        return pids

    def record(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pids.append(int(cur.fetchone()[0]))
        dbapi_connection.rollback()

    sa.event.listen(engine, "connect", record)
    engine.dispose()  # connections made from now on are recorded
    return pids


def _cpu_ms(pids: list[int]) -> float:
    """User + system CPU (ms) of these local processes so far (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready in time")


def _wrk(url: str, files: tuple[Path, Path], *, connections: int, seconds: int,
         pause_ms: float) -> dict[str, Any]:
    cmd = ["wrk", "--threads", "2", "--connections", str(connections),
           "--duration", f"{seconds}s", "--timeout", "5s",
           "--script", str(Path(__file__).with_name("story_load.lua")), url, "--",
           str(files[0]), str(files[1]), str(int(pause_ms))]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
            return result
    raise RuntimeError(f"wrk printed no result: {out.stdout[-500:]} {out.stderr[-500:]}")


def under_load(ds: store.Dataset, instance: Path, figures: list[Figure], *, seconds: int,
               server_p50: dict[str, float], gunicorn_args: str = "") -> None:
    """gunicorn (gunicorn.conf.py's workers) on loopback driven by wrk: full speed, then
    paced near 200/s."""
    if shutil.which("wrk") is None:
        log("skipping the load test: wrk is not installed (make system-deps)")
        return
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STORYLINE_DATABASE_URL": ds.url,
           "STORYLINE_INSTANCE_PATH": str(instance), "STORYLINE_LOG_LEVEL": "WARNING"}
    # beside the interpreter running the benchmark (a git worktree has no .venv of its own)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    store.OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, \
            open(store.OUT / f"gunicorn_{ds.db}.log", "wb") as server_log:
        proc = subprocess.Popen(  # noqa: S603 - our own command line, loopback only
            # workers from gunicorn.conf.py (2 per core + 1), as production runs it
            [gunicorn, "--config", str(ROOT / "gunicorn.conf.py"), "--bind",
             f"127.0.0.1:{port}", *shlex.split(gunicorn_args), "app:create_app()"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(base, proc)
            app = create_app({"database_url": ds.url, "instance_path": instance})
            token_file = Path(tmp) / "token"
            token_file.write_text(_token(app, ds))
            context.database(app).dispose()
            for case, addresses in cases(ds).items():
                address_file = Path(tmp) / f"{case}.txt"
                address_file.write_text("\n".join(addresses) + "\n")
                files = (token_file, address_file)
                _wrk(base, files, connections=4, seconds=3, pause_ms=0)  # warm the workers
                runs = {"load_max": (4, 0.0)}
                # Paced: each of 20 connections waits so that together they ask ~200/s.
                interval = 20 * 1000 / TARGET_RPS
                runs["load_200rps"] = (20, max(0.0, interval - server_p50.get(case, 0.0)))
                for phase, (connections, pause) in runs.items():
                    r = _wrk(base, files, connections=connections, seconds=seconds,
                             pause_ms=pause)
                    rps = r["requests"] / (r["duration_us"] / 1e6)
                    errors = sum(r[k] for k in ("connect_errors", "read_errors",
                                                "write_errors", "timeouts"))
                    for metric, value in (
                        ("requests_per_s", round(rps, 1)), ("p50_ms", r["p50_us"] / 1000),
                        ("p90_ms", r["p90_us"] / 1000), ("p99_ms", r["p99_us"] / 1000),
                        ("max_ms", r["max_us"] / 1000), ("non_2xx", r["non_2xx"]),
                        ("errors", errors), ("requests", r["requests"]),
                    ):
                        emit(figures, db=ds.db, case=case, phase=phase, metric=metric,
                             value=value, connections=connections, seconds=seconds,
                             gunicorn=gunicorn_args or "gunicorn.conf.py")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def targets(ds: str, dataset: Callable[[], store.Dataset | None], figures: list[Figure],
            args: argparse.Namespace) -> None:
    """Runs both phases against one database (skipped with the reason if unavailable)."""
    ready = dataset()
    if ready is None:
        return
    emit(figures, db=ds, case="data", phase="setup", metric="generation_s",
         value=ready.generated_seconds, reused=ready.reused, counts=ready.counts)
    # Other work on the machine inflates every figure: keep the load average beside them.
    emit(figures, db=ds, case="machine", phase="setup", metric="loadavg_1m",
         value=round(os.getloadavg()[0], 2), cpus=os.cpu_count())
    with tempfile.TemporaryDirectory() as instance:
        p50 = server_side(ready, Path(instance), figures, rounds=args.rounds,
                          requests=args.requests)
        if not args.no_load:
            under_load(ready, Path(instance), figures, seconds=args.duration, server_p50=p50,
                       gunicorn_args=args.gunicorn_args)
    emit(figures, db=ds, case="machine", phase="done", metric="loadavg_1m",
         value=round(os.getloadavg()[0], 2), cpus=os.cpu_count())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The story benchmark's options (shared with ``python -m bench``)."""
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = 100k contacts / 1M interactions (0.05 for a quick check)")
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated databases")
    parser.add_argument("--rounds", type=int, default=3, help="server-side repetitions")
    parser.add_argument("--requests", type=int, default=300, help="requests per case per round")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn + wrk")
    parser.add_argument("--gunicorn-args", default="",
                        help="more gunicorn options, e.g. '--worker-class gthread --threads 4'")


def run(args: argparse.Namespace) -> list[Figure]:
    """Runs the story benchmark and returns (and saves) its figures."""
    plan = data.Plan(scale=args.scale)
    figures: list[Figure] = []
    started = time.perf_counter()
    for db in [d.strip() for d in args.db.split(",") if d.strip()]:
        def dataset(db: str = db) -> store.Dataset | None:
            if db == "sqlite":
                return store.ensure_dataset(db, store.sqlite_url(plan), plan, log)
            url, reason = store.postgres_url(plan)
            if url is None:
                log(f"skipping PostgreSQL: {reason}")
                return None
            return store.ensure_dataset(db, url, plan, log)
        targets(db, dataset, figures, args)
    log(f"story benchmark done in {time.perf_counter() - started:.0f} s "
        f"(load average {os.getloadavg()[0]:.1f})")
    store.OUT.mkdir(parents=True, exist_ok=True)
    (store.OUT / f"story_results_{plan.label}.json").write_text(json.dumps(figures, indent=1))
    return figures


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.story_bench [--scale 0.05] [--db sqlite]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
