"""``python -m app.dev.prodcheck`` (``make prod-check``): the production processes, run.

Starts what a deployment runs, from this repository: gunicorn, two Celery workers and Celery
beat, against PostgreSQL and Redis on loopback and the local Graph stand-in (in place of
Microsoft Graph and Entra ID). Then, end to end: sellers enrolled by Entra group get
subscriptions and a backfill; one worker is killed with ``kill -9`` in the middle of it and
restarted; a change notification brings new mail into the story; a prep round sends Teams
cards once; and the counts show that nothing was lost or stored twice, against an
uninterrupted single-process sync of the same mailboxes. Prints one line per check; exits 1
if one fails, 2 if PostgreSQL or Redis is not there.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCK_SECONDS = 6  # the dead worker's hold on its mailbox lapses this fast (production: 60)


class Abort(Exception):
    """A step failed that the next steps need."""


@dataclass
class Checks:
    """What was checked, in order, and whether it held."""

    failed: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        """Prints one result line; remembers a failure."""
        mark = "ok  " if ok else "FAIL"
        print(f"{mark} {name:26} {detail}  [{time.monotonic() - self.started:5.1f} s]",
              flush=True)
        if not ok:
            self.failed.append(name)
        return ok

    def require(self, name: str, ok: bool, detail: str) -> None:
        """Like :meth:`check`, but the steps after a failure would only wait: stop."""
        if not self.check(name, ok, detail):
            raise Abort(name)

    def note(self, text: str) -> None:
        """Prints a line that is not a check."""
        print(f"     {text}", flush=True)


class Processes:
    """The processes of the check, each in its own process group (so ``kill -9`` reaches a
    Celery worker and its pool child together), logs in ``logdir``."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env, self.logdir = env, logdir
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.argv: dict[str, list[str]] = {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        """Starts ``argv`` as ``name`` (its output appended to ``name.log``)."""
        log = (self.logdir / f"{name}.log").open("ab")
        proc = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.running[name], self.argv[name] = proc, argv
        return proc

    def kill9(self, name: str) -> None:
        """SIGKILL to the process group of ``name``: no warm shutdown, no ack."""
        proc = self.running[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def restart(self, name: str) -> None:
        """Starts ``name`` again with the same command."""
        self.start(name, self.argv[name])

    def rss_mb(self, name: str) -> float:
        """Resident memory of the process group's largest process, in MB."""
        pgid, largest = self.running[name].pid, 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != pgid:
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        largest = max(largest, int(line.split()[1]))
            except (OSError, ValueError):
                continue
        return largest / 1024

    def stop_all(self) -> None:
        """SIGTERM to every group, SIGKILL to what is still up after 20 s."""
        for proc in self.running.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for proc in self.running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def tail(self, name: str, lines: int = 15) -> str:
        """The last lines of a process's log (shown when a check fails)."""
        path = self.logdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) \
            if path.exists() else ""


def wait_for(what: Callable[[], Any], timeout: float, every: float = 0.5) -> Any:
    """Polls ``what`` until it gives something truthy or ``timeout`` passes (gives the
    last value)."""
    deadline = time.monotonic() + timeout
    value = what()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = what()
    return value


def web_argv(port: int) -> list[str]:
    """gunicorn serving the app on loopback, as deploy/ runs it, with two workers."""
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{port}", "--workers", "2",
            # the default control socket is one path per user: a second gunicorn on the
            # machine would take it over
            "--no-control-socket", "app:create_app()"]


def worker_argv(hostname: str, loglevel: str = "INFO") -> list[str]:
    """One Celery worker with one pool process, as deploy/ runs it."""
    return [str(BIN / "celery"), "-A", "app.jobs.worker", "worker", "--concurrency", "1",
            "--hostname", hostname, "--without-gossip", "--without-mingle",
            "--loglevel", loglevel]


def beat_argv(schedule: Path) -> list[str]:
    """Celery beat with the production schedule (app/jobs/periodic.py)."""
    return [str(BIN / "celery"), "-A", "app.jobs.worker", "beat", "--schedule",
            str(schedule), "--loglevel", "INFO"]


def _services(pg_admin: str, redis_url: str) -> str | None:
    import psycopg
    import redis

    try:
        psycopg.connect(pg_admin, connect_timeout=3).close()
    except psycopg.Error as err:
        return f"PostgreSQL not reachable at {pg_admin}: {err}"
    try:
        redis.Redis.from_url(redis_url, socket_timeout=3).ping()
    except redis.RedisError as err:
        return f"Redis not reachable at {redis_url}: {err}"
    return None


def _pg(pg_admin: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    """Runs the whole check; gives the exit status."""
    import redis

    from app.db import Database
    from app.dev.demo import sample_now, seed_sample_company, standin_settings
    from app.dev.sample import build_sample
    from app.dev.standin.graph_api import SELLERS_GROUP
    from app.dev.standin.server import start
    from app.dev.standin.testing import control
    from app.records.models import Tenant, User
    from app.settings import PREFIX

    problem = _services(args.postgres, args.redis)
    if problem:
        print(f"prod-check needs PostgreSQL and Redis on loopback (make services): {problem}")
        return 2
    checks = Checks()
    work = Path(tempfile.mkdtemp(prefix="storyline-prodcheck-"))
    db_name = f"storyline_prodcheck_{uuid.uuid4().hex[:8]}"
    base_pg = args.postgres.rsplit("/", 1)[0]
    db_url = f"{base_pg}/{db_name}"
    _pg(args.postgres, f'CREATE DATABASE "{db_name}"')
    broker = redis.Redis.from_url(args.redis)
    broker.flushdb()
    now = sample_now(5)  # the sample's next customer meeting is 40-45 minutes away
    standin = start(port=0, sample=True, now=now, tls_dir=work / "standin", scale=args.scale)
    port = args.port
    env = dict(os.environ)
    env.update({PREFIX + k.upper(): v for k, v in standin_settings(standin).items()})
    env.update({
        "STORYLINE_DATABASE_URL": db_url, "STORYLINE_BROKER_URL": args.redis,
        "STORYLINE_INSTANCE_PATH": str(work / "instance"), "STORYLINE_SCHEDULER": "off",
        "STORYLINE_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "STORYLINE_SYNC_LOCK_SECONDS": str(LOCK_SECONDS),
        "STORYLINE_BACKFILL_MONTHS": "12", "PYTHONUNBUFFERED": "1",
    })
    procs = Processes(env, work)
    db = Database(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    company = build_sample(now)
    tenant = str(company.tenant_id)
    try:
        # -- the processes of a deployment (they boot while the database is prepared)
        procs.start("web", web_argv(port))
        for name in ("worker-a", "worker-b"):
            procs.start(name, worker_argv(f"{name}@prodcheck"))
        procs.start("beat", beat_argv(work / "beat-schedule"))
        # the yardstick: the same mailboxes synced in one process, uninterrupted
        reference: dict[str, Any] = {}
        yardstick = threading.Thread(target=lambda: reference.update(
            _reference(standin, company, work, now)), daemon=True)
        yardstick.start()
        # -- the operator's first steps: migrate, onboard (the sample's sellers and deals)
        out = subprocess.run([str(BIN / "flask"), "--app", "app", "db-upgrade"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        checks.require("db-upgrade", out.returncode == 0 and "newest schema" in out.stdout,
                       out.stdout.strip() or out.stderr.strip()[-300:])
        with db.session() as s:
            seed_sample_company(s, company)
            # every mailbox's mail counts in full, whichever worker reads it first
            s.get(Tenant, company.tenant_id).contact_policy = "sent_and_received"  # type: ignore[union-attr]
            s.execute(sa.update(User).values(sync_enabled=False))  # enrolment decides
        seller = company.sellers[0].email
        token_cli = subprocess.Popen([str(BIN / "flask"), "--app", "app", "dev-token",
                                      "--user", seller], env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        web = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return requests.get(f"{web}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        checks.require("web ready", bool(wait_for(ready, 60)), f"{web}/readyz answers 200")
        celery_app = _celery(env)

        def workers_up() -> int:
            return len(celery_app.control.ping(timeout=1.0) or [])

        up = wait_for(lambda: workers_up() >= 2, 90)
        checks.require("workers ready", bool(up), f"{workers_up()} Celery workers answer ping")

        # -- enrolment by Entra group: subscriptions and a backfill on the workers
        control(standin, "POST", "/faults", json={"slow": {"seconds": args.page_delay}})
        out = subprocess.run([str(BIN / "flask"), "--app", "app", "enrol", "--tenant-id",
                              tenant, "--group", SELLERS_GROUP], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        sellers = _enabled(db)  # the group's members: sellers and team mailboxes
        checks.require("enrol by group", out.returncode == 0 and "queued" in out.stdout,
                     out.stdout.strip().splitlines()[-1] if out.stdout.strip()
                     else out.stderr.strip()[-300:])
        states = _states(db)
        midway = wait_for(lambda: _stored(db) >= args.kill_after, 120, every=0.2)
        stored_at_kill = _stored(db)
        # -- one worker dies mid-backfill and comes back
        busy = wait_for(lambda: _active(celery_app, "worker-a@prodcheck"), 20, every=0.2)
        procs.kill9("worker-a")
        checks.require("kill -9 mid-backfill", bool(midway) and bool(busy),
                     f"worker-a killed while syncing {busy or '?'}; {stored_at_kill} items "
                     "stored by then")
        control(standin, "DELETE", "/faults")
        procs.restart("worker-a")
        wait_for(lambda: workers_up() >= 2, 90)
        # the dead worker's hold on its mailbox lapses (no heartbeat); then what beat does
        # every 15 minutes, now: a safety-net round resumes that mailbox from its last page
        time.sleep(LOCK_SECONDS + 1)
        celery_app.send_task("storyline.safety_net")
        done = wait_for(lambda: _all_current(db, sellers), args.timeout, every=1.0)
        states = _states(db)
        checks.require("backfill complete", bool(done),
                     f"{sum(1 for st in states if st['current'])} of {3 * sellers} folders "
                     f"of {sellers} mailboxes current")

        # -- counts: against the stand-in, against an uninterrupted run, no doubles
        served = _served(standin)
        seen = {(st["email"], st["folder"]): st["seen"] for st in states
                if st["folder"] != "calendar"}
        mismatch = {k: (seen.get(k), v) for k, v in served.items() if seen.get(k) != v}
        checks.check("every page once", not mismatch,
                     f"{sum(seen.values())} messages read, {sum(served.values())} in the "
                     f"stand-in's folders" + (f"; differ: {mismatch}" if mismatch else ""))
        got = _counts(db)
        yardstick.join(timeout=args.timeout)
        differ = {k: (got[k], reference[k]) for k in reference if got[k] != reference[k]}
        checks.check("same as one clean run", not differ,
                     ", ".join(f"{k} {v}" for k, v in got.items()) +
                     (f"; differ (got, expected): {differ}" if differ else ""))
        doubles = _doubles(db)
        checks.check("nothing doubled", not any(doubles.values()),
                     ", ".join(f"{k}: {v}" for k, v in doubles.items()))

        # -- a change notification: Graph tells us, a worker syncs, the story shows it
        subs = _subscriptions(db)
        checks.check("subscriptions", subs == 3 * sellers,
                     f"{subs} active (3 per enrolled mailbox)")
        token = token_cli.communicate(timeout=120)[0].strip().splitlines()[-1]
        subject = f"Prod check order {uuid.uuid4().hex[:6]}"
        customer = "ivo.marsh@quillbrook-tools.example"
        sent_at = time.monotonic()
        answer = control(standin, "POST", f"/mailboxes/{seller}/items", json={
            "folder": "inbox", "notify": True, "resource": {
                "subject": subject, "internetMessageId": f"<{uuid.uuid4().hex}@quillbrook>",
                "receivedDateTime": _now_iso(), "sentDateTime": _now_iso(),
                "from": {"emailAddress": {"address": customer, "name": "Ivo Marsh"}},
                "sender": {"emailAddress": {"address": customer, "name": "Ivo Marsh"}},
                "toRecipients": [{"emailAddress": {"address": seller}}],
                "body": {"contentType": "text", "content": "Could you send the quote by "
                                                           "Friday? Thanks, Ivo"}}})
        delivered = [n for n in answer.get("notifications", []) if n]
        arrived = wait_for(lambda: _timeline_has(web, token, customer, subject), 60)
        took = time.monotonic() - sent_at
        once = _with_subject(db, subject)
        checks.check("change notification", bool(delivered) and bool(arrived) and once == 1,
                     f"{len(delivered)} notification(s) delivered; the mail is in the "
                     f"customer's story {took:.1f} s after it was put in the mailbox, stored "
                     f"{once} time(s)")

        # -- a prep round: cards for meetings due, each sent once
        before = len(control(standin, "GET", "/teams")["value"])
        first = celery_app.send_task("storyline.prep_round").get(timeout=120)
        middle = len(control(standin, "GET", "/teams")["value"])
        celery_app.send_task("storyline.prep_round").get(timeout=120)
        after = len(control(standin, "GET", "/teams")["value"])
        checks.check("prep round", middle > before and after == middle,
                     f"{middle - before} Teams notification(s) sent ({_summary(first)}); a "
                     f"second round sent {after - middle}")
        from app.jobs.tasks import JOBS

        nudges = [name for name in JOBS if "nudge" in name]
        if nudges:
            result = celery_app.send_task(f"storyline.{nudges[0]}").get(timeout=120)
            checks.check("nudge round", isinstance(result, dict), _summary(result))
        else:
            checks.note("nudge round: no nudge job on this branch yet (checked the prep "
                        "round instead)")
        for name in ("worker-a", "worker-b", "web"):
            checks.note(f"{name}: largest process {procs.rss_mb(name):.0f} MB resident")
    except Abort:
        pass
    finally:
        procs.stop_all()
        standin.stop()
        db.dispose()
        broker.flushdb()
        _pg(args.postgres, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    if checks.failed:
        for name in ("worker-a", "worker-b", "beat", "web"):
            print(f"--- {name} (last lines; all in {work})\n{procs.tail(name)}")
        print(f"prod-check FAILED: {', '.join(checks.failed)}")
        return 1
    print(f"prod-check passed in {time.monotonic() - checks.started:.0f} s")
    return 0


def _celery(env: dict[str, str]) -> Any:
    from app.jobs.celery_app import make_celery
    from app.settings import load_settings

    return make_celery(load_settings(env))


def _active(celery_app: Any, worker: str) -> str:
    found = celery_app.control.inspect(destination=[worker], timeout=1.0).active() or {}
    names = [t.get("name", "") for t in found.get(worker, [])]
    return ", ".join(n for n in names if n.endswith("sync_mailbox"))


def _stored(db: Any) -> int:
    from app.records.models import SyncState

    with db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.coalesce(sa.func.sum(SyncState.items_seen), 0)))
                   or 0)


def _states(db: Any) -> list[dict[str, Any]]:
    from app.records.models import SyncState, User

    with db.sessionmaker() as s:
        rows = s.execute(sa.select(User.email, SyncState).join(
            SyncState, sa.and_(SyncState.tenant_id == User.tenant_id,
                               SyncState.user_id == User.id))).all()
    return [{"email": email, "folder": st.folder, "seen": st.items_seen or 0,
             "current": bool(st.delta_link) and not st.next_link, "error": st.last_error}
            for email, st in rows]


def _enabled(db: Any) -> int:
    from app.records.models import User

    with db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.sync_enabled.is_(True))) or 0)


def _all_current(db: Any, sellers: int) -> bool:
    states = _states(db)
    return len(states) == 3 * sellers and all(st["current"] for st in states)


def _served(standin: Any) -> dict[tuple[str, str], int]:
    from app.dev.standin.testing import control

    boxes = control(standin, "GET", "/mailboxes")["value"]
    return {(b["address"].lower(), folder): info["count"] for b in boxes
            for folder, info in b["folders"].items() if folder in ("inbox", "sentitems")}


def _counts(db: Any) -> dict[str, int]:
    from app.records.models import (
        Commitment,
        Contact,
        Interaction,
        InteractionMailbox,
        Participant,
        Signal,
    )

    with db.sessionmaker() as s:
        return {model.__tablename__: int(s.scalar(sa.select(sa.func.count()).select_from(
            model)) or 0) for model in (Interaction, InteractionMailbox, Participant, Contact,
                                        Commitment, Signal)}


def _reference(standin: Any, company: Any, work: Path, now: Any) -> dict[str, int]:
    """The same mailboxes synced in one process, uninterrupted, into a scratch SQLite."""
    from app import migrate
    from app.db import Database
    from app.dev.demo import seed_sample_company, standin_settings
    from app.jobs.context import build_context
    from app.records.models import Tenant, User
    from app.settings import Settings
    from app.sync.rounds import SyncOptions, sync_mailboxes

    settings = Settings(instance_path=work / "reference").with_overrides(
        database_url=f"sqlite:///{work / 'reference.db'}", **standin_settings(standin))
    db = Database(settings.sqlalchemy_url)
    migrate.upgrade(db.engine)
    with db.session() as s:
        seed_sample_company(s, company)
        s.get(Tenant, company.tenant_id).contact_policy = "sent_and_received"  # type: ignore[union-attr]
        users = list(s.scalars(sa.select(User.id)))
    from datetime import timedelta

    jobs = build_context(settings, db=db, with_extraction=True)
    window = timedelta(days=round(12 * 30.44))
    sync_mailboxes(db, jobs.graph, tenant_id=company.tenant_id, user_ids=users,
                   options=SyncOptions(since=now - window, calendar_past=window),
                   extract=jobs.extract)
    try:
        return _counts(db)
    finally:
        db.dispose()


def _doubles(db: Any) -> dict[str, int]:
    from app.records.models import Commitment, Interaction, Signal

    def groups(*cols: Any) -> int:
        inner = sa.select(*cols).group_by(*cols).having(sa.func.count() > 1).subquery()
        with db.sessionmaker() as s:
            return int(s.scalar(sa.select(sa.func.count()).select_from(inner)) or 0)

    return {
        "mail stored twice": groups(Interaction.tenant_id, Interaction.kind,
                                    Interaction.external_key),
        "promises twice": groups(Commitment.tenant_id, Commitment.interaction_id,
                                 Commitment.kind, Commitment.side, Commitment.text),
        "signals twice": groups(Signal.tenant_id, Signal.interaction_id, Signal.kind,
                                Signal.evidence_start),
    }


def _subscriptions(db: Any) -> int:
    from app.records.models import Subscription

    with db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Subscription).where(
            Subscription.status == "active")) or 0)


def _timeline_has(web: str, token: str, customer: str, subject: str) -> int:
    answer = requests.get(f"{web}/api/v1/story", params={"email": customer},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if answer.status_code != 200:
        return 0
    return json.dumps(answer.json()).count(subject)


def _with_subject(db: Any, subject: str) -> int:
    from app.records.models import Interaction

    with db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Interaction).where(
            Interaction.subject == subject)) or 0)


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(result: Any) -> str:
    if not isinstance(result, dict):
        return repr(result)[:120]
    return ", ".join(f"{k} {v}" for k, v in result.items()
                     if isinstance(v, int | float) and not isinstance(v, bool))[:200]


def main(argv: list[str] | None = None) -> int:
    """Parses the command line and runs the check."""
    parser = argparse.ArgumentParser(prog="python -m app.dev.prodcheck", description=__doc__)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an admin connection: a scratch database is created and dropped")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13",
                        help="broker and locks (this Redis database is emptied)")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the sample mail")
    parser.add_argument("--page-delay", type=float, default=0.25,
                        help="seconds the stand-in waits per page until the kill")
    parser.add_argument("--kill-after", type=int, default=60,
                        help="kill a worker once this many items are read")
    parser.add_argument("--timeout", type=float, default=150)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
