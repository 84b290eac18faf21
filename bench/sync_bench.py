"""Backfill benchmark: sample mailboxes served by the Graph stand-in (its own process,
enforcing 4 concurrent requests per mailbox) -> msal + msgraph-sdk -> sync -> extraction ->
the record on SQLite. One JSON line per figure on stdout.

    .venv/bin/python -m bench.sync_bench [--messages 10000 100000] [--no-extract]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Items per unit of sample scale (messages only; the calendar comes on top).
MESSAGES_PER_SCALE = 599.2
ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def standin_process(scale: float, now: datetime, workdir: Path) -> Iterator[dict[str, Any]]:
    """Runs ``python -m app.dev.standin`` with the sample at ``scale`` on a free port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "app.dev.standin", "--port", str(port), "--sample",
         "--scale", str(scale), "--tls-dir", str(workdir / "tls")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the stand-in did not start")
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def run(messages: int, extract: bool, workdir: Path) -> dict[str, Any]:
    """One backfill of about ``messages`` messages; gives the figures."""
    import sqlalchemy as sa

    from app.db import Database
    from app.dev.sample.cast import INTERNAL_DOMAIN, SELLERS, TENANT_ID, TENANT_NAME
    from app.graph.config import GraphConfig
    from app.graph.credentials import GraphAuth
    from app.graph.service import Graph
    from app.graph.warmup import warm_up
    from app.records.models import Base, Interaction, SyncState, User
    from app.records.tenants import ensure_tenant, ensure_user
    from app.settings import Secret
    from app.sync.rounds import SyncOptions, sync_mailboxes

    warm_up()
    extractor = None
    if extract:
        from app.settings import Settings
        from app.sync.extraction import ExtractionPool

        extractor = ExtractionPool(Settings().spacy_model)
    scale = messages / MESSAGES_PER_SCALE
    db = Database(f"sqlite:///{workdir / f'bench-{messages}.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])
        for seller in SELLERS:
            ensure_user(s, tenant_id=TENANT_ID, email=seller.email, oid=seller.oid,
                        display_name=seller.display_name, time_zone=seller.time_zone)
    with db.sessionmaker() as s:
        users = list(s.scalars(sa.select(User.id).where(User.tenant_id == TENANT_ID)))
    now = datetime.now(UTC)
    with standin_process(scale, now, workdir) as info:
        config = GraphConfig(base_url=info["graph_url"], authority_host=info["authority_host"],
                             client_id="storyline-bench", client_secret=Secret("bench"),
                             verify=info["ca_bundle"])
        graph = Graph(config=config, tokens=GraphAuth(config).app_token_source)
        samples: list[float] = []
        seen = 0
        stop = threading.Event()

        def watch() -> None:
            while not stop.wait(1.0):
                samples.append(rss_mb())

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        rss_start = rss_mb()
        started = time.perf_counter()

        def tick(n: int) -> None:
            nonlocal seen
            seen += n

        report = sync_mailboxes(db, graph, tenant_id=TENANT_ID, user_ids=users,
                                options=SyncOptions(), extract=extractor, progress=tick)
        elapsed = time.perf_counter() - started
        stop.set()
        watcher.join()
    if extractor is not None:
        extractor.close()
    with db.sessionmaker() as s:
        stored = s.scalar(sa.select(sa.func.count()).select_from(Interaction))
        mail = s.scalar(sa.select(sa.func.sum(SyncState.items_seen)).where(
            SyncState.folder != "calendar")) or 0
    quarter = max(1, len(samples) // 4)
    return {
        "bench": "sync_backfill", "target_messages": messages, "messages": mail,
        "messages_per_minute": round(mail / elapsed * 60), "items": report.seen,
        "pages": report.pages, "stored": stored, "duplicates": report.duplicates,
        "skipped": report.skipped, "errors": len(report.errors), "extract": extract,
        "seconds": round(elapsed, 1),
        "items_per_minute": round(report.seen / elapsed * 60),
        "rss_mb_start": round(rss_start), "rss_mb_q1": round(max(samples[:quarter] or [0])),
        "rss_mb_peak": round(max(samples or [0])),
        "mailboxes": len(users), "concurrency_per_mailbox": config.max_in_flight,
        "page_size": config.page_size, "db": "sqlite",
    }


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark sizes and prints one JSON line each."""
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench", description=__doc__)
    parser.add_argument("--messages", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-extract", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        for n in args.messages:
            print(json.dumps(run(n, not args.no_extract, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
