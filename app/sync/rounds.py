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
from app.graph.pager import CALENDAR, PagerEvent, Stream
from app.graph.service import Graph
from app.graph.types import DeltaPage, MailMessage, Meeting
from app.records.models import SyncState, User
from app.records.record import record_interaction, remove_from_mailbox

from .extraction import Extract, Started, page_findings, start_page_extraction
from .mapping import email_to_interaction, meeting_to_interaction

log = logging.getLogger(__name__)
FOLDERS = ("inbox", "sentitems", CALENDAR)
Page = DeltaPage[MailMessage] | DeltaPage[Meeting]
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


def _store_page(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, folder: str,
                page: Page, found: Started | None, report: SyncReport) -> int:
    """Records one page and moves the folder's resume point past it; returns items handled.
    ``found`` is what :func:`start_page_extraction` started for it."""
    findings = page_findings(found, len(page.items))
    _tenant_write_lock(session, tenant_id)
    stored = 0
    items: tuple[MailMessage | Meeting, ...] = page.items
    for item, result in zip(items, findings, strict=True):
        if isinstance(item, Meeting):  # the calendar folder's items
            record = meeting_to_interaction(item, mailbox_user_id=user_id)
        else:
            record = email_to_interaction(item, mailbox_user_id=user_id, folder=folder,
                                          findings=result)
        if record is None:
            report.skip("not recordable (draft, no id or date)")
            continue
        outcome = record_interaction(session, tenant_id=tenant_id, item=record)
        if outcome.status == "stored":
            stored += 1
        elif outcome.status == "duplicate":
            report.duplicates += 1
        else:
            report.skip(outcome.reason or "skipped")
    for graph_id in page.removed:
        if remove_from_mailbox(session, tenant_id=tenant_id, user_id=user_id, graph_id=graph_id):
            report.removed += 1
    state = _state(session, tenant_id, user_id, folder)
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
    report.stored += stored
    return len(page.items) + len(page.removed)


def _tenant_write_lock(session: Session, tenant_id: uuid.UUID) -> None:
    """On PostgreSQL, one page of a tenant is written at a time (until its commit).

    Pages of one tenant share rows: the accounts', contacts' and relationships' counters and
    new contacts' addresses. Two workers writing them in different orders deadlocked, and
    read-modify-write counters lost increments. Fetching and extraction still run in
    parallel; only the record writes of one tenant take turns (tenants do not wait for each
    other). SQLite has one writer anyway.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(tenant_id.bytes[:8], "big", signed=True)
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


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
        others = sorted({st.folder for st in streams} - set(PHASES))
        for folder in (*PHASES, *others):
            phase = [st for st in streams if st.folder == folder]
            if phase:
                _consume(session, graph, tenant_id, streams, phase, options, extract,
                         progress, report)
    return report


def _consume(session: Session, graph: Graph, tenant_id: uuid.UUID,
             streams: dict[Stream, tuple[uuid.UUID, str]], phase: list[Stream],
             options: SyncOptions, extract: Extract | None,
             progress: Callable[[int], None] | None, report: SyncReport) -> None:
    failed: set[Stream] = set()
    # One page of lookahead: its extraction runs (in a worker process when ``extract`` has
    # ``submit``) while the page before it is written to the record.
    pending: deque[tuple[PagerEvent, Started | None]] = deque()

    def handle(event: PagerEvent, found: Started | None) -> None:
        user_id, folder = streams[event.stream]
        if event.stream in failed:
            return
        if event.restarted:
            state = _state(session, tenant_id, user_id, folder)
            state.next_link = state.delta_link = None
            session.commit()
            report.restarted.append(f"{user_id}/{folder}")
            return
        if event.error is not None:
            _note_error(session, tenant_id, user_id, folder, event.error.message)
            report.errors.append(f"{user_id}/{folder}: {event.error.message}")
            return
        assert event.page is not None
        handled = _page_with_retry(session, tenant_id, user_id, folder, event.page,
                                   found, report)
        if handled is None:
            failed.add(event.stream)
            report.errors.append(f"{user_id}/{folder}: page not stored")
            return
        report.pages += 1
        report.seen += len(event.page.items)
        if progress is not None:
            progress(handled)

    for event in graph.pages(str(tenant_id), phase, buffer=options.buffer):
        found: Started | None = None
        if event.page is not None and event.stream not in failed:
            found = start_page_extraction(session, tenant_id, extract,
                                          streams[event.stream][1], event.page)
        pending.append((event, found))
        if len(pending) > 1:
            handle(*pending.popleft())
    while pending:
        handle(*pending.popleft())

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


def _page_with_retry(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, folder: str,
                     page: Page, found: Started | None, report: SyncReport) -> int | None:
    # A retry covers another worker storing the same message (seen in two mailboxes), or the
    # same contact or account, between our lookup and our insert (on the retry it is known),
    # and a deadlock with another worker's page. Bounded; then the folder waits for its next
    # round, resuming at this page.
    for attempt in range(PAGE_ATTEMPTS):
        try:
            return _store_page(session, tenant_id, user_id, folder, page, found, report)
        except (SQLAlchemyError, StorylineError, ValueError) as err:
            session.rollback()
            if isinstance(err, SQLAlchemyError) and _retryable(err) \
                    and attempt + 1 < PAGE_ATTEMPTS:
                report.retries += 1
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
                continue
            state = getattr(getattr(err, "orig", None), "sqlstate", None)
            log.warning("sync %s/%s: page not stored (%s %s, attempt %d)", user_id, folder,
                        type(err).__name__, state or "", attempt + 1)
            _note_error(session, tenant_id, user_id, folder,
                        f"page not stored ({type(err).__name__}); will retry")
            return None
    return None


def sync_mailbox(db: Database, graph: Graph, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                 **kwargs: Any) -> SyncReport:
    """One delta round for every folder of one mailbox."""
    return sync_mailboxes(db, graph, tenant_id=tenant_id, user_ids=[user_id], **kwargs)
