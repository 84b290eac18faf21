"""Delta rounds per mailbox folder into the record, one transaction per page.

Each page's items, its ``@removed`` ids and the link to continue from are committed
together, so a sync killed at any point resumes from the last committed page: the page in
flight is fetched again and its items, already known or not, are stored exactly once.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import Database
from app.errors import StorylineError
from app.graph.errors import GraphError
from app.graph.pager import CALENDAR, PagerEvent, Stream
from app.graph.service import Graph
from app.graph.types import DeltaPage
from app.records.inputs import InteractionIn, RecordOutcome
from app.records.models import Interaction, InteractionMailbox, SyncState, User
from app.records.page import record_page
from app.records.record import record_interaction, remove_from_mailbox

from .extraction import Extract, page_findings, start_page_extraction
from .mapping import email_to_interaction, meeting_to_interaction, safe_key
from .statistics import after_page as keep_statistics

log = logging.getLogger(__name__)
FOLDERS = ("inbox", "sentitems", CALENDAR)
PHASES = ("sentitems", CALENDAR, "inbox")


@dataclass(frozen=True)
class SyncOptions:
    """What a round covers. ``since`` only shapes a fresh round (a backfill); a stored delta
    link carries its own scope."""

    folders: tuple[str, ...] = FOLDERS
    since: datetime | None = None
    calendar_past: timedelta = timedelta(days=180)
    calendar_future: timedelta = timedelta(days=90)
    buffer: int = 4  # pages fetched ahead of the database
    # each page's items recorded together (app/records/page.py); False: one at a time, as
    # the equivalence test's reference (the same record, more statements)
    page_writes: bool = True


@dataclass
class SyncReport:
    """Counts for one sync call, across its mailboxes and folders."""

    pages: int = 0
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    removed: int = 0
    retries: int = 0  # pages written again after a conflict with another worker
    moved: int = 0  # @removed for a message the mailbox still holds elsewhere (kept)
    set_aside: int = 0  # messages that could not be stored (reason in the sync status)
    # messages with attachments whose names could not be read (recorded without them)
    attachments_unread: int = 0
    deferred: list[str] = field(default_factory=list)  # folders left for the next round
    restarted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        """Counts one item left out, by why."""
        self.skipped += 1
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + 1


def _state(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, folder: str) -> SyncState:
    state = session.get(SyncState, (tenant_id, user_id, folder))
    if state is None:
        state = SyncState(tenant_id=tenant_id, user_id=user_id, folder=folder,
                          items_seen=0, items_stored=0)
        session.add(state)
    return state


def mailbox_id(user: User) -> str:
    """How Graph addresses the user's mailbox: the Entra object id, else the address."""
    return str(user.oid) if user.oid else user.email


def _streams(session: Session, tenant_id: uuid.UUID, users: Sequence[User],
             options: SyncOptions, now: datetime) -> dict[Stream, tuple[uuid.UUID, str]]:
    out: dict[Stream, tuple[uuid.UUID, str]] = {}
    for user in users:
        for folder in options.folders:
            state = _state(session, tenant_id, user.id, folder)
            link = state.next_link or state.delta_link
            if folder == CALENDAR:
                stream = Stream(mailbox=mailbox_id(user), folder=folder, link=link,
                                since=options.since or now - options.calendar_past,
                                until=now + options.calendar_future)
            else:
                stream = Stream(mailbox=mailbox_id(user), folder=folder, link=link,
                                since=options.since)
            out[stream] = (user.id, folder)
    session.commit()
    return out


@dataclass(frozen=True)
class _Where:
    """The mailbox a page belongs to, and Graph to ask where a removed message went."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID
    folder: str
    mailbox: str
    graph: Graph | None = None
    page_writes: bool = True


def _to_record(where: _Where, item: Any, result: Any, report: SyncReport
               ) -> InteractionIn | None:
    """A page item as the record's input; None (counted) when it cannot be recorded."""
    if where.folder == CALENDAR:
        record = meeting_to_interaction(item, mailbox_user_id=where.user_id)
    else:
        record = email_to_interaction(item, mailbox_user_id=where.user_id, folder=where.folder,
                                      findings=result)
    if record is None:
        report.skip("not recordable (draft, no id or date)")
        return None
    if getattr(item, "attachments_error", None):
        report.attachments_unread += 1
        log.warning("sync %s/%s: message %s recorded without its attachment names (%s)",
                    where.user_id, where.folder, safe_key(item.id)[:200], item.attachments_error)
    return record


def _count(outcome: RecordOutcome, report: SyncReport) -> bool:
    """Counts one item's outcome; True when it became a new interaction."""
    if outcome.status == "duplicate":
        report.duplicates += 1
    elif outcome.status != "stored":
        report.skip(outcome.reason or "skipped")
    return outcome.status == "stored"


def _record_item(session: Session, where: _Where, item: Any, result: Any,
                 report: SyncReport) -> bool:
    """Records one page item; True when it became a new interaction."""
    record = _to_record(where, item, result, report)
    if record is None:
        return False
    return _count(record_interaction(session, tenant_id=where.tenant_id, item=record), report)


def _record_items(session: Session, where: _Where, items: Sequence[Any],
                  findings: Sequence[Any], report: SyncReport) -> int:
    """Records a page's items together (:func:`record_page`); gives how many were new."""
    records = [_to_record(where, item, result, report)
               for item, result in zip(items, findings, strict=True)]
    outcomes = record_page(session, tenant_id=where.tenant_id,
                           items=[r for r in records if r is not None])
    return sum(_count(outcome, report) for outcome in outcomes)


def _merge_counts(report: SyncReport, page: SyncReport) -> None:
    """Adds a written page's item counts to the round's."""
    report.duplicates += page.duplicates
    report.attachments_unread += page.attachments_unread
    report.set_aside += page.set_aside
    for reason, n in page.skip_reasons.items():
        report.skipped += n
        report.skip_reasons[reason] = report.skip_reasons.get(reason, 0) + n


def _set_aside(state: SyncState, item: Any, err: BaseException, report: SyncReport) -> None:
    reason = f"message {safe_key(getattr(item, 'id', '') or '?')[:200]} set aside: " \
             f"{type(err).__name__}"
    log.warning("sync %s/%s: %s", state.user_id, state.folder, reason)
    state.items_set_aside = (state.items_set_aside or 0) + 1
    state.last_set_aside = f"{datetime.now(UTC).isoformat()} {reason}"
    report.set_aside += 1


def _where_now(session: Session, where: _Where, graph_ids: Sequence[str]
               ) -> dict[str, tuple[str, str] | None]:
    """For each removed id whose interaction no other mailbox holds: where this mailbox holds
    the message now (a move or Archive), or None (deleted). Read before anything is written,
    so no database lock is held while Graph answers."""
    if where.graph is None or where.folder == CALENDAR or not graph_ids:
        return {}
    rows = session.execute(
        sa.select(InteractionMailbox.graph_id, InteractionMailbox.interaction_id,
                  Interaction.external_key)
        .join(Interaction, sa.and_(Interaction.tenant_id == InteractionMailbox.tenant_id,
                                   Interaction.id == InteractionMailbox.interaction_id))
        .where(InteractionMailbox.tenant_id == where.tenant_id,
               InteractionMailbox.user_id == where.user_id,
               InteractionMailbox.graph_id.in_(list(graph_ids)))).all()
    out: dict[str, tuple[str, str] | None] = {}
    for graph_id, interaction_id, key in rows:
        if graph_id is None:
            continue
        others = session.scalar(sa.select(sa.func.count()).select_from(InteractionMailbox).where(
            InteractionMailbox.tenant_id == where.tenant_id,
            InteractionMailbox.interaction_id == interaction_id,
            InteractionMailbox.user_id != where.user_id))
        if others:
            continue  # another mailbox keeps it on the timeline whatever happened here
        try:
            out[graph_id] = where.graph.find_message(str(where.tenant_id), where.mailbox, key)
        except GraphError as err:
            # cannot tell a move from a delete now: keep the history (it is never erased on
            # a guess) and leave the link for the next removal or resync to settle
            log.warning("sync %s/%s: where did %s go? %s", where.user_id, where.folder,
                        graph_id, err.message)
            out[graph_id] = (graph_id, "unknown")
    return out


def _apply_removals(session: Session, where: _Where, graph_ids: Sequence[str],
                    held: dict[str, tuple[str, str] | None], report: SyncReport) -> None:
    for graph_id in graph_ids:
        found = held.get(graph_id)
        if found is not None:
            link = session.scalar(sa.select(InteractionMailbox).where(
                InteractionMailbox.tenant_id == where.tenant_id,
                InteractionMailbox.user_id == where.user_id,
                InteractionMailbox.graph_id == graph_id))
            if link is not None:
                link.graph_id, link.folder, link.resync_pending = safe_key(found[0]), "moved", False
                report.moved += 1
            continue
        if remove_from_mailbox(session, tenant_id=where.tenant_id, user_id=where.user_id,
                               graph_id=graph_id):
            report.removed += 1


def _store_page(session: Session, where: _Where, page: DeltaPage[Any], found: Any,
                report: SyncReport, *, isolate: bool = False) -> int:
    """Records one page and moves the folder's resume point past it; returns items handled.
    ``found`` is what :func:`start_page_extraction` started for it. With ``isolate`` each
    item is written in its own savepoint and one that fails is set aside with its reason."""
    findings = page_findings(found, len(page.items))
    removed = [safe_key(r) for r in page.removed if r]
    held = _where_now(session, where, removed)  # Graph asked before any lock is taken
    _tenant_write_lock(session, where.tenant_id)
    state = _state(session, where.tenant_id, where.user_id, where.folder)
    counts = SyncReport()  # added to the round's once the page is committed
    stored = 0
    if not isolate and where.page_writes:
        stored = _record_items(session, where, page.items, findings, counts)
    else:
        for item, result in zip(page.items, findings, strict=True):
            if not isolate:
                stored += _record_item(session, where, item, result, counts)
                continue
            try:
                with session.begin_nested():
                    stored += _record_item(session, where, item, result, counts)
            except Exception as err:  # noqa: BLE001 - set aside with its reason, never a stall
                _set_aside(state, item, err, counts)
    _apply_removals(session, where, removed, held, report)
    state.items_seen = (state.items_seen or 0) + len(page.items)
    state.items_stored = (state.items_stored or 0) + stored
    if page.next_link:
        state.next_link = page.next_link
    else:
        state.next_link, state.delta_link = None, page.delta_link
        state.last_success_at, state.last_error = datetime.now(UTC), None
    session.commit()
    # Nothing of this page is needed again: a small identity map keeps flushes cheap and
    # memory flat however long the backfill.
    session.expunge_all()
    keep_statistics(session)  # a backfill grows the tables: plans made when empty scan
    _merge_counts(report, counts)
    report.stored += stored
    if not page.next_link:
        _reconcile_resync(session, where, report)
    return len(page.items) + len(page.removed)


def _tenant_write_lock(session: Session, tenant_id: uuid.UUID) -> None:
    """On PostgreSQL, one page of a tenant is written at a time (until its commit).

    Pages of one tenant share rows: the accounts', contacts' and relationships' counters and
    new contacts' addresses. Two workers writing them in different orders deadlocked, and
    read-modify-write counters lost increments. Fetching and extraction still run in
    parallel; only the record writes of one tenant take turns (tenants do not wait for each
    other). SQLite has one writer anyway.

    The page's commit does not wait for its WAL to reach the disk (``synchronous_commit``
    off for this transaction only): the lock is released at commit, and the flush to disk
    (milliseconds, more on a busy disk) was the longest single wait of the other worker.
    This loses nothing: a page is one transaction with the folder's resume point, so a
    database crash can only forget the last pages whole, with the resume point, and the
    next round reads them again from Graph. The database stays consistent either way.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(tenant_id.bytes[:8], "big", signed=True)
    session.execute(sa.text("SELECT set_config('synchronous_commit', 'off', true), "
                            "pg_advisory_xact_lock(:k)"), {"k": key})


def _mark_resync(session: Session, where: _Where, stream: Stream) -> None:
    """The folder is read again from scratch (its delta link expired): its links inside the
    window read are pending until met again; those never met were deleted meanwhile."""
    scope = sa.select(Interaction.id).where(Interaction.tenant_id == where.tenant_id)
    if stream.since is not None:
        scope = scope.where(Interaction.occurred_at >= stream.since)
    if stream.until is not None:
        scope = scope.where(Interaction.occurred_at < stream.until)
    session.execute(sa.update(InteractionMailbox).where(
        InteractionMailbox.tenant_id == where.tenant_id,
        InteractionMailbox.user_id == where.user_id,
        InteractionMailbox.folder == where.folder,
        InteractionMailbox.interaction_id.in_(scope)).values(resync_pending=True))


def _reconcile_resync(session: Session, where: _Where, report: SyncReport) -> None:
    """After a round that read the folder anew: the links it did not meet are removals."""
    gone = list(session.scalars(sa.select(InteractionMailbox.graph_id).where(
        InteractionMailbox.tenant_id == where.tenant_id,
        InteractionMailbox.user_id == where.user_id,
        InteractionMailbox.folder == where.folder,
        InteractionMailbox.resync_pending.is_(True),
        InteractionMailbox.graph_id.is_not(None))))
    if not gone:
        return
    ids = [g for g in gone if g]
    held = _where_now(session, where, ids)
    _apply_removals(session, where, ids, held, report)
    session.execute(sa.update(InteractionMailbox).where(
        InteractionMailbox.tenant_id == where.tenant_id,
        InteractionMailbox.user_id == where.user_id,
        InteractionMailbox.resync_pending.is_(True),
        InteractionMailbox.folder == where.folder).values(resync_pending=False))
    session.commit()
    session.expunge_all()


def _note_error(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, folder: str,
                message: str) -> None:
    session.rollback()
    state = _state(session, tenant_id, user_id, folder)
    state.last_error, state.last_error_at = message[:1000], datetime.now(UTC)
    session.commit()


def sync_mailboxes(
    db: Database, graph: Graph, *, tenant_id: uuid.UUID, user_ids: Sequence[uuid.UUID],
    options: SyncOptions | None = None, extract: Extract | None = None,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    """Runs one delta round for each folder of each mailbox, pages of different folders and
    mailboxes fetched concurrently (at most ``max_in_flight`` per mailbox)."""
    options = options or SyncOptions()
    report = SyncReport()
    now = datetime.now(UTC)
    with db.sessionmaker() as session:
        users = session.scalars(sa.select(User).where(
            User.tenant_id == tenant_id, User.id.in_(list(user_ids)))).all()
        streams = _streams(session, tenant_id, users, options, now)
        if not streams:
            return report
        # Sent Items, then the calendar, then the inbox: the contacts and accounts each
        # creates decide whether the next one's items count (contact policy), so the outcome
        # must not depend on which folder's pages happen to arrive first. Within a phase,
        # mailboxes run concurrently.
        # A mailbox whose phase fails goes no further this round: its later phases would
        # judge their items without the contacts the failed one brings, skip them and move
        # their delta links past them for good. They run next round, after it.
        others = sorted({st.folder for st in streams} - set(PHASES))
        stopped: set[str] = set()
        for folder in (*PHASES, *others):
            phase = [st for st in streams if st.folder == folder]
            for st in [st for st in phase if st.mailbox in stopped]:
                report.deferred.append(f"{streams[st][0]}/{folder}")
            phase = [st for st in phase if st.mailbox not in stopped]
            if phase:
                stopped |= _consume(session, graph, tenant_id, streams, phase, options,
                                    extract, progress, report)
    return report


def _consume(session: Session, graph: Graph, tenant_id: uuid.UUID,
             streams: dict[Stream, tuple[uuid.UUID, str]], phase: list[Stream],
             options: SyncOptions, extract: Extract | None,
             progress: Callable[[int], None] | None, report: SyncReport) -> set[str]:
    """Runs one phase; gives the mailboxes whose stream in it failed."""
    failed: set[Stream] = set()
    # One page of lookahead: its extraction runs (in a worker process when ``extract`` has
    # ``submit``) while the page before it is written to the record.
    pending: deque[tuple[PagerEvent, Any]] = deque()

    def handle(event: PagerEvent, found: Any) -> None:
        user_id, folder = streams[event.stream]
        where = _Where(tenant_id, user_id, folder, event.stream.mailbox, graph,
                       options.page_writes)
        if event.stream in failed:
            return
        if event.restarted:
            state = _state(session, tenant_id, user_id, folder)
            state.next_link = state.delta_link = None
            _mark_resync(session, where, event.stream)
            session.commit()
            report.restarted.append(f"{user_id}/{folder}")
            return
        if event.error is not None:
            failed.add(event.stream)
            _note_error(session, tenant_id, user_id, folder, event.error.message)
            report.errors.append(f"{user_id}/{folder}: {event.error.message}")
            return
        assert event.page is not None
        handled = _page_with_retry(session, where, event.page, found, report)
        if handled is None:
            failed.add(event.stream)
            report.errors.append(f"{user_id}/{folder}: page not stored")
            return
        report.pages += 1
        report.seen += len(event.page.items)
        if progress is not None:
            progress(handled)

    try:
        for event in graph.pages(str(tenant_id), phase, buffer=options.buffer):
            found = None
            if event.page is not None and event.stream not in failed:
                found = start_page_extraction(session, tenant_id, extract,
                                              streams[event.stream][1], event.page)
            pending.append((event, found))
            if len(pending) > 1:
                handle(*pending.popleft())
        while pending:
            handle(*pending.popleft())
    except GraphError as err:  # the pager itself stopped: every stream of the phase waits
        for st in phase:
            if st not in failed:
                failed.add(st)
                user_id, folder = streams[st]
                _note_error(session, tenant_id, user_id, folder, err.message)
                report.errors.append(f"{user_id}/{folder}: {err.message}")
    return {st.mailbox for st in failed}


PAGE_ATTEMPTS = 4
# PostgreSQL's deadlock_detected and serialization_failure: two workers' pages touched the
# same accounts' and contacts' rows in different orders; one page is rolled back whole and
# can simply be written again.
RETRYABLE_STATES = ("40P01", "40001")


def _retryable(err: SQLAlchemyError) -> bool:
    if isinstance(err, IntegrityError):
        return True
    state = getattr(getattr(err, "orig", None), "sqlstate", None)
    return isinstance(err, OperationalError) and state in RETRYABLE_STATES


def _page_with_retry(session: Session, where: _Where, page: DeltaPage[Any], found: Any,
                     report: SyncReport) -> int | None:
    """Stores a page; after a conflict with another worker (the same message, contact or
    account written meanwhile, or a deadlock) it is written again, a bounded number of times;
    on any other failure, item by item with the failing ones set aside, so one message never
    stops the folder. None: not stored."""
    for attempt in range(PAGE_ATTEMPTS):
        try:
            return _store_page(session, where, page, found, report)
        except SQLAlchemyError as err:
            session.rollback()
            if _retryable(err) and attempt + 1 < PAGE_ATTEMPTS:
                report.retries += 1
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
                continue
            log.warning("sync %s/%s: page failed (%s); item by item", where.user_id,
                        where.folder, type(err).__name__)
        except Exception as err:  # noqa: BLE001 - a poison item: isolate it below
            log.warning("sync %s/%s: page failed (%s); item by item", where.user_id,
                        where.folder, type(err).__name__)
            session.rollback()
        break
    try:
        return _store_page(session, where, page, found, report, isolate=True)
    except (SQLAlchemyError, StorylineError, GraphError, ValueError) as err:
        log.warning("sync %s/%s: page not stored (%s)", where.user_id, where.folder,
                    type(err).__name__)
        _note_error(session, where.tenant_id, where.user_id, where.folder,
                    f"page not stored ({type(err).__name__})")
        return None


def sync_mailbox(db: Database, graph: Graph, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                 **kwargs: Any) -> SyncReport:
    """One delta round for every folder of one mailbox."""
    return sync_mailboxes(db, graph, tenant_id=tenant_id, user_ids=[user_id], **kwargs)
