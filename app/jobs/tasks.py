"""The job functions. Each takes the process's :class:`JobContext` first and plain JSON-able
keyword arguments, so the inline runner, Celery, the CLI and tests call the same code."""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.graph.errors import GraphError
from app.graph.subscriptions import mailbox_resources
from app.records.models import Subscription, User
from app.settings import Settings
from app.sync.rounds import FOLDERS, SyncOptions, mailbox_id
from app.sync.rounds import sync_mailbox as run_sync

from .context import JobContext
from .locks import MailboxLocks

log = logging.getLogger(__name__)
SUBSCRIBE_LOCK_TTL = 300
MAX_EXTRA_ROUNDS = 3


@contextmanager
def _held(locks: MailboxLocks, key: str, ttl: int) -> Iterator[None]:
    """Renews the hold on ``key`` every third of ``ttl`` while the body runs, so a long
    backfill keeps its mailbox and a worker killed with -9 frees it within ``ttl``."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(ttl / 3):
            try:
                if not locks.extend(key, ttl):
                    log.warning("sync lock %s was lost (a stall longer than %s s)", key, ttl)
                    return
            except Exception as err:  # noqa: BLE001 - broker hiccup: try again next beat
                log.warning("sync lock %s not renewed (%s)", key, type(err).__name__)

    thread = threading.Thread(target=beat, name=f"lock-{key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        locks.release(key)


def sync_mailbox(ctx: JobContext, *, tenant_id: str, user_id: str,
                 folders: list[str] | None = None, since: str | None = None) -> dict[str, Any]:
    """One delta round for a mailbox; if one is already running, it is asked to go round
    once more instead (a redelivered notification changes nothing)."""
    key = f"{tenant_id}:{user_id}"
    ttl = ctx.settings.sync_lock_seconds
    if not ctx.locks.acquire(key, ttl):
        ctx.locks.mark_dirty(key)
        return {"status": "coalesced"}
    window = backfill_window(ctx.settings)
    options = SyncOptions(
        folders=tuple(folders) if folders else FOLDERS,
        since=datetime.fromisoformat(since) if since else datetime.now(UTC) - window,
        calendar_past=window,
    )
    totals: dict[str, Any] = {}
    with _held(ctx.locks, key, ttl):
        for _round in range(1 + MAX_EXTRA_ROUNDS):
            report = run_sync(ctx.db, ctx.graph, tenant_id=uuid.UUID(tenant_id),
                              user_id=uuid.UUID(user_id), options=options, extract=ctx.extract)
            for name, value in asdict(report).items():
                if isinstance(value, dict):
                    merged = totals.setdefault(name, {})
                    for k, v in value.items():
                        merged[k] = merged.get(k, 0) + v
                else:
                    totals[name] = totals.get(name, 0 if isinstance(value, int) else []) + value
            if not ctx.locks.take_dirty(key):
                break
            # a request for any folder arrived meanwhile: the next round covers them all
            options = replace(options, folders=FOLDERS)
    return {"status": "done", **totals}


def backfill_window(settings: Settings) -> timedelta:
    """How far back a mailbox's first round reaches (``STORYLINE_BACKFILL_MONTHS``)."""
    return timedelta(days=round(settings.backfill_months * 30.44))


def _enabled_users(ctx: JobContext, tenant_id: uuid.UUID | None = None) -> list[User]:
    with ctx.db.sessionmaker() as s:
        q = sa.select(User).where(User.sync_enabled.is_(True))
        if tenant_id is not None:
            q = q.where(User.tenant_id == tenant_id)
        return list(s.scalars(q))


def safety_net(ctx: JobContext) -> dict[str, Any]:
    """Queues a delta round for every synced mailbox (catches anything a notification
    missed); runs them here when there is no queue."""
    users = _enabled_users(ctx)
    for user in users:
        tenant_id, user_id = str(user.tenant_id), str(user.id)
        if ctx.enqueue is not None:
            # its own job name, so the queue serves it after notifications (PRIORITY)
            ctx.enqueue("safety_net_sync", tenant_id=tenant_id, user_id=user_id)
        else:
            sync_mailbox(ctx, tenant_id=tenant_id, user_id=user_id)
    return {"mailboxes": len(users)}


def _folder_of(sub: Subscription, mailbox: str) -> str | None:
    for folder, resource in mailbox_resources(mailbox).items():
        if resource.lower() == sub.resource.lower():
            return folder
    return None


def _notification_url(ctx: JobContext) -> str:
    if not ctx.notification_url:
        raise GraphError("public_base_url is needed to receive notifications",
                         code="notifications_unconfigured")
    return ctx.notification_url


def ensure_subscriptions(ctx: JobContext, *, tenant_id: str,
                         user_id: str | None = None) -> dict[str, Any]:
    """Creates the missing subscriptions (inbox, sent items, calendar) of each synced mailbox.

    One run per mailbox at a time: two lifecycle events arriving together (Graph sends them
    in bursts) would each find the subscription missing and both create it. A second run
    asks the first to look once more instead."""
    tid = uuid.UUID(tenant_id)
    created = 0
    url = _notification_url(ctx)
    users = [u for u in _enabled_users(ctx, tid) if user_id is None or str(u.id) == user_id]
    for user in users:
        key = f"subscriptions:{tenant_id}:{user.id}"
        if not ctx.locks.acquire(key, SUBSCRIBE_LOCK_TTL):
            ctx.locks.mark_dirty(key)
            continue
        try:
            created += _subscribe_missing(ctx, tid, user, url)
            while ctx.locks.take_dirty(key):
                created += _subscribe_missing(ctx, tid, user, url)
        finally:
            ctx.locks.release(key)
    return {"created": created}


def _subscribe_missing(ctx: JobContext, tid: uuid.UUID, user: User, url: str) -> int:
    created = 0
    with ctx.db.session() as s:
        active = {sub.resource.lower() for sub in s.scalars(sa.select(Subscription).where(
            Subscription.tenant_id == tid, Subscription.user_id == user.id,
            Subscription.status == "active"))}
    for _folder, resource in mailbox_resources(mailbox_id(user)).items():
        if resource.lower() in active:
            continue
        state = secrets.token_urlsafe(32)
        info = ctx.graph.subscribe(str(tid), resource=resource, notification_url=url,
                                   client_state=state, lifecycle_url=url)
        with ctx.db.session() as s:
            s.add(Subscription(tenant_id=tid, id=info.id, user_id=user.id,
                               resource=resource, client_state=state, status="active",
                               expires_at=info.expires_at or datetime.now(UTC)))
        created += 1
    return created


def renew_subscriptions(ctx: JobContext, *, within_hours: float = 24) -> dict[str, Any]:
    """Renews every active subscription expiring within ``within_hours``; one Graph no longer
    knows is marked removed and created again."""
    horizon = datetime.now(UTC) + timedelta(hours=within_hours)
    with ctx.db.sessionmaker() as s:
        due = list(s.scalars(sa.select(Subscription).where(
            Subscription.status == "active", Subscription.expires_at < horizon)))
    renewed, recreated = 0, 0
    for sub in due:
        renewed_ok = _renew_one(ctx, sub)
        renewed += renewed_ok
        if not renewed_ok:
            ensure_subscriptions(ctx, tenant_id=str(sub.tenant_id), user_id=str(sub.user_id))
            recreated += 1
    return {"renewed": renewed, "recreated": recreated}


def _renew_one(ctx: JobContext, sub: Subscription) -> bool:
    try:
        info = ctx.graph.renew(str(sub.tenant_id), sub.id)
    except GraphError as err:
        if err.http_status != 404:
            raise
        with ctx.db.session() as s:
            row = s.get(Subscription, (sub.tenant_id, sub.id))
            if row is not None:
                row.status = "removed"
        return False
    with ctx.db.session() as s:
        row = s.get(Subscription, (sub.tenant_id, sub.id))
        if row is not None and info.expires_at is not None:
            row.expires_at = info.expires_at
    return True


def handle_notification(ctx: JobContext, *, tenant_id: str, subscription_id: str,
                        lifecycle_event: str | None = None) -> dict[str, Any]:
    """Acts on one validated notification: a change or ``missed`` syncs the folder,
    ``reauthorizationRequired`` renews, ``subscriptionRemoved`` re-creates and syncs."""
    tid = uuid.UUID(tenant_id)
    with ctx.db.sessionmaker() as s:
        sub = s.get(Subscription, (tid, subscription_id))
        user = s.get(User, (tid, sub.user_id)) if sub is not None else None
    if sub is None or user is None:
        return {"status": "unknown_subscription"}
    if lifecycle_event == "reauthorizationRequired":
        if not _renew_one(ctx, sub):
            ensure_subscriptions(ctx, tenant_id=tenant_id, user_id=str(user.id))
        return {"status": "renewed"}
    if lifecycle_event == "subscriptionRemoved":
        with ctx.db.session() as s:
            row = s.get(Subscription, (tid, subscription_id))
            if row is not None:
                row.status = "removed"
        ensure_subscriptions(ctx, tenant_id=tenant_id, user_id=str(user.id))
    folder = _folder_of(sub, mailbox_id(user))
    result = sync_mailbox(ctx, tenant_id=tenant_id, user_id=str(user.id),
                          folders=[folder] if folder else None)
    return {"status": "synced", "sync": result}


def enrol_mailbox(ctx: JobContext, *, tenant_id: str, user_id: str) -> dict[str, Any]:
    """Starts syncing a newly enrolled (or resumed) mailbox: its subscriptions, when a public
    URL is set, then its backfill (queued when there is a queue)."""
    created: int | str = "no public URL: notifications off, the safety net syncs"
    if ctx.notification_url:
        created = ensure_subscriptions(ctx, tenant_id=tenant_id, user_id=user_id)["created"]
    if ctx.enqueue is not None:
        ctx.enqueue("sync_mailbox", tenant_id=tenant_id, user_id=user_id)
        return {"subscriptions": created, "sync": "queued"}
    return {"subscriptions": created, "sync": sync_mailbox(ctx, tenant_id=tenant_id,
                                                           user_id=user_id)}


def pause_mailbox(ctx: JobContext, *, tenant_id: str, user_id: str) -> dict[str, Any]:
    """Deletes the subscriptions of a paused mailbox (Graph stops telling us about it)."""
    tid, uid = uuid.UUID(tenant_id), uuid.UUID(user_id)
    with ctx.db.sessionmaker() as s:
        ids = list(s.scalars(sa.select(Subscription.id).where(
            Subscription.tenant_id == tid, Subscription.user_id == uid,
            Subscription.status == "active")))
    removed = 0
    for sub_id in ids:
        try:
            ctx.graph.unsubscribe(tenant_id, sub_id)
        except GraphError as err:
            if err.http_status != 404:
                raise
        with ctx.db.session() as s:
            row = s.get(Subscription, (tid, sub_id))
            if row is not None:
                row.status = "removed"
        removed += 1
    return {"removed": removed}


def prep_round(ctx: JobContext) -> dict[str, Any]:
    """Sends the meeting-prep cards that are due, cancellation notices and morning digests
    (each at most once: deliveries are claimed in the database before Graph is called)."""
    from app.prep.deliver import run_prep
    from app.prep.schedule import prep_options

    return asdict(run_prep(ctx.db, ctx.graph, options=prep_options(ctx.settings)))


def handoff_round(ctx: JobContext) -> dict[str, Any]:
    """Tells account owners, once each, of escalations, cancellation threats and invoice
    disputes that team mailboxes (support@, billing@ ...) received from their customers."""
    from app.prep.handoff import send_handoffs
    from app.prep.schedule import prep_options

    return asdict(send_handoffs(ctx.db, ctx.graph, options=prep_options(ctx.settings)))


def nudge_round(ctx: JobContext) -> dict[str, Any]:
    """Sends each seller, once each and within their working hours and daily cap, the
    nudges of what needs them: promises due, unanswered customer mail, cold and
    single-threaded deals, new risks (docs/nudges.md)."""
    from app.prep.nudges import nudge_options, send_nudges

    return asdict(send_nudges(ctx.db, ctx.graph, options=nudge_options(ctx.settings)))


def drop_old_text(ctx: JobContext) -> dict[str, Any]:
    """Drops stored text older than ``STORYLINE_RETENTION_DAYS`` (0: keeps it), keeping the
    metadata and the short form of findings."""
    from app.records.retention import drop_old_text as drop

    days = ctx.settings.retention_days
    if not days:
        return {"status": "off"}
    with ctx.db.session() as s:
        return {"status": "done", **drop(s, days=days)}


JOBS: dict[str, Callable[..., dict[str, Any]]] = {
    "sync_mailbox": sync_mailbox,
    "safety_net": safety_net,
    "ensure_subscriptions": ensure_subscriptions,
    "renew_subscriptions": renew_subscriptions,
    "handle_notification": handle_notification,
    "prep_round": prep_round,
    "handoff_round": handoff_round,
    "nudge_round": nudge_round,
    "drop_old_text": drop_old_text,
    "enrol_mailbox": enrol_mailbox,
    "pause_mailbox": pause_mailbox,
    "safety_net_sync": sync_mailbox,  # the safety net's delta round of one mailbox
}

# Order on the Celery queue (Redis priorities: 0 is served first, 9 last). Mail that a
# notification just announced comes first; the safety net's round of every mailbox, queued at
# once every 15 minutes, comes last, so its burst never holds a notification back (measured:
# bench/steady_bench.py, docs/PERFORMANCE.md). Enrolment and backfills sit between.
PRIORITY: dict[str, int] = {
    "handle_notification": 0,
    "enrol_mailbox": 2, "pause_mailbox": 2, "ensure_subscriptions": 2,
    "prep_round": 3, "nudge_round": 3, "handoff_round": 3, "renew_subscriptions": 3,
    "sync_mailbox": 5, "safety_net": 5,
    "safety_net_sync": 8, "drop_old_text": 9,
}
