"""Where a story's time goes on PostgreSQL, per request: each statement's planning and
execution time (``EXPLAIN (ANALYZE, BUFFERS)`` with the parameters a real story bound), the
wall time the app waits on each statement, and the process's CPU split into token check,
reading the story, the visibility rule, JSON and the rest (Flask, spectree).

    python -m bench.story_profile                       # the benchmark tenant (scale 1)
    python -m bench.story_profile --requests 300 --cprofile 25

Uses the story benchmark's data (``python -m bench --only story --db postgres`` makes it).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app import extensions as context
from app.dev import create_app

from . import story_bench as bench
from . import story_data as data
from . import story_db as store


def _shape(statement: str) -> str:
    """A short name for a statement: its first table or what it bundles."""
    s = " ".join(statement.split())
    if "part0" in s:
        return f"bundle({s.count('part')//2} parts)"
    for word, name in (("interaction_mailboxes AS mine_box", "visibility FACTS"),
                       ("tenants.visibility", "viewer SETTINGS"),
                       ("deal_stage_changes", "stage HISTORY"),
                       ("contact_addresses.address =", "CONTACT_BY_ADDRESS"),
                       ("account_domains.domain =", "ACCOUNT_BY_DOMAIN"),
                       ("interactions.kind, interactions.direction", "TIMELINE page"),
                       ("percentile", "stage medians")):
        if word in s:
            return name
    return s[:60]


@contextmanager
def _timed(store_in: dict[str, list[float]], key: str) -> Iterator[None]:
    w, c = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        store_in[f"{key} wall"].append((time.perf_counter() - w) * 1000)
        store_in[f"{key} cpu"].append((time.process_time() - c) * 1000)


def _wrap(owner: Any, name: str, key: str, acc: dict[str, list[float]]) -> Callable[[], None]:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _timed(acc, key):
            return original(*args, **kwargs)

    setattr(owner, name, wrapper)
    return lambda: setattr(owner, name, original)


def explain(engine: sa.Engine, captured: list[tuple[str, Any]],
            repeat: int) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each captured statement, ``repeat`` times (medians)."""
    out = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for statement, params in captured:
            plan_ms, exec_ms, jit_ms, buffers = [], [], [], 0
            for _ in range(repeat):
                with raw.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, params)
                    doc = cur.fetchone()[0][0]
                plan_ms.append(doc["Planning Time"])
                exec_ms.append(doc["Execution Time"])
                jit_ms.append(doc.get("JIT", {}).get("Timing", {}).get("Total", 0.0))
                top = doc["Plan"]
                buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            raw.rollback()
            out.append({"statement": _shape(statement), "chars": len(statement),
                        "params": len(params) if hasattr(params, "__len__") else 0,
                        "planning_ms": round(statistics.median(plan_ms), 2),
                        "execution_ms": round(statistics.median(exec_ms), 2),
                        "jit_ms": round(statistics.median(jit_ms), 2),
                        "shared_buffers": buffers})
    return out


def timings(engine: sa.Engine, captured: list[tuple[str, Any]],
            repeat: int) -> list[dict[str, Any]]:
    """Each captured statement's round trip (median ms of ``repeat``, after a warm-up) as
    plain text (planned every time), prepared under PostgreSQL's own choice (``auto``: five
    custom plans, then the generic one when it is not dearer) and prepared with the plan forced
    either way."""
    out = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.autocommit = True
        for statement, params in captured:
            row: dict[str, Any] = {"statement": _shape(statement)}
            for mode, prepare in (("plain", False), ("auto", True), ("force_generic_plan", True),
                                  ("force_custom_plan", True)):
                raw._prepared.clear()  # psycopg deallocates what it prepared, forgets it
                raw.execute(f"SET plan_cache_mode = {'auto' if mode == 'plain' else mode}")
                times = []
                for n in range(repeat + 6):
                    w = time.perf_counter()
                    raw.execute(statement, params, prepare=prepare).fetchall()
                    if n >= 6:
                        times.append((time.perf_counter() - w) * 1000)
                row[f"{mode}_ms"] = round(statistics.median(times), 2)
            raw.execute("RESET plan_cache_mode")
            out.append(row)
        raw.autocommit = False
    return out


def main(argv: list[str] | None = None) -> None:
    """Prints the breakdown as JSON lines (and a cProfile listing with ``--cprofile``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=300, help="per case")
    parser.add_argument("--explain", type=int, default=5, help="EXPLAIN repetitions")
    parser.add_argument("--plan", default="", help="print this statement's plan, e.g. "
                        "'visibility FACTS'")
    parser.add_argument("--timings", type=int, default=20, help="round trips per mode")
    parser.add_argument("--cprofile", type=int, default=0, help="print this many functions")
    args = parser.parse_args(argv)
    plan = data.Plan(scale=args.scale)
    url, reason = store.postgres_url(plan)
    if url is None:
        raise SystemExit(reason)
    ds = store.ensure_dataset("postgres", url, plan, bench.log)
    import tempfile

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"database_url": ds.url, "instance_path": Path(instance),
                          "log_level": "WARNING"})
        client = app.test_client()
        headers = {"Authorization": f"Bearer {bench._token(app, ds)}"}
        engine = context.database(app).engine
        rng = random.Random(7)

        def get(address: str) -> None:
            resp = client.get("/api/v1/story", query_string={"email": address}, headers=headers)
            assert resp.status_code == 200, resp.get_json()

        for address in ds.heavy * 10 + rng.sample(ds.sample, 100):
            get(address)  # warm-up, as the benchmark's
        # what psycopg prepared on the (single, reused) pooled connection
        with engine.connect() as conn:
            for r in conn.exec_driver_sql(
                    "SELECT length(statement) AS chars, generic_plans, custom_plans, "
                    "left(regexp_replace(statement, '\\s+', ' ', 'g'), 70) AS head "
                    "FROM pg_prepared_statements ORDER BY custom_plans + generic_plans DESC"):
                print(json.dumps({"bench": "story_profile", "phase": "prepared",
                                  **r._asdict()}), flush=True)

        # 1. The statements of one story per case, with their parameters, explained.
        captured: list[tuple[str, Any]] = []

        def capture(_c: Any, _cur: Any, statement: str, params: Any, *_r: Any) -> None:
            captured.append((statement, params))

        for case, address in (("ordinary", ds.sample[3]), ("heavy_5000", ds.heavy[0])):
            captured.clear()
            sa.event.listen(engine, "before_cursor_execute", capture)
            get(address)
            sa.event.remove(engine, "before_cursor_execute", capture)
            for row in explain(engine, list(captured), args.explain):
                print(json.dumps({"bench": "story_profile", "case": case, "phase": "explain",
                                  **row}), flush=True)
            for statement, params in captured:
                if args.plan and _shape(statement) == args.plan:
                    with engine.connect() as conn:
                        raw = conn.connection.driver_connection
                        print(f"# {case}: {args.plan}")
                        for (line,) in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                   params):
                            print(line)
            for row in timings(engine, list(captured), args.timings):
                print(json.dumps({"bench": "story_profile", "case": case, "phase": "timing",
                                  **row}), flush=True)

        # 2. Wall time waiting per statement, and the CPU split, over many requests.
        backends = bench._backend_pids(engine)
        for case, addresses in bench.cases(ds).items():
            waits: dict[str, list[float]] = defaultdict(list)
            started: dict[int, float] = {}

            def before(_c: Any, cursor: Any, *_r: Any,
                       started: dict[int, float] = started) -> None:
                started[id(cursor)] = time.perf_counter()

            def after(_c: Any, cursor: Any, statement: str, *_r: Any,
                      waits: dict[str, list[float]] = waits,
                      started: dict[int, float] = started) -> None:
                waits[_shape(statement)].append(
                    (time.perf_counter() - started.pop(id(cursor))) * 1000)

            parts: dict[str, list[float]] = defaultdict(list)
            from app.api import encode
            from app.auth import tokens
            from app.records import story, visibility

            undo = [
                _wrap(tokens.TokenValidator, "validate", "token", parts),
                _wrap(story.StoryQuery, "viewer", "viewer settings", parts),
                _wrap(story.StoryQuery, "for_address", "story read", parts),
                _wrap(visibility.Viewer, "story", "visibility", parts),
                _wrap(encode, "to_json", "json", parts),
            ]
            sa.event.listen(engine, "before_cursor_execute", before)
            sa.event.listen(engine, "after_cursor_execute", after)
            picks = [addresses[i % len(addresses)] if case == "heavy_5000"
                     else rng.choice(addresses) for i in range(args.requests)]
            profiler = cProfile.Profile(time.process_time) if args.cprofile else None
            total_wall, total_cpu = [], []
            get(picks[0])  # connects (after the EXPLAINs' own connections)
            db_cpu = bench._cpu_ms(backends)
            for address in picks:
                if profiler:
                    profiler.enable()
                w, c = time.perf_counter(), time.process_time()
                get(address)
                total_wall.append((time.perf_counter() - w) * 1000)
                total_cpu.append((time.process_time() - c) * 1000)
                if profiler:
                    profiler.disable()
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
            for u in undo:
                u()
            n = len(picks)
            summary = {"request wall": statistics.median(total_wall),
                       "request cpu": statistics.median(total_cpu),
                       "postgres cpu": (bench._cpu_ms(backends) - db_cpu) / n}
            summary |= {k: sum(v) / n for k, v in parts.items()}  # mean per request
            waits_out = {k: {"per_story": round(len(v) / n, 2),
                             "median_ms": round(statistics.median(v), 2),
                             "mean_per_story_ms": round(sum(v) / n, 2)}
                         for k, v in waits.items()}
            print(json.dumps({"bench": "story_profile", "case": case, "phase": "split",
                              "requests": n, "ms": {k: round(v, 2) for k, v in summary.items()},
                              "statement_wait": waits_out}), flush=True)
            if profiler:
                buf = io.StringIO()
                pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(
                    args.cprofile)
                print(f"# cProfile {case} (process CPU, tottime, {n} requests)\n{buf.getvalue()}")
                buf = io.StringIO()
                pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(
                    args.cprofile)
                print(f"# cProfile {case} (cumulative)\n{buf.getvalue()}")
        context.database(app).dispose()


if __name__ == "__main__":
    main()
