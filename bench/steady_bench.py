"""Steady state: N enrolled mailboxes on the Graph stand-in, new mail arriving at a steady
rate, and how long each message takes from the stand-in to the record. One JSON line.

    .venv/bin/python -m bench.steady_bench [--mailboxes 1000] [--minutes 10] [--rate 85]

The processes of a deployment, as ``make prod-check`` starts them: gunicorn (the webhook),
two Celery workers (one pool process each, extraction in-process) and Celery beat with the
production schedule, on PostgreSQL (a scratch database) and Redis on loopback; the stand-in
in its own process. Setup: N invented sellers (bench/steady_mail.py: two sent messages
each, so the backfill is short) are added to the stand-in and enrolled with ``flask enrol``,
which creates their three subscriptions each and queues their backfills; the clock starts
when every folder is current, every subscription active and the queue empty.

Then, for ``--minutes``, messages go into random mailboxes (Poisson arrivals at ``--rate``
a minute in all, or ``--even``) with ``notify``, so the stand-in POSTs the change
notification to the webhook as Graph does. A message is captured when its row (by its
Message-ID, the interaction's key) is in ``interactions``, polled every 0.5 s; the story
reads those rows, and at the end a few captured messages are looked up in the story API.
Latency runs from just before the message was put into the stand-in to the start of the
poll that saw it. Exits 1 on a setup failure, with the reason and the processes' last log
lines; prints a JSON line with ``skipped`` when PostgreSQL or Redis is not reachable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from app.dev.prodcheck import (
    BIN,
    Processes,
    _celery,
    _services,
    _timeline_has,
    beat_argv,
    wait_for,
    web_argv,
    worker_argv,
)
from app.dev.sample.cast import INTERNAL_DOMAIN, TENANT_ID, TENANT_NAME
from bench import steady_mail, steady_stats
from bench.scale_bench import scratch_database, standin_env
from bench.sync_bench import standin_process

POLL = 0.5  # seconds between looks at the record
BEAT_SAFETY_NET = 900  # app/jobs/periodic.py: beat's first safety net 15 minutes after start


class SetupFailed(Exception):
    """Something the measurement needs did not come up."""


def log(message: str) -> None:
    """Progress, as a line a JSON reader skips."""
    print(f"# {message}", flush=True)


@dataclass
class Put:
    """One message put into the stand-in, and when it was seen in the record."""

    key: str
    mailbox: str
    customer: str
    subject: str
    at: float  # time.monotonic() just before the put
    due: float  # when the schedule wanted it put (time.monotonic())
    notified: int = 0  # notifications the webhook answered with 202
    error: str = ""
    captured: float | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark; gives the JSON figures (raises SetupFailed)."""
    import redis

    problem = _services(args.postgres, args.redis)
    if problem:
        return {"bench": "sync_steady", "skipped": problem}
    load_before = [round(x, 2) for x in os.getloadavg()]
    broker = redis.Redis.from_url(args.redis)
    broker.flushdb()
    sellers = steady_mail.cast(args.mailboxes, seed=args.seed)
    work = Path(tempfile.mkdtemp(prefix="storyline-steady-"))
    keep = args.keep
    try:
        figures = _deployed(args, broker, sellers, work)
    except SetupFailed:
        keep = True  # the message names the logs
        raise
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    load_after = [round(x, 2) for x in os.getloadavg()]
    return {"bench": "sync_steady", "mailboxes": args.mailboxes, "minutes": args.minutes,
            "rate_per_minute": args.rate, "arrivals": "even" if args.even else "poisson",
            **figures, "workers": 2, "extract": True, "db": "postgresql",
            "load_average_before": load_before, "load_average_after": load_after}


def _deployed(args: argparse.Namespace, broker: Any, sellers: list[steady_mail.Seller],
              work: Path) -> dict[str, Any]:
    """The stand-in with the sellers' mailboxes, a scratch database and the processes of a
    deployment; enrolment, then the measurement. Stops them all on the way out."""
    from app.records.tenants import ensure_tenant

    port = _free_port()
    with scratch_database(args.postgres, "storyline_steady") as (url, db), \
            standin_process(0.02, datetime.now(UTC), work) as info:
        with db.session() as s:
            ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])
        http = requests.Session()
        http.trust_env, http.verify = False, info["ca_bundle"]
        now = datetime.now(UTC)
        for i in range(0, len(sellers), 200):
            try:
                http.post(f"{info['control']}/mailboxes", timeout=120, json={"mailboxes": [
                    {"address": s.who[1], "displayName": s.who[0],
                     "items": steady_mail.first_mail(s, now)} for s in sellers[i:i + 200]]}
                ).raise_for_status()
            except requests.RequestException as err:
                raise SetupFailed(f"the stand-in did not take the mailboxes: {err}") from err
        env = dict(os.environ) | standin_env(info) | {
            "STORYLINE_DATABASE_URL": url, "STORYLINE_BROKER_URL": args.redis,
            "STORYLINE_INSTANCE_PATH": str(work / "instance"), "STORYLINE_SCHEDULER": "off",
            "STORYLINE_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "STORYLINE_BACKFILL_MONTHS": "12", "PYTHONUNBUFFERED": "1"}
        procs = Processes(env, work)
        try:
            procs.start("web", web_argv(port))
            for name in ("worker-a", "worker-b"):
                procs.start(name, worker_argv(f"{name}@steady"))
            procs.start("beat", beat_argv(work / "beat-schedule"))
            beat_started = time.monotonic()
            figures = _setup(args, env, db, broker, port, sellers)
            figures |= _measure(args, procs, env, db, broker, port, sellers, info,
                                beat_started)
        except SetupFailed as err:
            tails = "\n".join(f"--- {n} (last lines; all in {work})\n{procs.tail(n)}"
                              for n in ("web", "worker-a", "worker-b", "beat"))
            raise SetupFailed(f"{err}\n{tails}") from err
        finally:
            procs.stop_all()
            broker.flushdb()
    return figures


def _setup(args: argparse.Namespace, env: dict[str, str], db: Any, broker: Any, port: int,
           sellers: list[steady_mail.Seller]) -> dict[str, Any]:
    """Waits for the processes, enrols the sellers and waits until their backfill is done."""
    from app.records.models import Interaction, Subscription, SyncState

    def ready() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    if not wait_for(ready, 90):
        raise SetupFailed("gunicorn did not answer /readyz within 90 s")
    celery_app = _celery(env)
    if not wait_for(lambda: len(celery_app.control.ping(timeout=1.0) or []) >= 2, 180):
        raise SetupFailed("the two Celery workers did not answer ping within 180 s")
    started = time.monotonic()
    argv = [str(BIN / "flask"), "--app", "app", "enrol",
            "--tenant-id", str(TENANT_ID)]
    for seller in sellers:
        argv += ["--address", seller.who[1]]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0 or "queued" not in out.stdout:
        raise SetupFailed(f"flask enrol failed: {(out.stderr or out.stdout).strip()[-600:]}")
    want = 3 * len(sellers)
    last_log = [time.monotonic()]

    def settled() -> bool:
        with db.sessionmaker() as s:
            current = s.scalar(sa.select(sa.func.count()).select_from(SyncState).where(
                SyncState.delta_link.is_not(None), SyncState.next_link.is_(None))) or 0
            subs = s.scalar(sa.select(sa.func.count()).select_from(Subscription).where(
                Subscription.status == "active")) or 0
        queued = steady_stats.queue_depth(broker)
        if time.monotonic() - last_log[0] > 30:
            log(f"setup: {current}/{want} folders current, {subs}/{want} subscriptions, "
                f"{queued} jobs queued, {time.monotonic() - started:.0f} s")
            last_log[0] = time.monotonic()
        return current >= want and subs >= want and queued == 0

    if not wait_for(settled, args.setup_timeout, every=2.0):
        raise SetupFailed(f"the enrolment of {len(sellers)} mailboxes was not done within "
                          f"{args.setup_timeout:.0f} s (--setup-timeout)")
    with db.sessionmaker() as s:
        stored = s.scalar(sa.select(sa.func.count()).select_from(Interaction)) or 0
    seconds = time.monotonic() - started
    log(f"setup done in {seconds:.0f} s: {len(sellers)} mailboxes, {want} subscriptions, "
        f"{stored} interactions from the backfill")
    return {"setup_seconds": round(seconds), "initial_messages_per_mailbox": 2,
            "backfill_stored": int(stored), "subscriptions": want}


def _session(ca_bundle: str) -> requests.Session:
    session = requests.Session()
    session.trust_env, session.verify = False, ca_bundle
    return session


def _safety_net_at(args: argparse.Namespace, beat_started: float, start: float,
                   seconds: float) -> float | None:
    """When the bench sends a safety net itself (seconds into the window), if at all.

    ``auto``: only when beat's own (every 15 minutes from its start) falls outside the
    window, so every run of ``auto`` holds exactly one safety net, as production would in
    about every 15 minutes."""
    if args.safety_net == "off":
        return None
    if args.safety_net != "auto":
        return float(args.safety_net)
    beat_fires = (beat_started + k * BEAT_SAFETY_NET for k in range(1, 100))
    if any(start <= t <= start + seconds - 60 for t in beat_fires):
        return None
    return seconds / 3


def _measure(args: argparse.Namespace, procs: Processes, env: dict[str, str], db: Any,
             broker: Any, port: int, sellers: list[steady_mail.Seller], info: dict[str, Any],
             beat_started: float) -> dict[str, Any]:
    """Puts new mail in at the steady rate, watches the record, gives the figures."""
    from app.records.models import Interaction

    rng = random.Random(args.seed + 1)
    run_tag = uuid.uuid4().hex[:4]
    seconds = args.minutes * 60
    offsets = steady_stats.arrivals(args.rate, seconds, args.even, rng)
    puts: dict[str, Put] = {}
    lock, local, stop = threading.Lock(), threading.local(), threading.Event()
    names = ("worker-a", "worker-b", "web")
    rss = dict.fromkeys(names, 0.0)
    queue: list[tuple[float, int]] = []
    offsets_at_start = {n: (procs.logdir / f"{n}.log").stat().st_size
                        for n in ("worker-a", "worker-b", "beat")}

    def put(p: Put, folder: str, resource: dict[str, Any]) -> None:
        if getattr(local, "http", None) is None:
            local.http = _session(info["ca_bundle"])
        p.at = time.monotonic()
        with lock:
            puts[p.key] = p
        try:
            answer = local.http.post(f"{info['control']}/mailboxes/{p.mailbox}/items",
                                     timeout=30, json={"folder": folder, "notify": True,
                                                       "resource": resource})
            answer.raise_for_status()
            p.notified = sum(1 for n in answer.json().get("notifications", [])
                             if n.get("status") == 202)
        except (requests.RequestException, ValueError) as err:
            p.error = type(err).__name__

    def poll() -> None:
        next_rss = 0.0
        while not stop.is_set():
            began = time.monotonic()
            with lock:
                waiting = [p for p in puts.values() if p.captured is None and not p.error]
            if waiting:
                with db.sessionmaker() as s:
                    found = set(s.scalars(sa.select(Interaction.external_key).where(
                        Interaction.tenant_id == TENANT_ID,
                        Interaction.external_key.in_([p.key for p in waiting]))))
                for p in waiting:
                    if p.key in found:
                        p.captured = began
            queue.append((began, steady_stats.queue_depth(broker)))
            if began >= next_rss:
                for n in names:
                    rss[n] = max(rss[n], procs.rss_mb(n))
                next_rss = began + 5
            stop.wait(max(0.0, POLL - (time.monotonic() - began)))

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    poller = threading.Thread(target=poll, name="poll", daemon=True)
    poller.start()
    start = time.monotonic()
    fired: list[float] = []
    net_at = _safety_net_at(args, beat_started, start, seconds)
    if net_at is not None:
        celery_app = _celery(env)

        def send_safety_net() -> None:
            fired.append(time.monotonic())
            celery_app.send_task("storyline.safety_net")

        timer = threading.Timer(net_at, send_safety_net)
        timer.daemon = True
        timer.start()
    log(f"putting {len(offsets)} messages into {len(sellers)} mailboxes over "
        f"{args.minutes:g} min; safety net "
        + (f"sent by the bench at {net_at:.0f} s" if net_at is not None
           else "left to beat"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        for seq, offset in enumerate(offsets):
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            seller = rng.choice(sellers)
            folder, resource = steady_mail.new_mail(seller, seq, run_tag, datetime.now(UTC),
                                                    rng)
            other = resource["from"] if folder == "inbox" else resource["toRecipients"][0]
            p = Put(key=resource["internetMessageId"], mailbox=seller.who[1],
                    customer=other["emailAddress"]["address"], subject=resource["subject"],
                    at=0.0, due=start + offset)
            pool.submit(put, p, folder, resource)
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    wait_for(lambda: all(p.captured is not None or p.error for p in list(puts.values())),
             args.grace, every=1.0)
    stop.set()
    poller.join(timeout=30)
    return _figures(args, procs, db, port, puts, rss, queue, start, fired, offsets_at_start) \
        | {"load_average_at_window_start": load_at_start}


def _figures(args: argparse.Namespace, procs: Processes, db: Any, port: int,
             puts: dict[str, Put], rss: dict[str, float], queue: list[tuple[float, int]],
             start: float, fired: list[float], log_starts: dict[str, int]) -> dict[str, Any]:
    """The JSON figures of one measurement (the processes still running)."""
    from app.records.models import Interaction

    def since_start(name: str) -> str:
        with (procs.logdir / f"{name}.log").open("rb") as fh:
            fh.seek(log_starts[name])
            return fh.read().decode(errors="replace")

    clock = time.time() - time.monotonic()
    beat = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S,%f").timestamp() - clock
            for t in steady_stats.beat_sends(since_start("beat"))]
    spans = steady_stats.bursts(fired + beat, queue)
    ok = [p for p in puts.values() if not p.error]

    def summary(chosen: list[Put]) -> dict[str, Any]:
        return steady_stats.latency_summary(
            [p.captured - p.at for p in chosen if p.captured is not None],
            missing=sum(1 for p in chosen if p.captured is None))

    during = [p for p in ok if any(a <= p.at <= b for a, b in spans)]
    outside = [p for p in ok if p not in during]
    results = steady_stats.task_results(since_start("worker-a") + since_start("worker-b"))
    with db.sessionmaker() as s:
        doubles = s.scalar(sa.select(sa.func.count()).select_from(
            sa.select(Interaction.external_key).where(
                Interaction.tenant_id == TENANT_ID,
                Interaction.external_key.in_([p.key for p in ok]))
            .group_by(Interaction.external_key).having(sa.func.count() > 1).subquery())) or 0
    return {
        "messages_put": len(puts), "put_errors": len(puts) - len(ok),
        "put_late_max_s": round(max((p.at - p.due for p in puts.values()), default=0.0), 1),
        "notifications_delivered": sum(p.notified for p in ok),
        "latency_s": summary(ok),
        "latency_during_safety_net_s": summary(during),
        "latency_outside_safety_net_s": summary(outside),
        "poll_seconds": POLL, "grace_seconds": args.grace,
        "safety_net": {
            "beat": "on, production schedule (every 15 min from beat's start)",
            "sent_by_beat_at_s": [round(t - start) for t in beat],
            "sent_by_bench_at_s": [round(t - start) for t in fired],
            "queue_drained_after_s": [round(b - a) for a, b in spans],
        },
        "queue_depth_max": max((d for _, d in queue), default=0),
        "stored_by": steady_stats.stored_by(results),
        "stored_twice": int(doubles),
        "story_checked": _story_check(procs, port, [p for p in ok if p.captured]),
        "worker_rss_mb_peak": [round(rss["worker-a"]), round(rss["worker-b"])],
        "web_rss_mb_peak": round(rss["web"]),
    }


def _story_check(procs: Processes, port: int, captured: list[Put]) -> str:
    """Looks up to three captured messages of one seller up in that seller's story API."""
    if not captured:
        return "nothing captured"
    counts = Counter(p.mailbox for p in captured)
    mailbox = counts.most_common(1)[0][0]
    mine = [p for p in captured if p.mailbox == mailbox][:3]
    out = subprocess.run([str(BIN / "flask"), "--app", "app", "dev-token", "--user", mailbox],
                         env=procs.env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        return f"no token: {out.stderr.strip()[-200:]}"
    token = out.stdout.strip().splitlines()[-1]
    web = f"http://127.0.0.1:{port}"
    seen = sum(1 for p in mine if _timeline_has(web, token, p.customer, p.subject))
    return f"{seen} of {len(mine)} in the story API"


def main(argv: list[str] | None = None) -> int:
    """Parses the options, runs the benchmark and prints its JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.steady_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=85.0, help="new messages a minute, all "
                        "mailboxes together")
    parser.add_argument("--even", action="store_true", help="evenly spaced, not Poisson")
    parser.add_argument("--grace", type=float, default=120.0, help="seconds to wait after "
                        "the last message for what is not captured yet")
    parser.add_argument("--safety-net", default="auto", help="auto (one in the window: "
                        "beat's, else sent by the bench at a third), off, or seconds into "
                        "the window")
    parser.add_argument("--setup-timeout", type=float, default=2400.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the processes' logs")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an admin connection: a scratch database is created and dropped")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11",
                        help="broker and locks (this Redis database is emptied)")
    args = parser.parse_args(argv)
    if args.safety_net not in ("auto", "off"):
        try:
            float(args.safety_net)
        except ValueError:
            parser.error("--safety-net: auto, off or a number of seconds")
    # a SIGTERM (timeout, a CI stop) unwinds like Ctrl-C: the processes it started, each in
    # its own session, are stopped and the scratch database is dropped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        result = run(args)
    except SetupFailed as err:
        print(f"steady bench: setup failed: {err}", file=sys.stderr, flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
