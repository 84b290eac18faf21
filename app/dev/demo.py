"""The demo tenant: the invented sample company's sellers and deals (CRM-side data that
never comes through mail). Its mail and meetings come in through Graph sync.

``python -m app.dev.demo`` (``make demo``) runs the whole thing: the local Graph stand-in with the
sample mailboxes, the sample loaded through it, and Storyline under gunicorn calling Graph on
that stand-in, so the inline scheduler delivers meeting-prep cards to it (see ``/prep``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import Database, hash_key
from app.dev.sample import SampleCompany, build_sample
from app.errors import StorylineError
from app.records.contacts import ensure_account
from app.records.models import Base, User
from app.records.team_mailboxes import enrol_team_mailbox
from app.records.tenants import DealIn, ensure_tenant, ensure_user, import_deal
from app.settings import Settings

if TYPE_CHECKING:
    from app.dev.standin.server import RunningStandIn

# The stand-in accepts any client; these only name the demo's app registration.
DEMO_CLIENT_ID = "5f0c8a3e-9d1b-4c7e-8a2f-1b6e4d9c0a77"
DEMO_CLIENT_SECRET = "local-demo-secret"


def reset_tenant(session: Session, tenant_id: uuid.UUID) -> None:
    """Deletes every row of one tenant (children first), leaving other tenants alone."""
    for table in reversed(Base.metadata.sorted_tables):
        column = table.c.get("tenant_id")
        if column is None:
            column = table.c.get("id") if table.name == "tenants" else None
        if column is not None:
            session.execute(sa.delete(table).where(column == tenant_id))
    session.info.pop("identity_contexts", None)


def seed_sample_company(session: Session, company: SampleCompany, *,
                        reset: bool = True) -> dict[str, Any]:
    """Creates the sample tenant, its sellers and its deals; returns counts."""
    if reset:
        reset_tenant(session, company.tenant_id)
    ensure_tenant(session, tenant_id=company.tenant_id, name=company.tenant_name,
                  domains=company.internal_domains)
    for seller in company.sellers:
        ensure_user(session, tenant_id=company.tenant_id, email=seller.email,
                    display_name=seller.display_name, oid=seller.oid,
                    time_zone=seller.time_zone)
    for box in company.team_mailboxes:  # support@ and billing@: their mail is the team's
        enrol_team_mailbox(session, tenant_id=company.tenant_id, address=box.email,
                           function=box.title, name=box.display_name)
    for account in company.accounts:  # CRM-side names ("Kestrelmoor Engineering")
        row = ensure_account(session, tenant_id=company.tenant_id, domain=account.domain)
        if row is not None:
            row.name = account.name
    for deal in company.deals:
        import_deal(session, tenant_id=company.tenant_id, deal=DealIn(
            account_domain=deal.account_domain, name=deal.name, stage=deal.stage,
            amount=deal.amount, currency=deal.currency, close_date=deal.close_date,
            owner_email=deal.owner_email, history=deal.history,
        ))
    return {"tenant": str(company.tenant_id), "sellers": len(company.sellers),
            "deals": len(company.deals)}


def standin_settings(standin: RunningStandIn) -> dict[str, str]:
    """The settings that point Storyline's Graph calls at a running stand-in (the API keeps
    taking local tokens: only the Graph app is the demo's)."""
    return {"graph_base_url": standin.graph_url, "graph_authority_host": standin.base_url,
            "graph_client_id": DEMO_CLIENT_ID, "graph_client_secret": DEMO_CLIENT_SECRET,
            "graph_ca_bundle": str(standin.ca_path)}


def sample_now(step_minutes: int = 60) -> datetime:
    """The moment the sample is built around, floored to ``step_minutes`` (the hour by
    default, so reruns within it agree)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now.replace(minute=now.minute - now.minute % step_minutes)


def load_sample_company(settings: Settings, db: Database, *, reset: bool = True,
                        now: datetime | None = None, extract: bool = True,
                        progress: Callable[[int], None] | None = None,
                        standin: RunningStandIn | None = None) -> dict[str, Any]:
    """Loads the sample the way production fills the record: the sellers and deals are
    seeded, then the local Graph stand-in serves the sample mailboxes and the real sync
    (msal + msgraph-sdk -> sync -> records, extraction included) brings them in.

    ``standin``: one already running with the sample built at ``now`` (``make demo`` keeps
    it up afterwards); by default one is started for the load and stopped after it.
    """
    from app.dev.standin.testing import running_standin

    now = now or sample_now()
    if standin is None:
        with running_standin(now=now) as temporary:
            return load_sample_company(settings, db, reset=reset, now=now, extract=extract,
                                       progress=progress, standin=temporary)
    from app.jobs.context import build_context
    from app.sync.rounds import SyncOptions, sync_mailboxes

    company = build_sample(now)
    with db.session() as session:
        summary = seed_sample_company(session, company, reset=reset)
        user_ids = list(session.scalars(
            sa.select(User.id).where(User.tenant_id == company.tenant_id)))
    jobs = build_context(settings.with_overrides(**standin_settings(standin)), db=db,
                         with_extraction=extract)
    report = sync_mailboxes(db, jobs.graph, tenant_id=company.tenant_id,
                            user_ids=user_ids, options=SyncOptions(),
                            extract=jobs.extract, progress=progress)
    if report.errors:
        raise StorylineError("sample sync did not finish: " + "; ".join(report.errors[:3]))
    return summary | {"pages": report.pages, "stored": report.stored,
                      "already_known": report.duplicates, "skipped": report.skipped}


def subscribe_demo_mailboxes(settings: Settings, db: Database, standin: RunningStandIn, *,
                             base_url: str, tenant_id: uuid.UUID) -> int:
    """Creates the change-notification subscriptions of every synced demo mailbox, as
    enrolment does in production, once Storyline answers at ``base_url``: the stand-in then
    delivers a notification for mail put in with ``notify`` and the story has it within
    seconds. Returns how many were created."""
    from app.jobs.context import build_context
    from app.jobs.tasks import ensure_subscriptions

    ctx = build_context(settings.with_overrides(**standin_settings(standin),
                                                public_base_url=base_url),
                        db=db, with_extraction=False)
    return int(ensure_subscriptions(ctx, tenant_id=str(tenant_id))["created"])


def _wait_until_up(url: str, server: Any, seconds: float = 120) -> bool:
    """True once ``url`` answers (any status); False when the server died or time ran out."""
    import time

    import requests

    http = requests.Session()
    http.trust_env = False
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            http.get(url, timeout=5)
            return True
        except requests.RequestException:
            time.sleep(0.5)
    return False


def _serve(argv: list[str] | None = None) -> int:
    """Runs the demo: Graph stand-in, sample company, Storyline under gunicorn."""
    import argparse
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from tqdm import tqdm

    from app import migrate
    from app.dev.standin.server import start
    from app.settings import PREFIX, load_settings

    parser = argparse.ArgumentParser(prog="python -m app.dev.demo", description=_serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--standin-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    args = parser.parse_args(argv)

    settings = load_settings()
    db = Database(settings.sqlalchemy_url, hash_key=hash_key(settings),
                  visibility=settings.visibility, stale_promise_days=settings.stale_promise_days)
    migrate.upgrade(db.engine)
    now = sample_now(5)  # the sample's next meeting is then 40-45 minutes away: a card is due
    standin = start(port=args.standin_port, sample=True, now=now,
                    tls_dir=settings.instance_path / "standin")
    try:
        with tqdm(desc="sample mail", unit=" items", dynamic_ncols=True) as bar:
            summary = load_sample_company(settings, db, now=now, standin=standin,
                                          progress=bar.update)
        db.dispose()
        base = f"http://{args.host}:{args.port}"
        env = dict(os.environ)
        env.update({PREFIX + k.upper(): v for k, v in standin_settings(standin).items()})
        env.setdefault(PREFIX + "PUBLIC_BASE_URL", base)
        # every nudge kind shows on /prep whatever the hour of the demo (docs/nudges.md)
        env.setdefault(PREFIX + "NUDGE_HOURS", "always")
        env.setdefault(PREFIX + "NUDGE_DAILY_CAP", "25")
        root = Path(__file__).resolve().parents[2]
        command = [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py"),
                   "--bind", f"{args.host}:{args.port}", "--access-logfile", "-"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        print(f"sample loaded: {summary['stored']} items from {summary['sellers']} sellers\n"
              f"Graph stand-in: {standin.graph_url} (its Teams inbox: "
              f"{standin.base_url}/_standin/teams)\n"
              f"Storyline: {base}/  (task pane preview)\n"
              f"  meeting-prep cards sent: {base}/prep  (first round a few seconds after "
              f"start, then every 5 minutes)\n"
              f"  nudges (every kind, seconds after start): {base}/prep\n"
              f"  Teams tab: {base}/teams/tab\n(Ctrl-C to stop)", flush=True)
        server = subprocess.Popen([*command, "app.dev:create_app()"], env=env, cwd=root)
        try:
            if _wait_until_up(f"{base}/api/v1/openapi.json", server):
                try:
                    created = subscribe_demo_mailboxes(
                        settings, db, standin, base_url=env[PREFIX + "PUBLIC_BASE_URL"],
                        tenant_id=uuid.UUID(summary["tenant"]))
                    print(f"change notifications: {created} subscriptions (mail put in the "
                          f"stand-in with notify reaches the story in seconds)", flush=True)
                except StorylineError as exc:  # the demo still works: the safety net syncs
                    print(f"change notifications are off: {exc}", flush=True)
            return server.wait()
        except KeyboardInterrupt:
            server.send_signal(signal.SIGTERM)
            return server.wait(timeout=30)
    finally:
        standin.stop()


if __name__ == "__main__":
    raise SystemExit(_serve())
