"""Operator commands for Graph sync: ``flask --app app sync``, ``subscriptions`` and
``scheduler`` (the periodic jobs in the foreground, without Celery)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from tqdm import tqdm

from app import extensions as ctx
from app.errors import StorylineError
from app.jobs.context import JobContext, build_context
from app.jobs.tasks import ensure_subscriptions, renew_subscriptions
from app.records.identity import normalize_address
from app.records.models import Subscription, User
from app.sync.rounds import SyncOptions, sync_mailboxes
from app.sync.status import sync_status


def _context(extract: bool) -> JobContext:
    return build_context(ctx.settings(), db=ctx.database(), with_extraction=extract,
                         extraction_process=extract)


@click.command("sync")
@click.option("--mailbox", default=None, help="One seller's address (default: every mailbox).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Backfill horizon for folders not synced yet (YYYY-MM-DD).")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Run commitment and signal extraction on the mail.")
@click.option("--status", "show_status", is_flag=True,
              help="Only show each mailbox's sync status (last success, errors, counts, lag).")
@with_appcontext
def sync_command(mailbox: str | None, since: datetime | None, extract: bool,
                 show_status: bool) -> None:
    """Runs a delta round (a backfill the first time) for the synced mailboxes."""
    if show_status:
        _print_status(mailbox)
        return
    with ctx.database().sessionmaker() as s:
        q = sa.select(User).where(User.sync_enabled.is_(True))
        if mailbox:
            q = q.where(User.email == normalize_address(mailbox))
        users = list(s.scalars(q))
    if not users:
        raise click.ClickException("no synced mailbox matches")
    jobs = _context(extract)
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = {}
    for user in users:
        by_tenant.setdefault(user.tenant_id, []).append(user.id)
    options = SyncOptions(since=since.replace(tzinfo=UTC) if since else None)
    failed = False
    try:
        with tqdm(desc="sync", unit=" items", dynamic_ncols=True) as bar:
            for tenant_id, user_ids in by_tenant.items():
                report = sync_mailboxes(jobs.db, jobs.graph, tenant_id=tenant_id,
                                        user_ids=user_ids, options=options,
                                        extract=jobs.extract, progress=bar.update)
                bar.write(f"tenant {tenant_id}: {len(user_ids)} mailbox(es), {report.pages} "
                          f"pages, {report.stored} stored, {report.duplicates} already known, "
                          f"{report.skipped} skipped, {report.removed} removed")
                for error in report.errors:
                    failed = True
                    bar.write(f"  error: {error}")
    finally:
        close = getattr(jobs.extract, "close", None)
        if close is not None:
            close()
    if failed:
        raise click.ClickException("some folders did not finish; run again to resume")


def _print_status(mailbox: str | None) -> None:
    with ctx.database().sessionmaker() as s:
        tenants = list(s.scalars(sa.select(User.tenant_id).distinct()))
        entries = [e for t in tenants for e in sync_status(s, tenant_id=t)]
    for entry in entries:
        if mailbox and entry["mailbox"] != normalize_address(mailbox):
            continue
        lag = "never" if entry["lag_seconds"] is None else f"{entry['lag_seconds']}s ago"
        click.echo(f"{entry['mailbox']:32} last complete round {lag}, "
                   f"{entry['items_stored']} stored of {entry['items_seen']} seen")
        for f in entry["folders"]:
            error = f"  error: {f['last_error']}" if f["last_error"] else ""
            click.echo(f"  {f['folder']:10} {f['state']:12} {f['items_stored']:>7} stored"
                       f"{error}")


@click.command("subscriptions")
@click.option("--create", is_flag=True, help="Create missing subscriptions for every mailbox.")
@click.option("--renew", is_flag=True, help="Renew those expiring within a day.")
@with_appcontext
def subscriptions_command(create: bool, renew: bool) -> None:
    """Lists Graph change-notification subscriptions; creates or renews them on request."""
    if create or renew:
        jobs = _context(extract=False)
        try:
            if create:
                with jobs.db.sessionmaker() as s:
                    tenants = set(s.scalars(sa.select(User.tenant_id).distinct()))
                for tenant_id in tenants:
                    result = ensure_subscriptions(jobs, tenant_id=str(tenant_id))
                    click.echo(f"tenant {tenant_id}: {result['created']} created")
            if renew:
                result = renew_subscriptions(jobs)
                click.echo(f"{result['renewed']} renewed, {result['recreated']} re-created")
        except StorylineError as err:
            raise click.ClickException(err.message) from err
    with ctx.database().sessionmaker() as s:
        rows = s.execute(sa.select(Subscription, User.email).join(
            User, sa.and_(User.tenant_id == Subscription.tenant_id,
                          User.id == Subscription.user_id)).order_by(User.email)).all()
    if not rows:
        click.echo("no subscriptions")
    for sub, email in rows:
        expires = sub.expires_at.strftime("%Y-%m-%d %H:%M") if sub.expires_at else "-"
        click.echo(f"{email:32} {sub.status:8} expires {expires} UTC  {sub.resource}")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Runs the periodic jobs (meeting prep every 5 minutes, subscription renewal, safety-net
    sync) in this process until Ctrl-C: the scheduler for a deployment without Celery beat
    whose web workers do not run it (STORYLINE_SCHEDULER=off)."""
    from flask import current_app

    from app.extensions import scheduler_for

    if not ctx.settings().graph_app_id:
        raise click.ClickException("no Graph app configured (STORYLINE_GRAPH_CLIENT_ID or "
                                   "STORYLINE_ENTRA_CLIENT_ID)")
    scheduler = scheduler_for(current_app._get_current_object())  # type: ignore[attr-defined]
    if not scheduler.run_pending() and not scheduler.leading:
        click.echo("another process runs the schedule; standing by")
    else:
        click.echo("running the schedule (Ctrl-C to stop)")
    try:
        scheduler.serve()
    except KeyboardInterrupt:
        pass


COMMANDS = (sync_command, subscriptions_command, scheduler_command)
