"""Backfill scaled out: the sample mailboxes on the Graph stand-in (its own process), Celery
workers on Redis, the record on PostgreSQL, extraction on. One JSON line per run.

    .venv/bin/python -m bench.scale_bench [--messages 10000] [--workers 1 2] [--no-extract]

Each run: a scratch PostgreSQL database, ``--workers`` Celery worker processes (one pool
process each, as deploy/ runs them), one ``sync_mailbox`` job per mailbox queued at once, and
the clock stopped when every folder of every mailbox is current. Messages per minute count
Inbox and Sent Items items read (as bench/sync_bench.py does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.sync_bench import MESSAGES_PER_SCALE, standin_process

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def standin_env(info: dict[str, Any]) -> dict[str, str]:
    """The settings that point Storyline's processes at a stand-in started by
    :func:`bench.sync_bench.standin_process` (app-only credentials, its CA)."""
    return {
        "STORYLINE_GRAPH_BASE_URL": info["graph_url"],
        "STORYLINE_GRAPH_AUTHORITY_HOST": info["authority_host"],
        "STORYLINE_GRAPH_CLIENT_ID": "storyline-bench",
        "STORYLINE_GRAPH_CLIENT_SECRET": "bench",
        "STORYLINE_GRAPH_CA_BUNDLE": info["ca_bundle"],
    }


@contextmanager
def scratch_database(pg_admin: str, prefix: str) -> Iterator[tuple[str, Any]]:
    """A new PostgreSQL database at the newest schema: gives its URL and a
    :class:`app.db.Database` on it; dropped on exit."""
    from app import migrate
    from app.db import Database
    from app.dev.prodcheck import _pg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = f"{pg_admin.rsplit('/', 1)[0]}/{name}"
    _pg(pg_admin, f'CREATE DATABASE "{name}"')
    db = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        migrate.upgrade(db.engine)
        yield url, db
    finally:
        db.dispose()
        _pg(pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(messages: int, workers: int, extract: bool, pg_admin: str, redis_url: str,
        workdir: Path) -> dict[str, Any]:
    """One backfill of about ``messages`` messages on ``workers`` Celery workers."""
    import redis

    from app.dev.prodcheck import Processes, _celery, wait_for, worker_argv
    from app.dev.sample.cast import INTERNAL_DOMAIN, SELLERS, TENANT_ID, TENANT_NAME
    from app.records.models import Interaction, SyncState, User
    from app.records.tenants import ensure_tenant, ensure_user

    redis.Redis.from_url(redis_url).flushdb()
    run_dir = workdir / f"run-{messages}-{workers}"
    run_dir.mkdir(parents=True, exist_ok=True)
    with scratch_database(pg_admin, "storyline_scale") as (url, db):
        with db.session() as s:
            ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])
            for seller in SELLERS:
                ensure_user(s, tenant_id=TENANT_ID, email=seller.email, oid=seller.oid,
                            display_name=seller.display_name, time_zone=seller.time_zone)
        with db.sessionmaker() as s:
            users = [str(u) for u in s.scalars(sa.select(User.id))]
        with standin_process(messages / MESSAGES_PER_SCALE, datetime.now(UTC), run_dir) as info:
            env = dict(os.environ) | standin_env(info) | {
                "STORYLINE_DATABASE_URL": url, "STORYLINE_BROKER_URL": redis_url,
                "STORYLINE_INSTANCE_PATH": str(run_dir / "instance"),
                "STORYLINE_BACKFILL_MONTHS": "120", "STORYLINE_SCHEDULER": "off",
            }
            procs = Processes(env, run_dir)
            try:
                for i in range(workers):
                    procs.start(f"worker-{i}", worker_argv(f"bench{i}@scale", "WARNING"))
                celery_app = _celery(env)
                wait_for(lambda: len(celery_app.control.ping(timeout=1.0) or []) >= workers, 180)
                if not extract:
                    raise SystemExit("--no-extract: the workers always extract; use "
                                     "bench.sync_bench --no-extract for that figure")
                time.sleep(3)  # let every worker finish warming up (spaCy, msgraph-sdk)
                started = time.perf_counter()
                for user_id in users:
                    celery_app.send_task("storyline.sync_mailbox",
                                         kwargs={"tenant_id": str(TENANT_ID),
                                                 "user_id": user_id})

                requeued = 0
                last = {"seen": -1, "at": time.monotonic()}

                def current() -> bool:
                    nonlocal requeued
                    with db.sessionmaker() as s:
                        states = list(s.scalars(sa.select(SyncState)))
                    seen = sum(st.items_seen or 0 for st in states)
                    if seen != last["seen"]:
                        last.update(seen=seen, at=time.monotonic())
                    elif time.monotonic() - last["at"] > 30:
                        # a folder stopped at an error: what beat's safety net does, sooner
                        for uid in {str(st.user_id) for st in states if st.last_error}:
                            celery_app.send_task("storyline.sync_mailbox", kwargs={
                                "tenant_id": str(TENANT_ID), "user_id": uid})
                            requeued += 1
                        last["at"] = time.monotonic()
                    return len(states) == 3 * len(users) and all(
                        st.delta_link and not st.next_link for st in states)

                done = wait_for(current, 3600, every=0.5)
                elapsed = time.perf_counter() - started
                rss = [procs.rss_mb(f"worker-{i}") for i in range(workers)]
            finally:
                procs.stop_all()
        with db.sessionmaker() as s:
            mail = s.scalar(sa.select(sa.func.sum(SyncState.items_seen)).where(
                SyncState.folder != "calendar")) or 0
            items = s.scalar(sa.select(sa.func.sum(SyncState.items_seen))) or 0
            stored = s.scalar(sa.select(sa.func.count()).select_from(Interaction)) or 0
        return {"bench": "scale_backfill", "target_messages": messages, "workers": workers,
                "complete": bool(done), "messages": int(mail),
                "messages_per_minute": round(mail / elapsed * 60), "items": int(items),
                "stored": int(stored), "seconds": round(elapsed, 1), "extract": extract,
                "worker_rss_mb": [round(r) for r in rss], "db": "postgresql",
                "requeued_after_error": requeued,
                "mailboxes": len(users)}


def main(argv: list[str] | None = None) -> None:
    """Runs each size on each worker count and prints one JSON line per run."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale_bench", description=__doc__)
    parser.add_argument("--messages", type=int, nargs="+", default=[10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-extract", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the workers' logs")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storyline-scale-",
                                     delete=not args.keep) as tmp:
        for n in args.messages:
            for w in args.workers:
                print(json.dumps(run(n, w, not args.no_extract, args.postgres, args.redis,
                                     Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
